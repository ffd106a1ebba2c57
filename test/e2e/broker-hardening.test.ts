/**
 * mq broker meets strangers on --host 0.0.0.0: malformed packets, CONNECTs that never come, packets
 * over max_packet_size, too many connections or QoS 2 messages in flight, and connection churn. Each
 * case checks the bytes on the wire (or the closed socket), the log line, and that the broker still
 * serves the next client.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Packet } from 'mqtt-packet';
import { needsMosquittoInstalled, startMqBroker, waitFor, withMosquitto, type Broker } from './helpers/broker.ts';
import { rawConnect, rawSession } from './helpers/raw-mqtt.ts';

const brokers: Broker[] = [];
after(async () => { await Promise.all(brokers.map((b) => b.stop())); });

async function broker(extraConfig = '', mqArgs: string[] = []): Promise<Broker> {
  const started = await startMqBroker({ extraConfig, mqArgs: ['-v', ...mqArgs] });
  brokers.push(started);
  return started;
}

/** The broker still answers a normal client: CONNECT -> CONNACK 0. */
async function stillServes(b: Broker): Promise<void> {
  const { conn, connack } = await rawSession(b.port, `alive-${Date.now()}`);
  assert.deepEqual([connack.cmd, (connack as { returnCode?: number }).returnCode], ['connack', 0]);
  conn.end();
}

const publish = (topic: string, qos: 0 | 1 | 2, messageId: number, payload: Buffer | string = 'x'): Packet =>
  ({ cmd: 'publish', topic, payload, qos, retain: false, dup: false, ...(qos > 0 ? { messageId } : {}) }) as Packet;

describe('malformed packets and slow CONNECTs', () => {
  test('a malformed packet (remaining length over 4 bytes) closes that connection, is logged, and the broker goes on', async () => {
    const b = await broker();
    const { conn } = await rawSession(b.port, 'garbage');
    conn.send(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]));
    assert.equal(await conn.closed(5000), true, 'the broker closed the connection');
    await waitFor(() => /Socket error on client garbage, disconnecting: .+\.\n/.test(b.log()), 5000, () => b.log());
    await stillServes(b);
  });

  test('a CONNECT that is not MQTT (bad protocol name) is dropped before any CONNACK', async () => {
    const b = await broker();
    const conn = await rawConnect(b.port);
    // CONNECT with protocol name "HTTP": fixed header, then a malformed variable header.
    conn.send(Buffer.from([0x10, 0x0c, 0x00, 0x04, 0x48, 0x54, 0x54, 0x50, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00]));
    assert.equal(await conn.closed(5000), true);
    assert.equal(conn.received().length, 0, 'nothing was sent back');
    await waitFor(() => /Client connection from 127\.0\.0\.1:\d+ failed: .+\.\n/.test(b.log()), 5000, () => b.log());
    await stillServes(b);
  });

  test('a connection that never completes its CONNECT is dropped after --connect-timeout, even while it trickles bytes', async () => {
    const b = await broker('', ['--connect-timeout', '1']);
    const silent = await rawConnect(b.port);
    const trickle = await rawConnect(b.port);
    // The first bytes of a CONNECT, one every 200 ms: a slow-loris never finishes the packet.
    const connect = Buffer.from([0x10, 0x10, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c]);
    let sent = 0;
    const timer = setInterval(() => { if (sent < connect.length) trickle.socket.write(connect.subarray(sent, ++sent)); }, 200);
    try {
      const started = Date.now();
      assert.equal(await silent.closed(5000), true, 'the silent connection was closed');
      assert.equal(await trickle.closed(5000), true, 'the trickling connection was closed');
      assert.ok(Date.now() - started >= 800, 'not before the timeout');
      assert.ok(sent < connect.length, 'closed before the CONNECT was complete');
    } finally {
      clearInterval(timer);
    }
    await waitFor(() => (b.log().match(/failed: connect did not arrive in time\.\n/g) ?? []).length === 2, 5000, () => b.log());
    await stillServes(b);
  });
});

describe('max_packet_size', () => {
  test('v5: the CONNACK says the limit; a larger PUBLISH gets DISCONNECT 0x95 and is not delivered', async () => {
    const b = await broker('max_packet_size 1024');
    const { conn: sub } = await rawSession(b.port, 'size-sub', 4);
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'size/#', qos: 0 }] } as Packet);
    assert.equal((await sub.next()).cmd, 'suback');

    const { conn, connack } = await rawSession(b.port, 'size-v5', 5);
    assert.equal((connack as { properties?: { maximumPacketSize?: number } }).properties?.maximumPacketSize, 1024);
    conn.send(publish('size/ok', 0, 0, Buffer.alloc(900)));
    const ok = await sub.next();
    assert.equal((ok as { topic: string }).topic, 'size/ok');
    conn.send(publish('size/big', 0, 0, Buffer.alloc(1100)));
    const disconnect = await conn.next();
    assert.deepEqual([disconnect.cmd, (disconnect as { reasonCode?: number }).reasonCode], ['disconnect', 0x95]);
    assert.equal(await conn.closed(5000), true);
    await assert.rejects(sub.next(500), /no packet/, 'the large message was not delivered');
    sub.end();
  });

  test('v3.1.1: a larger PUBLISH closes the connection', async () => {
    const b = await broker('max_packet_size 1024');
    const { conn } = await rawSession(b.port, 'size-v4', 4);
    conn.send(publish('size/big', 1, 1, Buffer.alloc(2000)));
    assert.equal(await conn.closed(5000), true);
    assert.ok(!conn.received().subarray(4).includes(0x40), 'no PUBACK');
    await stillServes(b);
  });
});

describe('max_connections', () => {
  test('a connection over the limit is closed at once and logged; a freed slot is taken again', async () => {
    const b = await broker('max_connections 2');
    const first = await rawSession(b.port, 'one');
    const second = await rawSession(b.port, 'two');
    const third = await rawConnect(b.port);
    assert.equal(await third.closed(5000), true);
    assert.equal(third.received().length, 0);
    await waitFor(() => /Client connection from 127\.0\.0\.1:\d+ denied: max_connections exceeded\.\n/.test(b.log()), 5000, () => b.log());
    first.conn.end();
    await waitFor(() => b.log().includes('Client one closed its connection.'), 5000, () => b.log());
    await stillServes(b);
    second.conn.end();
  });
});

describe('max_inflight_messages', () => {
  test('v5: Receive Maximum in the CONNACK; one QoS 2 message over it gets DISCONNECT 0x93 and is not published', async () => {
    const b = await broker('max_inflight_messages 3');
    const { conn: sub } = await rawSession(b.port, 'inflight-sub', 4);
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'q2/#', qos: 0 }] } as Packet);
    assert.equal((await sub.next()).cmd, 'suback');

    const { conn, connack } = await rawSession(b.port, 'inflight-v5', 5);
    assert.equal((connack as { properties?: { receiveMaximum?: number } }).properties?.receiveMaximum, 3);
    // Released ones do not count: 1 and 2 go through the whole handshake.
    for (const id of [1, 2]) {
      conn.send(publish(`q2/${id}`, 2, id));
      assert.deepEqual([(await conn.next()).cmd], ['pubrec']);
      conn.send({ cmd: 'pubrel', messageId: id } as Packet);
      assert.deepEqual([(await conn.next()).cmd], ['pubcomp']);
    }
    for (const id of [3, 4, 5]) {
      conn.send(publish(`q2/${id}`, 2, id));
      const pubrec = await conn.next();
      assert.deepEqual([pubrec.cmd, (pubrec as { messageId?: number }).messageId], ['pubrec', id]);
    }
    // A resend of an unreleased id is not a new message in flight.
    conn.send({ ...publish('q2/5', 2, 5), dup: true } as Packet);
    assert.equal((await conn.next()).cmd, 'pubrec');
    conn.send(publish('q2/6', 2, 6));
    const disconnect = await conn.next();
    assert.deepEqual([disconnect.cmd, (disconnect as { reasonCode?: number }).reasonCode], ['disconnect', 0x93]);
    assert.equal(await conn.closed(5000), true);
    const delivered: string[] = [];
    for (;;) {
      const packet = await sub.next(500).catch(() => undefined);
      if (!packet) break;
      delivered.push((packet as { topic: string }).topic);
    }
    assert.deepEqual(delivered.sort(), ['q2/1', 'q2/2', 'q2/3', 'q2/4', 'q2/5']);
    await waitFor(() => b.log().includes('Client inflight-v5 sent more than 3 QoS 2 messages in flight (max_inflight_messages), disconnecting.\n'), 5000, () => b.log());
    sub.end();
  });

  test('v3.1.1: one QoS 2 message over the limit closes the connection', async () => {
    const b = await broker('max_inflight_messages 2');
    const { conn } = await rawSession(b.port, 'inflight-v4', 4);
    for (const id of [1, 2]) {
      conn.send(publish('q2/x', 2, id));
      assert.equal((await conn.next()).cmd, 'pubrec');
    }
    conn.send(publish('q2/x', 2, 3));
    assert.equal(await conn.closed(5000), true);
    await stillServes(b);
  });
});

describe('connections that end badly', () => {
  test('a connection reset (RST) is logged as "closed its connection" and its will goes out, as mosquitto does', async (t) => {
    const resetAndWill = async (b: Broker) => {
      const { conn: watcher } = await rawSession(b.port, 'rst-watcher');
      watcher.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'rst/will', qos: 0 }] } as Packet);
      assert.equal((await watcher.next()).cmd, 'suback');
      const { conn } = await rawSession(b.port, 'rst-client', 4, { will: { topic: 'rst/will', payload: Buffer.from('gone'), qos: 0, retain: false } });
      conn.socket.resetAndDestroy();
      const will = await watcher.next();
      await waitFor(() => /Client rst-client (closed its connection|disconnecting)/.test(b.log()) || /rst-client.*(error|reset)/i.test(b.log()), 5000, () => b.log());
      watcher.end();
      return { will: [will.cmd, (will as { topic?: string }).topic, String((will as { payload?: Buffer }).payload)], logged: /: Client rst-client closed its connection\.\n/.test(b.log()) };
    };
    const expected = { will: ['publish', 'rst/will', 'gone'], logged: true };
    assert.deepEqual(await resetAndWill(await broker()), expected);
    await t.test('mosquitto', { skip: needsMosquittoInstalled('compares with mosquitto') }, async () => {
      assert.deepEqual(await withMosquitto(resetAndWill), expected);
    });
  });
});

describe('connection churn', () => {
  /**
   * The broker's live heap in kB: SIGUSR2 makes it write a heap snapshot (Node's --heapsnapshot-signal,
   * which collects garbage first), and the sizes of its nodes add up to what is still reachable. RSS
   * would not do: it swings by 30 MB with the garbage collector's rhythm.
   */
  async function liveHeapKb(b: Broker): Promise<number> {
    const snapshots = () => readdirSync(b.dir).filter((f) => f.endsWith('.heapsnapshot'));
    const seen = new Set(snapshots());
    process.kill(b.pid(), 'SIGUSR2');
    let heap: { snapshot: { meta: { node_fields: string[] } }; nodes: number[] } | undefined;
    await waitFor(() => {
      const file = snapshots().find((f) => !seen.has(f));
      if (!file) return false;
      try {
        heap = JSON.parse(readFileSync(path.join(b.dir, file), 'utf8'));
      } catch {
        return false; // still being written
      }
      rmSync(path.join(b.dir, file));
      return true;
    }, 60_000, () => 'the broker wrote no heap snapshot');
    const fields = heap!.snapshot.meta.node_fields;
    const selfSize = fields.indexOf('self_size');
    let bytes = 0;
    for (let i = selfSize; i < heap!.nodes.length; i += fields.length) bytes += heap!.nodes[i]!;
    return Math.round(bytes / 1024);
  }

  test('4,000 connections opening and closing leave the broker\'s live heap flat', { timeout: 180_000 }, async () => {
    // Every packet logged (log_type all, the default here), so the log's packet tap is churned too.
    const b = await startMqBroker({ nodeArgs: ['--heapsnapshot-signal=SIGUSR2'] });
    brokers.push(b);
    let n = 0;
    /** 1,000 clients, 25 at a time: half say DISCONNECT, half just drop the socket; every fourth is v5. */
    const churn = async () => {
      for (let batch = 0; batch < 40; batch++) {
        await Promise.all(Array.from({ length: 25 }, async () => {
          const id = ++n;
          const { conn, connack } = await rawSession(b.port, `churn-${id}`, id % 4 === 0 ? 5 : 4);
          assert.equal(connack.cmd, 'connack');
          conn.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: `churn/${id}/#`, qos: 1 }] } as Packet);
          await conn.next();
          if (id % 2 === 0) conn.send({ cmd: 'disconnect' } as Packet);
          conn.end();
          await conn.closed(5000);
        }));
      }
      // Wait until the broker has seen every client go, so none is still held when the heap is measured.
      await waitFor(() => (b.log().match(/Client churn-\d+ (disconnected|closed its connection)\./g) ?? []).length >= n, 10_000, () => 'not every client was logged as gone');
    };
    // Two rounds to warm up (compiled code and caches grow by a few hundred kB at first), then two more.
    await churn();
    await churn();
    const warm = await liveHeapKb(b);
    await churn();
    await churn();
    const after = await liveHeapKb(b);
    // A leak of 512 bytes per client would add 1 MB (measured here: within 0.3 MB over 6,000 more clients).
    assert.ok(after - warm < 1024, `the live heap grew from ${warm} kB to ${after} kB over 2,000 more connections`);
    await stillServes(b);
  });
});

describe('outgoing flow control [MQTT-3.3.4-7]', () => {
  /** Publish `count` QoS 1 messages on topic from a second connection, each acknowledged. */
  async function publishMany(port: number, topic: string, count: number): Promise<void> {
    const { conn } = await rawSession(port, `flow-pub-${Date.now()}`);
    for (let id = 1; id <= count; id++) {
      conn.send(publish(topic, 1, id, `m${id}`));
      assert.equal((await conn.next()).cmd, 'puback');
    }
    conn.end();
  }
  /** PUBLISH packets that arrive within ms, without acknowledging them. */
  async function arrivals(conn: Awaited<ReturnType<typeof rawSession>>['conn'], ms = 400): Promise<Packet[]> {
    const got: Packet[] = [];
    for (;;) {
      const packet = await conn.next(ms).catch(() => undefined);
      if (!packet) return got;
      got.push(packet);
    }
  }
  const payloads = (packets: Packet[]) => packets.map((p) => String((p as { payload: Buffer }).payload));

  test('v5: never more unacknowledged QoS 1 messages than the client\'s Receive Maximum; each PUBACK lets the next one out, in order', async () => {
    const b = await broker();
    const { conn: sub } = await rawSession(b.port, 'flow-v5', 5, { properties: { receiveMaximum: 2 } } as never);
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'flow/v5', qos: 1 }] } as Packet);
    assert.equal((await sub.next()).cmd, 'suback');
    await publishMany(b.port, 'flow/v5', 5);
    const first = await arrivals(sub);
    assert.deepEqual(payloads(first), ['m1', 'm2']);
    sub.send({ cmd: 'puback', messageId: (first[0] as { messageId: number }).messageId } as Packet);
    const second = await arrivals(sub);
    assert.deepEqual(payloads(second), ['m3']);
    for (const p of [first[1]!, second[0]!]) sub.send({ cmd: 'puback', messageId: (p as { messageId: number }).messageId } as Packet);
    assert.deepEqual(payloads(await arrivals(sub)), ['m4', 'm5']);
    sub.end();
  });

  test('v3.1.1: max_inflight_messages caps what goes out unacknowledged, as in mosquitto', async () => {
    const b = await broker('max_inflight_messages 3');
    const { conn: sub } = await rawSession(b.port, 'flow-v4', 4);
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'flow/v4', qos: 1 }] } as Packet);
    assert.equal((await sub.next()).cmd, 'suback');
    await publishMany(b.port, 'flow/v4', 6);
    const first = await arrivals(sub);
    assert.deepEqual(payloads(first), ['m1', 'm2', 'm3']);
    for (const p of first) sub.send({ cmd: 'puback', messageId: (p as { messageId: number }).messageId } as Packet);
    assert.deepEqual(payloads(await arrivals(sub)), ['m4', 'm5', 'm6']);
    sub.end();
  });
});
