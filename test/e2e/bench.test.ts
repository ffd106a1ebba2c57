import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePort, startBroker, waitFor, type Broker } from './helpers/broker.js';
import { runMq, spawnMq, waitForOutput } from './helpers/run.js';

interface Summary { count: number; min: number | null; mean: number | null; p50: number | null; p90: number | null; p99: number | null; p999: number | null; max: number | null }
interface Report {
  tool: string;
  mode: string;
  interrupted: boolean;
  drainTimedOut: boolean;
  mq: { version: string };
  node: string;
  os: { platform: string; release: string; arch: string };
  cpu: { model: string; cores: number };
  brokers: string[];
  config: Record<string, unknown>;
  window: { warmupSeconds: number; seconds: number };
  counters: Record<string, any>;
  throughput: Record<string, number | string | null>;
  latency: { unit: string; endToEnd: Summary; publishToAck: Summary; connect: Summary };
}

function ordered(s: Summary): void {
  assert.ok(s.count > 0, 'no samples');
  for (const key of ['min', 'mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const) assert.equal(typeof s[key], 'number', key);
  assert.ok(s.min! <= s.p50! && s.p50! <= s.p90! && s.p90! <= s.p99! && s.p99! <= s.p999! && s.p999! <= s.max!, JSON.stringify(s));
}

describe('mq bench against a real broker', () => {
  let broker: Broker;
  // set_tcp_nodelay is mosquitto's: mq broker warns that it ignores it.
  before(async () => { broker = await startBroker({ extraConfig: 'set_tcp_nodelay true' }); });
  after(async () => { await broker?.stop(); });

  const counts = (r: Report) => {
    const c = r.counters;
    return { sent: c.sent, acked: c.acked, received: c.received, unique: c.unique, lost: c.lost, duplicates: c.duplicates, outOfOrder: c.outOfOrder, publishFailed: c.publishFailed };
  };

  let oneWorker: Report;
  test('QoS 1: sent = acked = received, exactly; the JSON report has the documented fields', async () => {
    // The port comes from MQ_PORT: bench resolves its settings through the shared layers.
    const r = await runMq(['bench', '-h', '127.0.0.1', '-q', '1', '-c', '4', '--count', '2000', '--rate', '4000', '--workers', '1', '--json'], { env: { MQ_PORT: String(broker.port) }, timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    oneWorker = report;
    assert.deepEqual(counts(report), { sent: 2000, acked: 2000, received: 2000, unique: 2000, lost: 0, duplicates: 0, outOfOrder: 0, publishFailed: 0 });
    assert.equal(report.tool, 'mq bench');
    assert.equal(report.mode, 'pubsub');
    assert.equal(report.interrupted, false);
    assert.match(report.mq.version, /^\d+\.\d+\.\d+/);
    assert.equal(report.node, process.version);
    assert.equal(report.os.platform, process.platform);
    assert.ok(report.cpu.cores >= 1 && report.cpu.model.length > 0);
    assert.deepEqual(report.brokers, [`mqtt://127.0.0.1:${broker.port}`]);
    assert.deepEqual(
      { ...report.config, idPrefix: undefined },
      {
        publishers: 4, subscribers: 1, connections: 0, rate: 4000, intervalMs: 1, size: 64, qos: 1, retain: false,
        topic: 'mq/bench/%i', filter: 'mq/bench/+', warmupSeconds: 0, durationSeconds: null, count: 2000, connectRate: null,
        inflight: 20, idPrefix: undefined, idOffset: 0, workers: 1, drainSeconds: 5, protocolVersion: 4, keepalive: 60, overrunThresholdMs: 10,
      },
    );
    assert.deepEqual(report.counters.connects, { attempted: 5, ok: 5, failed: 0, failedByReason: {} });
    assert.deepEqual(report.counters.subscriptions, { ok: 1, failed: 0, failedByReason: {} });
    assert.equal(report.counters.windowSent, 2000);
    assert.equal(report.window.seconds, 0.5);
    assert.equal(report.throughput.unit, 'messages/s');
    assert.equal(report.throughput.intended, 4000);
    for (const key of ['sent', 'acked', 'received'] as const) assert.ok((report.throughput[key] as number) > 0, key);
    assert.equal(report.latency.unit, 'ms');
    assert.equal(report.latency.endToEnd.count, 2000);
    assert.equal(report.latency.publishToAck.count, 2000);
    assert.equal(report.latency.connect.count, 5);
    ordered(report.latency.endToEnd);
    ordered(report.latency.publishToAck);
    ordered(report.latency.connect);
    // Humans get the summary on stderr; stdout holds only the JSON.
    assert.match(r.stderr, /^Messages {6}sent 2,000, acked 2,000, received 2,000, lost 0, duplicates 0, out of order 0, overruns \d/m);
    assert.match(r.stderr, /^end-to-end +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +2,000$/m);
    assert.match(r.stderr, /^publish->ack +.* 2,000$/m);
  });

  test('--workers 2 gives the same counts as --workers 1', async () => {
    const r = await runMq(['bench', '-h', '127.0.0.1', '-p', String(broker.port), '-q', '1', '-c', '4', '--count', '2000', '--rate', '4000', '--workers', '2', '--json'], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.config.workers, 2);
    assert.deepEqual(counts(report), counts(oneWorker));
    assert.equal(report.latency.endToEnd.count, 2000);
  });

  test('a subscriber that joins late reports the gap; Ctrl-C prints the summary of what ran', async () => {
    const pub = spawnMq(['bench', 'pub', '-h', '127.0.0.1', '-p', String(broker.port), '-c', '1', '-q', '1', '--rate', '200', '--count', '1000', '-t', 'late/%i', '--json'], { timeoutMs: 30_000 });
    // Join about a second after the publisher started sending.
    await waitForOutput(pub, /sent \d+\/s/, 10_000);
    const sub = spawnMq(['bench', 'sub', '-h', '127.0.0.1', '-p', String(broker.port), '-c', '1', '-q', '1', '-t', 'late/#', '--duration', '0', '--json'], { timeoutMs: 30_000 });
    const published = await pub.done;
    assert.equal(published.code, 0, published.stderr);
    const pubReport = JSON.parse(published.stdout) as Report;
    assert.equal(pubReport.counters.sent, 1000);
    assert.equal(pubReport.counters.acked, 1000);
    // Every message the subscriber got was before the publisher's exit (QoS 1, acked).
    await waitFor(() => /received/.test(sub.stderr()), 5000, () => sub.stderr());
    await new Promise((r) => setTimeout(r, 500));
    sub.child.kill('SIGINT');
    const subscribed = await sub.done;
    assert.equal(subscribed.code, 0, subscribed.stderr); // --duration 0 ends only with Ctrl-C
    const subReport = JSON.parse(subscribed.stdout) as Report;
    assert.equal(subReport.mode, 'sub');
    assert.equal(subReport.interrupted, true);
    const c = subReport.counters;
    assert.ok(c.lost > 0, `no gap reported: ${JSON.stringify(c)}`);
    assert.ok(c.unique > 0);
    // The gap and what arrived add up to everything the publisher sent.
    assert.equal(c.lost + c.unique, 1000);
    assert.equal(c.duplicates, 0);
    assert.equal(c.outOfOrder, 0);
    assert.match(subscribed.stderr, new RegExp(`received ${c.received.toLocaleString('en-US')}, lost ${c.lost.toLocaleString('en-US')}, duplicates 0`));
    assert.match(subscribed.stderr, /interrupted/);
  });

  test('Ctrl-C in a run with a duration: the summary of what ran, interrupted in the report, exit 130', async () => {
    const run = spawnMq(['bench', '-h', '127.0.0.1', '-p', String(broker.port), '-c', '2', '-q', '1', '--rate', '200', '--duration', '60', '--json'], { timeoutMs: 30_000 });
    await waitForOutput(run, /received \d+\/s/, 10_000);
    run.child.kill('SIGINT');
    const r = await run.done;
    assert.equal(r.code, 130, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.interrupted, true);
    assert.ok(report.counters.sent > 0);
    // Acks in flight got their second: nothing sent is left unaccounted for.
    assert.equal(report.counters.acked + report.counters.publishFailed, report.counters.sent);
    assert.ok(report.counters.unique > 0 && report.counters.unique <= report.counters.sent);
    assert.ok(report.window.seconds > 0 && report.window.seconds < 60, String(report.window.seconds));
    assert.match(r.stderr, /^window [\d.]+ s after 0 s warm-up; interrupted$/m);
    assert.match(r.stderr, new RegExp(`^Messages {6}sent ${report.counters.sent.toLocaleString('en-US')}, `, 'm'));
  });

  test('mq bench conn: every connection and its CONNECT->CONNACK latency', async () => {
    const r = await runMq(['bench', 'conn', '-L', `mqtt://127.0.0.1:${broker.port}`, '-L', `mqtt://localhost:${broker.port}`, '-c', '20', '--duration', '0.5', '--connect-rate', '200', '--json'], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.brokers, [`mqtt://127.0.0.1:${broker.port}`, `mqtt://localhost:${broker.port}`]);
    assert.deepEqual(report.counters.connects, { attempted: 20, ok: 20, failed: 0, failedByReason: {} });
    assert.equal(report.counters.disconnects, 0);
    assert.equal(report.latency.connect.count, 20);
    ordered(report.latency.connect);
    // 20 connections at 200/s take at least 95 ms.
    assert.ok(report.counters.connectSeconds >= 0.09, String(report.counters.connectSeconds));
    assert.match(r.stderr, /^Connections {3}20\/20 ok/m);
  });

  test('QoS 0 pub only: no acks counted, a live line on stderr each second', async () => {
    const r = await runMq(['bench', 'pub', '-h', '127.0.0.1', '-p', String(broker.port), '-c', '2', '--rate', '500', '--duration', '1.5', '-s', '100', '--json'], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.counters.sent, 750);
    assert.equal(report.counters.acked, null);
    assert.equal(report.latency.publishToAck.count, 0);
    assert.match(r.stderr, /^1 s {2}sent [\d,]+\/s {2}overruns \d+ {2}online 2\/2$/m);
  });
});

describe('mq bench with clients the broker refuses', () => {
  let broker: Broker;
  before(async () => { broker = await startBroker({ extraConfig: 'max_connections 3' }); });
  after(async () => { await broker?.stop(); });

  test('refused clients are counted by reason; the run goes on with the others', async () => {
    const r = await runMq(['bench', 'pub', '-h', '127.0.0.1', '-p', String(broker.port), '-c', '5', '--workers', '1', '--connect-rate', '50', '-q', '1', '--count', '100', '--rate', '500', '--json'], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    const connects = report.counters.connects;
    // mosquitto 2.0.11 lets max_connections + 1 in; whatever the broker's count, the refused are counted.
    assert.equal(connects.attempted, 5);
    assert.ok(connects.failed >= 1 && connects.ok >= 1, JSON.stringify(connects));
    assert.equal(connects.ok + connects.failed, 5);
    assert.equal(Object.values(connects.failedByReason as Record<string, number>).reduce((a, b) => a + b, 0), connects.failed);
    // 100 messages over 5 publishers: each connected one sends its 20, all acked.
    assert.equal(report.counters.sent, 20 * connects.ok);
    assert.equal(report.counters.acked, 20 * connects.ok);
    assert.equal(report.drainTimedOut, false);
    // One "N × reason" per reason of failedByReason, most frequent first: the refusals need not look
    // alike (mq broker closes the socket at accept: a client whose CONNECT had already arrived sees a
    // reset, another a close before CONNACK).
    const reasons = Object.entries(connects.failedByReason as Record<string, number>)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n]) => `${n} × ${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).join('; ');
    assert.match(r.stderr, new RegExp(`^Warning: ${connects.failed} of 5 clients could not connect: ${reasons}\\. The run goes on with the others\\.$`, 'm'));
    assert.match(r.stderr, new RegExp(`^Connections {3}${connects.ok}/5 ok in [\\d.]+ s, ${connects.failed} failed \\(${reasons}\\), 0 dropped, 0 reconnects$`, 'm'));
  });
});

describe('mq bench refuses what cannot work, in one line', () => {
  const cases: [string[], RegExp][] = [
    [['bench', '--rate', '0'], /^Error: --rate 0 is impossible: give messages per second over all publishers, e\.g\. --rate 5000\.\n$/],
    [['bench', 'pub', '-s', '10'], /^Error: -s 10 is smaller than the 32-byte header every bench message carries \(publisher, sequence number, send time\); use -s 32 or more\.\n$/],
    [['bench', '--rate', '10', '-I', '5'], /^Error: Give --rate .* or -I .*, not both\.\n$/],
    [['bench', 'sub', '--rate', '10'], /^Error: Unknown option: --rate\..*\n$/],
    [['bench', 'pub', '-t', 'a/+/%i'], /^Error: Invalid publish topic 'a\/\+\/%i' \(-t\): .*\n$/],
    [['bench', 'pub', '-i', 'x'], /^Error: Unknown option: -i\..*\n$/],
    [['bench', 'nonsense'], /^Error: Unknown argument: nonsense.*\n$/],
  ];
  for (const [args, stderr] of cases) {
    test(args.join(' '), async () => {
      const r = await runMq(args);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, stderr);
    });
  }

  test('no broker: exit 1 naming the refusal, after trying every client', async () => {
    const port = await freePort();
    const r = await runMq(['bench', 'pub', '-h', '127.0.0.1', '-p', String(port), '-c', '3', '--duration', '1']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^Error: No bench client could connect \\(3 tried\\): Connection refused by 127\\.0\\.0\\.1:${port}\\.`, 'm'));
    assert.equal(r.stdout, '');
  });
});
