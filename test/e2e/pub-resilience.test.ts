import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { needsMosquittoBroker, startBroker, waitFor, type Broker } from './helpers/broker.ts';
import { spawnMq, type Running } from './helpers/run.ts';

/**
 * `pub -l` when things go wrong: the broker restarts mid-stream (no QoS 1 line lost), QoS 0 lines
 * read while disconnected are counted, and memory stays flat however much flows through the pipe.
 */

let broker: Broker;
const clients: MqttClient[] = [];
const running: Running[] = [];

before(async () => {
  // Persistence is written when the broker stops cleanly (restart() sends SIGTERM); saving on every
  // change as well would slow the broker to a few hundred messages a second. (mq broker keeps
  // sessions in memory only: the test that needs them across a restart is skipped there.)
  broker = await startBroker({
    persistence: true,
    logTypes: ['error', 'warning', 'notice', 'information'],
    extraConfig: 'autosave_on_changes false\nautosave_interval 1800',
  });
});
after(async () => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  for (const c of clients) c.end(true);
  await broker.stop();
});

const target = () => ['-h', '127.0.0.1', '-p', String(broker.port)];

/** Write to the child's stdin, waiting whenever the pipe is full (as a real producer would be). */
async function write(r: Running, data: string | Buffer): Promise<void> {
  if (!r.child.stdin!.write(data)) await once(r.child.stdin!, 'drain');
}

test('the broker restarts (persistence on) in the middle of a QoS 1 -l stream: every line arrives', {
  timeout: 90_000,
  skip: needsMosquittoBroker('a session and its queued messages kept across a broker restart (persistence)'),
}, async () => {
  const topic = `resilience/${process.pid}/restart`;
  const total = 20_000;
  // A subscriber whose session (and queued messages) survives the restart.
  const subscriber = await mqtt.connectAsync({
    host: '127.0.0.1', port: broker.port, clientId: `restart-sub-${process.pid}`, clean: false, reconnectPeriod: 200,
  });
  clients.push(subscriber);
  const received = new Set<string>();
  subscriber.on('message', (_topic, payload) => { received.add(payload.toString()); });
  await subscriber.subscribeAsync(topic, { qos: 1 });

  const pub = spawnMq(['pub', ...target(), '-t', topic, '-l', '-q', '1'], { timeoutMs: 80_000 });
  running.push(pub);
  await write(pub, 'line 1\n');
  await waitFor(() => received.has('line 1'), 10_000, () => 'the first line did not arrive');
  // About 12 500 lines a second: the pipe fills whenever pub is slower, as it would in real use.
  let restarted: Promise<void> | undefined;
  for (let i = 2; i <= total; i += 250) {
    const batch = Array.from({ length: Math.min(250, total - i + 1) }, (_, j) => `line ${i + j}`).join('\n') + '\n';
    await write(pub, batch);
    // Restart while lines are still flowing in both directions.
    if (!restarted && received.size >= 5_000) restarted = broker.restart();
    await new Promise((r) => setTimeout(r, 20));
  }
  pub.child.stdin!.end();
  assert.ok(restarted, `the broker was never restarted (only ${received.size} lines arrived while writing)`);
  await restarted;
  const result = await pub.done;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, new RegExp(`^Connection to 127\\.0\\.0\\.1:${broker.port} lost; reconnecting in 1 s\\.\\.\\.$`, 'm'));
  assert.match(result.stderr, /^Reconnected to 127\.0\.0\.1:\d+\.$/m);
  await waitFor(() => received.size >= total, 30_000, () => `${received.size} of ${total} distinct lines arrived`);
  const missing = Array.from({ length: total }, (_, i) => `line ${i + 1}`).filter((line) => !received.has(line));
  assert.deepEqual(missing, []);
});

test('QoS 0 lines read while disconnected are counted on stderr; lines after the reconnect are published', { timeout: 60_000 }, async () => {
  const topic = `resilience/${process.pid}/qos0`;
  const subscriber = await mqtt.connectAsync({ host: '127.0.0.1', port: broker.port, reconnectPeriod: 200 });
  clients.push(subscriber);
  const received: string[] = [];
  subscriber.on('message', (_topic, payload) => { received.push(payload.toString()); });
  await subscriber.subscribeAsync(topic, { qos: 0 });

  const pub = spawnMq(['pub', ...target(), '-t', topic, '-l'], { timeoutMs: 50_000 });
  running.push(pub);
  await write(pub, 'before\n');
  await waitFor(() => received.includes('before'), 10_000, () => 'the first line did not arrive');

  await broker.stop();
  await waitFor(() => pub.stderr().includes('lost; reconnecting'), 10_000, () => `no loss reported: ${pub.stderr()}`);
  await write(pub, 'gone 1\ngone 2\ngone 3\ngone 4\ngone 5\ngone 6\ngone 7\n');
  await new Promise((r) => setTimeout(r, 300));
  await broker.restart();
  await waitFor(() => pub.stderr().includes('Reconnected'), 20_000, () => `no reconnect: ${pub.stderr()}`);
  await waitFor(() => subscriber.connected, 10_000, () => 'the subscriber did not reconnect');
  await subscriber.subscribeAsync(topic, { qos: 0 });
  await write(pub, 'after\n');
  await waitFor(() => received.includes('after'), 10_000, () => `the line after the reconnect did not arrive: ${received.join(',')}`);
  pub.child.stdin!.end();
  const result = await pub.done;
  assert.equal(result.code, 0, result.stderr);
  // A broker slower to start again than pub's first retry (mq broker is a Node process) means one more
  // attempt, announced with the doubled wait.
  const address = `127\\.0\\.0\\.1:${broker.port}`;
  assert.match(result.stderr, new RegExp([
    `^Connection to ${address} lost; reconnecting in 1 s\\.\\.\\.`,
    `(?:Connection to ${address} lost; reconnecting in 2 s\\.\\.\\.\n)?Reconnected to ${address}\\.`,
    'Warning: 7 QoS 0 message\\(s\\) read while disconnected were not sent\\.',
    '$',
  ].join('\n')));
  assert.deepEqual(received, ['before', 'after']);
});

/** The highest resident set size (VmHWM) of a running process, in MB, polled until it exits. */
function watchPeakRss(pid: number): () => number {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) peak = Math.max(peak, Number(match[1]) / 1024);
    } catch {
      // exited
    }
  }, 25);
  return () => { clearInterval(timer); return peak; };
}

/** Pipe `megabytes` of 64 KiB lines through `mq pub -l` and return its peak RSS in MB. */
async function peakRssFor(megabytes: number, qos: string): Promise<number> {
  const pub = spawnMq(['pub', ...target(), '-t', `resilience/${process.pid}/rss`, '-l', '-q', qos], { timeoutMs: 60_000 });
  running.push(pub);
  const stopWatching = watchPeakRss(pub.child.pid!);
  const line = Buffer.alloc(64 * 1024, 'x');
  line[line.length - 1] = 0x0a;
  for (let i = 0; i < megabytes * 16; i++) await write(pub, line);
  pub.child.stdin!.end();
  const result = await pub.done;
  const peak = stopWatching();
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  return peak;
}

test('memory stays flat: peak RSS with 2 GiB through the pipe is under 150 MB and close to that of 16 MiB', { timeout: 90_000 }, async (t) => {
  const small = await peakRssFor(16, '1');
  const large = await peakRssFor(2048, '1');
  const qos0 = await peakRssFor(512, '0');
  t.diagnostic(`peak RSS: ${small.toFixed(1)} MB for 16 MiB, ${large.toFixed(1)} MB for 2 GiB at QoS 1, ${qos0.toFixed(1)} MB for 512 MiB at QoS 0`);
  assert.ok(large < 150, `peak RSS ${large.toFixed(1)} MB for 2 GiB`);
  assert.ok(large - small < 50, `peak RSS grew from ${small.toFixed(1)} MB (16 MiB) to ${large.toFixed(1)} MB (2 GiB)`);
  assert.ok(qos0 < 150, `peak RSS ${qos0.toFixed(1)} MB for 512 MiB at QoS 0`);
});
