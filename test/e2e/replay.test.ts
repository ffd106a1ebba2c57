import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import cbor from 'cbor';
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { BROKER_KIND, freePort, needsMosquittoBroker, needsMosquittoClients, startBroker, startMosquitto, waitFor, type Broker } from './helpers/broker.ts';
import { MQ, ROOT, runMq, spawnMq, tempDir, testEnv, waitForOutput, type Running } from './helpers/run.ts';

/**
 * Record and replay (issue 16): `mq sub --json` / `--record` captures, `mq pub --replay` plays it
 * back through a real broker with its timing, bytes, flags and properties.
 */

let broker: Broker;
let dir: string;
const clients: MqttClient[] = [];
const children: ChildProcess[] = [];
const running: Running[] = [];

before(async () => {
  broker = await startBroker();
  dir = tempDir('mq-replay-');
});
after(async () => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const c of clients) c.end(true);
  await broker.stop();
});

const hostArgs = () => ['-h', '127.0.0.1', '-p', String(broker.port)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Captured { topic: string; payload: Buffer; packet: IPublishPacket }

/** A v5 subscriber (retain as published, QoS 2) that keeps what arrives. */
async function capture(filter: string): Promise<Captured[]> {
  const client = await mqtt.connectAsync({ host: '127.0.0.1', port: broker.port, protocolVersion: 5, reconnectPeriod: 0 });
  clients.push(client);
  const got: Captured[] = [];
  client.on('message', (topic, payload, packet) => got.push({ topic, payload, packet }));
  await client.subscribeAsync(filter, { qos: 2, rap: true });
  return got;
}

/** Start `mq sub ARGS -d` and wait for its SUBACK. */
async function recorder(args: string[]): Promise<Running> {
  const rec = spawnMq(['sub', ...hostArgs(), ...args, '-d'], { timeoutMs: 60_000 });
  running.push(rec);
  await waitForOutput(rec, 'Subscribed (mid');
  return rec;
}

/** Stop a recorder once it holds `lines` lines; returns the recording. */
async function stopRecorder(rec: Running, lines: number): Promise<string> {
  const count = () => rec.stdout().toString('utf8').split('\n').filter(Boolean).length;
  await waitFor(() => count() >= lines, 10_000, () => `the recording holds ${count()} of ${lines} lines: ${rec.stdout().toString()}`);
  rec.child.kill('SIGINT');
  const result = await rec.done;
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

/** A recording written by hand: one line per message, `gap` ms apart. */
function recording(messages: { topic: string; payload?: string; qos?: number; retain?: boolean; at?: number }[], gap = 1): string {
  const t0 = Date.parse('2026-12-01T10:00:00.000Z');
  return messages.map((m, i) => JSON.stringify({
    topic: m.topic, payload: m.payload ?? `p${i + 1}`, qos: m.qos ?? 1, retain: m.retain ?? false, dup: false, mid: 0,
    received: new Date(t0 + (m.at ?? i * gap)).toISOString(),
  })).join('\n') + '\n';
}

function file(name: string, text: string): string {
  const full = path.join(dir, name);
  writeFileSync(full, text);
  return full;
}

describe('timing', () => {
  /** Gaps (ms) between the messages the test sends to be recorded. */
  const GAPS = [0, 50, 200, 0, 100];
  /**
   * How far a replayed gap may be from the recorded one: the schedule itself is exact to about a
   * millisecond; the rest is delivery through the broker to a second subscriber on a busy machine.
   */
  const TOLERANCE_MS = 35;

  /** Times (ms) of the lines of a `%U %t %x` capture. */
  async function captureTimes(count: number, run: () => Promise<void>): Promise<number[]> {
    const useMosquitto = !needsMosquittoClients;
    const sub = spawn(useMosquitto ? 'mosquitto_sub' : process.execPath, [
      ...(useMosquitto ? [] : [MQ, 'sub']), ...hostArgs(), '-t', 'gap/#', '-F', '%U %t %x',
    ], { env: testEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(sub);
    let out = '';
    let err = '';
    sub.stdout!.setEncoding('utf8').on('data', (c: string) => { out += c; });
    sub.stderr!.setEncoding('utf8').on('data', (c: string) => { err += c; });
    // Subscribed once a probe comes through (mosquitto_sub's -d lines wait in its stdout buffer).
    const probe = await mqtt.connectAsync({ host: '127.0.0.1', port: broker.port, reconnectPeriod: 0 });
    clients.push(probe);
    const deadline = Date.now() + 10_000;
    while (!out.includes(' gap/probe ')) {
      if (Date.now() > deadline) throw new Error(`the capture never subscribed: ${err}`);
      probe.publish('gap/probe', 'x');
      await sleep(50);
    }
    const lines = () => out.split('\n').filter((l) => /^\d+\.\d{9} gap\/m /.test(l));
    await run();
    await waitFor(() => lines().length >= count, 15_000, () => `captured ${lines().length} of ${count}: ${out}`);
    sub.kill('SIGINT');
    return lines().map((l) => Number(l.split(' ')[0]) * 1000);
  }

  const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

  test('a recording made with mq sub --json replays with its gaps; --speed 2 halves them', { timeout: 90_000 }, async () => {
    const rec = await recorder(['-t', 'gap/#', '--json']);
    // The messages are sent by mosquitto_pub -l (mq pub -l without it), one line per message, with known gaps.
    const useMosquitto = !needsMosquittoClients;
    const pub = spawn(useMosquitto ? 'mosquitto_pub' : process.execPath, [...(useMosquitto ? [] : [MQ, 'pub']), ...hostArgs(), '-t', 'gap/m', '-l'],
      { env: testEnv(), stdio: ['pipe', 'ignore', 'inherit'] });
    children.push(pub);
    // A first line, once it is through, says the publisher is connected: the gaps start after it.
    pub.stdin!.write('warm-up\n');
    await waitFor(() => rec.stdout().includes('warm-up'), 10_000, () => 'the warm-up line was not recorded');
    pub.stdin!.write('m0\n');
    for (const [i, gap] of GAPS.entries()) {
      await sleep(gap);
      pub.stdin!.write(`m${i + 1}\n`);
    }
    pub.stdin!.end();
    await new Promise((r) => pub.on('close', r));
    const text = (await stopRecorder(rec, GAPS.length + 2)).split('\n').filter((l) => !l.includes('warm-up')).join('\n');
    const recorded = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { received: string; payload: string });
    assert.deepEqual(recorded.map((r) => r.payload), ['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    const recordedGaps = gaps(recorded.map((r) => Date.parse(r.received)));
    // The recording itself kept the gaps the test made (the 200 ms one is the one that matters).
    assert.ok(recordedGaps[2]! >= 190, `recorded gaps ${recordedGaps.join(', ')}`);

    for (const speed of [1, 2]) {
      const times = await captureTimes(recorded.length, async () => {
        const result = await runMq(['pub', ...hostArgs(), '--replay', '-', '--speed', String(speed)], { input: text });
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stderr, /^Replayed 6 message\(s\) in [\d.]+ s; lateness mean [\d.]+ ms, median [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms\.\n$/);
      });
      const replayed = gaps(times);
      for (const [i, gap] of recordedGaps.entries()) {
        const want = gap / speed;
        assert.ok(Math.abs(replayed[i]! - want) <= TOLERANCE_MS,
          `--speed ${speed}: gap ${i + 1} is ${replayed[i]!.toFixed(1)} ms, want ${want.toFixed(1)} ± ${TOLERANCE_MS} (recorded ${recordedGaps.join(', ')}; replayed ${replayed.map((g) => g.toFixed(1)).join(', ')})`);
      }
    }
  });
});

describe('round trip through mq sub --record', () => {
  test('binary payloads, QoS 0/1/2, retained messages and v5 properties come back byte for byte, flag for flag', { timeout: 60_000 }, async () => {
    const publisher = await mqtt.connectAsync({ host: '127.0.0.1', port: broker.port, protocolVersion: 5, reconnectPeriod: 0 });
    clients.push(publisher);
    // Retained before the recording starts, with an expiry: recorded with what remained of it.
    await publisher.publishAsync('rt/old', 'retained earlier', { qos: 1, retain: true, properties: { messageExpiryInterval: 300 } });
    await sleep(1100);
    const rec = await recorder(['--record', '-t', 'rt/#']);
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const sent: { topic: string; payload: Buffer; qos: 0 | 1 | 2; retain: boolean; properties?: Record<string, unknown> }[] = [
      { topic: 'rt/bin', payload: all, qos: 1, retain: false },
      { topic: 'rt/q0', payload: Buffer.from('zero'), qos: 0, retain: false },
      { topic: 'rt/q2', payload: Buffer.from('two'), qos: 2, retain: false },
      { topic: 'rt/ret', payload: Buffer.from('kept'), qos: 1, retain: true },
      { topic: 'rt/empty', payload: Buffer.alloc(0), qos: 1, retain: false },
      {
        topic: 'rt/props', payload: Buffer.from('{"t":1}'), qos: 2, retain: false, properties: {
          userProperties: { a: '1', b: ['x', 'y'] }, contentType: 'application/json', correlationData: Buffer.from([0, 1, 2, 255]),
          responseTopic: 'reply/here', payloadFormatIndicator: true, messageExpiryInterval: 600,
        },
      },
    ];
    for (const m of sent) await publisher.publishAsync(m.topic, m.payload, { qos: m.qos, retain: m.retain, ...(m.properties ? { properties: m.properties } : {}) });
    const text = await stopRecorder(rec, sent.length + 1);
    const lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { topic: string; retain: boolean; properties?: { messageExpiryInterval?: number } });
    const old = lines.find((l) => l.topic === 'rt/old')!;
    assert.equal(old.retain, true, 'a retained message sent on subscribe is recorded as retained');
    if (BROKER_KIND === 'mosquitto') {
      const remaining = old.properties?.messageExpiryInterval ?? 0;
      assert.ok(remaining < 300 && remaining > 250, `the expiry that remained is recorded: ${remaining}`);
    }

    const got = await capture('back/#');
    // No -V 5: the recorded properties switch the replay to MQTT v5 by themselves.
    const result = await runMq(['pub', ...hostArgs(), '--replay', file('rt.ndjson', text), '--rewrite', 'rt/#=back/#', '--quiet']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    await waitFor(() => got.length >= sent.length + 1, 10_000, () => `${got.length} of ${sent.length + 1} replayed messages arrived: ${got.map((g) => g.topic).join(", ")}; ${result.stderr}`);
    // By topic: the broker may pass a QoS 2 message on after the QoS 1 ones behind it (at PUBREL).
    const byTopic = new Map(got.map((g) => [g.topic, g]));
    assert.deepEqual([...byTopic.keys()].sort(), ['back/old', ...sent.map((m) => m.topic.replace('rt/', 'back/'))].sort());
    const oldBack = byTopic.get('back/old')!;
    assert.equal(oldBack.packet.retain, true);
    assert.ok((oldBack.packet.properties?.messageExpiryInterval ?? 0) <= 300);
    for (const m of sent) {
      const g = byTopic.get(m.topic.replace('rt/', 'back/'))!;
      assert.ok(g.payload.equals(m.payload), `${m.topic}: payload bytes`);
      assert.equal(g.packet.qos, m.qos, `${m.topic}: QoS`);
      assert.equal(g.packet.retain, m.retain, `${m.topic}: retain`);
      if (!m.properties) {
        assert.equal(g.packet.properties?.userProperties, undefined);
        continue;
      }
      const p = g.packet.properties!;
      assert.deepEqual({ ...p.userProperties }, m.properties.userProperties);
      assert.equal(p.contentType, m.properties.contentType);
      assert.deepEqual(Buffer.from(p.correlationData!), m.properties.correlationData);
      assert.equal(p.responseTopic, m.properties.responseTopic);
      assert.equal(p.payloadFormatIndicator, true);
      assert.ok(p.messageExpiryInterval! <= 600 && p.messageExpiryInterval! > 590, `expiry ${p.messageExpiryInterval}`);
    }
  });
});

describe('with payload codecs', () => {
  test('recorded with --decode cbor, replayed with --encode cbor: the payloads come back byte for byte', { timeout: 60_000 }, async () => {
    const publisher = await mqtt.connectAsync({ host: '127.0.0.1', port: broker.port, reconnectPeriod: 0 });
    clients.push(publisher);
    const rec = await recorder(['--record', '-t', 'cb/#', '--decode', 'cbor']);
    // CBOR made by the reference library (cbor), not by mq's encoder.
    const sent = [
      { topic: 'cb/reading', payload: cbor.encode({ t: 21.5, ok: true, tags: ['a', 'b'] }) },
      { topic: 'cb/list', payload: cbor.encode([1, -2, 'three', null]) },
    ];
    for (const m of sent) await publisher.publishAsync(m.topic, m.payload, { qos: 1 });
    const text = await stopRecorder(rec, sent.length);
    // The recording holds the payloads as JSON values.
    assert.deepEqual(text.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { payload: unknown }).payload), [{ t: 21.5, ok: true, tags: ['a', 'b'] }, [1, -2, 'three', null]]);
    const got = await capture('cbback/#');
    const result = await runMq(['pub', ...hostArgs(), '--replay', file('cbor.ndjson', text), '--rewrite', 'cb/#=cbback/#', '--encode', 'cbor', '--quiet']);
    assert.deepEqual([result.code, result.stderr], [0, '']);
    await waitFor(() => got.length >= sent.length, 10_000, () => `${got.length} of ${sent.length} arrived`);
    assert.deepEqual(got.map((g) => [g.topic, g.payload.toString('hex')]), sent.map((m) => [m.topic.replace('cb/', 'cbback/'), m.payload.toString('hex')]));
  });

  test('--encode with a recorded payload that does not fit: its line and why, exit 1, the lines before it sent', { timeout: 30_000 }, async () => {
    const proto = path.join(ROOT, 'test', 'fixtures', 'codecs', 'fleet.proto');
    const t0 = Date.parse('2026-12-01T10:00:00.000Z');
    const text = [{ id: 7 }, { id: 'seven' }].map((payload, i) =>
      JSON.stringify({ topic: 'enc/ack', payload, qos: 1, retain: false, received: new Date(t0 + i).toISOString() })).join('\n') + '\n';
    const got = await capture('enc/#');
    const result = await runMq(['pub', ...hostArgs(), '--replay', file('enc.ndjson', text), '--encode', `protobuf:${proto}:fleet.Ack`, '--quiet']);
    assert.deepEqual([result.code, result.stderr], [1, 'Error: Stopped at line 2: the payload does not fit protobuf:' + proto + ':fleet.Ack: field "id" must be a whole number (uint32), not "seven". The lines before it were published; use --on-error skip to skip bad lines.\n']);
    await waitFor(() => got.length >= 1, 10_000, () => 'the first line never arrived');
    // fleet.Ack { uint32 id = 1 }: field 1, varint 7.
    assert.deepEqual(got.map((g) => [g.topic, g.payload.toString('hex')]), [['enc/ack', '0807']]);
  });
});

describe('topics, rounds, skips and flags', () => {
  const five = recording(['rec/a/1', 'rec/b/2', 'rec/a/3', 'other/4', 'rec/5'].map((topic) => ({ topic })));

  test('--rewrite: the first matching rule wins; --topic-prefix after it', { timeout: 30_000 }, async () => {
    const got = await capture('rw/#');
    const result = await runMq(['pub', ...hostArgs(), '--replay', file('five.ndjson', five), '--speed', '0', '--quiet',
      '--rewrite', 'rec/a/#=one/#', '--rewrite', 'rec/#=two/#', '--topic-prefix', 'rw/']);
    assert.equal(result.code, 0, result.stderr);
    await waitFor(() => got.length >= 5, 10_000, () => `${got.length} of 5 arrived`);
    assert.deepEqual(got.map((g) => g.topic), ['rw/one/1', 'rw/two/b/2', 'rw/one/3', 'rw/other/4', 'rw/two/5']);
  });

  test('--loop 3 sends the recording three times, in order', { timeout: 30_000 }, async () => {
    const got = await capture('lp/#');
    const result = await runMq(['pub', ...hostArgs(), '--replay', file('loop.ndjson', five), '--loop', '3', '--topic-prefix', 'lp/']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^Replayed 15 message\(s\) in 3 rounds in /);
    await waitFor(() => got.length >= 15, 10_000, () => `${got.length} of 15 arrived`);
    await sleep(100);
    assert.equal(got.length, 15);
    const payloads = got.map((g) => g.payload.toString());
    assert.deepEqual(payloads, [1, 2, 3].flatMap(() => ['p1', 'p2', 'p3', 'p4', 'p5']));
  });

  test('--skip N starts after line N', { timeout: 30_000 }, async () => {
    const got = await capture('sk/#');
    const result = await runMq(['pub', ...hostArgs(), '--replay', file('skip.ndjson', five), '--skip', '2', '--topic-prefix', 'sk/', '--quiet']);
    assert.equal(result.code, 0, result.stderr);
    await waitFor(() => got.length >= 3, 10_000, () => `${got.length} of 3 arrived`);
    await sleep(100);
    assert.deepEqual(got.map((g) => g.payload.toString()), ['p3', 'p4', 'p5']);
  });

  test('--no-retain clears the retain flags, --qos replaces the recorded QoS', { timeout: 30_000 }, async () => {
    const got = await capture('nr/#');
    const text = recording([{ topic: 'a', retain: true, qos: 0 }, { topic: 'b', retain: false, qos: 1 }]);
    const result = await runMq(['pub', ...hostArgs(), '--replay', file('nr.ndjson', text), '--topic-prefix', 'nr/', '--no-retain', '--qos', '2', '--quiet']);
    assert.equal(result.code, 0, result.stderr);
    await waitFor(() => got.length >= 2, 10_000, () => `${got.length} of 2 arrived`);
    assert.deepEqual(got.map((g) => [g.topic, g.packet.retain, g.packet.qos]), [['nr/a', false, 2], ['nr/b', false, 2]]);
  });
});

describe('bad input', () => {
  test('a line that is not a recording line: its number and what is wrong, exit 1, the lines before it sent', { timeout: 30_000 }, async () => {
    const got = await capture('bad/#');
    const text = recording([{ topic: 'bad/1' }, { topic: 'bad/2' }]) + 'hello\n' + recording([{ topic: 'bad/4' }]);
    const result = await runMq(['pub', ...hostArgs(), '--replay', file('bad.ndjson', text), '--quiet']);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'Error: Stopped at line 3: not valid JSON (Unexpected token \'h\', "hello" is not valid JSON). The lines before it were published; use --on-error skip to skip bad lines.\n');
    await waitFor(() => got.length >= 2, 10_000, () => `${got.length} of 2 arrived`);
    await sleep(100);
    assert.deepEqual(got.map((g) => g.topic), ['bad/1', 'bad/2']);

    const noTime = await runMq(['pub', ...hostArgs(), '--replay', '-', '--quiet'], { input: '{"topic":"bad/x","payload":"x"}\n' });
    assert.equal(noTime.code, 1);
    assert.equal(noTime.stderr, 'Error: Stopped at line 1: no "received" time: not a recording line (record with mq sub --record or mq sub --json). The lines before it were published; use --on-error skip to skip bad lines.\n');
  });

  test('--on-error skip: a warning per bad line, the rest is sent, exit 0', { timeout: 30_000 }, async () => {
    const got = await capture('skp/#');
    const text = recording([{ topic: 'skp/1' }]) + '[1]\n' + recording([{ topic: 'skp/3' }]);
    const result = await runMq(['pub', ...hostArgs(), '--replay', file('skipbad.ndjson', text), '--on-error', 'skip']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stderr.split('\n');
    assert.equal(lines[0], 'Warning: Skipped line 2: not a JSON object; expected {"topic": "...", "payload": "..."}.');
    assert.equal(lines[1], 'Warning: 1 line(s) skipped.');
    assert.match(lines[2]!, /^Replayed 2 message\(s\) in /);
    await waitFor(() => got.length >= 2, 10_000, () => `${got.length} of 2 arrived`);
  });

  test('an empty recording: a warning, exit 0', async () => {
    const result = await runMq(['pub', ...hostArgs(), '--replay', file('empty.ndjson', '')], { cwd: dir });
    assert.equal(result.code, 0);
    assert.equal(result.stderr, `Warning: ${path.join(dir, 'empty.ndjson')} holds no messages: nothing was published.\n`);
  });

  test('times that go backwards are sent at once, counted and reported at the end', { timeout: 30_000 }, async () => {
    const got = await capture('back2/#');
    const text = recording([{ topic: 'back2/1', at: 0 }, { topic: 'back2/2', at: 5000 }, { topic: 'back2/3', at: 1000 }, { topic: 'back2/4', at: 5001 }]);
    const started = Date.now();
    // At --speed 10 the recording lasts 0.5 s; the backward message does not wait.
    const result = await runMq(['pub', ...hostArgs(), '--replay', file('backwards.ndjson', text), '--speed', '10']);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(Date.now() - started >= 500);
    const lines = result.stderr.trimEnd().split('\n');
    assert.match(lines[0]!, /^Replayed 4 message\(s\) in /);
    assert.equal(lines[1], 'Warning: 1 message(s) were recorded earlier than a message before them; they were sent at once.');
    await waitFor(() => got.length >= 4, 10_000, () => `${got.length} of 4 arrived`);
    assert.deepEqual(got.map((g) => g.topic), ['back2/1', 'back2/2', 'back2/3', 'back2/4']);
  });

  test('flags are refused before connecting', async () => {
    const nobody = await freePort();
    const cases: [string[], string][] = [
      [['--speed', '-1'], 'Error: Invalid --speed "-1": give a factor, 0 or more (1 = as recorded, 2 = twice as fast, 0 = as fast as the broker takes them).\n'],
      [['--speed', 'fast'], 'Error: Invalid --speed "fast": give a factor, 0 or more (1 = as recorded, 2 = twice as fast, 0 = as fast as the broker takes them).\n'],
      [['--rewrite', 'a/#=b/+'], "Error: Invalid --rewrite \"a/#=b/+\": TO has 1 '+' but FROM has only 0 to fill them.\n"],
    ];
    for (const [flags, stderr] of cases) {
      const result = await runMq(['pub', '-p', String(nobody), '--replay', file('ok.ndjson', recording([{ topic: 'x' }])), ...flags]);
      assert.equal(result.code, 1);
      assert.equal(result.stderr, stderr);
    }
    const missing = await runMq(['pub', '-p', String(nobody), '--replay', 'nope.ndjson']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error: Cannot read --replay nope.ndjson: no such file.\n');
  });
});

describe('Ctrl-C', () => {
  test('prints the resume line and exits 130; --skip N then sends the rest', { timeout: 60_000 }, async () => {
    const got = await capture('int/#');
    const text = recording(Array.from({ length: 40 }, (_, i) => ({ topic: `int/${i + 1}`, qos: i % 3 })), 50);
    const replay = spawnMq(['pub', ...hostArgs(), '--replay', file('int.ndjson', text)], { timeoutMs: 30_000 });
    running.push(replay);
    await waitFor(() => got.length >= 5, 10_000, () => `${got.length} arrived before Ctrl-C`);
    replay.child.kill('SIGINT');
    const result = await replay.done;
    assert.equal(result.code, 130, result.stderr);
    const match = /^Error: Interrupted \(SIGINT\): stopped after line (\d+); resume with --skip (\d+)\.$/m.exec(result.stderr);
    assert.ok(match, result.stderr);
    assert.equal(match[1], match[2]);
    const n = Number(match[1]);
    assert.ok(n >= 5 && n < 40, `resume line ${n}`);
    await sleep(200);
    const before = new Set(got.map((g) => g.topic));
    for (let line = 1; line <= n; line++) assert.ok(before.has(`int/${line}`), `line ${line} (before the resume line) arrived`);

    const countBefore = got.length;
    const rest = await runMq(['pub', ...hostArgs(), '--replay', path.join(dir, 'int.ndjson'), '--skip', String(n), '--speed', '0', '--quiet']);
    assert.equal(rest.code, 0, rest.stderr);
    await waitFor(() => got.length >= countBefore + 40 - n, 10_000, () => `${got.length - countBefore} of ${40 - n} resumed messages arrived: ${got.slice(countBefore).map((g) => g.topic).join(", ")}`);
    const resumed = got.slice(countBefore).map((g) => Number(g.topic.split('/')[1])).sort((a, b) => a - b);
    assert.deepEqual(resumed, Array.from({ length: 40 - n }, (_, i) => n + i + 1));
  });
});

describe('mq sub --record into a file', () => {
  /**
   * Each line is written as it arrives: killed (SIGKILL) in the middle of a stream, the recorder has
   * every message it acknowledged on disk, so a second run of the same persistent session (which
   * gets what the broker had not delivered or saw unacknowledged) fills the recording without a gap.
   * Gathered writes would lose the lines of the last burst that was acknowledged but not yet written.
   */
  test('a kill loses nothing that was acknowledged: two runs of one session hold every message', { timeout: 90_000, skip: needsMosquittoBroker('an unlimited queue for the offline session (max_queued_messages 0)') }, async () => {
    const own = await startMosquitto({ extraConfig: 'max_queued_messages 0', logTypes: ['error', 'warning', 'notice', 'information'] });
    const TOTAL = 20_000;
    const record = (name: string) => {
      const out = path.join(dir, name);
      const fd = openSync(out, 'w');
      const child = spawn(process.execPath, [MQ, 'sub', '-h', '127.0.0.1', '-p', String(own.port), '--record', '-t', 'crash/#', '-c', '-i', 'crash-recorder', '-d'],
        { env: testEnv(), stdio: ['ignore', fd, 'pipe'] });
      closeSync(fd);
      children.push(child);
      let err = '';
      child.stderr!.setEncoding('utf8').on('data', (c: string) => { err += c; });
      const lines = () => readFileSync(out, 'utf8').split('\n');
      return { child, out, lines, err: () => err };
    };
    try {
      const first = record('crash-1.ndjson');
      await waitFor(() => first.err().includes('Subscribed (mid'), 10_000, () => `the recorder never subscribed: ${first.err()}`);
      const input = Array.from({ length: TOTAL }, (_, i) => String(i)).join('\n') + '\n';
      const pub = spawnMq(['pub', '-h', '127.0.0.1', '-p', String(own.port), '-t', 'crash/m', '-l', '-q', '1'], { input, timeoutMs: 60_000 });
      running.push(pub);
      await waitFor(() => first.lines().length > 2000, 30_000, () => `the recording holds ${first.lines().length} lines`);
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('close', r));
      const published = await pub.done;
      assert.equal(published.code, 0, published.stderr);

      const second = record('crash-2.ndjson');
      const payloads = () => {
        const seen = new Set<string>();
        // Whole lines only: the second recorder is still writing, and a read can catch its last write half done.
        for (const recorder of [first, second]) {
          for (const line of recorder.lines().slice(0, -1)) seen.add((JSON.parse(line) as { payload: string }).payload);
        }
        return seen;
      };
      // Every line of the killed run is whole: a line is one write.
      for (const line of first.lines().slice(0, -1)) JSON.parse(line);
      assert.equal(first.lines().at(-1), '', 'the killed recording ends with a whole line');
      await waitFor(() => payloads().size >= TOTAL, 30_000, () => `${payloads().size} of ${TOTAL} messages recorded in the two runs`);
      second.child.kill('SIGINT');
      const recorded = payloads();
      const missing = Array.from({ length: TOTAL }, (_, i) => String(i)).filter((p) => !recorded.has(p));
      assert.deepEqual(missing, []);
    } finally {
      await own.stop();
    }
  });
});
