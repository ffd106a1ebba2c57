/**
 * mq rr against a real broker (mosquitto, or mq broker where it is missing): requests and
 * responses, correlation data, stale retained messages, -W, -f/-s, the responder (-m and --exec),
 * interplay with mosquitto_rr, the packets in the broker's log (SUBACK before PUBLISH, a DISCONNECT
 * at the end). A refusal by ACL needs mosquitto's acl_file, on a broker of its own.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import mqtt, { type IClientPublishOptions, type MqttClient } from 'mqtt';
import { needsMosquittoBroker, needsMosquittoClients, startBroker, startMosquitto, waitFor, type Broker } from './helpers/broker.ts';
import { nextId, runMq, spawnMq, tempDir, waitForOutput, type RunResult, type Running } from './helpers/run.ts';

let broker: Broker;
const running: Running[] = [];
const clients: MqttClient[] = [];

before(async () => { broker = await startBroker(); });
after(async () => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  for (const c of clients) c.end(true);
  await broker.stop();
});

const port = () => String(broker.port);
const net = () => ['-h', '127.0.0.1', '-p', port()];

/** An MQTT v5 client in this process, for messages the tests publish themselves and for watching a topic. */
async function client(): Promise<MqttClient> {
  const c = await mqtt.connectAsync({ host: '127.0.0.1', port: broker.port, protocolVersion: 5, reconnectPeriod: 0 });
  clients.push(c);
  return c;
}

/** This client's lines of the broker log, without the timestamps. */
const logOf = (id: string) => broker.log().split('\n').map((l) => l.replace(/^\d+: /, '')).filter((l) => l.startsWith(`${id} `) || l.includes(` ${id} `) || l.endsWith(` ${id}`) || l.endsWith(` ${id}.`));

/** Publish one message (QoS 1, so it has reached the broker when this resolves). */
async function publish(topic: string, payload: string, options: IClientPublishOptions = {}): Promise<void> {
  const c = await client();
  await c.publishAsync(topic, payload, { qos: 1, ...options });
  c.end();
}

/** Start `mq rr --respond` and wait until it answers. */
async function responder(args: string[], id = nextId('responder')): Promise<Running & { id: string }> {
  const r = spawnMq(['rr', '--respond', ...net(), '-i', id, ...args], { timeoutMs: 30_000 });
  r.child.stdin!.end();
  running.push(r);
  await waitForOutput(r, 'Answering requests on');
  return Object.assign(r, { id });
}

const rr = (args: string[], options: { input?: string | Buffer; cwd?: string } = {}) => runMq(['rr', ...net(), ...args], { timeoutMs: 20_000, ...options });

describe('mq rr asks, mq rr --respond answers', () => {
  test('the response on stdout; the request carries response-topic and correlation-data; SUBACK before PUBLISH; DISCONNECT', async () => {
    const server = await responder(['-t', 'svc/echo', '-m', 'pong', '-F', '%t|%R|%D|%p']);
    const id = nextId('asker');
    const result = await rr(['-i', id, '-t', 'svc/echo', '-e', 'replies/1', '--correlation-data', 'c-1', '-m', 'ping', '-W', '10']);
    assert.deepEqual([result.code, result.stdout, result.stderr], [0, 'pong\n', '']);
    await waitFor(() => server.stdout().length > 0, 5000, () => 'the responder printed nothing');
    // What the responder received: the request with our properties.
    assert.equal(server.stdout().toString(), 'svc/echo|replies/1|c-1|ping\n');
    const lines = logOf(id);
    const order = ['Received SUBSCRIBE from', 'Sending SUBACK to', 'Received PUBLISH from', 'Received DISCONNECT from', `Client ${id} disconnected.`];
    const at = order.map((text) => lines.findIndex((l) => l.startsWith(text)));
    assert.ok(at.every((i, n) => i >= 0 && (n === 0 || i > at[n - 1]!)), `broker log for ${id}:\n${lines.join('\n')}`);
    assert.ok(lines.some((l) => l === `${id} 0 replies/1`), 'subscribed to the response topic');
  });

  test('-v and --json print like mq sub; with no -e a fresh response topic is made up', async () => {
    await responder(['-t', 'svc/json', '-m', '{"ok":true}']);
    const verbose = await rr(['-t', 'svc/json', '-m', '?', '-v', '-W', '10']);
    assert.equal(verbose.code, 0, verbose.stderr);
    assert.match(verbose.stdout, /^mq\/rr\/[0-9a-f]{16} \{"ok":true\}\n$/);
    const json = await rr(['-t', 'svc/json', '-e', 'replies/json', '--correlation-data', 'j1', '-m', '?', '--json', '-W', '10']);
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as Record<string, unknown>;
    assert.equal(parsed.topic, 'replies/json');
    assert.equal(parsed.payload, '{"ok":true}');
  });

  test('binary requests from -f and -s come back byte for byte (--exec cat), -N adds no newline', async () => {
    await responder(['-t', 'svc/cat', '--exec', 'cat']);
    const bytes = Buffer.from([0, 1, 2, 0xff, 0x0a, 0x0d, 0x80, 0x41]);
    const dir = tempDir('mq-rr-file-');
    writeFileSync(path.join(dir, 'request.bin'), bytes);
    const fromFile = await rr(['-t', 'svc/cat', '-f', 'request.bin', '-N', '-W', '10'], { cwd: dir });
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.deepEqual(fromFile.stdoutBytes, bytes);
    const fromStdin = await rr(['-t', 'svc/cat', '-s', '-N', '-q', '2', '-W', '10'], { input: bytes });
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    assert.deepEqual(fromStdin.stdoutBytes, bytes);
  });

  test('--exec: the request on stdin, the topic in MQ_RR_TOPIC, stdout answers; a failing command sends nothing', async () => {
    const server = await responder(['-t', 'svc/exec/+', '--exec', 'if [ "$MQ_RR_TOPIC" = svc/exec/fail ]; then echo broken >&2; exit 3; fi; printf "%s:" "$MQ_RR_TOPIC"; tr a-z A-Z']);
    const ok = await rr(['-t', 'svc/exec/up', '-m', 'make me loud', '-W', '10']);
    assert.deepEqual([ok.code, ok.stdout], [0, 'svc/exec/up:MAKE ME LOUD\n']);
    const failed = await rr(['-t', 'svc/exec/fail', '-m', 'x', '-W', '1']);
    assert.deepEqual([failed.code, failed.stdout, failed.stderr], [27, '', 'Timed out\n']);
    await waitForOutput(server, "--exec: it exited with status 3 for the request on 'svc/exec/fail'; no response sent.");
    assert.ok(server.stderr().includes('broken\n'), 'the command\'s stderr passes through');
  });

  test('a response topic inside the responder\'s filter: its own answer does not come back as a request (v5 no-local)', async () => {
    const server = await responder(['-t', 'svc/loop/#', '-m', 'once', '-v']);
    const result = await rr(['-t', 'svc/loop/ask', '-e', 'svc/loop/reply', '-m', 'q', '-W', '10']);
    assert.deepEqual([result.code, result.stdout], [0, 'once\n']);
    // A second request shows the first answer was not taken as a request in between.
    const again = await rr(['-t', 'svc/loop/ask', '-e', 'svc/loop/reply', '-m', 'q2', '-W', '10']);
    assert.deepEqual([again.code, again.stdout], [0, 'once\n']);
    await waitFor(() => server.stdout().toString().split('\n').length >= 3, 5000, () => 'second request not printed');
    assert.equal(server.stdout().toString(), 'svc/loop/ask q\nsvc/loop/ask q2\n');
    assert.equal(server.stderr(), "Answering requests on 'svc/loop/#'. Ctrl-C stops.\n");
  });

  test('-C 2 on both sides: the responder exits 0 after two answers, the asker prints two responses', async () => {
    const one = await responder(['-t', 'svc/two', '-m', 'a', '-C', '1']);
    const two = await responder(['-t', 'svc/two', '-m', 'a', '-C', '1']);
    const result = await rr(['-t', 'svc/two', '-m', 'x', '-C', '2', '-W', '10']);
    assert.deepEqual([result.code, result.stdout], [0, 'a\na\n']);
    const [r1, r2] = await Promise.all([one.done, two.done]);
    assert.deepEqual([r1.code, r2.code], [0, 0]);
  });

  test('mosquitto_rr asks mq rr --respond (no correlation data, -V 311 with -e)', { skip: needsMosquittoClients }, async () => {
    await responder(['-t', 'svc/mosq', '-m', 'hello from mq']);
    const v5 = spawnSync('mosquitto_rr', [...net(), '-t', 'svc/mosq', '-e', 'replies/mosq', '-m', 'hi', '-W', '10'], { encoding: 'utf8', timeout: 15_000 });
    assert.deepEqual([v5.status, v5.stdout], [0, 'hello from mq\n']);
    await responder(['-t', 'svc/mosq311', '-e', 'replies/311', '-V', '311', '-m', 'v3 answer']);
    const v3 = await rr(['-V', '311', '-t', 'svc/mosq311', '-e', 'replies/311', '-m', 'hi', '-W', '10']);
    assert.deepEqual([v3.code, v3.stdout], [0, 'v3 answer\n']);
  });
});

describe('only the response to our request', () => {
  /** Start an asker and wait until its request is out (seen by a subscriber on the request topic). */
  async function askAndWait(args: string[], requestTopic: string): Promise<Running> {
    const watcher = await client();
    let seen = false;
    watcher.on('message', () => { seen = true; });
    await watcher.subscribeAsync(requestTopic);
    const asker = spawnMq(['rr', ...net(), ...args], { timeoutMs: 20_000 });
    asker.child.stdin!.end();
    running.push(asker);
    await waitFor(() => seen, 15_000, () => `the request on ${requestTopic} did not come: ${asker.stderr()}`);
    watcher.end();
    return asker;
  }

  test('a response carrying another correlation data is not printed; ours is', async () => {
    const asker = await askAndWait(['-t', 'svc/cd', '-e', 'replies/cd', '--correlation-data', 'mine', '-m', 'q', '-W', '10'], 'svc/cd');
    await publish('replies/cd', 'for someone else', { properties: { correlationData: Buffer.from('theirs') } });
    await publish('replies/cd', 'for me', { properties: { correlationData: Buffer.from('mine') } });
    const result = await asker.done;
    assert.deepEqual([result.code, result.stdout, result.stderr], [0, 'for me\n', '']);
  });

  test('a stale retained message on the response topic is not the response (v5 and 3.1.1)', async () => {
    await publish('replies/stale', 'stale', { retain: true });
    await responder(['-t', 'svc/stale', '-m', 'fresh']);
    await responder(['-t', 'svc/stale311', '-V', '311', '-e', 'replies/stale', '-m', 'fresh 311']);
    const v5 = await rr(['-t', 'svc/stale', '-e', 'replies/stale', '-m', 'q', '-W', '10']);
    assert.deepEqual([v5.code, v5.stdout], [0, 'fresh\n']);
    const v3 = await rr(['-V', '311', '-t', 'svc/stale311', '-e', 'replies/stale', '-m', 'q', '-W', '10']);
    assert.deepEqual([v3.code, v3.stdout], [0, 'fresh 311\n']);
    await publish('replies/stale', '', { retain: true });
  });
});

describe('failures', () => {
  test('-W without a responder: "Timed out", exit 27, DISCONNECT sent', async () => {
    const id = nextId('timeout');
    const result = await rr(['-i', id, '-t', 'svc/nobody', '-m', 'x', '-W', '1']);
    assert.deepEqual([result.code, result.stdout, result.stderr], [27, '', 'Timed out\n']);
    assert.ok(logOf(id).some((l) => l === `Received DISCONNECT from ${id}`), logOf(id).join('\n'));
  });

  test('--quiet hides "Timed out" but keeps exit 27', async () => {
    const result = await rr(['--quiet', '-t', 'svc/nobody', '-m', 'x', '-W', '0.5']);
    assert.deepEqual([result.code, result.stderr], [27, '']);
  });

  test('QoS 1 to a topic nobody listens on: the broker says so, mq rr stops at once', async () => {
    const result: RunResult = await rr(['-t', 'svc/nobody', '-m', 'x', '-q', '1']);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, "Error: Nobody received the request: the broker has no subscriber on 'svc/nobody' (No matching subscribers), so no response can come. Is the responder running and subscribed to that topic?\n");
  });

  test('a request the broker refuses (ACL): its reason code is the exit code', { skip: needsMosquittoBroker('an ACL file (acl_file) to refuse a topic') }, async () => {
    const dir = tempDir('mq-rr-acl-');
    const acl = path.join(dir, 'acl');
    writeFileSync(acl, ['replies/#', 'mq/rr/#'].map((t) => `topic readwrite ${t}\n`).join('') + 'topic read readonly/#\n');
    const aclBroker = await startMosquitto({ extraConfig: `acl_file ${acl}` });
    try {
      const result = await runMq(['rr', '-h', '127.0.0.1', '-p', String(aclBroker.port), '-t', 'readonly/svc', '-e', 'replies/acl', '-m', 'x', '-q', '1', '-W', '10']);
      assert.equal(result.code, 135);
      assert.equal(result.stderr, "Error: The request to 'readonly/svc' was refused: Not authorized (reason code 135).\n");
    } finally {
      await aclBroker.stop();
    }
  });

  test('usage errors: exit 1, one line, before connecting', async () => {
    const cases: [string[], string | RegExp][] = [
      [['-t', 'a/#', '-m', 'x'], "Error: Invalid publish topic 'a/#' (-t): it contains '+' or '#', which are only allowed in subscriptions.\n"],
      [['-t', 'a'], 'Error: No request message given: use -m TEXT, -f FILE, -s (all of stdin) or -n (an empty message).\n'],
      [['-t', 'a', '-m', 'x', '-V', '311'], 'Error: MQTT 3.1.1 requests carry no response topic: give -e TOPIC (and let the responder know it), or use MQTT v5 (-V 5).\n'],
      [['-t', 'a', '-f', 'missing.bin'], 'Error: Cannot read -f missing.bin: no such file.\n'],
      [['-t', 'a', '-s'], 'Error: Zero length input on stdin (-s): nothing to send. Use -n to send an empty message.\n'],
      // Two sources are an error even when both are -m or -f (mosquitto_rr: "Only one type of message ...").
      [['-t', 'a', '-m', 'x', '-m', 'y'], 'Error: Only one message source at a time, but -m and -m were given.\n'],
      [['-t', 'a', '-f', 'one.bin', '-f', 'two.bin'], 'Error: Only one message source at a time, but -f and -f were given.\n'],
      // The -F check is mq sub's (its wording is the format module's).
      [['-t', 'a', '-m', 'x', '-F', '%Z'], /^Error: Invalid format specifier '%?Z'[^\n]*\n$/],
    ];
    const results = await Promise.all(cases.map(([args]) => runMq(['rr', '-h', '127.0.0.1', '-p', '1', ...args])));
    cases.forEach(([args, stderr], i) => {
      assert.deepEqual([results[i]!.code, results[i]!.stdout], [1, ''], args.join(' '));
      if (typeof stderr === 'string') assert.equal(results[i]!.stderr, stderr, args.join(' '));
      else assert.match(results[i]!.stderr, stderr, args.join(' '));
    });
  });

  test('Ctrl-C while waiting: exit 130, DISCONNECT sent', async () => {
    const id = nextId('interrupted');
    const asker = spawnMq(['rr', ...net(), '-i', id, '-t', 'svc/nobody', '-m', 'x'], { timeoutMs: 20_000 });
    asker.child.stdin!.end();
    running.push(asker);
    await waitFor(() => logOf(id).some((l) => l.startsWith('Received PUBLISH from')), 10_000, () => 'no request');
    asker.child.kill('SIGINT');
    const result = await asker.done;
    assert.deepEqual([result.code, result.stderr], [130, 'Error: Interrupted (SIGINT) before the response.\n']);
    assert.ok(logOf(id).some((l) => l === `Received DISCONNECT from ${id}`));
  });

  test('the responder: Ctrl-C ends it with 0 after a DISCONNECT', async () => {
    const server = await responder(['-t', 'svc/stop', '-m', 'x']);
    server.child.kill('SIGINT');
    const result = await server.done;
    assert.equal(result.code, 0);
    assert.ok(logOf(server.id).some((l) => l === `Received DISCONNECT from ${server.id}`));
  });
});
