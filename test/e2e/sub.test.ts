import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import mqtt, { type IClientPublishOptions, type MqttClient } from 'mqtt';
import { needsMosquittoClients, startBroker, waitFor, type Broker } from './helpers/broker.ts';
import { MQ, nextId, runMq, spawnMq, tempDir, testEnv, type RunResult, type Running } from './helpers/run.ts';

/**
 * mq sub against a real broker (mosquitto, or mq broker where it is missing): a fixed corpus of
 * messages (text, empty, binary with NUL and 0xff, multi-line, UTF-8, JSON, retained, QoS 0/1/2, v5
 * properties) and the exact stdout bytes of each option, side by side with mosquitto_sub where it
 * defines them (those comparisons are skipped where mosquitto's clients are not installed).
 */

let broker: Broker;
const running: Running[] = [];
/** Shell pipelines, each in a process group of its own, killed whole if a failed test leaves one behind. */
const shells: ChildProcess[] = [];
/** The publishing clients, one per protocol version (3.1.1 and 5), connected on first use. */
const publishers = new Map<4 | 5, Promise<MqttClient>>();

before(async () => { broker = await startBroker(); });
after(async () => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  for (const shell of shells) {
    try {
      process.kill(-shell.pid!, 'SIGKILL');
    } catch {
      // the whole group has exited
    }
  }
  for (const client of publishers.values()) (await client).end(true);
  await broker.stop();
});

const port = () => String(broker.port);

/**
 * Publish what `mosquitto_pub ARGS` would (the flags used here: -t, -m, -n, -s with `input`, -q,
 * -r, -V 5, -D publish PROPERTY VALUE), from an MQTT.js client in this process. Resolves once the
 * exchange is complete (PUBACK, PUBCOMP; a QoS 0 message is written), and the messages of one
 * version go over one connection, so they reach the broker in the order of the calls.
 */
async function publish(args: string[], input?: Buffer): Promise<void> {
  let topic: string | undefined;
  let payload: Buffer | undefined;
  let version: 4 | 5 = 4;
  const options: IClientPublishOptions = { qos: 0, retain: false };
  const properties: NonNullable<IClientPublishOptions['properties']> = {};
  const userProperties: Record<string, string[]> = {};
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = () => { const v = args[++i]; assert.ok(v !== undefined, `${flag} needs a value`); return v; };
    switch (flag) {
      case '-t': topic = value(); break;
      case '-m': payload = Buffer.from(value()); break;
      case '-n': payload = Buffer.alloc(0); break;
      case '-s': payload = input ?? Buffer.alloc(0); break;
      case '-q': options.qos = Number(value()) as 0 | 1 | 2; break;
      case '-r': options.retain = true; break;
      case '-V': assert.equal(value(), '5'); version = 5; break;
      case '-D': {
        assert.equal(value(), 'publish');
        const name = value();
        if (name === 'user-property') {
          const key = value();
          (userProperties[key] ??= []).push(value());
        } else if (name === 'content-type') properties.contentType = value();
        else if (name === 'response-topic') properties.responseTopic = value();
        else if (name === 'correlation-data') properties.correlationData = Buffer.from(value());
        else if (name === 'payload-format-indicator') properties.payloadFormatIndicator = value() === '1';
        else assert.fail(`publish(): no -D publish ${name}`);
        break;
      }
      default: assert.fail(`publish(): no ${flag}`);
    }
  }
  assert.ok(topic !== undefined && payload !== undefined, `publish(): a topic and a message are needed: ${args.join(' ')}`);
  if (Object.keys(userProperties).length > 0) properties.userProperties = userProperties;
  if (Object.keys(properties).length > 0) options.properties = properties;
  if (!publishers.has(version)) {
    publishers.set(version, mqtt.connectAsync({ host: '127.0.0.1', port: broker.port, protocolVersion: version, reconnectPeriod: 0 }));
  }
  const client = await publishers.get(version)!;
  await client.publishAsync(topic, payload, options);
}

/** The broker acknowledged this client's SUBSCRIBE. */
const subscribed = (id: string) => waitFor(() => broker.log().includes(`Sending SUBACK to ${id}\n`), 10_000, () => `${id} did not subscribe`);

/** Start `mq sub` with a fresh client id on the test broker. */
function startSub(args: string[], id = nextId('mq')): Running & { id: string } {
  const r = spawnMq(['sub', '-h', '127.0.0.1', '-p', port(), '-i', id, ...args], { timeoutMs: 20_000 });
  running.push(r);
  r.child.stdin!.end();
  return Object.assign(r, { id });
}

/** Start mosquitto_sub with the same flags, for a byte-for-byte comparison. */
function startMosquittoSub(args: string[], id = nextId('mosq')): { id: string; done: Promise<RunResult> } {
  const child = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', port(), '-i', id, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => { err += String(c); });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const done = new Promise<RunResult>((resolve) => child.on('close', (code, signal) => {
    clearTimeout(timer);
    const bytes = Buffer.concat(out);
    resolve({ code, signal, stdout: bytes.toString('utf8'), stderr: err, stdoutBytes: bytes, timedOut: signal === 'SIGKILL' });
  }));
  return { id, done };
}

/**
 * The corpus, live (published while the subscribers listen), under one topic prefix.
 *
 * libmosquitto hands a QoS 2 message to mosquitto_sub only when the PUBREL arrives, so on a busy
 * machine the next message (another topic, QoS 0 or 1) could print first: MQTT orders messages per
 * topic only. After each QoS 2 message, wait until each mosquitto_sub has sent its PUBCOMP (which
 * libmosquitto sends just before it prints) or has already exited by -C, so the order is fixed
 * and the bytes can be compared.
 */
async function publishCorpus(prefix: string, mosquittoSubIds: string[]): Promise<void> {
  let qos2Sent = 0;
  const qos2 = async (args: string[], input?: Buffer) => {
    await publish(['-q', '2', ...args], input);
    qos2Sent += 1;
    await waitFor(() => {
      const log = broker.log();
      const done = (id: string) => countOf(log, `Received PUBCOMP from ${id} (`) >= qos2Sent
        || log.includes(`Client ${id} disconnected`) || log.includes(`Client ${id} closed its connection`);
      return mosquittoSubIds.every(done);
    }, 10_000, () => `a mosquitto_sub did not complete QoS 2 message ${qos2Sent}`);
  };
  await publish(['-t', `${prefix}/text`, '-m', 'hello world']);
  await publish(['-t', `${prefix}/empty`, '-n']);
  await publish(['-t', `${prefix}/binary`, '-q', '1', '-s'], Buffer.from([0x00, 0x01, 0xff, 0x41, 0x00]));
  await qos2(['-t', `${prefix}/multi`, '-s'], Buffer.from('line1\nline2'));
  await publish(['-t', `${prefix}/utf8`, '-q', '1', '-m', 'café ☕']);
  await publish(['-t', `${prefix}/json`, '-m', '{"temp":31.5,"status":"alarm"}']);
  await publish(['-t', `${prefix}/retained`, '-q', '1', '-r', '-m', 'kept']);
  await qos2(['-t', `${prefix}/props`, '-V', '5',
    '-D', 'publish', 'content-type', 'text/plain',
    '-D', 'publish', 'user-property', 'k1', 'v1',
    '-D', 'publish', 'user-property', 'k2', 'v2',
    '-D', 'publish', 'response-topic', 'resp/x',
    '-D', 'publish', 'correlation-data', 'corr',
    '-D', 'publish', 'payload-format-indicator', '1',
    '-m', 'p']);
}
const countOf = (text: string, needle: string) => text.split(needle).length - 1;
const CORPUS_SIZE = 8;

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

interface Variant {
  name: string;
  args: string[];
  /** Exact stdout; a function of the topic prefix. */
  expected?: (prefix: string) => Buffer;
  /** Also run mosquitto_sub with these flags and require the same bytes (a subtest, skipped without it). */
  compare?: boolean;
  check?: (result: RunResult, prefix: string) => void;
}

/**
 * Every variant subscribes at once (QoS 2, so each message keeps its QoS), the corpus is
 * published once, and each subscriber ends by -C. The comparisons with mosquitto_sub are subtests
 * of `t`, skipped where mosquitto's clients are not installed.
 */
async function runVariants(t: TestContext, prefix: string, variants: Variant[], extra: string[] = []): Promise<void> {
  const withMosquittoSub = (v: Variant) => v.compare === true && !needsMosquittoClients;
  const subs = variants.map((v) => ({ v, mq: startSub(['-t', `${prefix}/#`, '-q', '2', ...extra, ...v.args]), mosq: withMosquittoSub(v) ? startMosquittoSub(['-t', `${prefix}/#`, '-q', '2', ...extra, ...v.args]) : undefined }));
  await Promise.all(subs.flatMap((s) => [subscribed(s.mq.id), ...(s.mosq ? [subscribed(s.mosq.id)] : [])]));
  await publishCorpus(prefix, subs.flatMap((s) => (s.mosq ? [s.mosq.id] : [])));
  const results = new Map<Variant, RunResult>();
  for (const { v, mq } of subs) {
    const result = await mq.done;
    results.set(v, result);
    assert.equal(result.code, 0, `${v.name}: exit ${result.code}, stderr: ${result.stderr}`);
    assert.equal(result.stderr, '', `${v.name}: stderr`);
    if (v.expected) assert.deepEqual(result.stdoutBytes, v.expected(prefix), `${v.name}: ${JSON.stringify(result.stdout)}`);
    v.check?.(result, prefix);
  }
  for (const { v, mosq } of subs.filter((s) => s.v.compare)) {
    await t.test(`${v.name}: the same bytes as mosquitto_sub`, { skip: needsMosquittoClients }, async () => {
      const result = results.get(v)!;
      const reference = await mosq!.done;
      assert.equal(reference.code, 0, `mosquitto_sub ${v.name}: ${reference.stderr}`);
      assert.deepEqual(result.stdoutBytes, reference.stdoutBytes, `${v.name}: mq ${JSON.stringify(result.stdout)} vs mosquitto_sub ${JSON.stringify(reference.stdout)}`);
    });
  }
}

const all = ['-C', String(CORPUS_SIZE)];

describe('the corpus, live, MQTT 3.1.1', () => {
  test('default, -v, -N, -v -N, -T, --grep, --where, --encoding, --json: exact bytes', async (t) => {
    await runVariants(t, 'c311', [
      {
        name: 'default', args: all, compare: true,
        expected: () => bytes('hello world\n', [0, 1, 0xff, 0x41, 0, 0x0a], 'line1\nline2\n', 'café ☕\n', '{"temp":31.5,"status":"alarm"}\n', 'kept\n', 'p\n'),
      },
      {
        name: '-v', args: [...all, '-v'], compare: true,
        expected: (p) => bytes(`${p}/text hello world\n`, `${p}/empty (null)\n`, `${p}/binary `, [0, 1, 0xff, 0x41, 0, 0x0a], `${p}/multi line1\nline2\n`,
          `${p}/utf8 café ☕\n`, `${p}/json {"temp":31.5,"status":"alarm"}\n`, `${p}/retained kept\n`, `${p}/props p\n`),
      },
      {
        name: '-N', args: [...all, '-N'], compare: true,
        expected: () => bytes('hello world', [0, 1, 0xff, 0x41, 0], 'line1\nline2', 'café ☕', '{"temp":31.5,"status":"alarm"}', 'kept', 'p'),
      },
      {
        name: '-v -N', args: [...all, '-v', '-N'], compare: true,
        expected: (p) => bytes(`${p}/text hello world`, `${p}/binary `, [0, 1, 0xff, 0x41, 0], `${p}/multi line1\nline2`, `${p}/utf8 café ☕`,
          `${p}/json {"temp":31.5,"status":"alarm"}`, `${p}/retained kept`, `${p}/props p`),
      },
      {
        // -T filtered messages are not counted: -C 5 needs the five that pass.
        name: '-T twice', args: ['-C', '5', '-v', '-T', 'c311/binary', '-T', 'c311/+/never', '-T', 'c311/empty'], compare: true,
        expected: (p) => bytes(`${p}/text hello world\n`, `${p}/multi line1\nline2\n`, `${p}/utf8 café ☕\n`, `${p}/json {"temp":31.5,"status":"alarm"}\n`, `${p}/retained kept\n`),
      },
      { name: '--grep', args: ['-C', '1', '-v', '--grep', 'al(a|e)rm'], expected: (p) => bytes(`${p}/json {"temp":31.5,"status":"alarm"}\n`) },
      { name: '--grep (?i)', args: ['-C', '2', '--grep', '(?i)^(HELLO|KEPT)'], expected: () => bytes('hello world\n', 'kept\n') },
      { name: '--where', args: ['-C', '1', '-v', '--where', 'temp>30', '--where', 'status==alarm'], expected: (p) => bytes(`${p}/json {"temp":31.5,"status":"alarm"}\n`) },
      {
        name: '--encoding hex', args: ['-C', '2', '--encoding', 'hex', '-T', 'c311/text', '-T', 'c311/empty'],
        expected: () => bytes('0001ff4100\n', '6c696e65310a6c696e6532\n'),
      },
      {
        name: '--encoding base64 -v', args: ['-C', '1', '-v', '--encoding', 'base64', '-T', 'c311/text', '-T', 'c311/empty'],
        expected: (p) => bytes(`${p}/binary AAH/QQA=\n`),
      },
      {
        name: '--json', args: [...all, '--json'],
        check: (result, p) => {
          const lines = result.stdout.split('\n');
          assert.equal(lines.pop(), '', 'ends with a newline');
          assert.equal(lines.length, CORPUS_SIZE, 'one line per message');
          const objects = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
          const payload = (o: Record<string, unknown>) => (o.encoding === 'base64' ? Buffer.from(String(o.payload), 'base64') : Buffer.from(String(o.payload), 'utf8'));
          assert.deepEqual(objects.map((o) => o.topic), ['text', 'empty', 'binary', 'multi', 'utf8', 'json', 'retained', 'props'].map((t) => `${p}/${t}`));
          assert.deepEqual(objects.map(payload), [bytes('hello world'), bytes(''), bytes([0, 1, 0xff, 0x41, 0]), bytes('line1\nline2'), bytes('café ☕'), bytes('{"temp":31.5,"status":"alarm"}'), bytes('kept'), bytes('p')]);
          assert.equal(objects[2]!.encoding, 'base64', 'binary payloads are base64');
          assert.equal(objects[0]!.encoding, undefined, 'text stays text');
          assert.deepEqual(objects.map((o) => o.qos), [0, 0, 1, 2, 1, 0, 1, 2]);
          assert.deepEqual(objects.map((o) => o.retain), Array(CORPUS_SIZE).fill(false));
        },
      },
    ]);
  });

  test('-F: a sample of conversions, byte for byte with mosquitto_sub', async (t) => {
    await runVariants(t, 'f311', [
      { name: '%t|%p|%l|%q|%r', args: [...all, '-F', '%t|%p|%l|%q|%r'], compare: true,
        expected: (p) => bytes(`${p}/text|hello world|11|0|0\n`, `${p}/empty||0|0|0\n`, `${p}/binary|`, [0, 1, 0xff, 0x41, 0], '|5|1|0\n', `${p}/multi|line1\nline2|11|2|0\n`,
          `${p}/utf8|café ☕|9|1|0\n`, `${p}/json|{"temp":31.5,"status":"alarm"}|30|0|0\n`, `${p}/retained|kept|4|1|0\n`, `${p}/props|p|1|2|0\n`) },
      { name: '%x %X', args: [...all, '-F', '%x %X'], compare: true,
        expected: () => bytes('68656c6c6f20776f726c64 68656C6C6F20776F726C64\n', ' \n', '0001ff4100 0001FF4100\n', '6c696e65310a6c696e6532 6C696E65310A6C696E6532\n',
          '636166c3a920e29895 636166C3A920E29895\n', `${Buffer.from('{"temp":31.5,"status":"alarm"}').toString('hex')} ${Buffer.from('{"temp":31.5,"status":"alarm"}').toString('hex').toUpperCase()}\n`,
          '6b657074 6B657074\n', '70 70\n') },
      { name: 'widths', args: [...all, '-F', '[%-14t][%5p][%05l][%-3l][%3.2t]'], compare: true },
      { name: 'escapes and literals', args: [...all, '-N', '-F', '%%\\t@@%q\\n'], compare: true,
        expected: () => bytes(...[0, 0, 1, 2, 1, 0, 1, 2].map((qos) => `%\t@${qos}\n`)) },
      {
        // The id is the broker's choice for each subscriber (mosquitto counts from 1, mq broker from a
        // random start), so it is checked, not compared with mosquitto_sub's.
        name: '%m', args: [...all, '-F', '%q %m'],
        check: (result) => {
          const lines = result.stdout.split('\n');
          assert.equal(lines.pop(), '');
          assert.deepEqual(lines.map((line) => Number(line.split(' ')[0])), [0, 0, 1, 2, 1, 0, 1, 2]);
          for (const line of lines) {
            const [qos, id] = line.split(' ').map(Number) as [number, number];
            assert.ok(qos === 0 ? id === 0 : Number.isInteger(id) && id >= 1 && id <= 65535, `%q %m: ${line}`);
          }
        },
      },
      {
        name: '%J --pretty', args: ['-C', '1', '--grep', 'alarm', '-F', '%J', '--pretty'],
        check: (result, p) => {
          assert.ok(result.stdout.split('\n').length > 3, 'indented over several lines');
          const object = JSON.parse(result.stdout) as Record<string, unknown>;
          assert.equal(object.topic, `${p}/json`);
          assert.deepEqual(object.payload, { temp: 31.5, status: 'alarm' });
        },
      },
      {
        name: 'time fields', args: ['-C', '1', '--grep', 'hello', '--utc', '-F', '@Y|%U|%I'],
        check: (result) => {
          const year = new Date().getUTCFullYear();
          assert.match(result.stdout, new RegExp(`^${year}\\|\\d{10}\\.\\d{9}\\|${year}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+0000\\n$`));
        },
      },
    ]);
  });
});

describe('the corpus, live, MQTT v5', () => {
  test('v5 properties: -F %C %R %P %F %D and default output', async (t) => {
    await runVariants(t, 'c5', [
      { name: 'default', args: all, compare: true },
      { name: '-v', args: [...all, '-v'], compare: true },
      {
        name: 'properties', args: [...all, '-F', '%t C=%C R=%R P=%P F=%F D=%D'], compare: true,
        expected: (p) => bytes(...['text', 'empty', 'binary', 'multi', 'utf8', 'json', 'retained'].map((t) => `${p}/${t} C= R= P= F= D=\n`),
          `${p}/props C=text/plain R=resp/x P=k1:v1 k2:v2 F=1 D=corr\n`),
      },
    ], ['-V', '5']);
  });

  test('--retain-as-published keeps the retain flag of a live message; without it the broker clears it', async (t) => {
    await runVariants(t, 'rap5', [
      { name: 'rap', args: ['-C', '1', '-F', '%r %p', '--retain-as-published', '--grep', 'kept'], expected: () => bytes('1 kept\n') },
      { name: 'no rap', args: ['-C', '1', '-F', '%r %p', '--grep', 'kept'], expected: () => bytes('0 kept\n') },
    ], ['-V', '5']);
  });
});

describe('retained messages', () => {
  before(async () => {
    await publish(['-t', 'ret/a', '-r', '-m', 'A']);
    await publish(['-t', 'ret/b', '-r', '-q', '1', '-m', 'B']);
  });

  test('-C 2 prints the retained messages at subscribe and exits 0', async () => {
    const r = await runMq(['sub', '-h', '127.0.0.1', '-p', port(), '-t', 'ret/a', '-t', 'ret/b', '-v', '-F', '%t %p %r', '-C', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'ret/a A 1\nret/b B 1\n');
  });

  test('-L mqtt://host:port/topic subscribes to the URL topic', async () => {
    const r = await runMq(['sub', '-L', `mqtt://127.0.0.1:${port()}/ret/a`, '-v', '-C', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'ret/a A\n');
  });

  test('-R: retained messages are not printed and not counted', async () => {
    const sub = startSub(['-t', 'ret/a', '-R', '-C', '1', '-F', '%p %r']);
    await subscribed(sub.id);
    await publish(['-t', 'ret/a', '-m', 'fresh']);
    const r = await sub.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'fresh 0\n');
  });

  test('-R under v5 asks the broker for none (retain handling 2); --retain-handling overrides', async () => {
    const none = startSub(['-V', '5', '-t', 'ret/a', '-R', '-C', '1', '-d']);
    await subscribed(none.id);
    await publish(['-t', 'ret/a', '-m', 'fresh']);
    const r = await none.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'fresh\n');
    assert.match(r.stderr, /sending SUBSCRIBE \(Mid: \d+, Topic: ret\/a, QoS: 0, Options: 0x20\)/);
    assert.match(r.stderr, /\nSubscribed \(mid: \d+\): 0\n/);
    assert.doesNotMatch(r.stderr, /received PUBLISH \(d0, q0, r1/, 'the broker sent no retained message');
    // -R --retain-handling 0: the broker sends it, -R still hides it.
    const sent = await runMq(['sub', '-h', '127.0.0.1', '-p', port(), '-V', '5', '-t', 'ret/a', '-R', '--retain-handling', '0', '-W', '1', '-d']);
    assert.equal(sent.code, 27);
    assert.equal(sent.stdout, '');
    assert.match(sent.stderr, /sending SUBSCRIBE \(Mid: \d+, Topic: ret\/a, QoS: 0, Options: 0x00\)/);
    assert.match(sent.stderr, /received PUBLISH \(d0, q0, r1, m0, 'ret\/a', \.\.\. \(1 bytes\)\)/);
    const rh1 = await runMq(['sub', '-h', '127.0.0.1', '-p', port(), '-V', '5', '-t', 'ret/a', '--retain-handling', '1', '-C', '1']);
    assert.equal(rh1.stdout, 'A\n', 'retain handling 1: a new subscription gets the retained message');
  });

  test('--retain-handling 2 under v5: no retained message, so -W ends it (27)', async () => {
    const r = await runMq(['sub', '-h', '127.0.0.1', '-p', port(), '-V', '5', '-t', 'ret/a', '--retain-handling', '2', '-W', '1']);
    assert.equal(r.code, 27);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'Timed out\n');
  });

  test('--retained-only prints the retained ones and exits 0 at the first fresh message, without printing it', async () => {
    const sub = startSub(['-t', 'ret/a', '-t', 'ret/b', '--retained-only', '-v']);
    await subscribed(sub.id);
    await waitFor(() => sub.stdout().length >= 'ret/a A\nret/b B\n'.length, 5000, () => 'retained output');
    await publish(['-t', 'ret/b', '-m', 'fresh']);
    const r = await sub.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'ret/a A\nret/b B\n');
  });

  test('--remove-retained --retained-only clears them and exits once the removals are acknowledged (mosquitto hangs)', async () => {
    await publish(['-t', 'rm/1', '-r', '-m', 'one']);
    await publish(['-t', 'rm/2', '-r', '-q', '2', '-m', 'two']);
    await publish(['-t', 'rmkeep/3', '-r', '-m', 'three']);
    const r = await runMq(['sub', '-h', '127.0.0.1', '-p', port(), '-t', 'rm/1', '-t', 'rm/2', '-t', 'rmkeep/3', '-T', 'rmkeep/#', '--remove-retained', '--retained-only', '-v', '-W', '10']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'rm/1 one\nrm/2 two\n');
    const left = await runMq(['sub', '-h', '127.0.0.1', '-p', port(), '-t', 'rm/#', '-t', 'rmkeep/#', '-v', '-W', '1']);
    assert.equal(left.code, 27);
    assert.equal(left.stdout, 'rmkeep/3 three\n', 'removed rm/1 and rm/2; -T kept rmkeep/3');
  });

  test('--remove-retained -C 1 removes, prints and exits 0 after the PUBACK', async () => {
    await publish(['-t', 'rmc/1', '-r', '-m', 'gone']);
    const r = await runMq(['sub', '-h', '127.0.0.1', '-p', port(), '-t', 'rmc/1', '--remove-retained', '-C', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'gone\n');
    const left = await runMq(['sub', '-h', '127.0.0.1', '-p', port(), '-t', 'rmc/1', '-W', '1']);
    assert.equal(left.stdout, '');
  });
});

describe('ends and exit codes', () => {
  test('-W: "Timed out" on stderr, exit 27; -C reached first: exit 0', async () => {
    const r = await runMq(['sub', '-h', '127.0.0.1', '-p', port(), '-t', 'nothing/here', '-W', '1']);
    assert.equal(r.code, 27);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'Timed out\n');
    const sub = startSub(['-t', 'w/1', '-W', '10', '-C', '2']);
    await subscribed(sub.id);
    await publish(['-t', 'w/1', '-m', 'a']);
    await publish(['-t', 'w/1', '-m', 'b']);
    const ok = await sub.done;
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'a\nb\n');
  });

  test('-E exits 0 once subscribed, printing no retained message', async () => {
    await publish(['-t', 'e/1', '-r', '-q', '1', '-m', 'retained']);
    const r = await runMq(['sub', '-h', '127.0.0.1', '-p', port(), '-t', 'e/1', '-q', '1', '-E']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '');
  });

  test('-U unsubscribes after subscribing: nothing arrives', async () => {
    const sub = startSub(['-t', 'u/#', '-U', 'u/#', '-W', '1']);
    await waitFor(() => broker.log().includes(`Received UNSUBSCRIBE from ${sub.id}\n`), 5000, () => 'UNSUBSCRIBE');
    await publish(['-t', 'u/x', '-m', 'not for us']);
    const r = await sub.done;
    assert.equal(r.code, 27);
    assert.equal(r.stdout, '');
  });

  test('--random-filter: skipped messages still count for -C', async () => {
    const sub = startSub(['-t', 'rand/#', '--random-filter', '0.1', '-C', '20', '-q', '1']);
    await subscribed(sub.id);
    for (let i = 0; i < 20; i++) await publish(['-t', `rand/${i}`, '-q', '1', '-m', `m${i}`]);
    const r = await sub.done;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.split('\n').length - 1 < 20, `printed ${r.stdout.split('\n').length - 1} of 20 at 0.1 %`);
  });

  test('SIGTERM and SIGINT: DISCONNECT, flush, exit 0', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const sub = startSub(['-t', 'sig/1', '-v']);
      await subscribed(sub.id);
      await publish(['-t', 'sig/1', '-m', 'before the signal']);
      await waitFor(() => sub.stdout().length > 0, 5000, () => 'output before the signal');
      sub.child.kill(signal);
      const r = await sub.done;
      assert.equal(r.code, 0, `${signal}: ${r.stderr}`);
      assert.equal(r.stdout, 'sig/1 before the signal\n');
      assert.equal(r.stderr, '');
      await waitFor(() => broker.log().includes(`Received DISCONNECT from ${sub.id}\n`), 5000, () => `${signal}: no DISCONNECT`);
    }
  });

  test('| head -n 1: ends quietly with exit 0 after a DISCONNECT, no stack trace', async () => {
    const id = nextId('head');
    const shell = spawn('bash', ['-c', `"${process.execPath}" "${MQ}" sub -h 127.0.0.1 -p ${port()} -i ${id} -t head/1 | head -n 1; echo "exit=\${PIPESTATUS[0]}"`], {
      env: testEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    shells.push(shell);
    let out = '';
    let err = '';
    shell.stdout.on('data', (c: Buffer) => { out += String(c); });
    shell.stderr.on('data', (c: Buffer) => { err += String(c); });
    const done = new Promise<number | null>((resolve) => shell.on('close', resolve));
    await subscribed(id);
    // The first line goes to head, which exits; a later write hits the closed pipe.
    for (let i = 0; i < 50 && shell.exitCode === null && !out.includes('exit='); i++) {
      await publish(['-t', 'head/1', '-m', `line ${i}`]);
      await new Promise((r) => setTimeout(r, 50));
    }
    const code = await done;
    assert.equal(code, 0);
    assert.equal(out, 'line 0\nexit=0\n');
    assert.equal(err, '');
    assert.ok(broker.log().includes(`Received DISCONNECT from ${id}\n`), 'sent DISCONNECT');
  });

  test('colour only on a terminal: topic and payload told apart there, plain bytes in a pipe', async () => {
    await publish(['-t', 'colour/1', '-r', '-m', 'hello']);
    const piped = await runMq(['sub', '-h', '127.0.0.1', '-p', port(), '-t', 'colour/1', '-v', '-C', '1'], { env: { NO_COLOR: undefined, TERM: 'xterm-256color' } });
    assert.equal(piped.stdout, 'colour/1 hello\n');
    if (spawnSync('script', ['--version']).status !== 0) return; // util-linux `script` gives us a terminal
    const command = `stty cols 80 rows 24; "${process.execPath}" "${MQ}" sub -h 127.0.0.1 -p ${port()} -t colour/1 -v -C 1`;
    const tty = spawnSync('script', ['-qec', command, '/dev/null'], { env: { ...testEnv(), NO_COLOR: undefined, TERM: 'xterm-256color' }, timeout: 15_000 });
    assert.equal(tty.status, 0, String(tty.stderr));
    const text = String(tty.stdout);
    // eslint-disable-next-line no-control-regex
    assert.match(text, /\x1b\[[0-9;]*mcolour\/1\x1b\[[0-9;]*m hello/, JSON.stringify(text));
  });

  test('a reader that does not read: mq stops reading from the broker (no acks), then delivers everything', async () => {
    const id = nextId('slow');
    const count = 20_000;
    const gate = path.join(tempDir(), 'gate');
    assert.equal(spawnSync('mkfifo', [gate]).status, 0);
    // The reader waits for the test to open the gate before it reads anything.
    const shell = spawn('bash', ['-c', `"${process.execPath}" "${MQ}" sub -h 127.0.0.1 -p ${port()} -i ${id} -t slow/1 -q 1 -C ${count} | (read -r _ < "${gate}"; wc -l); echo "exit=\${PIPESTATUS[0]}"`], {
      env: testEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    shells.push(shell);
    let out = '';
    shell.stdout.on('data', (c: Buffer) => { out += String(c); });
    const done = new Promise((resolve) => shell.on('close', resolve));
    await subscribed(id);
    const lines = Array.from({ length: count }, (_, i) => `message number ${i}`).join('\n') + '\n';
    // Asynchronously: the broker logs every message to a pipe this process must keep draining.
    const pub = await runMq(['pub', '-h', '127.0.0.1', '-p', port(), '-t', 'slow/1', '-q', '1', '-l'], { input: lines, timeoutMs: 60_000 });
    assert.deepEqual([pub.code, pub.stderr], [0, '']);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const acked = broker.log().split(`Received PUBACK from ${id} `).length - 1;
    // What fits in the pipe and one batch, not the whole stream (and some: the count comes from the log).
    assert.ok(acked > 0 && acked < count / 2, `acknowledged ${acked} of ${count} while nobody read`);
    writeFileSync(gate, 'go\n');
    await done;
    assert.equal(out.replace(/^\s+/, ''), `${count}\nexit=0\n`);
  });

  test('bad input: one line on stderr, exit 1, before connecting', async () => {
    const cases: [string[], string][] = [
      [['-t', 'a/#/b'], "Error: Invalid subscription topic 'a/#/b' (-t): '#' must be a whole level and the last one (e.g. a/#).\n"],
      [['-t', 'a+'], "Error: Invalid subscription topic 'a+' (-t): '+' must be a whole level (e.g. a/+/c).\n"],
      [['-t', 'a', '-C', '0'], 'Error: Invalid message count "0" (-C): it must be a whole number, at least 1.\n'],
      [['-t', 'a', '-W', '0'], 'Error: Invalid timeout "0" (-W): it must be a number of seconds greater than 0.\n'],
      [['-t', 'a', '-R', '--retained-only'], "Error: Combining '-R' and '--retained-only' makes no sense: -R hides the retained messages that --retained-only prints.\n"],
      [['-t', 'a', '--grep', '(unclosed'], 'Error: Invalid --grep regular expression: "(unclosed" is not valid: Unterminated group.\n'],
      [[], "Error: No topic to subscribe to: give one or more -t TOPIC, e.g. mq sub -t 'sensors/#' -v.\n"],
    ];
    // Port 9 (discard) is never contacted: validation comes first.
    for (const [args, stderr] of cases) {
      const r = await runMq(['sub', '-h', '127.0.0.1', '-p', '9', ...args]);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stderr, stderr);
      assert.equal(r.stdout, '');
    }
  });
});
