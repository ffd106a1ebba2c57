// MQTT conformance of `mq broker`, written from the MUSTs of MQTT 3.1.1 and 5.0: raw MQTT over a TCP
// socket to 127.0.0.1, asserting the exact packets (and bytes) the broker sends. Every test runs against
// mq broker and, where it is installed, against mosquitto, which checks the tests themselves.
// One broker only: node --import tsx --test --test-name-pattern "conformance: mq broker" <this file>
import { randomBytes } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import { after, before, describe, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { needsMosquittoInstalled, startMosquitto, startMqBroker, type Broker } from './helpers/broker.ts';

type Version = 4 | 5;
type QoS = 0 | 1 | 2;
const VERSIONS: Version[] = [4, 5];
const QOS_LEVELS: QoS[] = [0, 1, 2];
const versionName = (version: Version) => (version === 4 ? 'v3.1.1' : 'v5');

/** How long to wait for a packet that must come, and how long to listen for one that must not. */
const WAIT_MS = 3000;
const QUIET_MS = 300;

/** One packet as the broker sent it: its bytes and mqtt-packet's reading of them. */
interface Frame {
  bytes: Buffer;
  packet: Packet & Record<string, any>;
}

/** A raw MQTT connection: send packets or bytes, take the broker's packets one by one. */
class RawClient {
  /** Frames received and not taken yet, oldest first. */
  private pending: Frame[] = [];
  private buffer = Buffer.alloc(0);
  private readonly parser: ReturnType<typeof mqttPacket.parser>;
  private wakers: (() => void)[] = [];
  private nextMessageId = 1;
  closed = false;

  constructor(private readonly socket: Socket, readonly version: Version) {
    this.parser = mqttPacket.parser({ protocolVersion: version });
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {}); // a reset after the broker closes: 'close' says all we need
  }

  static open(port: number, version: Version): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connectTcp(port, '127.0.0.1');
      socket.setNoDelay(true);
      socket.once('connect', () => {
        socket.removeListener('error', reject);
        resolve(new RawClient(socket, version));
      });
      socket.once('error', reject);
    });
  }

  messageId(): number {
    return this.nextMessageId++;
  }

  send(packet: Packet): void {
    this.sendBytes(mqttPacket.generate(packet, { protocolVersion: this.version }));
  }

  sendBytes(bytes: Buffer): void {
    if (!this.closed) this.socket.write(bytes);
  }

  /** The next frame the broker sent, whatever it is. */
  next(what: string, timeoutMs = WAIT_MS): Promise<Frame> {
    return this.until(() => this.pending.shift(), timeoutMs, what);
  }

  /** The first frame of this type (and matching `where`), skipping others, which stay pending. */
  take(cmd: string, where: (packet: Frame['packet']) => boolean = () => true, timeoutMs = WAIT_MS): Promise<Frame> {
    return this.until(() => {
      const index = this.pending.findIndex((frame) => frame.packet.cmd === cmd && where(frame.packet));
      return index === -1 ? undefined : this.pending.splice(index, 1)[0];
    }, timeoutMs, cmd);
  }

  /** Forget the pending frames of this type. */
  discard(cmd: string): void {
    this.pending = this.pending.filter((frame) => frame.packet.cmd !== cmd);
  }

  /** Listen for `ms` and return every frame not taken yet. */
  async quiet(ms = QUIET_MS): Promise<Frame[]> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return [...this.pending];
  }

  /** Wait until the broker closed the connection; the frames it sent before, not taken yet. */
  async closedByBroker(what: string, timeoutMs = WAIT_MS): Promise<Frame[]> {
    await this.until(() => (this.closed ? true : undefined), timeoutMs, `${what}: the broker to close the connection`);
    return [...this.pending];
  }

  /** Send DISCONNECT and wait for the connection to close. */
  async disconnect(): Promise<void> {
    this.send({ cmd: 'disconnect' });
    this.socket.end();
    await this.until(() => (this.closed ? true : undefined), WAIT_MS, 'close after DISCONNECT');
  }

  /** Drop the connection without DISCONNECT (as a network failure would) and wait for it to close. */
  async drop(): Promise<void> {
    this.socket.destroy();
    await this.until(() => (this.closed ? true : undefined), WAIT_MS, 'close');
  }

  describe(): string {
    return this.pending.map((f) => `${f.packet.cmd} ${f.bytes.toString('hex').slice(0, 40)}`).join(', ') || 'nothing';
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const size = frameSize(this.buffer);
      if (size === undefined || this.buffer.length < size) break;
      const bytes = this.buffer.subarray(0, size);
      this.buffer = this.buffer.subarray(size);
      let packet: Frame['packet'] | undefined;
      const onPacket = (p: Frame['packet']) => { packet = p; };
      this.parser.once('packet', onPacket);
      this.parser.parse(bytes);
      this.parser.removeListener('packet', onPacket);
      this.pending.push({ bytes, packet: packet ?? { cmd: 'unparsable' as Packet['cmd'] } });
    }
    this.wake();
  }

  private wake(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const wake of wakers) wake();
  }

  private async until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      // A closed connection brings nothing more: fail now rather than at the timeout.
      if (left <= 0 || this.closed) {
        throw new Error(`waited for ${what}: ${this.closed ? 'the connection closed' : `nothing within ${timeoutMs} ms`}; pending: ${this.describe()}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wakers.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }
}

/** Size of the first whole MQTT frame in `buffer` (fixed header + remaining length), if its header is all there. */
function frameSize(buffer: Buffer): number | undefined {
  let length = 0;
  for (let i = 1, multiplier = 1; i <= 4; i++, multiplier *= 128) {
    if (i >= buffer.length) return undefined;
    length += (buffer[i]! & 0x7f) * multiplier;
    if ((buffer[i]! & 0x80) === 0) return 1 + i + length;
  }
  throw new Error(`malformed remaining length from the broker: ${buffer.subarray(0, 5).toString('hex')}`);
}

// ---- Hand-written packets, for the bytes mqtt-packet refuses to make ----

function mqttString(bytes: Buffer | string): Buffer {
  const body = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const length = Buffer.alloc(2);
  length.writeUInt16BE(body.length);
  return Buffer.concat([length, body]);
}

function frame(firstByte: number, body: Buffer): Buffer {
  const length: number[] = [];
  let remaining = body.length;
  do {
    let byte = remaining % 128;
    remaining = Math.floor(remaining / 128);
    if (remaining > 0) byte |= 0x80;
    length.push(byte);
  } while (remaining > 0);
  return Buffer.concat([Buffer.from([firstByte, ...length]), body]);
}

/** An empty v5 property list: one byte, 0. */
const noProperties = (version: Version) => (version === 5 ? Buffer.from([0]) : Buffer.alloc(0));

function connectBytes(version: Version, clientId: string, will?: { topic: Buffer; payload: string }): Buffer {
  const flags = 0x02 | (will ? 0x04 : 0); // clean session, will flag (QoS 0, no retain)
  return frame(0x10, Buffer.concat([
    mqttString('MQTT'), Buffer.from([version, flags, 0, 60]), noProperties(version), mqttString(clientId),
    ...(will ? [noProperties(version), mqttString(will.topic), mqttString(will.payload)] : []),
  ]));
}

/** A QoS 0 PUBLISH with any bytes as its topic. */
function publishBytes(version: Version, topic: Buffer, payload: string): Buffer {
  return frame(0x30, Buffer.concat([mqttString(topic), noProperties(version), Buffer.from(payload)]));
}

/** A SUBSCRIBE with one filter of any bytes at QoS 0. */
function subscribeBytes(version: Version, messageId: number, filter: Buffer): Buffer {
  return frame(0x82, Buffer.concat([Buffer.from([messageId >> 8, messageId & 0xff]), noProperties(version), mqttString(filter), Buffer.from([0])]));
}

// ---- Protocol steps ----

interface ConnectOptions {
  clientId: string;
  version: Version;
  /** CleanSession (v3.1.1) / Clean Start (v5); default true. */
  clean?: boolean;
  /** v5 Session Expiry Interval in seconds. */
  sessionExpiry?: number;
}

async function connect(port: number, options: ConnectOptions): Promise<{ client: RawClient; connack: Frame }> {
  const client = await RawClient.open(port, options.version);
  client.send({
    cmd: 'connect',
    protocolVersion: options.version,
    clientId: options.clientId,
    clean: options.clean ?? true,
    keepalive: 60,
    ...(options.sessionExpiry !== undefined ? { properties: { sessionExpiryInterval: options.sessionExpiry } } : {}),
  });
  const connack = await client.next('CONNACK');
  assert.equal(connack.packet.cmd, 'connack', `first packet back is CONNACK, got ${connack.packet.cmd}`);
  assert.equal(connackCode(connack), 0, 'CONNACK accepts the connection');
  return { client, connack };
}

/** A frame's bytes after its fixed header (the first byte and the remaining length). */
function bodyOf(frame: Frame): Buffer {
  let i = 1;
  while (frame.bytes[i]! & 0x80) i++;
  return frame.bytes.subarray(i + 1);
}

/** CONNACK's first variable header byte: the Session Present flag. */
const sessionPresent = (connack: Frame) => bodyOf(connack)[0];
/** CONNACK's return code (v3.1.1) or reason code (v5). */
const connackCode = (connack: Frame) => bodyOf(connack)[1]!;

async function subscribe(client: RawClient, subscriptions: { topic: string; qos: QoS; rap?: boolean }[]): Promise<number[]> {
  const messageId = client.messageId();
  client.send({ cmd: 'subscribe', messageId, subscriptions });
  const suback = await client.take('suback', (p) => p.messageId === messageId);
  return suback.packet.granted;
}

/** The PUBLISH fixed header's first byte. */
const publishHeader = (qos: QoS, { dup = false, retain = false } = {}) => 0x30 | (dup ? 0x08 : 0) | (qos << 1) | (retain ? 1 : 0);
const idBytes = (messageId: number) => [messageId >> 8, messageId & 0xff];

/** Publish and finish the QoS flow; a QoS 0 publish is followed by PINGREQ/PINGRESP, so the broker has handled it. */
async function publish(client: RawClient, topic: string, payload: string, qos: QoS, retain = false): Promise<void> {
  const messageId = qos > 0 ? client.messageId() : undefined;
  client.send({ cmd: 'publish', topic, payload, qos, retain, dup: false, ...(messageId ? { messageId } : {}) });
  if (qos === 0) {
    client.send({ cmd: 'pingreq' });
    await client.take('pingresp');
  } else if (qos === 1) {
    const puback = await client.take('puback', (p) => p.messageId === messageId);
    if (client.version === 4) assert.deepEqual([...puback.bytes], [0x40, 2, ...idBytes(messageId!)]);
  } else {
    const pubrec = await client.take('pubrec', (p) => p.messageId === messageId);
    if (client.version === 4) assert.deepEqual([...pubrec.bytes], [0x50, 2, ...idBytes(messageId!)]);
    client.send({ cmd: 'pubrel', messageId: messageId! });
    const pubcomp = await client.take('pubcomp', (p) => p.messageId === messageId);
    if (client.version === 4) assert.deepEqual([...pubcomp.bytes], [0x70, 2, ...idBytes(messageId!)]);
  }
}

/** Acknowledge a received PUBLISH to the end of its QoS flow. */
async function acknowledge(client: RawClient, publish: Frame): Promise<void> {
  const { qos, messageId } = publish.packet;
  if (qos === 1) client.send({ cmd: 'puback', messageId });
  if (qos === 2) {
    client.send({ cmd: 'pubrec', messageId });
    const pubrel = await client.take('pubrel', (p) => p.messageId === messageId);
    if (client.version === 4) assert.deepEqual([...pubrel.bytes], [0x62, 2, ...idBytes(messageId)]);
    client.send({ cmd: 'pubcomp', messageId });
  }
}

/** The frames a broker may send before closing on a protocol error: none, or (v5) one DISCONNECT with one of `reasons`. */
function assertOnlyDisconnect(frames: Frame[], version: Version, reasons: number[], what: string): void {
  if (frames.length === 0) return;
  const described = frames.map((f) => `${f.packet.cmd} ${f.bytes.toString('hex')}`).join(', ');
  assert.ok(version === 5 && frames.length === 1 && frames[0]!.packet.cmd === 'disconnect', `${what}: closed without a reply (or a v5 DISCONNECT), got ${described}`);
  assert.ok(reasons.includes(frames[0]!.packet.reasonCode), `${what}: DISCONNECT reason 0x${frames[0]!.packet.reasonCode.toString(16)} is one of ${reasons.map((r) => `0x${r.toString(16)}`).join(', ')}`);
}

const MALFORMED = 0x81;
const PROTOCOL_ERROR = 0x82;
const TOPIC_NAME_INVALID = 0x90;
const TOPIC_FILTER_INVALID = 0x8f;

// ---- The tests, once per broker ----

function conformanceTests(broker: () => Broker, skip: string | false = false): void {
  // Each test carries the skip reason (rather than its describe), so the report counts every skipped test.
  const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { skip }, fn);
  const run = randomBytes(3).toString('hex');
  let counter = 0;
  /** A topic prefix and client id stem no other test uses. */
  const unique = (what: string) => `conf-${run}-${++counter}-${what}`;
  const clients: RawClient[] = [];
  const open = async (options: ConnectOptions) => {
    const result = await connect(broker().port, options);
    clients.push(result.client);
    return result;
  };
  const openRaw = async (version: Version) => {
    const client = await RawClient.open(broker().port, version);
    clients.push(client);
    return client;
  };
  after(async () => {
    await Promise.all(clients.filter((c) => !c.closed).map((c) => c.drop()));
  });

  describe('delivered QoS is min(published, granted) [MQTT-3.8.4-6; v5 3.8.4-8]', () => {
    for (const version of VERSIONS) {
      for (const published of QOS_LEVELS) {
        for (const granted of QOS_LEVELS) {
          const expected = Math.min(published, granted) as QoS;
          test(`${versionName(version)} live: QoS ${published} to a QoS ${granted} subscription (exact and wildcard filter) arrives at QoS ${expected}`, async () => {
            const base = unique('live');
            const topics = [`${base}/exact`, `${base}/wild/x`];
            const { client: subscriber } = await open({ version, clientId: `${base}-sub` });
            assert.deepEqual(await subscribe(subscriber, [{ topic: topics[0]!, qos: granted }, { topic: `${base}/wild/+`, qos: granted }]), [granted, granted]);
            const { client: publisher } = await open({ version, clientId: `${base}-pub` });
            for (const topic of topics) await publish(publisher, topic, `payload ${published}`, published);
            for (const topic of topics) {
              const delivered = await subscriber.take('publish', (p) => p.topic === topic);
              assert.equal(delivered.bytes[0], publishHeader(expected), `${topic}: PUBLISH header byte (QoS ${expected}, DUP 0, RETAIN 0)`);
              assert.equal(delivered.packet.payload.toString(), `payload ${published}`);
              if (expected > 0) assert.ok(delivered.packet.messageId > 0, 'a QoS > 0 PUBLISH has a packet id');
              await acknowledge(subscriber, delivered);
            }
            await publisher.disconnect();
            await subscriber.disconnect();
          });

          test(`${versionName(version)} retained: QoS ${published} retained to a new QoS ${granted} subscription (exact and wildcard filter) arrives at QoS ${expected} with RETAIN=1`, async () => {
            const base = unique('retained');
            const topics = [`${base}/exact`, `${base}/wild/x`];
            const { client: publisher } = await open({ version, clientId: `${base}-pub` });
            for (const topic of topics) await publish(publisher, topic, `kept ${published}`, published, true);
            const { client: subscriber } = await open({ version, clientId: `${base}-sub` });
            assert.deepEqual(await subscribe(subscriber, [{ topic: topics[0]!, qos: granted }, { topic: `${base}/wild/+`, qos: granted }]), [granted, granted]);
            for (const topic of topics) {
              const delivered = await subscriber.take('publish', (p) => p.topic === topic);
              assert.equal(delivered.bytes[0], publishHeader(expected, { retain: true }), `${topic}: PUBLISH header byte (QoS ${expected}, DUP 0, RETAIN 1)`);
              assert.equal(delivered.packet.payload.toString(), `kept ${published}`);
              await acknowledge(subscriber, delivered);
            }
            for (const client of [publisher, subscriber]) await client.disconnect();
          });
        }
      }
    }
  });

  describe('delivered QoS of messages queued for an offline session is min(published, granted) [MQTT-3.8.4-6; v5 3.8.4-8]', () => {
    for (const version of VERSIONS) {
      const session = version === 5 ? { sessionExpiry: 300 } : {};
      for (const published of [1, 2] as QoS[]) {
        for (const granted of [1, 2] as QoS[]) {
          const expected = Math.min(published, granted) as QoS;
          test(`${versionName(version)} QoS ${published} published while a QoS ${granted} subscriber is offline arrives at QoS ${expected} when it comes back`, async () => {
            const base = unique('queued');
            const clientId = `${base}-sub`;
            const { client: subscriber } = await open({ version, clientId, clean: false, ...session });
            await subscribe(subscriber, [{ topic: `${base}/+`, qos: granted }]);
            await subscriber.disconnect();
            const { client: publisher } = await open({ version, clientId: `${base}-pub` });
            await publish(publisher, `${base}/t`, 'queued', published);
            const { client: again } = await open({ version, clientId, clean: false, ...session });
            const delivered = await again.take('publish');
            assert.equal(delivered.bytes[0], publishHeader(expected), `PUBLISH header byte (QoS ${expected}, DUP 0, RETAIN 0)`);
            assert.equal(delivered.packet.payload.toString(), 'queued');
            await acknowledge(again, delivered);
            await again.disconnect();
            await publisher.disconnect();
          });
        }
      }
    }
  });

  describe('CONNACK session present [MQTT-3.2.2-1..3]', () => {
    test('v3.1.1 CleanSession=1: CONNACK is 20 02 00 00', async () => {
      const { client, connack } = await open({ version: 4, clientId: unique('clean') });
      assert.deepEqual([...connack.bytes], [0x20, 2, 0, 0]);
      await client.disconnect();
    });

    test('v3.1.1 CleanSession=0 with no session stored: session present 0', async () => {
      const { client, connack } = await open({ version: 4, clientId: unique('fresh'), clean: false });
      assert.deepEqual([...connack.bytes], [0x20, 2, 0, 0]);
      await client.disconnect();
    });

    for (const withSubscription of [false, true]) {
      test(`v3.1.1 CleanSession=0 resuming a session ${withSubscription ? 'with' : 'without'} subscriptions: CONNACK is 20 02 01 00`, async () => {
        const clientId = unique('resume');
        const { client: first } = await open({ version: 4, clientId, clean: false });
        if (withSubscription) await subscribe(first, [{ topic: `${clientId}/t`, qos: 1 }]);
        await first.disconnect();
        const { client: again, connack } = await open({ version: 4, clientId, clean: false });
        assert.deepEqual([...connack.bytes], [0x20, 2, 1, 0]);
        if (withSubscription) {
          // The session really is back: its subscription still delivers.
          const { client: publisher } = await open({ version: 4, clientId: `${clientId}-pub` });
          await publish(publisher, `${clientId}/t`, 'hello', 1);
          await acknowledge(again, await again.take('publish', (p) => p.topic === `${clientId}/t`));
          await publisher.disconnect();
        }
        await again.disconnect();
      });
    }

    test('v3.1.1 CleanSession=1 discards the session: a later CleanSession=0 gets session present 0', async () => {
      const clientId = unique('discard');
      const { client: first } = await open({ version: 4, clientId, clean: false });
      await subscribe(first, [{ topic: `${clientId}/t`, qos: 1 }]);
      await first.disconnect();
      const { client: clean } = await open({ version: 4, clientId, clean: true });
      await clean.disconnect();
      const { client: again, connack } = await open({ version: 4, clientId, clean: false });
      assert.equal(sessionPresent(connack), 0);
      await again.disconnect();
    });

    test('v5 Clean Start=1: session present 0', async () => {
      const { client, connack } = await open({ version: 5, clientId: unique('clean5'), sessionExpiry: 300 });
      assert.equal(sessionPresent(connack), 0);
      await client.disconnect();
    });

    for (const withSubscription of [false, true]) {
      test(`v5 Clean Start=0 with Session Expiry > 0, resuming a session ${withSubscription ? 'with' : 'without'} subscriptions: session present 1`, async () => {
        const clientId = unique('resume5');
        const { client: first, connack: firstConnack } = await open({ version: 5, clientId, clean: false, sessionExpiry: 300 });
        assert.equal(sessionPresent(firstConnack), 0, 'no session before the first connection');
        if (withSubscription) await subscribe(first, [{ topic: `${clientId}/t`, qos: 1 }]);
        await first.disconnect();
        const { client: again, connack } = await open({ version: 5, clientId, clean: false, sessionExpiry: 300 });
        assert.equal(sessionPresent(connack), 1);
        assert.equal(connackCode(connack), 0, 'reason code 0');
        await again.disconnect();
      });
    }

    test('v5 a session with Session Expiry 0 ends with its connection: Clean Start=0 then gets session present 0', async () => {
      const clientId = unique('expiry0');
      const { client: first } = await open({ version: 5, clientId, clean: false, sessionExpiry: 0 });
      await subscribe(first, [{ topic: `${clientId}/t`, qos: 1 }]);
      await first.disconnect();
      const { client: again, connack } = await open({ version: 5, clientId, clean: false, sessionExpiry: 300 });
      assert.equal(sessionPresent(connack), 0);
      await again.disconnect();
    });

    for (const version of VERSIONS) {
      test(`${versionName(version)} takeover by the same client id: the new CONNACK has session present 1, the old connection is closed [MQTT-3.1.4-2]`, async () => {
        const clientId = unique('takeover');
        const session = version === 5 ? { sessionExpiry: 300 } : {};
        const { client: first } = await open({ version, clientId, clean: false, ...session });
        const { client: second, connack } = await open({ version, clientId, clean: false, ...session });
        assert.equal(sessionPresent(connack), 1);
        assertOnlyDisconnect(await first.closedByBroker('takeover'), version, [0x8e], 'the taken-over connection');
        await second.disconnect();
      });
    }
  });

  describe('RETAIN flag [MQTT-3.3.1-8, 3.3.1-9, 3.3.1-12]', () => {
    for (const [version, qos] of [[4, 1], [4, 2], [5, 1]] as [Version, QoS][]) {
      test(`${versionName(version)} a retained QoS ${qos} message subscribed to right after its PUBLISH was acknowledged arrives once, with RETAIN=1 (50 rounds, under load)`, async () => {
        const base = unique('race');
        const { client: publisher } = await open({ version, clientId: `${base}-pub` });
        const { client: subscriber } = await open({ version, clientId: `${base}-sub` });
        // Load: QoS 0 messages to a subscribed topic, sent in the same write as the retained PUBLISH, keep the
        // broker busy routing, so the retained PUBLISH is routed late, as it is on a busy broker.
        const { client: sink } = await open({ version, clientId: `${base}-sink` });
        await subscribe(sink, [{ topic: `${base}/load`, qos: 0 }]);
        const load = mqttPacket.generate({ cmd: 'publish', topic: `${base}/load`, payload: 'load', qos: 0, retain: false, dup: false }, { protocolVersion: version });
        const rounds = 50;
        for (let i = 0; i < rounds; i++) {
          const topic = `${base}/${i}`;
          const messageId = publisher.messageId();
          const retained = mqttPacket.generate({ cmd: 'publish', topic, payload: `round ${i}`, qos, retain: true, dup: false, messageId }, { protocolVersion: version });
          publisher.sendBytes(Buffer.concat([...Array.from({ length: 150 }, () => load), retained]));
          if (qos === 1) {
            await publisher.take('puback', (p) => p.messageId === messageId);
          } else {
            await publisher.take('pubrec', (p) => p.messageId === messageId);
            publisher.send({ cmd: 'pubrel', messageId });
            await publisher.take('pubcomp', (p) => p.messageId === messageId);
          }
          subscriber.send({ cmd: 'subscribe', messageId: subscriber.messageId(), subscriptions: [{ topic, qos }] });
          const delivered = await subscriber.take('publish', (p) => p.topic === topic);
          assert.equal(delivered.bytes[0], publishHeader(qos, { retain: true }), `round ${i}: the first copy has RETAIN=1`);
          assert.equal(delivered.packet.payload.toString(), `round ${i}`);
          await acknowledge(subscriber, delivered);
          sink.discard('publish');
        }
        const extra = (await subscriber.quiet()).filter((f) => f.packet.cmd === 'publish');
        assert.deepEqual(extra.map((f) => `${f.packet.topic} retain=${f.packet.retain}`), [], 'no second (live) copy of any round');
        for (const client of [publisher, subscriber, sink]) await client.disconnect();
      });
    }

    for (const version of VERSIONS) {
      test(`${versionName(version)} live delivery of a retained PUBLISH to an existing subscription has RETAIN=0`, async () => {
        const base = unique('live-retain');
        const { client: subscriber } = await open({ version, clientId: `${base}-sub` });
        await subscribe(subscriber, [{ topic: `${base}/t`, qos: 1 }]);
        const { client: publisher } = await open({ version, clientId: `${base}-pub` });
        await publish(publisher, `${base}/t`, 'live', 1, true);
        const delivered = await subscriber.take('publish');
        assert.equal(delivered.bytes[0], publishHeader(1), 'QoS 1, RETAIN 0');
        await acknowledge(subscriber, delivered);
        await publisher.disconnect();
        await subscriber.disconnect();
      });
    }

    for (const version of VERSIONS) {
      test(`${versionName(version)} a zero-byte retained PUBLISH removes the retained message [MQTT-3.3.1-10, 3.3.1-11]`, async () => {
        const base = unique('clear');
        const { client: publisher } = await open({ version, clientId: `${base}-pub` });
        await publish(publisher, `${base}/t`, 'kept', 1, true);
        await publish(publisher, `${base}/t`, '', 1, true);
        const { client: late } = await open({ version, clientId: `${base}-late` });
        await subscribe(late, [{ topic: `${base}/#`, qos: 2 }]);
        assert.deepEqual((await late.quiet()).map((f) => f.packet.cmd), [], 'no retained message');
        for (const client of [publisher, late]) await client.disconnect();
      });
    }

    test('v5 Retain As Published: live delivery keeps RETAIN=1 [MQTT-3.3.1-13]', async () => {
      const base = unique('rap');
      const { client: subscriber } = await open({ version: 5, clientId: `${base}-sub` });
      await subscribe(subscriber, [{ topic: `${base}/t`, qos: 1, rap: true }]);
      const { client: publisher } = await open({ version: 5, clientId: `${base}-pub` });
      await publish(publisher, `${base}/t`, 'live', 1, true);
      const delivered = await subscriber.take('publish');
      assert.equal(delivered.bytes[0], publishHeader(1, { retain: true }));
      await acknowledge(subscriber, delivered);
      await publisher.disconnect();
      await subscriber.disconnect();
    });
  });

  describe('resends after a reconnect carry DUP=1 and the same packet id [MQTT-4.4.0-1, 3.3.1-1]', () => {
    for (const version of VERSIONS) {
      const session = version === 5 ? { sessionExpiry: 300 } : {};
      for (const qos of [1, 2] as QoS[]) {
        test(`${versionName(version)} an unacknowledged QoS ${qos} PUBLISH is resent with DUP=1 and its packet id, and not again once acknowledged`, async () => {
          const base = unique(`resend${qos}`);
          const clientId = `${base}-sub`;
          const { client: subscriber } = await open({ version, clientId, clean: false, ...session });
          await subscribe(subscriber, [{ topic: `${base}/t`, qos }]);
          const { client: publisher } = await open({ version, clientId: `${base}-pub` });
          await publish(publisher, `${base}/t`, 'once', qos);
          const first = await subscriber.take('publish');
          assert.equal(first.bytes[0], publishHeader(qos), 'first delivery: DUP=0');
          await subscriber.drop();

          const { client: again, connack } = await open({ version, clientId, clean: false, ...session });
          assert.equal(sessionPresent(connack), 1);
          const resent = await again.take('publish');
          assert.equal(resent.bytes[0], publishHeader(qos, { dup: true }), 'the resend has DUP=1');
          assert.equal(resent.packet.messageId, first.packet.messageId, 'same packet id');
          assert.equal(resent.packet.topic, `${base}/t`);
          assert.equal(resent.packet.payload.toString(), 'once');
          await acknowledge(again, resent);
          assert.deepEqual((await again.quiet()).map((f) => f.packet.cmd), [], 'sent once more, no more');
          await again.disconnect();

          const { client: third } = await open({ version, clientId, clean: false, ...session });
          assert.deepEqual((await third.quiet()).map((f) => f.packet.cmd), [], 'an acknowledged message is not resent');
          await third.disconnect();
          await publisher.disconnect();
        });
      }

      test(`${versionName(version)} after PUBREC, a reconnect resends PUBREL (same packet id), not the PUBLISH`, async () => {
        const base = unique('pubrel');
        const clientId = `${base}-sub`;
        const { client: subscriber } = await open({ version, clientId, clean: false, ...session });
        await subscribe(subscriber, [{ topic: `${base}/t`, qos: 2 }]);
        const { client: publisher } = await open({ version, clientId: `${base}-pub` });
        await publish(publisher, `${base}/t`, 'exactly once', 2);
        const delivered = await subscriber.take('publish');
        const { messageId } = delivered.packet;
        subscriber.send({ cmd: 'pubrec', messageId });
        await subscriber.take('pubrel', (p) => p.messageId === messageId);
        await subscriber.drop();

        const { client: again } = await open({ version, clientId, clean: false, ...session });
        const pubrel = await again.next('PUBREL');
        assert.equal(pubrel.packet.cmd, 'pubrel', `the resend is PUBREL, got ${pubrel.packet.cmd}`);
        assert.equal(pubrel.packet.messageId, messageId);
        assert.equal(pubrel.bytes[0], 0x62, 'PUBREL fixed header 0x62');
        if (version === 4) assert.deepEqual([...pubrel.bytes], [0x62, 2, ...idBytes(messageId)]);
        again.send({ cmd: 'pubcomp', messageId });
        assert.deepEqual((await again.quiet()).map((f) => f.packet.cmd), [], 'nothing else is resent');
        await again.disconnect();
        await publisher.disconnect();
      });
    }

    test('v3.1.1 a QoS 2 PUBLISH the client sends twice (DUP=1, same id) is delivered once [MQTT-4.3.3-2]', async () => {
      const base = unique('dup-in');
      const { client: subscriber } = await open({ version: 4, clientId: `${base}-sub` });
      await subscribe(subscriber, [{ topic: `${base}/t`, qos: 2 }]);
      const { client: publisher } = await open({ version: 4, clientId: `${base}-pub` });
      const message = { cmd: 'publish', topic: `${base}/t`, payload: 'twice', qos: 2, retain: false, messageId: 7 } as const;
      publisher.send({ ...message, dup: false });
      await publisher.take('pubrec', (p) => p.messageId === 7);
      publisher.send({ ...message, dup: true });
      await publisher.take('pubrec', (p) => p.messageId === 7);
      publisher.send({ cmd: 'pubrel', messageId: 7 });
      await publisher.take('pubcomp', (p) => p.messageId === 7);
      await acknowledge(subscriber, await subscriber.take('publish'));
      assert.deepEqual((await subscriber.quiet()).filter((f) => f.packet.cmd === 'publish').length, 0, 'delivered once');
      await publisher.disconnect();
      await subscriber.disconnect();
    });
  });

  describe('ill-formed UTF-8 closes the connection [MQTT-1.5.3-1, 1.5.3-2; v5 1.5.4-1, 1.5.4-2]', () => {
    const illFormed: [string, Buffer][] = [
      ['C3 28 (a lead byte without its continuation)', Buffer.from([0xc3, 0x28])],
      ['U+0000', Buffer.from([0x00])],
      ['ED A0 80 (the surrogate U+D800)', Buffer.from([0xed, 0xa0, 0x80])],
    ];
    for (const version of VERSIONS) {
      for (const [name, bad] of illFormed) {
        test(`${versionName(version)} PUBLISH topic with ${name}: closed, nothing delivered`, async () => {
          const base = unique('utf8-pub');
          const { client: watcher } = await open({ version, clientId: `${base}-watch` });
          await subscribe(watcher, [{ topic: `${base}/#`, qos: 0 }]);
          const { client } = await open({ version, clientId: `${base}-bad` });
          client.sendBytes(publishBytes(version, Buffer.concat([Buffer.from(`${base}/x`), bad]), 'bad topic'));
          assertOnlyDisconnect(await client.closedByBroker('ill-formed topic'), version, [MALFORMED, PROTOCOL_ERROR, TOPIC_NAME_INVALID], 'ill-formed topic');
          assert.deepEqual((await watcher.quiet()).map((f) => f.packet.cmd), [], 'nothing delivered');
          await watcher.disconnect();
        });

        test(`${versionName(version)} SUBSCRIBE filter with ${name}: closed without SUBACK`, async () => {
          const base = unique('utf8-sub');
          const { client } = await open({ version, clientId: `${base}-bad` });
          client.sendBytes(subscribeBytes(version, 1, Buffer.concat([Buffer.from(`${base}/`), bad])));
          assertOnlyDisconnect(await client.closedByBroker('ill-formed filter'), version, [MALFORMED, PROTOCOL_ERROR, TOPIC_FILTER_INVALID], 'ill-formed filter');
        });

        test(`${versionName(version)} will topic with ${name}: the CONNECT is refused, no will is published`, async () => {
          const base = unique('utf8-will');
          const { client: watcher } = await open({ version, clientId: `${base}-watch` });
          await subscribe(watcher, [{ topic: `${base}/#`, qos: 0 }]);
          const client = await openRaw(version);
          client.sendBytes(connectBytes(version, `${base}-bad`, { topic: Buffer.concat([Buffer.from(`${base}/will`), bad]), payload: 'will' }));
          const replies = await client.closedByBroker('ill-formed will topic');
          assertRefusedConnect(replies, version);
          assert.deepEqual((await watcher.quiet()).map((f) => f.packet.cmd), [], 'no will published');
          await watcher.disconnect();
        });
      }

      test(`${versionName(version)} well-formed UTF-8 (2, 3 and 4 byte characters, and U+FFFD itself) passes byte for byte`, async () => {
        const base = unique('utf8-ok');
        const topic = `${base}/ü€𝄞\uFFFD`;
        const { client: subscriber } = await open({ version, clientId: `${base}-sub` });
        await subscribe(subscriber, [{ topic, qos: 0 }]);
        const { client: publisher } = await open({ version, clientId: `${base}-pub` });
        publisher.sendBytes(publishBytes(version, Buffer.from(topic), 'fine'));
        const delivered = await subscriber.take('publish');
        assert.deepEqual(bodyOf(delivered).subarray(0, 2 + Buffer.byteLength(topic)), mqttString(topic));
        await publisher.disconnect();
        await subscriber.disconnect();
      });

      test(`${versionName(version)} a will with an empty topic is refused [MQTT-4.7.3-1]`, async () => {
        const base = unique('empty-will');
        const client = await openRaw(version);
        client.sendBytes(connectBytes(version, `${base}-bad`, { topic: Buffer.alloc(0), payload: 'will' }));
        assertRefusedConnect(await client.closedByBroker('empty will topic'), version);
      });

      test(`${versionName(version)} a will topic with a wildcard is refused [MQTT-3.3.2-2]`, async () => {
        const base = unique('wild-will');
        const client = await openRaw(version);
        client.sendBytes(connectBytes(version, `${base}-bad`, { topic: Buffer.from(`${base}/+`), payload: 'will' }));
        assertRefusedConnect(await client.closedByBroker('wildcard will topic'), version);
      });
    }
  });

  describe('other MUSTs', () => {
    for (const version of VERSIONS) {
      test(`${versionName(version)} PINGREQ c0 00 is answered with PINGRESP d0 00 [MQTT-3.12.4-1]`, async () => {
        const { client } = await open({ version, clientId: unique('ping') });
        client.sendBytes(Buffer.from([0xc0, 0x00]));
        assert.deepEqual([...(await client.next('PINGRESP')).bytes], [0xd0, 0x00]);
        await client.disconnect();
      });

      test(`${versionName(version)} a second CONNECT closes the connection [MQTT-3.1.0-2]`, async () => {
        const clientId = unique('second-connect');
        const { client } = await open({ version, clientId });
        client.send({ cmd: 'connect', protocolVersion: version, clientId, clean: true, keepalive: 60 });
        assertOnlyDisconnect(await client.closedByBroker('second CONNECT'), version, [PROTOCOL_ERROR], 'second CONNECT');
      });

      test(`${versionName(version)} a protocol level the broker does not speak (6) gets CONNACK 0x01, then the connection closes [MQTT-3.1.2-2]`, async () => {
        const client = await openRaw(version);
        // CONNECT "MQTT" level 6, clean session, keepalive 60, client id "a".
        client.sendBytes(Buffer.from([0x10, 0x0d, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x06, 0x02, 0x00, 0x3c, 0x00, 0x01, 0x61]));
        const replies = await client.closedByBroker('CONNECT at protocol level 6');
        assert.deepEqual(replies.map((f) => f.bytes.toString('hex')), ['20020001']);
      });

      test(`${versionName(version)} a first packet that is not CONNECT closes the connection [MQTT-3.1.0-1]`, async () => {
        const client = await openRaw(version);
        client.sendBytes(Buffer.from([0xc0, 0x00]));
        assert.deepEqual((await client.closedByBroker('PINGREQ before CONNECT')).map((f) => f.packet.cmd), []);
      });

      for (const topic of ['+', '#', 'a/+/b', 'a/#']) {
        test(`${versionName(version)} a PUBLISH topic name with a wildcard (${topic}) closes the connection, nothing delivered [MQTT-3.3.2-2]`, async () => {
          const base = unique('wild-pub');
          const { client: watcher } = await open({ version, clientId: `${base}-watch` });
          await subscribe(watcher, [{ topic: `${base}/#`, qos: 0 }]);
          const { client } = await open({ version, clientId: `${base}-bad` });
          client.sendBytes(publishBytes(version, Buffer.from(`${base}/${topic}`), 'wild'));
          assertOnlyDisconnect(await client.closedByBroker('wildcard topic name'), version, [PROTOCOL_ERROR, TOPIC_NAME_INVALID], 'wildcard topic name');
          assert.deepEqual((await watcher.quiet()).map((f) => f.packet.cmd), [], 'nothing delivered');
          await watcher.disconnect();
        });
      }

      for (const filter of ['a/#/b', 'a/b#', 'a#', 'a+/b', 'a/+b', '+a', 'a+']) {
        test(`${versionName(version)} an invalid topic filter (${filter}) is refused: SUBACK failure or close [MQTT-4.7.1-2, 4.7.1-3]`, async () => {
          const { client } = await open({ version, clientId: unique('bad-filter') });
          client.sendBytes(subscribeBytes(version, 9, Buffer.from(filter)));
          const first = await Promise.race([client.take('suback'), client.closedByBroker('invalid filter').then(() => undefined)]).catch(() => undefined);
          if (first && first.packet.cmd === 'suback') {
            assert.equal(first.packet.messageId, 9);
            assert.ok(first.packet.granted[0] >= 0x80, `SUBACK refuses it (got 0x${first.packet.granted[0].toString(16)})`);
            if (version === 4) assert.deepEqual([...first.bytes], [0x90, 3, 0, 9, 0x80]);
            await client.disconnect();
          } else {
            assert.ok(client.closed, 'neither a SUBACK nor a close');
            assertOnlyDisconnect(await client.closedByBroker('invalid filter'), version, [MALFORMED, PROTOCOL_ERROR, TOPIC_FILTER_INVALID], 'invalid filter');
          }
        });
      }

      test(`${versionName(version)} a SUBSCRIBE without any filter closes the connection [MQTT-3.8.3-3]`, async () => {
        const { client } = await open({ version, clientId: unique('empty-subscribe') });
        client.sendBytes(frame(0x82, Buffer.concat([Buffer.from([0, 1]), noProperties(version)])));
        assertOnlyDisconnect(await client.closedByBroker('SUBSCRIBE without filters'), version, [MALFORMED, PROTOCOL_ERROR], 'SUBSCRIBE without filters');
      });

      test(`${versionName(version)} wildcards at the first level do not match topics starting with $ [MQTT-4.7.2-1]`, async () => {
        const base = unique('dollar');
        const { client: everything } = await open({ version, clientId: `${base}-all` });
        await subscribe(everything, [{ topic: '#', qos: 0 }, { topic: '+/+', qos: 0 }]);
        const { client: dollar } = await open({ version, clientId: `${base}-dollar` });
        await subscribe(dollar, [{ topic: `$${base}/#`, qos: 0 }]);
        const { client: publisher } = await open({ version, clientId: `${base}-pub` });
        await publish(publisher, `$${base}/t`, 'dollar', 0);
        assert.equal((await dollar.take('publish')).packet.topic, `$${base}/t`);
        assert.deepEqual((await everything.quiet()).filter((f) => f.packet.topic === `$${base}/t`).length, 0);
        for (const client of [everything, dollar, publisher]) await client.disconnect();
      });
    }
  });
}

/** A refused CONNECT: closed, with no CONNACK or a CONNACK that refuses (v3.1.1 return code > 0, v5 reason >= 0x80). */
function assertRefusedConnect(replies: Frame[], version: Version): void {
  const described = replies.map((f) => `${f.packet.cmd} ${f.bytes.toString('hex')}`).join(', ');
  if (replies.length === 0) return;
  assert.equal(replies.length, 1, `at most one reply before the close, got ${described}`);
  const reply = replies[0]!;
  if (reply.packet.cmd === 'connack') {
    assert.ok(version === 4 ? connackCode(reply) > 0 : connackCode(reply) >= 0x80, `the CONNACK refuses: ${described}`);
  } else {
    assertOnlyDisconnect(replies, version, [MALFORMED, PROTOCOL_ERROR, TOPIC_NAME_INVALID], 'refused CONNECT');
  }
}

describe('conformance: mq broker', () => {
  let broker: Broker;
  before(async () => { broker = await startMqBroker(); });
  after(async () => { await broker?.stop(); });
  conformanceTests(() => broker);
});

describe('conformance: mosquitto', () => {
  const skip = needsMosquittoInstalled('validates these tests against mosquitto');
  let broker: Broker;
  before(async () => { if (!skip) broker = await startMosquitto(); });
  after(async () => { await broker?.stop(); });
  conformanceTests(() => broker, skip);
});
