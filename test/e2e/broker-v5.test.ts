/**
 * MQTT v5 through `mq broker` (aedes 2.0.0-beta.1), whatever broker the rest of the suite uses:
 * mq's own pub/sub/rr/bench, and a raw mqtt-packet client where the CLI cannot say it (topic
 * aliases out of range, resubscribing, exact reason codes). One test per feature; the features
 * aedes cannot do are `todo` tests that assert what mosquitto does, naming the aedes code at fault.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import path from 'node:path';
import mqttPacket from 'mqtt-packet';
import { freePort, needsMosquittoInstalled, startMqBroker, waitFor, withMosquitto, type Broker } from './helpers/broker.ts';
import { nextId, runMq, spawnMq, tempDir, waitForOutput, type RunResult, type Running } from './helpers/run.ts';

let broker: Broker;
const running: Running[] = [];
const raws: RawClient[] = [];

before(async () => { broker = await startMqBroker(); });
after(async () => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  for (const r of raws) r.destroy();
  await broker.stop();
});

const net = (b: Broker = broker) => ['-h', '127.0.0.1', '-p', String(b.port)];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `mq ARGS` against the broker, to completion. */
const mq = (command: string, args: string[], options: { input?: string; b?: Broker } = {}) =>
  runMq([command, ...net(options.b), ...args], { timeoutMs: 20_000, ...(options.input !== undefined ? { input: options.input } : {}) });

/** -d trace lines (which go to stderr), so the rest of stderr can be compared exactly. */
const TRACE = /^(Client \S+ (sending|received) [A-Z]+|Subscribed \(mid: \d+\))/;
const withoutTrace = (stderr: string) => stderr.split('\n').filter((line) => !TRACE.test(line)).join('\n');

/** `mq sub -V 5 ARGS -d` running, once the broker acknowledged its SUBSCRIBE. */
async function subscriber(args: string[], b: Broker = broker): Promise<Running> {
  const r = spawnMq(['sub', ...net(b), '-V', '5', ...args, '-d'], { timeoutMs: 30_000 });
  r.child.stdin!.end();
  running.push(r);
  await waitForOutput(r, /Subscribed \(mid: \d+\)/, 10_000);
  return r;
}

async function finished(r: Running): Promise<RunResult & { stderr: string }> {
  const result = await r.done;
  return { ...result, stderr: withoutTrace(result.stderr) };
}

type Packet = Record<string, any> & { cmd: string };

interface RawClient {
  connack: Packet;
  /** Every packet received, in order. */
  packets: Packet[];
  send(packet: Record<string, unknown>): void;
  /** Several packets in one write, so the broker reads them together. */
  sendTogether(packets: Record<string, unknown>[]): void;
  /** The next packet of this kind after the last one returned (throws after timeoutMs or when the connection closes first). */
  next(cmd: string, timeoutMs?: number): Promise<Packet>;
  /** The PUBLISH packets received so far, as "topic payload" plus what the test asks for. */
  publishes(): Packet[];
  closed: Promise<void>;
  isClosed(): boolean;
  destroy(): void;
}

/** A v5 client made of mqtt-packet and a socket: it sends exactly what it is given. */
async function rawClient(connect: Record<string, unknown>, b: Broker = broker): Promise<RawClient> {
  const socket = netConnect(b.port, '127.0.0.1');
  const parser = mqttPacket.parser({ protocolVersion: 5 });
  const packets: Packet[] = [];
  let seen = 0;
  let isClosed = false;
  socket.on('data', (data) => parser.parse(data));
  socket.on('error', () => {});
  parser.on('packet', (packet: Packet) => { packets.push(packet); });
  const closed = new Promise<void>((resolve) => socket.on('close', () => { isClosed = true; resolve(); }));
  const send = (packet: Record<string, unknown>) => { socket.write(mqttPacket.generate(packet as never, { protocolVersion: 5 })); };
  const sendTogether = (list: Record<string, unknown>[]) => { socket.write(Buffer.concat(list.map((packet) => mqttPacket.generate(packet as never, { protocolVersion: 5 })))); };
  const next = async (cmd: string, timeoutMs = 5000): Promise<Packet> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = packets.findIndex((p, n) => n >= seen && p.cmd === cmd);
      if (i >= 0) {
        seen = i + 1;
        return packets[i]!;
      }
      if (isClosed) throw new Error(`the connection closed without a ${cmd.toUpperCase()}; received: ${packets.map((p) => p.cmd).join(', ') || 'nothing'}`);
      if (Date.now() > deadline) throw new Error(`no ${cmd.toUpperCase()} within ${timeoutMs} ms; received: ${packets.map((p) => p.cmd).join(', ') || 'nothing'}`);
      await sleep(20);
    }
  };
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clean: true, keepalive: 60, clientId: nextId('raw'), ...connect });
  const connack = await next('connack');
  const client: RawClient = {
    connack, packets, send, sendTogether, next, closed,
    publishes: () => packets.filter((p) => p.cmd === 'publish'),
    isClosed: () => isClosed,
    destroy: () => socket.destroy(),
  };
  raws.push(client);
  return client;
}

/** SUBSCRIBE and wait for the SUBACK. */
async function subscribe(client: RawClient, messageId: number, subscriptions: Record<string, unknown>[], properties?: Record<string, unknown>): Promise<Packet> {
  client.send({ cmd: 'subscribe', messageId, subscriptions, ...(properties ? { properties } : {}) });
  return client.next('suback');
}

/** Plain JSON (mqtt-packet makes user properties without a prototype, payloads Buffers). */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
const summary = (p: Packet) => ({ topic: p.topic as string, payload: String(p.payload), retain: p.retain as boolean, ...(p.properties ? { properties: plain(p.properties) } : {}) });

describe('MQTT v5 through mq broker', () => {
  test('CONNACK: topic aliases up to 10 (mosquitto\'s max_topic_alias default), receive maximum 20 (its max_inflight_messages), shared subscriptions unavailable', async () => {
    const client = await rawClient({ clientId: nextId('connack') });
    assert.equal(client.connack.reasonCode, 0);
    assert.deepEqual(plain(client.connack.properties), { sharedSubscriptionAvailable: false, topicAliasMaximum: 10, receiveMaximum: 20 });
    // A zero-length client id is named as mosquitto names it, and the client is told.
    const anonymous = await rawClient({ clientId: '' });
    assert.match(anonymous.connack.properties?.assignedClientIdentifier ?? '', /^auto-[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  });

  test('PUBLISH properties reach the subscriber: user properties, content type, payload format, response topic, correlation data, expiry', async () => {
    const formatted = await subscriber(['-t', 'props/t', '-C', '1', '-F', '%t|%C|%R|%P|%F|%D|%E|%p']);
    const json = await subscriber(['-t', 'props/t', '-C', '1', '--json', '-q', '1']);
    const published = await mq('pub', ['-V', '5', '-q', '1', '-t', 'props/t', '-m', 'hello',
      '--user-property', 'a=1', '--user-property', 'b=2', '--user-property', 'a=3', '--content-type', 'text/plain',
      '--payload-format-indicator', '--response-topic', 'props/reply', '--correlation-data', 'cd-1', '--message-expiry', '60']);
    assert.deepEqual([published.code, published.stderr], [0, '']);
    const f = await finished(formatted);
    // mq prints user properties grouped by key (docs/sub.md); live messages keep the full expiry.
    assert.deepEqual([f.code, f.stdout, f.stderr], [0, 'props/t|text/plain|props/reply|a:1 a:3 b:2|1|cd-1|60|hello\n', '']);
    const j = await finished(json);
    assert.equal(j.code, 0, j.stderr);
    const message = JSON.parse(j.stdout) as Record<string, unknown>;
    delete message.received;
    delete message.mid;
    assert.deepEqual(message, {
      topic: 'props/t', payload: 'hello', qos: 1, retain: false, dup: false,
      properties: {
        payloadFormatIndicator: 1, messageExpiryInterval: 60, contentType: 'text/plain', responseTopic: 'props/reply',
        correlationData: 'cd-1', userProperties: { a: ['1', '3'], b: '2' },
      },
    });
  });

  test('mq rr asks, mq rr --respond answers: response topic, correlation data and user properties both ways', async () => {
    const server = spawnMq(['rr', '--respond', ...net(), '-t', 'svc/echo', '-m', 'pong', '-F', '%t|%R|%D|%P|%C|%p'], { timeoutMs: 30_000 });
    server.child.stdin!.end();
    running.push(server);
    await waitForOutput(server, "Answering requests on 'svc/echo'", 10_000);
    const asked = await mq('rr', ['-t', 'svc/echo', '-e', 'replies/echo', '--correlation-data', 'c-1', '-m', 'ping',
      '-D', 'publish', 'user-property', 'k', 'v', '-D', 'publish', 'content-type', 'text/x', '-F', '%t|%D|%p', '-W', '10']);
    // The answer comes back on our response topic with our correlation data.
    assert.deepEqual([asked.code, asked.stdout, asked.stderr], [0, 'replies/echo|c-1|pong\n', '']);
    await waitFor(() => server.stdout().length > 0, 5000, () => 'the responder printed nothing');
    assert.equal(server.stdout().toString(), 'svc/echo|replies/echo|c-1|k:v|text/x|ping\n');
    // Without -e mq rr makes up a response topic; the request names it.
    const made = await mq('rr', ['-t', 'svc/echo', '-m', 'again', '-v', '-W', '10']);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /^mq\/rr\/[0-9a-f]{16} pong\n$/);
    server.child.kill('SIGINT');
    assert.equal((await server.done).code, 0);
  });

  test('mq rr and a subscriber that answers by hand: only the response with our correlation data is taken', async () => {
    const watcher = await subscriber(['-t', 'svc/manual', '-C', '1', '-F', '%R %D']);
    const asker = spawnMq(['rr', ...net(), '-t', 'svc/manual', '--correlation-data', 'mine', '-m', 'q', '-W', '10'], { timeoutMs: 20_000 });
    asker.child.stdin!.end();
    running.push(asker);
    const request = await finished(watcher);
    assert.equal(request.code, 0, request.stderr);
    const [responseTopic, correlation] = request.stdout.trimEnd().split(' ');
    assert.match(responseTopic!, /^mq\/rr\/[0-9a-f]{16}$/);
    assert.equal(correlation, 'mine');
    for (const [message, data] of [['not yours', 'theirs'], ['yours', 'mine']]) {
      const r = await mq('pub', ['-t', responseTopic!, '-m', message!, '-D', 'publish', 'correlation-data', data!]);
      assert.equal(r.code, 0, r.stderr);
    }
    const result = await asker.done;
    assert.deepEqual([result.code, result.stdout, result.stderr], [0, 'yours\n', '']);
  });

  test('message expiry: a retained message past its expiry is not delivered; the other one\'s remaining interval counts down', async () => {
    const start = Date.now();
    for (const [topic, expiry] of [['exp/ret/short', '1'], ['exp/ret/long', '10']]) {
      const r = await mq('pub', ['-V', '5', '-q', '1', '-r', '-t', topic!, '-m', topic!.slice(8), '--message-expiry', expiry!]);
      assert.equal(r.code, 0, r.stderr);
    }
    const published = Date.now();
    await sleep(2200);
    const subscribing = Date.now();
    const r = await mq('sub', ['-V', '5', '-t', 'exp/ret/#', '-F', '%t %r %E %p', '-C', '2', '-W', '1.5']);
    const done = Date.now();
    // The broker took the long one between start and published, and sent it between subscribing and done.
    const lowest = Math.ceil((start + 10_000 - done) / 1000);
    const highest = Math.ceil((published + 10_000 - subscribing) / 1000);
    assert.deepEqual([r.code, r.stderr], [27, 'Timed out\n']);
    const match = /^exp\/ret\/long 1 (\d+) long\n$/.exec(r.stdout);
    assert.ok(match, `expected only the unexpired retained message, got ${JSON.stringify(r.stdout)}`);
    const remaining = Number(match[1]);
    assert.ok(remaining >= lowest && remaining <= highest && remaining < 10, `remaining expiry ${remaining}, expected ${lowest}..${highest}`);
  });

  test('message expiry: a queued message past its expiry is not delivered on reconnect; the other one\'s interval counts down', async () => {
    const id = nextId('queued');
    const session = ['-V', '5', '-c', '-i', id, '-x', '60', '-q', '1', '-t', 'exp/queue'];
    const first = await mq('sub', [...session, '-E']);
    assert.equal(first.code, 0, first.stderr);
    const start = Date.now();
    for (const [message, expiry] of [['short', '1'], ['long', '10']]) {
      const r = await mq('pub', ['-V', '5', '-q', '1', '-t', 'exp/queue', '-m', message!, '--message-expiry', expiry!]);
      assert.equal(r.code, 0, r.stderr);
    }
    const published = Date.now();
    await sleep(2200);
    const subscribing = Date.now();
    const r = await mq('sub', [...session, '-F', '%E %p', '-C', '2', '-W', '1.5']);
    const done = Date.now();
    assert.deepEqual([r.code, r.stderr], [27, 'Timed out\n']);
    const match = /^(\d+) long\n$/.exec(r.stdout);
    assert.ok(match, `expected only the unexpired queued message, got ${JSON.stringify(r.stdout)}`);
    const remaining = Number(match[1]);
    const lowest = Math.ceil((start + 10_000 - done) / 1000);
    const highest = Math.ceil((published + 10_000 - subscribing) / 1000);
    assert.ok(remaining >= lowest && remaining <= highest && remaining < 10, `remaining expiry ${remaining}, expected ${lowest}..${highest}`);
  });

  test('session expiry: a persistent session (-c -x 60) survives a reconnect and gets what was queued meanwhile', async () => {
    const id = nextId('kept');
    const session = ['-V', '5', '-c', '-i', id, '-x', '60', '-q', '2', '-t', 'sess/kept'];
    assert.equal((await mq('sub', [...session, '-E'])).code, 0);
    for (const [qos, message] of [['1', 'one'], ['2', 'two']]) {
      assert.equal((await mq('pub', ['-q', qos!, '-t', 'sess/kept', '-m', message!])).code, 0);
    }
    const r = await mq('sub', [...session, '-C', '2', '-W', '5']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'one\ntwo\n', '']);
  });

  test('session expiry: with -x 1 the session is gone after 2 s, and what was queued for it too', async () => {
    const id = nextId('expiring');
    const session = ['-V', '5', '-c', '-i', id, '-x', '1', '-q', '1', '-t', 'sess/gone'];
    assert.equal((await mq('sub', [...session, '-E'])).code, 0);
    // Queued while the session still exists (or, on a slow machine, published to nobody: nothing either way).
    assert.equal((await mq('pub', ['-q', '1', '-t', 'sess/gone', '-m', 'queued'])).code, 0);
    await sleep(2000);
    const raw = await rawClient({ clientId: id, clean: false, properties: { sessionExpiryInterval: 1 } });
    assert.equal(raw.connack.sessionPresent, false);
    await sleep(500);
    assert.deepEqual(raw.publishes().map(summary), []);
    raw.send({ cmd: 'disconnect', reasonCode: 0 });
    await raw.closed;
    // mq sub comes back, subscribes again, and nothing old arrives.
    const r = await mq('sub', [...session, '-C', '1', '-W', '1']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [27, '', 'Timed out\n']);
  });

  test('will: v5 properties reach the subscribers after the Will Delay Interval, which is not forwarded', async () => {
    const watcher = await rawClient({});
    await subscribe(watcher, 1, [{ topic: 'will/delayed', qos: 0 }]);
    const printed = await subscriber(['-t', 'will/delayed', '-C', '1', '-F', '%C|%P|%E|%p']);
    const doomed = await subscriber(['-i', nextId('doomed'), '-x', '10', '-t', 'will/other', '--will-topic', 'will/delayed', '--will-payload', 'gone',
      '-D', 'will', 'will-delay-interval', '1', '-D', 'will', 'content-type', 'text/w', '-D', 'will', 'user-property', 'k', 'v',
      '-D', 'will', 'message-expiry-interval', '30']);
    const killed = Date.now();
    doomed.child.kill('SIGKILL');
    const will = await watcher.next('publish', 5000);
    const delay = Date.now() - killed;
    assert.ok(delay >= 900, `the will came ${delay} ms after the client died, before its 1 s delay`);
    // Will Delay Interval is a CONNECT will property, not a PUBLISH one: mosquitto_sub drops the connection on it.
    assert.deepEqual(summary(will), { topic: 'will/delayed', payload: 'gone', retain: false, properties: { contentType: 'text/w', userProperties: { k: 'v' }, messageExpiryInterval: 30 } });
    const p = await finished(printed);
    assert.deepEqual([p.code, p.stdout, p.stderr], [0, 'text/w|k:v|30|gone\n', '']);
  });

  test('will delay: the client coming back within the delay cancels its will', async () => {
    const id = nextId('back');
    const watcher = await rawClient({});
    await subscribe(watcher, 1, [{ topic: 'will/cancelled', qos: 0 }]);
    const doomed = await subscriber(['-c', '-i', id, '-x', '10', '-t', 'will/other', '--will-topic', 'will/cancelled', '--will-payload', 'gone',
      '-D', 'will', 'will-delay-interval', '3']);
    const killed = Date.now();
    doomed.child.kill('SIGKILL');
    await doomed.done;
    const back = await mq('sub', ['-V', '5', '-c', '-i', id, '-x', '10', '-t', 'will/other', '-W', '1']);
    assert.deepEqual([back.code, back.stderr], [27, 'Timed out\n']);
    assert.ok(Date.now() - killed < 3000, 'the client came back too late to test anything: the machine is too slow');
    // Past the delay, nothing was published.
    await sleep(killed + 3500 - Date.now());
    assert.deepEqual(watcher.publishes().map(summary), []);
    // Control: the same will without a client coming back is published.
    const again = await subscriber(['-i', nextId('doomed'), '-x', '10', '-t', 'will/other', '--will-topic', 'will/cancelled', '--will-payload', 'sent',
      '-D', 'will', 'will-delay-interval', '1']);
    again.child.kill('SIGKILL');
    assert.deepEqual(summary(await watcher.next('publish', 5000)), { topic: 'will/cancelled', payload: 'sent', retain: false });
  });

  test('no-local: a client does not get its own messages back on a no-local subscription', async () => {
    const client = await rawClient({});
    await subscribe(client, 1, [{ topic: 'nl/on', qos: 0, nl: true }, { topic: 'nl/off', qos: 0, nl: false }]);
    client.send({ cmd: 'publish', topic: 'nl/on', payload: 'mine', qos: 0 });
    client.send({ cmd: 'publish', topic: 'nl/off', payload: 'mine', qos: 0 });
    assert.equal((await mq('pub', ['-t', 'nl/on', '-m', 'theirs'])).code, 0);
    await waitFor(() => client.publishes().length >= 2, 5000, () => 'messages missing');
    await sleep(200);
    assert.deepEqual(client.publishes().map((p) => `${p.topic as string} ${String(p.payload)}`), ['nl/off mine', 'nl/on theirs']);

    // mq rr --respond subscribes with no-local: its own answer on a topic inside its filter is not a new request.
    const server = spawnMq(['rr', '--respond', ...net(), '-t', 'nl/svc/#', '-m', 'once', '-v'], { timeoutMs: 30_000 });
    server.child.stdin!.end();
    running.push(server);
    await waitForOutput(server, 'Answering requests on', 10_000);
    for (const request of ['q1', 'q2']) {
      const r = await mq('rr', ['-t', 'nl/svc/ask', '-e', 'nl/svc/reply', '-m', request, '-W', '10']);
      assert.deepEqual([r.code, r.stdout], [0, 'once\n']);
    }
    await waitFor(() => server.stdout().toString().split('\n').length >= 3, 5000, () => 'second request not printed');
    assert.equal(server.stdout().toString(), 'nl/svc/ask q1\nnl/svc/ask q2\n');
    server.child.kill('SIGINT');
    await server.done;
  });

  test('retain-as-published: a retained message published live keeps its RETAIN flag only for --retain-as-published', async () => {
    const kept = await subscriber(['-t', 'rap/t', '--retain-as-published', '-C', '1', '-F', '%r %p']);
    const cleared = await subscriber(['-t', 'rap/t', '-C', '1', '-F', '%r %p']);
    assert.equal((await mq('pub', ['-t', 'rap/t', '-m', 'live', '-r', '-q', '1'])).code, 0);
    const [k, c] = [await finished(kept), await finished(cleared)];
    assert.deepEqual([k.code, k.stdout, c.code, c.stdout], [0, '1 live\n', 0, '0 live\n']);
    // On subscribe a retained message always carries the flag.
    const late = await mq('sub', ['-V', '5', '-t', 'rap/t', '-C', '1', '-F', '%r %p']);
    assert.deepEqual([late.code, late.stdout], [0, '1 live\n']);
    assert.equal((await mq('pub', ['-t', 'rap/t', '-n', '-r', '-q', '1'])).code, 0);
  });

  test('retain-handling: 0 sends retained messages on every SUBSCRIBE, 1 only for a new subscription, 2 never', async () => {
    assert.equal((await mq('pub', ['-t', 'rh/t', '-m', 'kept', '-r', '-q', '1'])).code, 0);
    // mq sub: a new subscription each time.
    const zero = await mq('sub', ['-V', '5', '-t', 'rh/t', '--retain-handling', '0', '-C', '1', '-F', '%r %p']);
    const one = await mq('sub', ['-V', '5', '-t', 'rh/t', '--retain-handling', '1', '-C', '1', '-F', '%r %p']);
    const two = await mq('sub', ['-V', '5', '-t', 'rh/t', '--retain-handling', '2', '-C', '1', '-W', '1']);
    assert.deepEqual([zero.code, zero.stdout, one.code, one.stdout, two.code, two.stdout, two.stderr], [0, '1 kept\n', 0, '1 kept\n', 27, '', 'Timed out\n']);
    // The same subscription twice on one connection: only 0 sends it again.
    const got: Record<string, string[]> = {};
    for (const rh of [0, 1, 2]) {
      const client = await rawClient({});
      await subscribe(client, 1, [{ topic: 'rh/t', qos: 1, rh }]);
      await (rh === 2 ? sleep(300) : waitFor(() => client.publishes().length === 1, 5000, () => `rh ${rh}: no retained message`));
      await subscribe(client, 2, [{ topic: 'rh/t', qos: 1, rh }]);
      await (rh === 0 ? waitFor(() => client.publishes().length === 2, 5000, () => 'rh 0: not sent again') : sleep(300));
      got[`rh ${rh}`] = client.publishes().map((p) => `${String(p.payload)} r${p.retain ? 1 : 0}`);
      client.destroy();
    }
    assert.deepEqual(got, { 'rh 0': ['kept r1', 'kept r1'], 'rh 1': ['kept r1'], 'rh 2': [] });
    assert.equal((await mq('pub', ['-t', 'rh/t', '-n', '-r', '-q', '1'])).code, 0);
  });

  test('subscription identifiers: echoed on retained and live messages (%S)', async () => {
    assert.equal((await mq('pub', ['-t', 'si/t', '-m', 'old', '-r', '-q', '1'])).code, 0);
    const s = await subscriber(['-t', 'si/t', '-D', 'subscribe', 'subscription-identifier', '7', '-C', '2', '-F', '%S %r %p']);
    assert.equal((await mq('pub', ['-t', 'si/t', '-m', 'new'])).code, 0);
    const r = await finished(s);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '7 1 old\n7 0 new\n', '']);
    assert.equal((await mq('pub', ['-t', 'si/t', '-n', '-r', '-q', '1'])).code, 0);
  });

  test('subscription identifiers: a message matching two subscriptions carries both identifiers', {
    todo: 'aedes delivers one copy with only one identifier: lib/handlers/subscribe.js addSubs() ("KNOWN LIMITATION [MQTT-3.3.4-4]"), the second match is dropped by dedupe() in lib/client.js (mosquitto sends two copies, ids 1 and 2)',
  }, async () => {
    const client = await rawClient({});
    await subscribe(client, 1, [{ topic: 'si2/+', qos: 0 }], { subscriptionIdentifier: 1 });
    await subscribe(client, 2, [{ topic: 'si2/#', qos: 0 }], { subscriptionIdentifier: 2 });
    assert.equal((await mq('pub', ['-t', 'si2/x', '-m', 'x'])).code, 0);
    await sleep(500);
    const ids = client.publishes().flatMap((p) => [p.properties?.subscriptionIdentifier].flat()).sort();
    assert.deepEqual(ids, [1, 2]);
  });

  test('subscription identifiers: a message queued for a persistent session carries its identifier', {
    todo: 'aedes queues the publish as it came (aedes.js enqueueOffline -> persistence.outgoingEnqueueCombi) and the persistence trie keeps no identifier (aedes-persistence addSubscriptions: "deliberately NOT added to the trie"), so lib/handlers/connect.js emptyQueue sends it without one (mosquitto: 5)',
  }, async () => {
    const id = nextId('si-queued');
    const first = await rawClient({ clientId: id, properties: { sessionExpiryInterval: 60 } });
    await subscribe(first, 1, [{ topic: 'si3/t', qos: 1 }], { subscriptionIdentifier: 5 });
    first.send({ cmd: 'disconnect', reasonCode: 0 });
    await first.closed;
    assert.equal((await mq('pub', ['-t', 'si3/t', '-m', 'queued', '-q', '1'])).code, 0);
    const back = await rawClient({ clientId: id, clean: false, properties: { sessionExpiryInterval: 60 } });
    const message = await back.next('publish');
    assert.equal(message.properties?.subscriptionIdentifier, 5);
  });

  test('topic aliases from clients: mq pub -l --topic-alias sends the topic once, subscribers get it every time', async () => {
    const s = await subscriber(['-t', 'alias/#', '-C', '3', '-F', '%t|%A|%p']);
    const r = await mq('pub', ['-V', '5', '-l', '-q', '1', '-t', 'alias/t', '--topic-alias', '1', '-d', '-i', 'aliaser'], { input: 'a\nb\nc\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stderr.split('\n').filter((l) => l.includes('sending PUBLISH')), [
      "Client aliaser sending PUBLISH (d0, q1, r0, m1, 'alias/t', ... (1 bytes))",
      "Client aliaser sending PUBLISH (d0, q1, r0, m2, '', ... (1 bytes))",
      "Client aliaser sending PUBLISH (d0, q1, r0, m3, '', ... (1 bytes))",
    ]);
    // The alias belongs to the publisher's connection: aedes resolves it and does not forward it.
    const got = await finished(s);
    assert.deepEqual([got.code, got.stdout, got.stderr], [0, 'alias/t||a\nalias/t||b\nalias/t||c\n', '']);
    // Above the maximum: mq pub says so before publishing, as with mosquitto.
    const over = await mq('pub', ['-V', '5', '-t', 'alias/t', '-m', 'x', '--topic-alias', '11']);
    assert.deepEqual([over.code, over.stderr], [1, 'Error: topic-alias 11 is more than the broker accepts (topic-alias-maximum 10).\n']);
  });

  test('topic aliases: an alias above the maximum, or one never set, gets DISCONNECT 0x94 (Topic Alias invalid)', async () => {
    for (const packet of [
      { cmd: 'publish', topic: 'alias/x', payload: 'x', qos: 0, properties: { topicAlias: 11 } },
      { cmd: 'publish', topic: '', payload: 'x', qos: 0, properties: { topicAlias: 4 } },
    ]) {
      const client = await rawClient({});
      // A round trip first: aedes can send DISCONNECT only once it has finished the connect.
      await subscribe(client, 1, [{ topic: 'alias/none', qos: 0 }]);
      client.send(packet);
      const disconnect = await client.next('disconnect');
      assert.equal(disconnect.reasonCode, 0x94, JSON.stringify(packet));
      await client.closed;
    }
  });

  test('a v5 publish to $SYS: PUBACK 135 with a reason string; mq pub prints both and exits 135', async () => {
    const r = await mq('pub', ['-V', '5', '-q', '1', '-t', '$SYS/mine', '-m', 'x']);
    assert.deepEqual([r.code, r.stderr], [135, "Error: Publish to '$SYS/mine' refused: Not authorized (reason code 135): $SYS/ topic is reserved.\n"]);
    // The connection stays up (v5), so the next message goes through.
    const client = await rawClient({});
    client.send({ cmd: 'publish', topic: '$SYS/mine', payload: 'x', qos: 1, messageId: 1 });
    const ack = await client.next('puback');
    assert.deepEqual([ack.reasonCode, plain(ack.properties)], [135, { reasonString: '$SYS/ topic is reserved' }]);
    // Nobody subscribes to sys/ok: 16 (No matching subscribers), as mosquitto answers.
    client.send({ cmd: 'publish', topic: 'sys/ok', payload: 'x', qos: 1, messageId: 2 });
    assert.equal((await client.next('puback')).reasonCode, 16);
  });

  test('PUBACK says 16 (No matching subscribers) when no session subscribes, 0 when one online or one offline does; PUBREC says 0, as mosquitto', async (t) => {
    const acks = async (b: Broker) => {
      const tag = nextId('nms');
      const codes: Record<string, number> = {};
      const publisher = await rawClient({}, b);
      const ack = async (topic: string, qos: 1 | 2, messageId: number) => {
        publisher.send({ cmd: 'publish', topic, payload: 'x', qos, messageId });
        const reply = await publisher.next(qos === 1 ? 'puback' : 'pubrec');
        if (qos === 2) {
          publisher.send({ cmd: 'pubrel', messageId });
          await publisher.next('pubcomp');
        }
        return reply.reasonCode as number;
      };
      codes.nobodyQoS1 = await ack(`${tag}/none`, 1, 1);
      codes.nobodyQoS2 = await ack(`${tag}/none`, 2, 2);
      const online = await rawClient({}, b);
      await subscribe(online, 1, [{ topic: `${tag}/online/+`, qos: 1 }]);
      codes.onlineQoS1 = await ack(`${tag}/online/a`, 1, 3);
      // A persistent session that went away still subscribes: its messages are queued.
      const persistent = await rawClient({ clientId: `${tag}-p`, clean: false, properties: { sessionExpiryInterval: 60 } }, b);
      await subscribe(persistent, 1, [{ topic: `${tag}/offline`, qos: 1 }]);
      persistent.send({ cmd: 'disconnect' });
      await persistent.closed;
      codes.offlineQoS2 = await ack(`${tag}/offline`, 2, 4);
      return codes;
    };
    // mosquitto routes a QoS 2 message on PUBREL, after its PUBREC: that one says 0 whatever matched.
    const expected = { nobodyQoS1: 16, nobodyQoS2: 0, onlineQoS1: 0, offlineQoS2: 0 };
    assert.deepEqual(await acks(broker), expected);
    await t.test('mosquitto answers the same', { skip: needsMosquittoInstalled('compares with mosquitto') }, async () => {
      assert.deepEqual(await withMosquitto(acks), expected);
    });
  });

  test('messages read together are all delivered: a retained QoS 1 message and the ones right behind it', async (t) => {
    // aedes routes the packets of one read concurrently, and a retained message waits for the store:
    // it used to reach the subscriber after the next one and be dropped as a duplicate, though acknowledged.
    const delivered = async (b: Broker) => {
      const tag = nextId('together');
      const subscriber = await rawClient({}, b);
      await subscribe(subscriber, 1, [{ topic: `${tag}/#`, qos: 2, rap: true }]);
      const publisher = await rawClient({}, b);
      publisher.sendTogether([
        { cmd: 'publish', topic: `${tag}/retained`, payload: 'r', qos: 1, retain: true, messageId: 1 },
        { cmd: 'publish', topic: `${tag}/plain`, payload: 'p', qos: 1, messageId: 2 },
        { cmd: 'publish', topic: `${tag}/zero`, payload: 'z', qos: 0 },
        { cmd: 'publish', topic: `${tag}/retained2`, payload: 'r2', qos: 2, retain: true, messageId: 3 },
      ]);
      await publisher.next('puback');
      await publisher.next('puback');
      await publisher.next('pubrec');
      publisher.send({ cmd: 'pubrel', messageId: 3 }); // mosquitto passes a QoS 2 message on at PUBREL
      await publisher.next('pubcomp');
      await waitFor(() => subscriber.publishes().length >= 4, 5000, () => `delivered: ${subscriber.publishes().map((p) => p.topic).join(', ')}`);
      // Clear the retained messages for the next run.
      publisher.send({ cmd: 'publish', topic: `${tag}/retained`, payload: '', qos: 0, retain: true });
      publisher.send({ cmd: 'publish', topic: `${tag}/retained2`, payload: '', qos: 0, retain: true });
      return subscriber.publishes().slice(0, 4).map((p) => `${String(p.topic).slice(tag.length + 1)} q${p.qos} r${p.retain ? 1 : 0}`).sort();
    };
    const expected = ['plain q1 r0', 'retained q1 r1', 'retained2 q2 r1', 'zero q0 r0'];
    assert.deepEqual(await delivered(broker), expected);
    await t.test('mosquitto delivers the same', { skip: needsMosquittoInstalled('compares with mosquitto') }, async () => {
      assert.deepEqual(await withMosquitto(delivered), expected);
    });
  });

  test('a bad password under v5: CONNACK 135; mq pub, sub and rr exit 135 with the message they print for mosquitto', async (t) => {
    const dir = tempDir('mq-v5-passwd-');
    const file = path.join(dir, 'passwd');
    assert.equal((await runMq(['passwd', '-c', '-b', file, 'alice', 'secret'])).code, 0);
    const locked = await startMqBroker({ passwordFile: file });
    try {
      const refused = 'Error: Connection error: Not authorized (reason code 135) Check -u and -P (or MQ_USERNAME/MQ_PASSWORD) and the broker\'s password file.\n';
      const commands = [['pub', ['-t', 't', '-m', 'x']], ['sub', ['-t', 't']], ['rr', ['-t', 't', '-m', 'x', '-W', '5']]] as const;
      for (const [command, args] of commands) {
        const wrong = await mq(command, ['-V', '5', '-u', 'alice', '-P', 'wrong', ...args], { b: locked });
        assert.deepEqual([wrong.code, wrong.stdout, wrong.stderr], [135, '', refused], command);
      }
      await t.test('the same code and message against mosquitto', { skip: needsMosquittoInstalled('compares with mosquitto') }, async () => {
        await withMosquitto(async (reference) => {
          for (const [command, args] of commands) {
            const mosquitto = await mq(command, ['-V', '5', '-u', 'alice', '-P', 'wrong', ...args], { b: reference });
            assert.deepEqual([mosquitto.code, mosquitto.stdout, mosquitto.stderr], [135, '', refused], `${command} against mosquitto`);
          }
        }, { passwordFile: file });
      });
      const anonymous = await mq('pub', ['-V', '5', '-t', 't', '-m', 'x'], { b: locked });
      assert.deepEqual([anonymous.code, anonymous.stderr], [135, refused]);
      const client = await rawClient({ username: 'alice', password: Buffer.from('wrong') }, locked).catch((error: unknown) => error as Error);
      assert.ok(!(client instanceof Error), String(client));
      assert.equal(client.connack.reasonCode, 135);
      await client.closed;
      const right = await mq('pub', ['-V', '5', '-u', 'alice', '-P', 'secret', '-t', 't', '-m', 'x', '-q', '1'], { b: locked });
      assert.deepEqual([right.code, right.stderr], [0, '']);
    } finally {
      await locked.stop();
    }
  });

  test('$share: refused with SUBACK 0x9E; mq sub says so and exits 158 (mosquitto, which has them, subscribes)', async (t) => {
    // The wording is mq sub's for any refused filter (e.g. 135 from a mosquitto ACL).
    const alone = await mq('sub', ['-V', '5', '-t', '$share/g/share/t', '-W', '5']);
    assert.deepEqual([alone.code, alone.stdout, alone.stderr], [158,  '',
      "Warning: Subscription to '$share/g/share/t' failed: Shared Subscriptions not supported (reason code 158).\nError: All subscription requests were denied.\n"]);
    // With a filter that works it keeps going on that one.
    const mixed = await subscriber(['-t', '$share/g/share/t', '-t', 'share/t', '-C', '1', '-v']);
    assert.equal((await mq('pub', ['-t', 'share/t', '-m', 'direct'])).code, 0);
    const m = await finished(mixed);
    assert.deepEqual([m.code, m.stdout, m.stderr], [0, 'share/t direct\n', "Warning: Subscription to '$share/g/share/t' failed: Shared Subscriptions not supported (reason code 158).\n"]);
    // MQTT 3.1.1 has no reason codes: mq broker refuses it with 0x80 rather than taking it as a literal filter.
    const v3 = await mq('sub', ['-V', '311', '-t', '$share/g/share/t', '-W', '5']);
    assert.deepEqual([v3.code, v3.stderr], [128, "Warning: Subscription to '$share/g/share/t' failed: refused by the broker (0x80).\nError: All subscription requests were denied.\n"]);
    const raw = await rawClient({});
    assert.deepEqual((await subscribe(raw, 1, [{ topic: '$share/g/share/t', qos: 1 }, { topic: 'share/t', qos: 1 }])).granted, [0x9e, 1]);
    // The reference: the same mq sub through mosquitto is a member of the group and gets the message.
    await t.test('through mosquitto the same mq sub is a member of the group', { skip: needsMosquittoInstalled('compares with mosquitto') }, async () => {
      await withMosquitto(async (reference) => {
        const member = await subscriber(['-t', '$share/g/share/t', '-C', '1', '-v'], reference);
        assert.equal((await mq('pub', ['-t', 'share/t', '-m', 'shared'], { b: reference })).code, 0);
        const r = await finished(member);
        assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'share/t shared\n', '']);
      });
    });
  });

  test('an invalid filter gets a reason code (mosquitto: DISCONNECT 0x81 Malformed Packet)', {
    todo: 'aedes closes the socket without SUBACK or DISCONNECT: lib/handlers/subscribe.js authorize() passes the validateTopic() error to done(err), which ends in client._onError (the same for a filter over 100 levels, which mq sub then retries forever)',
  }, async () => {
    const client = await rawClient({});
    await subscribe(client, 1, [{ topic: 'ok', qos: 0 }]);
    client.send({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'a/#/b', qos: 0 }] });
    await client.closed;
    const answer = client.packets.find((p) => p.cmd === 'disconnect' || (p.cmd === 'suback' && p.messageId === 2));
    assert.ok(answer && (answer.reasonCode >= 0x80 || answer.granted?.[0] >= 0x80), `received ${client.packets.map((p) => p.cmd).join(', ')}`);
  });

  test('-d traces of mq pub -V 5 and mq sub -V 5 read as against mosquitto', async (t) => {
    const traces = async (b: Broker, tag: string) => {
      const s = spawnMq(['sub', ...net(b), '-V', '5', '-i', `dsub${tag}`, '-q', '1', '-t', 'dbg/t', '-C', '1', '-d'], { timeoutMs: 20_000 });
      s.child.stdin!.end();
      running.push(s);
      await waitForOutput(s, /Subscribed \(mid: \d+\)/, 10_000);
      const p = await mq('pub', ['-V', '5', '-i', `dpub${tag}`, '-q', '1', '-t', 'dbg/t', '-m', 'hi', '--user-property', 'k=v', '-d'], { b });
      const r = await s.done;
      // The broker picks the message id of what it sends.
      return { pub: [p.code, p.stderr.replaceAll(`dpub${tag}`, 'P')], sub: [r.code, r.stdout, r.stderr.replaceAll(`dsub${tag}`, 'S').replace(/\bm\d+\b/g, 'mN')] };
    };
    const ours = await traces(broker, 'mq');
    assert.deepEqual(ours, {
      pub: [0, [
        'Client P sending CONNECT',
        'Client P received CONNACK (0)',
        "Client P sending PUBLISH (d0, q1, r0, m1, 'dbg/t', ... (2 bytes))",
        'Client P received PUBACK (Mid: 1, RC:0)',
        'Client P sending DISCONNECT',
      ].join('\n') + '\n'],
      sub: [0, 'hi\n', [
        'Client S sending CONNECT',
        'Client S received CONNACK (0)',
        'Client S sending SUBSCRIBE (Mid: 1, Topic: dbg/t, QoS: 1, Options: 0x00)',
        'Client S received SUBACK',
        'Subscribed (mid: 1): 1',
        "Client S received PUBLISH (d0, q1, r0, mN, 'dbg/t', ... (2 bytes))",
        'Client S sending PUBACK (mN, rc0)',
        'Client S sending DISCONNECT',
      ].join('\n') + '\n'],
    });
    await t.test('the same traces against mosquitto', { skip: needsMosquittoInstalled('compares with mosquitto') }, async () => {
      assert.deepEqual(await withMosquitto((reference) => traces(reference, 'mosq')), ours);
    });
  });

  test('mq broker -v logs v5 refusals as what they are', async () => {
    // startMqBroker runs it without -v; this one logs.
    const port = await freePort();
    const verbose = spawnMq(['broker', '-p', String(port), '-v'], { timeoutMs: 30_000 });
    running.push(verbose);
    await waitForOutput(verbose, 'mq broker listening on', 10_000);
    const b = { ...broker, port } as Broker;
    const log = () => verbose.stderr().replace(/^\d+: /gm, '');
    try {
      // A refused subscription (0x9E, not 128) is not logged as granted "QoS 158".
      assert.equal((await mq('sub', ['-V', '5', '-i', 'sharer', '-t', '$share/g/t', '-W', '5'], { b })).code, 158);
      // A publish refused with a reason code leaves the v5 connection up: its end is the client's DISCONNECT.
      assert.equal((await mq('pub', ['-V', '5', '-i', 'sysser', '-q', '1', '-t', '$SYS/x', '-m', 'x'], { b })).code, 135);
      // A topic alias out of range: aedes ends the connection with DISCONNECT 0x94, and the log says why.
      const client = await rawClient({ clientId: 'aliaser' }, b);
      await subscribe(client, 1, [{ topic: 'x', qos: 0 }]);
      client.send({ cmd: 'publish', topic: 'x', payload: 'x', qos: 0, properties: { topicAlias: 11 } });
      await client.closed;
      await waitFor(() => log().includes('Client aliaser') && log().includes('disconnecting'), 5000, log);
      for (const line of [
        "Client sharer was refused the subscription to '$share/g/t'.",
        'Client sharer disconnected.',
        'Client sysser disconnected.',
        'Socket error on client aliaser, disconnecting: topic alias 11 is out of range (broker topicAliasMaximum is 10).',
      ]) assert.ok(log().includes(`${line}\n`), `missing ${line}\n${log()}`);
      assert.ok(!/QoS 158|Socket error on client sysser/.test(log()), log());
    } finally {
      verbose.child.kill('SIGTERM');
      await verbose.done;
    }
  });

  test('mq bench -V 5: every QoS 1 message sent, acknowledged and received once', async () => {
    const r = await runMq(['bench', ...net(), '-V', '5', '-q', '1', '-c', '2', '--count', '500', '--rate', '2000', '--workers', '1', '--json'], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { config: Record<string, unknown>; counters: Record<string, number> };
    const c = report.counters;
    assert.deepEqual(
      { sent: c.sent, acked: c.acked, received: c.received, unique: c.unique, lost: c.lost, duplicates: c.duplicates, outOfOrder: c.outOfOrder, publishFailed: c.publishFailed },
      { sent: 500, acked: 500, received: 500, unique: 500, lost: 0, duplicates: 0, outOfOrder: 0, publishFailed: 0 },
    );
    assert.equal(report.config.protocolVersion, 5);
  });
});
