import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import mqtt, { type IClientSubscribeOptions, type MqttClient } from 'mqtt';
import { needsMosquittoBroker, needsMosquittoClients, startBroker, startMosquitto, waitFor, type Broker } from './helpers/broker.ts';
import { MQ, runMq, spawnMq, tempDir, testEnv, type Running } from './helpers/run.ts';

/**
 * mq pub against a real broker (mosquitto, or mq broker where it is missing): an MQTT.js subscriber
 * in the test process checks the topic, payload bytes, QoS, retain flag and v5 properties of what
 * each mode publishes. A tiny fake broker covers what a broker cannot be made to do on demand (drop
 * the connection, never acknowledge).
 */

let broker: Broker;
const clients: MqttClient[] = [];
const running: Running[] = [];
let prefixes = 0;

before(async () => { broker = await startBroker(); });
after(async () => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  for (const c of clients) c.end(true);
  await broker.stop();
});

/** A topic prefix no other test uses. */
const prefix = (name: string) => `pub/${name}/${process.pid}-${++prefixes}`;
const target = () => ['-h', '127.0.0.1', '-p', String(broker.port)];

interface Received {
  topic: string;
  payload: Buffer;
  qos: number;
  retain: boolean;
  properties?: Record<string, unknown>;
}

/** An MQTT v5 subscriber: retain-as-published, so the retain flag of live messages shows. */
async function subscribe(filter: string, options: Partial<IClientSubscribeOptions> = {}) {
  const client = await mqtt.connectAsync({ host: '127.0.0.1', port: broker.port, protocolVersion: 5, reconnectPeriod: 0 });
  clients.push(client);
  const messages: Received[] = [];
  client.on('message', (topic, payload, packet) => {
    messages.push({ topic, payload, qos: packet.qos, retain: packet.retain, ...(packet.properties ? { properties: packet.properties as Record<string, unknown> } : {}) });
  });
  await client.subscribeAsync(filter, { qos: 2, rap: true, ...options });
  return {
    messages,
    async waitFor(count: number, timeoutMs = 10_000) {
      await waitFor(() => messages.length >= count, timeoutMs, () => `expected ${count} messages on ${filter}, got ${messages.length}`);
      return messages;
    },
    /** Nothing (more) arrives for a while. */
    async quiet(ms = 300) {
      const before = messages.length;
      await new Promise((r) => setTimeout(r, ms));
      assert.equal(messages.length, before, `unexpected messages: ${messages.slice(before).map((m) => m.topic).join(', ')}`);
    },
    end: () => client.end(true),
  };
}

async function pub(args: string[], input?: string | Buffer) {
  return runMq(['pub', ...target(), ...args], input === undefined ? {} : { input });
}

function assertOk(result: { code: number | null; stderr: string }) {
  assert.equal(result.stderr, '');
  assert.equal(result.code, 0);
}

const summary = (m: Received) => [m.topic, m.payload.toString('latin1'), m.qos, m.retain];

describe('single-message modes', () => {
  test('-m at QoS 0, 1 and 2, retained: topic, bytes, QoS and retain arrive as given', async () => {
    const t = prefix('m');
    const sub = await subscribe(`${t}/#`);
    for (const qos of ['0', '1', '2']) assertOk(await pub(['-t', `${t}/q${qos}`, '-m', 'hello wörld', '-q', qos, ...(qos === '1' ? ['-r'] : [])]));
    const got = await sub.waitFor(3);
    assert.deepEqual(got.map(summary).sort(), [
      [`${t}/q0`, Buffer.from('hello wörld').toString('latin1'), 0, false],
      [`${t}/q1`, Buffer.from('hello wörld').toString('latin1'), 1, true],
      [`${t}/q2`, Buffer.from('hello wörld').toString('latin1'), 2, false],
    ]);
    // Retained: a later subscriber gets it; -n -r clears it.
    const late = await subscribe(`${t}/q1`);
    assert.deepEqual((await late.waitFor(1)).map(summary), [[`${t}/q1`, Buffer.from('hello wörld').toString('latin1'), 1, true]]);
    assertOk(await pub(['-t', `${t}/q1`, '-n', '-r', '-q', '1']));
    const later = await subscribe(`${t}/q1`);
    await later.quiet();
    assert.equal(later.messages.length, 0, 'the zero-length retained message cleared it');
  });

  test('-m "" sends a zero-length message; -n too', async () => {
    const t = prefix('empty');
    const sub = await subscribe(`${t}/#`);
    assertOk(await pub(['-t', `${t}/m`, '-m', '', '-q', '1']));
    assertOk(await pub(['-t', `${t}/n`, '-n', '-q', '1']));
    assert.deepEqual((await sub.waitFor(2)).map(summary), [[`${t}/m`, '', 1, false], [`${t}/n`, '', 1, false]]);
  });

  test('-f sends the file byte for byte (every byte value, no newline added); an empty file is a zero-length message', async () => {
    const t = prefix('file');
    const dir = tempDir();
    const bytes = Buffer.alloc(1024 * 64 + 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 256;
    writeFileSync(path.join(dir, 'data.bin'), bytes);
    writeFileSync(path.join(dir, 'empty'), '');
    const sub = await subscribe(`${t}/#`);
    assertOk(await pub(['-t', `${t}/bin`, '-f', path.join(dir, 'data.bin'), '-q', '2']));
    assertOk(await pub(['-t', `${t}/empty`, '-f', path.join(dir, 'empty')]));
    const got = await sub.waitFor(2);
    assert.deepEqual(got[0]!.payload, bytes);
    assert.equal(got[0]!.qos, 2);
    assert.deepEqual([got[1]!.topic, got[1]!.payload.length], [`${t}/empty`, 0]);
  });

  test('-l from a file, a pipe and a socket on stdin (each read into one reused buffer): the same messages, lines across reads intact', async () => {
    // Over 250 KB: lines cross the 64 KB reads, one line is longer than a read, a binary line, "\r" kept, no final newline.
    const lines = [
      Buffer.from('first'), Buffer.alloc(0), Buffer.from('crlf\r'), Buffer.from([0, 1, 0xff, 0x41]), Buffer.alloc(70_000, 0x78),
      ...Array.from({ length: 3000 }, (_, i) => Buffer.from(`line ${i} ${'-'.repeat(i % 97)}`)), Buffer.from('last, no newline'),
    ];
    const input = Buffer.concat(lines.flatMap((line, i) => (i < lines.length - 1 ? [line, Buffer.from('\n')] : [line])));
    const file = path.join(tempDir(), 'lines.txt');
    writeFileSync(file, input);
    for (const stdin of ['file', 'pipe', 'socket'] as const) {
      const t = prefix(`lines-${stdin}`);
      const sub = await subscribe(`${t}/#`);
      const args = ['pub', ...target(), '-t', `${t}/l`, '-l', '-q', '1'];
      if (stdin === 'socket') {
        // What runMq gives a child: Node connects stdin through a socket pair.
        assertOk(await runMq(args, { input }));
      } else {
        const fd = openSync(file, 'r');
        const child = stdin === 'file'
          ? spawn(process.execPath, [MQ, ...args], { stdio: [fd, 'ignore', 'pipe'], env: testEnv() })
          : spawn('sh', ['-c', 'cat | "$0" "$@"', process.execPath, MQ, ...args], { stdio: [fd, 'ignore', 'pipe'], env: testEnv() });
        closeSync(fd);
        let stderr = '';
        child.stderr!.on('data', (c: Buffer) => { stderr += String(c); });
        assert.equal(await new Promise((resolve) => child.on('close', resolve)), 0, stderr);
        assert.equal(stderr, '');
      }
      const got = await sub.waitFor(lines.length, 20_000);
      assert.equal(got.length, lines.length, stdin);
      got.forEach((m, i) => assert.ok(m.payload.equals(lines[i]!), `${stdin}: line ${i + 1} differs`));
      sub.end();
    }
  });

  test('-s sends all of stdin as one message, trailing newline and NUL bytes included', async () => {
    const t = prefix('stdin');
    const sub = await subscribe(`${t}/#`);
    const input = Buffer.from('line one\nline two\n\u0000\u00ff\n', 'latin1');
    assertOk(await pub(['-t', `${t}/s`, '-s', '-q', '1'], input));
    assert.deepEqual((await sub.waitFor(1))[0]!.payload, input);
  });

  test('several -t publish the same message to each topic; --repeat N repeats the round', async () => {
    const t = prefix('multi');
    const sub = await subscribe(`${t}/#`);
    assertOk(await pub(['-t', `${t}/a`, '-t', `${t}/b`, '-m', 'x', '-q', '1', '--repeat', '2']));
    assert.deepEqual((await sub.waitFor(4)).map((m) => m.topic), [`${t}/a`, `${t}/b`, `${t}/a`, `${t}/b`]);
    await sub.quiet(200);
  });

  test('--repeat-delay waits after each completed publish', async () => {
    const t = prefix('delay');
    const sub = await subscribe(`${t}/#`);
    const arrivals: number[] = [];
    const started = Date.now();
    const result = pub(['-t', `${t}/d`, '-m', 'x', '-q', '1', '--repeat', '3', '--repeat-delay', '0.3']);
    await waitFor(() => { while (arrivals.length < sub.messages.length) arrivals.push(Date.now()); return arrivals.length === 3; }, 10_000, () => 'three repeats');
    assertOk(await result);
    assert.ok(arrivals[2]! - arrivals[0]! >= 550, `three messages 0.3 s apart arrived within ${arrivals[2]! - arrivals[0]!} ms`);
    assert.ok(arrivals[0]! - started < 10_000);
  });

  test('--encoding hex and base64 turn -m text into binary payloads', async () => {
    const t = prefix('enc');
    const sub = await subscribe(`${t}/#`);
    assertOk(await pub(['-t', `${t}/hex`, '-m', '00ff0a41', '--encoding', 'hex']));
    assertOk(await pub(['-t', `${t}/b64`, '-m', 'AP8KQQ==', '--encoding', 'base64']));
    const got = await sub.waitFor(2);
    assert.deepEqual(got.map((m) => [...m.payload]), [[0, 255, 10, 65], [0, 255, 10, 65]]);
  });

  test('MQTT v5 properties from the long flags and -D reach the subscriber', async () => {
    const t = prefix('props');
    const sub = await subscribe(`${t}/#`);
    assertOk(await pub([
      '-t', `${t}/p`, '-m', '{"a":1}', '-q', '1', '--content-type', 'application/json', '--correlation-data', 'req-42',
      '--message-expiry', '300', '--payload-format-indicator', '--response-topic', `${t}/reply`,
      '--user-property', 'site=north', '--user-property', 'site=south', '-D', 'publish', 'user-property', 'rack', '7',
    ]));
    const [message] = await sub.waitFor(1);
    const p = message!.properties!;
    assert.equal(p.contentType, 'application/json');
    assert.deepEqual(p.correlationData, Buffer.from('req-42'));
    assert.ok((p.messageExpiryInterval as number) >= 298 && (p.messageExpiryInterval as number) <= 300, String(p.messageExpiryInterval));
    assert.equal(p.payloadFormatIndicator, true);
    assert.equal(p.responseTopic, `${t}/reply`);
    assert.deepEqual({ ...(p.userProperties as object) }, { rack: '7', site: ['north', 'south'] });
  });
});

describe('-l: one message per line', () => {
  test('\\n stripped, \\r kept, empty lines are zero-length messages, the last line without newline is sent', async () => {
    const t = prefix('lines');
    const sub = await subscribe(`${t}/#`);
    assertOk(await pub(['-t', `${t}/l`, '-l', '-q', '1'], 'one\r\n\ntwo\n\u00e9\nlast'));
    const got = await sub.waitFor(5);
    assert.deepEqual(got.map((m) => m.payload.toString('utf8')), ['one\r', '', 'two', 'é', 'last']);
    await sub.quiet(200);
  });

  test('QoS 0 lines (batched packets) arrive byte for byte with MQTT 3.1.1 and 5, retained when asked', async () => {
    const t = prefix('lines0');
    const sub = await subscribe(`${t}/#`);
    const input = Buffer.concat([Buffer.from('plain\n\n'), Buffer.from([0, 0xff, 0x0d, 0x0a]), Buffer.from('x'.repeat(70_000) + '\nlast')]);
    assertOk(await pub(['-t', `${t}/v3`, '-l', '-r'], input));
    assertOk(await pub(['-t', `${t}/v5`, '-l', '-V', '5'], input));
    const got = await sub.waitFor(10);
    const expected = ['plain', '', '\u0000\u00ff\r', 'x'.repeat(70_000), 'last'];
    assert.deepEqual(got.slice(0, 5).map(summary), expected.map((p) => [`${t}/v3`, p, 0, true]));
    assert.deepEqual(got.slice(5).map(summary), expected.map((p) => [`${t}/v5`, p, 0, false]));
  });

  test('empty stdin publishes nothing and exits 0', async () => {
    const t = prefix('nolines');
    const sub = await subscribe(`${t}/#`);
    assertOk(await pub(['-t', `${t}/l`, '-l', '-q', '1'], ''));
    await sub.quiet();
  });

  test('--encoding base64 decodes each line; a bad line stops with its number', async () => {
    const t = prefix('lenc');
    const sub = await subscribe(`${t}/#`);
    assertOk(await pub(['-t', `${t}/l`, '-l', '--encoding', 'base64', '-q', '1'], 'AAE=\r\n/w==\n'));
    assert.deepEqual((await sub.waitFor(2)).map((m) => [...m.payload]), [[0, 1], [255]]);
    const bad = await pub(['-t', `${t}/l`, '-l', '--encoding', 'hex', '-q', '1'], '41\nzz\n42\n');
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, 'Error: Stopped at line 2: it is not hex: use only 0-9 and a-f. The lines before it were published; use --on-error skip to skip bad lines.\n');
    assert.deepEqual((await sub.waitFor(3)).slice(2).map((m) => m.payload.toString()), ['A']);
    await sub.quiet(200);
  });

  test('message ids count up 1, 2, 3 ... as mosquitto_pub numbers them, not the lowest free id again', async () => {
    const t = prefix('mids');
    const sub = await subscribe(`${t}/#`);
    const lines = Array.from({ length: 30 }, (_, i) => `m${i}`);
    const result = await pub(['-t', `${t}/l`, '-l', '-q', '1', '-M', '2', '-d'], lines.join('\n') + '\n');
    assert.equal(result.code, 0, result.stderr);
    const mids = result.stderr.split('\n').flatMap((l) => /sending PUBLISH \(d0, q1, r0, m(\d+),/.exec(l)?.[1] ?? []).map(Number);
    assert.deepEqual(mids, Array.from({ length: 30 }, (_, i) => i + 1));
    assert.equal((await sub.waitFor(30)).length, 30);
  });

  test('a topic alias: the first PUBLISH carries the topic, the rest only the alias, and all arrive whole', async () => {
    const t = prefix('alias');
    const sub = await subscribe(`${t}/#`);
    const result = await pub(['-t', `${t}/long/topic/name`, '-l', '-q', '1', '--topic-alias', '1', '-d'], 'a\nb\nc\n');
    assert.equal(result.code, 0, result.stderr);
    const sent = result.stderr.split('\n').filter((l) => l.includes('sending PUBLISH'));
    assert.equal(sent.length, 3, result.stderr);
    assert.match(sent[0]!, new RegExp(`'${t}/long/topic/name'`));
    assert.match(sent[1]!, /, '', \.\.\. \(1 bytes\)\)$/);
    assert.match(sent[2]!, /, '', \.\.\. \(1 bytes\)\)$/);
    assert.deepEqual((await sub.waitFor(3)).map((m) => [m.topic, m.payload.toString()]), [
      [`${t}/long/topic/name`, 'a'], [`${t}/long/topic/name`, 'b'], [`${t}/long/topic/name`, 'c'],
    ]);
  });
});

describe('-l --line-format json', () => {
  test('each line brings its topic, payload, QoS, retain flag and properties', async () => {
    const t = prefix('ndjson');
    const sub = await subscribe(`${t}/#`);
    const lines = [
      JSON.stringify({ topic: `${t}/a`, payload: 'plain' }),
      '',
      JSON.stringify({ topic: `${t}/b`, payload: { temp: 21.5 }, qos: 2, retain: true }),
      JSON.stringify({ payload: '00ff', encoding: 'hex' }),
      JSON.stringify({ topic: `${t}/c`, payload: 'p', properties: { 'content-type': 'text/plain', userProperties: { k: 'v' } } }),
    ];
    assertOk(await pub(['-l', '--line-format', 'json', '-t', `${t}/default`, '-q', '1', '-V', '5'], lines.join('\n') + '\n'));
    // Sorted: the broker may deliver the QoS 2 message after later QoS 1 ones.
    const got = [...await sub.waitFor(4)].sort((a, b) => a.topic.localeCompare(b.topic));
    assert.deepEqual(got.map(summary), [
      [`${t}/a`, 'plain', 1, false],
      [`${t}/b`, '{"temp":21.5}', 2, true],
      [`${t}/c`, 'p', 1, false],
      [`${t}/default`, '\u0000\u00ff', 1, false],
    ]);
    assert.equal(got[2]!.properties!.contentType, 'text/plain');
    assert.deepEqual({ ...(got[2]!.properties!.userProperties as object) }, { k: 'v' });
    await sub.quiet(200);
  });

  test('mosquitto_sub -F %j output publishes the same messages again', { skip: needsMosquittoClients }, async () => {
    const t = prefix('ndjson-roundtrip');
    const capture = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(broker.port), '-V', '5', '-t', `${t}/#`, '-F', '%j', '-C', '2', '-W', '20'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let captured = '';
    capture.stdout.on('data', (chunk: Buffer) => { captured += chunk.toString(); });
    const captureDone = new Promise((resolve) => capture.on('close', resolve));
    await waitFor(() => broker.log().includes(`${t}/#`), 5000, () => 'mosquitto_sub did not subscribe');
    assertOk(await pub(['-t', `${t}/a`, '-m', 'hello', '-V', '5', '--user-property', 'k=v', '--content-type', 'text/x']));
    assertOk(await pub(['-t', `${t}/b`, '-m', '{"x":1}']));
    await captureDone;
    const sub = await subscribe(`${t}/#`);
    assertOk(await pub(['-l', '--line-format', 'json', '-V', '5'], captured));
    const got = await sub.waitFor(2);
    assert.deepEqual(got.map(summary), [[`${t}/a`, 'hello', 0, false], [`${t}/b`, '{"x":1}', 0, false]]);
    assert.equal(got[0]!.properties!.contentType, 'text/x');
    assert.deepEqual({ ...(got[0]!.properties!.userProperties as object) }, { k: 'v' });
  });

  test('a malformed line stops at that line by default; the lines before it are published', async () => {
    const t = prefix('ndjson-stop');
    const sub = await subscribe(`${t}/#`);
    const input = [`{"topic":"${t}/1","payload":"one"}`, `{"topic":"${t}/2","payload":"two"}`, '{"topic":', `{"topic":"${t}/4","payload":"four"}`].join('\n');
    const result = await pub(['-l', '--line-format', 'json', '-q', '1'], input);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'Error: Stopped at line 3: not valid JSON (Unexpected end of JSON input). The lines before it were published; use --on-error skip to skip bad lines.\n');
    assert.deepEqual((await sub.waitFor(2)).map((m) => m.topic), [`${t}/1`, `${t}/2`]);
    await sub.quiet();
  });

  test('--on-error skip warns about each bad line and publishes the rest', async () => {
    const t = prefix('ndjson-skip');
    const sub = await subscribe(`${t}/#`);
    const input = [`{"topic":"${t}/1"}`, '[]', `{"topic":"${t}/+"}`, `{"topic":"${t}/4","qos":1}`].join('\n');
    const result = await pub(['-l', '--line-format', 'json', '--on-error', 'skip'], input);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, [
      'Warning: Skipped line 2: not a JSON object; expected {"topic": "...", "payload": "..."}.',
      `Warning: Skipped line 3: invalid topic '${t}/+': it contains '+' or '#', which are only allowed in subscriptions.`,
      'Warning: 2 line(s) skipped.',
      '',
    ].join('\n'));
    assert.deepEqual((await sub.waitFor(2)).map((m) => [m.topic, m.qos]), [[`${t}/1`, 0], [`${t}/4`, 1]]);
  });
});

describe('bad input: one clear line, exit 1, nothing published', () => {
  const t = `pub/errors/${process.pid}`;
  const dir = tempDir();
  writeFileSync(path.join(dir, 'huge'), '');
  truncateSync(path.join(dir, 'huge'), 268_435_456); // sparse: takes no disk space
  const cases: [string, string[], string, (string | Buffer)?][] = [
    ['two message sources', ['-t', t, '-m', 'x', '-l'], 'Error: Only one message source at a time, but -m and -l were given: use exactly one of -m, -f, -s, -l, -n or --replay.'],
    // mosquitto_pub: "Only one type of message can be sent at once", even for -m twice (not the last -m).
    ['-m twice', ['-t', t, '-m', 'x', '-m', 'y'], 'Error: Only one message source at a time, but -m and -m were given: use exactly one of -m, -f, -s, -l, -n or --replay.'],
    ['-f twice', ['-t', t, '-f', path.join(dir, 'huge'), '-f', path.join(dir, 'huge')], 'Error: Only one message source at a time, but -f and -f were given: use exactly one of -m, -f, -s, -l, -n or --replay.'],
    ['no message source', ['-t', t], 'Error: No message given: use -m TEXT, -f FILE, -s (all of stdin), -l (one message per stdin line), -n (an empty message) or --replay FILE (a recording).'],
    ['no topic', ['-m', 'x'], 'Error: No topic given: use -t TOPIC (or a URL with a topic, -L mqtt://host/TOPIC).'],
    ['a wildcard in the topic', ['-t', `${t}/+`, '-m', 'x'], `Error: Invalid publish topic '${t}/+' (-t): it contains '+' or '#', which are only allowed in subscriptions.`],
    ['a control character in the topic', ['-t', `${t}/a\tb`, '-m', 'x'], `Error: Invalid publish topic '${t}/a\tb' (-t): it contains U+0009, a control character or non-character MQTT brokers refuse.`],
    ['a topic over 65535 bytes', ['-t', 'x'.repeat(65536), '-m', 'x'], `Error: Invalid publish topic '${'x'.repeat(65536)}' (-t): it is longer than 65535 bytes.`],
    ['QoS 3', ['-t', t, '-m', 'x', '-q', '3'], 'Error: Invalid QoS "3" (-q): use 0, 1 or 2.'],
    ['a missing file', ['-t', t, '-f', path.join(dir, 'nope')], `Error: Cannot read -f ${path.join(dir, 'nope')}: no such file.`],
    ['a folder as file', ['-t', t, '-f', dir], `Error: Cannot read -f ${dir}: it is a directory.`],
    ['a file too large for an MQTT message (sparse, never read)', ['-t', t, '-f', path.join(dir, 'huge')], `Error: -f ${path.join(dir, 'huge')} is 268435456 bytes; an MQTT message holds less than 268435455 bytes.`],
    ['empty -s input', ['-t', t, '-s'], 'Error: Zero length input on stdin (-s): nothing to send. Use -n to send an empty message.', ''],
    ['--repeat 0', ['-t', t, '-m', 'x', '--repeat', '0'], 'Error: Invalid repeat count "0" (--repeat): it must be a whole number, at least 1.'],
    ['-M 0', ['-t', t, '-m', 'x', '-M', '0'], 'Error: Invalid number of messages in flight "0" (-M): it must be a whole number from 1 to 65535.'],
    ['bad hex', ['-t', t, '-m', 'xyz', '--encoding', 'hex'], 'Error: Invalid -m for --encoding hex: it is not hex: use only 0-9 and a-f.'],
    ['bad base64 on stdin', ['-t', t, '-s', '--encoding', 'base64'], 'Error: The input on stdin (-s) cannot be decoded with --encoding base64: it is not base64: the length is wrong (truncated?).', 'QUJDR'],
    ['properties with MQTT 3.1.1', ['-t', t, '-m', 'x', '-V', '311', '--content-type', 'a'], 'Error: PUBLISH properties (-D publish, --content-type, --user-property, ...) need MQTT v5, but -V asks for an older version.'],
    ['a malformed first NDJSON line', ['-l', '--line-format', 'json'], 'Error: Stopped at line 1: unknown field "topc" (known: topic, payload, qos, retain, properties, encoding). The lines before it were published; use --on-error skip to skip bad lines.', `{"topc":"${t}"}\n{"topic":"${t}"}\n`],
    ['a topic alias the broker does not allow', ['-t', t, '-m', 'x', '--topic-alias', '11'], 'Error: topic-alias 11 is more than the broker accepts (topic-alias-maximum 10).'],
  ];
  let sub: Awaited<ReturnType<typeof subscribe>>;
  before(async () => { sub = await subscribe('#'); });
  for (const [name, args, line, input] of cases) {
    test(name, async () => {
      const result = await pub(args, input);
      assert.equal(result.stderr, line + '\n');
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '');
    });
  }
  test('none of them published anything', async () => {
    await sub.quiet(300);
    assert.deepEqual(sub.messages.filter((m) => m.topic.startsWith('pub/errors')).map((m) => m.topic), []);
  });
});

describe('the broker refuses a message (v5 PUBACK reason code >= 128)', () => {
  const skip = needsMosquittoBroker('an ACL file (acl_file) to refuse a topic');
  let aclBroker: Broker;
  before(async () => {
    if (skip) return;
    const dir = tempDir();
    writeFileSync(path.join(dir, 'acl'), 'topic readwrite allowed/#\n');
    // mosquitto 2.0.11 drops a client right after refusing its QoS 1 PUBLISH when max_queued_messages
    // is 0 (the helper's default), so this broker keeps mosquitto's own default.
    aclBroker = await startMosquitto({ extraConfig: `acl_file ${path.join(dir, 'acl')}\nmax_queued_messages 1000` });
  });
  after(async () => { await aclBroker?.stop(); });
  const at = () => ['pub', '-h', '127.0.0.1', '-p', String(aclBroker.port), '-V', '5'];

  test('QoS 1 and 2 to a denied topic: the topic and reason on stderr, exit code = reason code (mosquitto_pub exits 0)', { skip }, async () => {
    for (const qos of ['1', '2']) {
      const result = await runMq([...at(), '-t', 'denied/x', '-m', 'hi', '-q', qos]);
      assert.equal(result.stderr, "Error: Publish to 'denied/x' refused: Not authorized (reason code 135).\n");
      assert.equal(result.code, 135);
    }
    assertOk(await runMq([...at(), '-t', 'allowed/x', '-m', 'hi', '-q', '1']));
  });

  test('-l keeps going after a refusal and still exits non-zero', { skip }, async () => {
    const input = ['{"topic":"allowed/1"}', '{"topic":"denied/2"}', '{"topic":"allowed/3"}'].join('\n');
    const result = await runMq([...at(), '-l', '--line-format', 'json', '-q', '1'], { input });
    assert.equal(result.stderr, "Error: Publish to 'denied/2' refused: Not authorized (reason code 135).\n");
    assert.equal(result.code, 135);
    assert.match(aclBroker.log(), /Received PUBLISH from \S+ \(d0, q1, r0, m\d+, 'allowed\/3'/, 'the line after the refused one was published');
  });
});

/** Just enough of a broker: CONNACK, PINGRESP, and whatever `onPublish` does with each PUBLISH. */
async function fakeBroker(onPublish: (socket: Socket, publish: { qos: number; id: number; topic: string }) => void) {
  const publishes: { qos: number; id: number; topic: string }[] = [];
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    let buffer = Buffer.alloc(0);
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        let length = 0;
        let multiplier = 1;
        let i = 1;
        for (; i < buffer.length; i++) {
          length += (buffer[i]! & 0x7f) * multiplier;
          multiplier *= 128;
          if ((buffer[i]! & 0x80) === 0) break;
        }
        if (i >= buffer.length || buffer.length < i + 1 + length) return;
        const type = buffer[0]! >> 4;
        const body = buffer.subarray(i + 1, i + 1 + length);
        const qos = (buffer[0]! >> 1) & 3;
        buffer = buffer.subarray(i + 1 + length);
        if (type === 1) socket.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
        if (type === 12) socket.write(Buffer.from([0xd0, 0x00]));
        if (type === 3) {
          const topicLength = body.readUInt16BE(0);
          const publish = { qos, topic: body.subarray(2, 2 + topicLength).toString(), id: qos > 0 ? body.readUInt16BE(2 + topicLength) : 0 };
          publishes.push(publish);
          onPublish(socket, publish);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    publishes,
    close: () => { for (const s of sockets) s.destroy(); server.close(); },
  };
}

describe('connection loss and interrupts', () => {
  test('a connection lost before the PUBACK in single-message mode exits 7 with a clear line', async () => {
    const fake = await fakeBroker((socket) => socket.destroy());
    try {
      const result = await runMq(['pub', '-h', '127.0.0.1', '-p', String(fake.port), '-t', 'x', '-m', 'hi', '-q', '1']);
      assert.equal(result.stderr, `Error: The connection to 127.0.0.1:${fake.port} was lost.\n`);
      assert.equal(result.code, 7);
      assert.equal(fake.publishes.length, 1);
    } finally {
      fake.close();
    }
  });

  test('-l never has more than -M messages unacknowledged, ids count up from 1; SIGINT reports them and exits 130', async () => {
    const fake = await fakeBroker(() => {}); // never acknowledges
    try {
      const r = spawnMq(['pub', '-h', '127.0.0.1', '-p', String(fake.port), '-t', 'x', '-l', '-q', '1', '-M', '5'], { timeoutMs: 20_000 });
      running.push(r);
      r.child.stdin!.write(Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') + '\n');
      await waitFor(() => fake.publishes.length >= 5, 10_000, () => `only ${fake.publishes.length} publishes arrived`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(fake.publishes.map((p) => p.id), [1, 2, 3, 4, 5], 'reading paused at the window');
      r.child.kill('SIGINT');
      const result = await r.done;
      assert.equal(result.stderr, 'Error: Interrupted (SIGINT): 5 message(s) were not acknowledged by the broker.\n');
      assert.equal(result.code, 130);
    } finally {
      fake.close();
    }
  });

  test('SIGTERM with every message acknowledged exits 0', async () => {
    const t = prefix('sigterm');
    const sub = await subscribe(`${t}/#`);
    const r = spawnMq(['pub', ...target(), '-t', `${t}/x`, '-l', '-q', '1'], { timeoutMs: 20_000 });
    running.push(r);
    r.child.stdin!.write('a\nb\n');
    await sub.waitFor(2);
    r.child.kill('SIGTERM');
    const result = await r.done;
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
  });
});
