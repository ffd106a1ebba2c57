import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import mqttPacket from 'mqtt-packet';
import mqtt from 'mqtt';
import { needsMosquittoBroker, startBroker, waitFor, type Broker } from './helpers/broker.ts';
import { runMq, spawnMq, tempDir, type Running } from './helpers/run.ts';

/**
 * mq sub across connection trouble: broker restarts (reconnect, resubscribe, persistent sessions
 * without loss; the last needs mosquitto's persistence), a refusal that cannot heal, and what goes
 * over the wire (v5 options, properties, SUBACK refusals, QoS 2 duplicates, acks withheld after
 * -C), checked with a scripted broker.
 */

const children: Running[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  for (const cleanup of cleanups) await cleanup();
});

function sub(broker: { port: number }, args: string[]): Running {
  const r = spawnMq(['sub', '-h', '127.0.0.1', '-p', String(broker.port), ...args], { timeoutMs: 25_000 });
  r.child.stdin!.end();
  children.push(r);
  return r;
}

/** Publish one QoS 1 message from an MQTT.js client; resolves once the broker has it (PUBACK). */
async function publish(broker: Broker, topic: string, message: string): Promise<void> {
  const client = await mqtt.connectAsync({ host: '127.0.0.1', port: broker.port, reconnectPeriod: 0 });
  try {
    await client.publishAsync(topic, message, { qos: 1 });
  } finally {
    await client.endAsync();
  }
}

/** Count of "Sending SUBACK to <id>" in the broker log, from an offset. */
const subacks = (broker: Broker, id: string, from = 0) => broker.log().slice(from).split(`Sending SUBACK to ${id}\n`).length - 1;

const lines = (r: Running) => r.stdout().toString('utf8').split('\n').filter(Boolean);

describe('a real broker restarting', () => {
  test('reconnects with backoff and resubscribes (clean session): messages before and after the restart', async () => {
    const broker = await startBroker();
    cleanups.push(() => broker.stop());
    const s = sub(broker, ['-i', 'reconnect-1', '-t', 'rc/#', '-q', '1', '-v', '-C', '2']);
    await waitFor(() => subacks(broker, 'reconnect-1') === 1, 10_000, () => 'first SUBACK');
    await publish(broker, 'rc/1', 'before');
    await waitFor(() => lines(s).length === 1, 5000, () => 'first message');
    const mark = broker.log().length;
    await broker.restart();
    // The session was not kept (clean session): only a new SUBSCRIBE brings messages.
    await waitFor(() => subacks(broker, 'reconnect-1', mark) === 1, 10_000, () => `no resubscribe; mq stderr: ${s.stderr()}`);
    await publish(broker, 'rc/2', 'after');
    const r = await s.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'rc/1 before\nrc/2 after\n');
    assert.match(r.stderr, /^Connection to 127\.0\.0\.1:\d+ lost; reconnecting in 1 s\.\.\.\n/);
    assert.match(r.stderr, /Reconnected to 127\.0\.0\.1:\d+\.\n$/);
  });

  test('-c -i ID -q 1: a broker restart with persistence, a stopped subscriber and -C lose nothing', {
    skip: needsMosquittoBroker('a persistent session kept across a broker restart (persistence)'),
  }, async () => {
    const broker = await startBroker({ persistence: true });
    cleanups.push(() => broker.stop());
    const id = 'persistent-1';
    const first = sub(broker, ['-c', '-i', id, '-t', 'p/#', '-q', '1', '-C', '10']);
    await waitFor(() => subacks(broker, id) === 1, 10_000, () => 'SUBACK');
    for (let i = 1; i <= 5; i++) await publish(broker, `p/${i}`, `m${i}`);
    await waitFor(() => lines(first).length === 5, 5000, () => 'five messages');
    // QoS 1 is at least once: a message whose PUBACK the broker did not get before stopping comes again.
    await waitFor(() => broker.log().includes(`Received PUBACK from ${id} (Mid: 5, RC:0)`), 5000, () => 'fifth PUBACK');
    await broker.restart();
    // Published while mq is still waiting to reconnect: the broker queues them in the session.
    for (let i = 6; i <= 10; i++) await publish(broker, `p/${i}`, `m${i}`);
    const r1 = await first.done;
    assert.equal(r1.code, 0, r1.stderr);

    // The subscriber is gone: these wait in its session.
    for (let i = 11; i <= 15; i++) await publish(broker, `p/${i}`, `m${i}`);
    // -C 2 takes two; the other three arrive in the same burst and are not acknowledged...
    const r2 = await runMq(['sub', '-h', '127.0.0.1', '-p', String(broker.port), '-c', '-i', id, '-t', 'p/#', '-q', '1', '-C', '2']);
    assert.equal(r2.code, 0, r2.stderr);
    // ...so the next run gets them.
    const r3 = await runMq(['sub', '-h', '127.0.0.1', '-p', String(broker.port), '-c', '-i', id, '-t', 'p/#', '-q', '1', '-C', '3', '-W', '5']);
    assert.equal(r3.code, 0, r3.stderr);
    const all = (r1.stdout + r2.stdout + r3.stdout).split('\n').filter(Boolean);
    assert.deepEqual(all, Array.from({ length: 15 }, (_, i) => `m${i + 1}`));
  });

  test('a refusal that cannot heal ends with its code instead of looping', async () => {
    const dir = tempDir();
    const passwords = path.join(dir, 'passwords');
    writeFileSync(passwords, '', { mode: 0o600 });
    const set = async (password: string) => assert.equal((await runMq(['passwd', '-b', passwords, 'alice', password])).code, 0);
    await set('right');
    const broker = await startBroker({ passwordFile: passwords });
    cleanups.push(() => broker.stop());
    const s = sub(broker, ['-i', 'refused-1', '-u', 'alice', '-P', 'right', '-t', 'x']);
    await waitFor(() => subacks(broker, 'refused-1') === 1, 10_000, () => 'SUBACK');
    await set('changed');
    await broker.restart();
    const r = await s.done;
    assert.equal(r.code, 5, r.stderr);
    assert.equal(r.stdout, '');
    const last = r.stderr.trim().split('\n').at(-1);
    assert.equal(last, "Error: Connection error: Connection Refused: not authorised. Check -u and -P (or MQ_USERNAME/MQ_PASSWORD) and the broker's password file.");
  });
});

// ------------------------------------------------------------------------------------------------
// A scripted broker: records every packet, answers as told.

type Packet = Record<string, unknown> & { cmd: string };

interface Conn {
  version: number;
  packets: Packet[];
  socket: Socket;
  send(packet: Packet): void;
}

interface Script {
  sessionPresent?: (connectionIndex: number) => boolean;
  granted?: (subscriptions: { topic: string; qos: number }[], conn: Conn) => number[];
  /** Called after the SUBACK was sent. */
  afterSuback?: (conn: Conn, connectionIndex: number) => void;
}

async function scriptedBroker(script: Script = {}): Promise<{ port: number; connections: Conn[]; close(): Promise<void> }> {
  const connections: Conn[] = [];
  const server: Server = createServer((socket) => {
    const index = connections.length;
    const parser = mqttPacket.parser({});
    const conn: Conn = {
      version: 4,
      packets: [],
      socket,
      send(packet) { socket.write(mqttPacket.generate(packet as never, { protocolVersion: conn.version } as never)); },
    };
    connections.push(conn);
    socket.on('error', () => {});
    socket.on('data', (data) => parser.parse(data));
    parser.on('packet', (packet: Packet) => {
      conn.packets.push(packet);
      switch (packet.cmd) {
        case 'connect':
          conn.version = packet.protocolVersion as number;
          (parser as unknown as { settings: { protocolVersion: number } }).settings.protocolVersion = conn.version;
          conn.send({ cmd: 'connack', sessionPresent: script.sessionPresent?.(index) ?? false, ...(conn.version === 5 ? { reasonCode: 0 } : { returnCode: 0 }) });
          break;
        case 'subscribe': {
          const subscriptions = packet.subscriptions as { topic: string; qos: number }[];
          conn.send({ cmd: 'suback', messageId: packet.messageId, granted: script.granted?.(subscriptions, conn) ?? subscriptions.map((s) => s.qos) });
          script.afterSuback?.(conn, index);
          break;
        }
        case 'unsubscribe':
          conn.send({ cmd: 'unsuback', messageId: packet.messageId, ...(conn.version === 5 ? { granted: (packet.unsubscriptions as string[]).map(() => 0) } : {}) });
          break;
        case 'pingreq':
          conn.send({ cmd: 'pingresp' });
          break;
        case 'disconnect':
          socket.end();
          break;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const close = async () => {
    for (const c of connections) c.socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  cleanups.push(close);
  return { port, connections, close };
}

const ofType = (conn: Conn | undefined, cmd: string) => (conn?.packets ?? []).filter((p) => p.cmd === cmd);

describe('on the wire (scripted broker)', () => {
  test('v5 CONNECT receive-maximum: 20, -C N when N < 20, -D connect receive-maximum wins', async () => {
    for (const [args, expected] of [[[], 20], [['-C', '5'], 5], [['-C', '5', '-D', 'connect', 'receive-maximum', '7'], 7], [['-C', '50'], 20]] as const) {
      const broker = await scriptedBroker();
      await runMq(['sub', '-h', '127.0.0.1', '-p', String(broker.port), '-V', '5', '-t', 'a', '-E', ...args]);
      const connect = ofType(broker.connections[0], 'connect')[0]!;
      assert.equal((connect.properties as { receiveMaximum?: number }).receiveMaximum, expected, args.join(' '));
      await broker.close();
    }
  });

  test('v5 SUBSCRIBE: options, subscription identifier and user properties; UNSUBSCRIBE after it', async () => {
    const broker = await scriptedBroker();
    const r = await runMq(['sub', '-h', '127.0.0.1', '-p', String(broker.port), '-V', '5', '-t', 'a/#', '-t', 'b', '-q', '2', '-U', 'old/#',
      '--no-local', '--retain-as-published', '--retain-handling', '1',
      '-D', 'subscribe', 'subscription-identifier', '9', '-D', 'subscribe', 'user-property', 'who', 'me',
      '-D', 'unsubscribe', 'user-property', 'why', 'cleanup', '-E']);
    assert.equal(r.code, 0, r.stderr);
    const conn = broker.connections[0]!;
    const [subscribe] = ofType(conn, 'subscribe');
    assert.deepEqual(JSON.parse(JSON.stringify(subscribe!.subscriptions)), [
      { topic: 'a/#', qos: 2, nl: true, rap: true, rh: 1 },
      { topic: 'b', qos: 2, nl: true, rap: true, rh: 1 },
    ]);
    assert.deepEqual(JSON.parse(JSON.stringify(subscribe!.properties)), { subscriptionIdentifier: 9, userProperties: { who: 'me' } });
    const [unsubscribe] = ofType(conn, 'unsubscribe');
    assert.deepEqual(unsubscribe!.unsubscriptions, ['old/#']);
    assert.deepEqual(JSON.parse(JSON.stringify(unsubscribe!.properties)), { userProperties: { why: 'cleanup' } });
    assert.deepEqual(conn.packets.map((p) => p.cmd), ['connect', 'subscribe', 'unsubscribe', 'disconnect']);
  });

  test('SUBACK refusals are reported per filter; the accepted one keeps working', async () => {
    const broker = await scriptedBroker({
      granted: (subs) => subs.map((s) => (s.topic.startsWith('secret') ? 0x80 : s.qos)),
      afterSuback: (conn) => conn.send({ cmd: 'publish', topic: 'ok/1', payload: Buffer.from('fine'), qos: 0, retain: false, dup: false }),
    });
    const r = await runMq(['sub', '-h', '127.0.0.1', '-p', String(broker.port), '-t', 'ok/#', '-t', 'secret/#', '-C', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'fine\n');
    assert.equal(r.stderr, "Warning: Subscription to 'secret/#' failed: refused by the broker (0x80).\n");
  });

  test('every filter refused: exit with the reason code (v3 128, v5 135)', async () => {
    const v3 = await scriptedBroker({ granted: (subs) => subs.map(() => 0x80) });
    const r3 = await runMq(['sub', '-h', '127.0.0.1', '-p', String(v3.port), '-t', 'secret/#']);
    assert.equal(r3.code, 128);
    assert.equal(r3.stderr, "Warning: Subscription to 'secret/#' failed: refused by the broker (0x80).\nError: All subscription requests were denied.\n");
    const v5 = await scriptedBroker({ granted: (subs) => subs.map(() => 0x87) });
    const r5 = await runMq(['sub', '-h', '127.0.0.1', '-p', String(v5.port), '-V', '5', '-t', 'a', '-t', 'b']);
    assert.equal(r5.code, 135);
    assert.equal(r5.stderr, [
      "Warning: Subscription to 'a' failed: Not authorized (reason code 135).",
      "Warning: Subscription to 'b' failed: Not authorized (reason code 135).",
      'Error: All subscription requests were denied.',
      '',
    ].join('\n'));
  });

  test('QoS 2: printed once when the PUBLISH arrives, a resent duplicate is not printed again', async () => {
    const broker = await scriptedBroker({
      afterSuback: (conn) => {
        const publish = { cmd: 'publish', topic: 'q2', payload: Buffer.from('exactly once'), qos: 2, messageId: 7, retain: false, dup: false };
        conn.send(publish);
        conn.send({ ...publish, dup: true });
        conn.send({ cmd: 'publish', topic: 'q2', payload: Buffer.from('next'), qos: 0, retain: false, dup: false });
        setTimeout(() => conn.send({ cmd: 'pubrel', messageId: 7 }), 100);
        setTimeout(() => conn.send({ cmd: 'publish', topic: 'q2', payload: Buffer.from('last'), qos: 0, retain: false, dup: false }), 200);
      },
    });
    const r = await runMq(['sub', '-h', '127.0.0.1', '-p', String(broker.port), '-t', 'q2', '-q', '2', '-C', '3']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'exactly once\nnext\nlast\n');
    assert.deepEqual(ofType(broker.connections[0], 'pubrec').map((p) => p.messageId), [7, 7], 'PUBREC for the PUBLISH and its duplicate');
    assert.deepEqual(ofType(broker.connections[0], 'pubcomp').map((p) => p.messageId), [7]);
  });

  test('-C 1: messages after the last one are not acknowledged, so a persistent session keeps them', async () => {
    const broker = await scriptedBroker({
      afterSuback: (conn) => {
        for (let i = 1; i <= 3; i++) conn.send({ cmd: 'publish', topic: 't', payload: Buffer.from(`m${i}`), qos: 1, messageId: i, retain: false, dup: false });
      },
    });
    const r = await runMq(['sub', '-h', '127.0.0.1', '-p', String(broker.port), '-c', '-i', 'keep', '-t', 't', '-q', '1', '-C', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'm1\n');
    const conn = broker.connections[0]!;
    await waitFor(() => ofType(conn, 'disconnect').length === 1, 5000, () => 'DISCONNECT');
    assert.deepEqual(ofType(conn, 'puback').map((p) => p.messageId), [1]);
  });

  test('resubscribes after every reconnect that lost the session, not when the session is present', async () => {
    const broker = await scriptedBroker({
      sessionPresent: (index) => index === 2,
      // Drop the first two connections right after the SUBACK.
      afterSuback: (conn, index) => { if (index < 2) setTimeout(() => conn.socket.destroy(), 50); },
    });
    const s = sub(broker, ['-i', 'resub', '-t', 'r/#', '-U', 'gone', '-W', '8']);
    await waitFor(() => broker.connections.length === 3 && ofType(broker.connections[2], 'connect').length === 1, 15_000, () => `3 connections; stderr ${s.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    broker.connections[2]!.send({ cmd: 'publish', topic: 'r/1', payload: Buffer.from('session kept'), qos: 0, retain: false, dup: false });
    await waitFor(() => s.stdout().length > 0, 5000, () => 'message on the third connection');
    s.child.kill('SIGINT');
    const r = await s.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'session kept\n');
    assert.deepEqual(broker.connections.map((c) => c.packets.filter((p) => p.cmd === 'subscribe' || p.cmd === 'unsubscribe').map((p) => p.cmd)), [
      ['subscribe', 'unsubscribe'], ['subscribe', 'unsubscribe'], [],
    ]);
    assert.equal(ofType(broker.connections[2], 'disconnect').length, 1, 'DISCONNECT on SIGINT');
  });
});
