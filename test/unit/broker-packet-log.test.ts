import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { describe, test } from 'node:test';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { resolveLogTypes } from '../../src/broker/log-types.ts';
import { packetLogLines, willLines, type Direction } from '../../src/broker/packet-log.ts';
import { tapPackets } from '../../src/broker/packet-tap.ts';

/** The packet as the broker's parser hands it over: encoded for the protocol version, then decoded. */
function decoded(packet: Packet, protocolVersion: 3 | 4 | 5 = 4): Packet {
  const parser = mqttPacket.parser({ protocolVersion });
  let result: Packet | undefined;
  parser.on('packet', (p) => { result = p; });
  parser.on('error', (error) => { throw error; });
  parser.parse(mqttPacket.generate(packet, { protocolVersion }));
  assert.ok(result, `${packet.cmd} did not decode`);
  return result;
}

const payload = (text: string) => Buffer.from(text);

/**
 * [direction, client id, packet, protocol version, mosquitto 2.0.11's lines]: each expected text is
 * copied from a mosquitto 2.0.11 log (log_type all) of mosquitto_pub/mosquitto_sub or MQTT.js doing
 * the same thing, except the lines marked "(source)", taken from mosquitto's source.
 */
const cases: [Direction, string, Packet, 3 | 4 | 5, string[]][] = [
  ['received', 'p0', { cmd: 'publish', qos: 0, dup: false, retain: false, topic: 'q/0', payload: payload('m0') }, 4,
    ["Received PUBLISH from p0 (d0, q0, r0, m0, 'q/0', ... (2 bytes))"]],
  ['received', 'p1', { cmd: 'publish', qos: 1, dup: false, retain: false, topic: 'q/1', payload: payload('m1'), messageId: 1 }, 4,
    ["Received PUBLISH from p1 (d0, q1, r0, m1, 'q/1', ... (2 bytes))"]],
  ['received', 'p3', { cmd: 'publish', qos: 1, dup: false, retain: true, topic: 'q/r', payload: payload('kept'), messageId: 1 }, 4,
    ["Received PUBLISH from p3 (d0, q1, r1, m1, 'q/r', ... (4 bytes))"]],
  ['received', 'p4', { cmd: 'publish', qos: 1, dup: false, retain: false, topic: 'q/e', payload: Buffer.alloc(0), messageId: 1 }, 4,
    ["Received PUBLISH from p4 (d0, q1, r0, m1, 'q/e', ... (0 bytes))"]],
  ['received', 'p6', { cmd: 'publish', qos: 0, dup: false, retain: true, topic: 'q/r', payload: Buffer.alloc(0) }, 4,
    ["Received PUBLISH from p6 (d0, q0, r1, m0, 'q/r', ... (0 bytes))"]],
  ['received', 'p5', { cmd: 'publish', qos: 2, dup: false, retain: false, topic: 'q/5', payload: payload('v5'), messageId: 1 }, 5,
    ["Received PUBLISH from p5 (d0, q2, r0, m1, 'q/5', ... (2 bytes))"]],
  ['sending', 'watcher', { cmd: 'publish', qos: 0, dup: false, retain: false, topic: 'q/0', payload: payload('m0') }, 4,
    ["Sending PUBLISH to watcher (d0, q0, r0, m0, 'q/0', ... (2 bytes))"]],
  ['sending', 'watcher', { cmd: 'publish', qos: 2, dup: false, retain: false, topic: 'q/2', payload: payload('hello'), messageId: 2 }, 4,
    ["Sending PUBLISH to watcher (d0, q2, r0, m2, 'q/2', ... (5 bytes))"]],
  ['sending', 'retsub', { cmd: 'publish', qos: 1, dup: false, retain: true, topic: 'q/r', payload: payload('kept'), messageId: 1 }, 5,
    ["Sending PUBLISH to retsub (d0, q1, r1, m1, 'q/r', ... (4 bytes))"]],
  // (source) a resent message: the dup flag.
  ['sending', 'w', { cmd: 'publish', qos: 1, dup: true, retain: false, topic: 't', payload: payload('x'), messageId: 9 }, 4,
    ["Sending PUBLISH to w (d1, q1, r0, m9, 't', ... (1 bytes))"]],

  ['sending', 'p1', { cmd: 'puback', messageId: 1 }, 4, ['Sending PUBACK to p1 (m1, rc0)']],
  ['sending', 'nosub', { cmd: 'puback', messageId: 1, reasonCode: 16 }, 5, ['Sending PUBACK to nosub (m1, rc16)']],
  ['received', 'watcher', { cmd: 'puback', messageId: 1 }, 4, ['Received PUBACK from watcher (Mid: 1, RC:0)']],
  ['received', 'v5sub', { cmd: 'puback', messageId: 3, reasonCode: 131 }, 5, ['Received PUBACK from v5sub (Mid: 3, RC:131)']],
  ['sending', 'p2', { cmd: 'pubrec', messageId: 1 }, 4, ['Sending PUBREC to p2 (m1, rc0)']],
  ['sending', 'p5', { cmd: 'pubrec', messageId: 1, reasonCode: 0 }, 5, ['Sending PUBREC to p5 (m1, rc0)']],
  ['received', 'watcher', { cmd: 'pubrec', messageId: 2 }, 4, ['Received PUBREC from watcher (Mid: 2)']],
  ['received', 'p2', { cmd: 'pubrel', messageId: 1 }, 4, ['Received PUBREL from p2 (Mid: 1)']],
  ['sending', 'watcher', { cmd: 'pubrel', messageId: 2 }, 4, ['Sending PUBREL to watcher (m2)']],
  ['sending', 'p2', { cmd: 'pubcomp', messageId: 1 }, 4, ['Sending PUBCOMP to p2 (m1)']],
  ['sending', 'p5', { cmd: 'pubcomp', messageId: 1 }, 5, ['Sending PUBCOMP to p5 (m1)']],
  ['received', 'watcher', { cmd: 'pubcomp', messageId: 2 }, 4, ['Received PUBCOMP from watcher (Mid: 2, RC:0)']],

  ['received', 'watcher', { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'q/#', qos: 2 }, { topic: 'x/+/z', qos: 2 }] }, 4, [
    'Received SUBSCRIBE from watcher', '\tq/# (QoS 2)', 'watcher 2 q/#', '\tx/+/z (QoS 2)', 'watcher 2 x/+/z',
  ]],
  ['received', 'v5sub', { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'ack/#', qos: 1, nl: false, rap: false, rh: 0 }], properties: { subscriptionIdentifier: 7 } }, 5, [
    'Received SUBSCRIBE from v5sub', '\tack/# (QoS 1)', 'v5sub 1 ack/#',
  ]],
  ['sending', 'watcher', { cmd: 'suback', messageId: 1, granted: [2, 2] }, 4, ['Sending SUBACK to watcher']],
  ['received', 'unsub', { cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['a'] }, 4, ['Received UNSUBSCRIBE from unsub', '\ta', 'unsub a']],
  ['received', 'v5sub', { cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['ack/#', 'nope'] }, 5, [
    'Received UNSUBSCRIBE from v5sub', '\tack/#', 'v5sub ack/#', '\tnope', 'v5sub nope',
  ]],
  ['sending', 'unsub', { cmd: 'unsuback', messageId: 2, granted: [] }, 4, ['Sending UNSUBACK to unsub']],
  ['sending', 'v5sub', { cmd: 'unsuback', messageId: 2, granted: [0, 17] }, 5, ['Sending UNSUBACK to v5sub']],

  ['received', 'pinger', { cmd: 'pingreq' }, 4, ['Received PINGREQ from pinger']],
  ['sending', 'pinger', { cmd: 'pingresp' }, 4, ['Sending PINGRESP to pinger']],
  ['received', 'p0', { cmd: 'disconnect' }, 4, ['Received DISCONNECT from p0']],
  ['received', 'v5pub', { cmd: 'disconnect', reasonCode: 4 }, 5, ['Received DISCONNECT from v5pub']],
  // (source) lib/send_disconnect.c, e.g. to the old connection of a v5 client id that connected again.
  ['sending', 'dup', { cmd: 'disconnect', reasonCode: 142 }, 5, ['Sending DISCONNECT to dup (rc142)']],

  ['sending', 'watcher', { cmd: 'connack', sessionPresent: false, returnCode: 0 }, 4, ['Sending CONNACK to watcher (0, 0)']],
  ['sending', 'sess', { cmd: 'connack', sessionPresent: true, returnCode: 0 }, 4, ['Sending CONNACK to sess (1, 0)']],
  ['sending', 'retsub', { cmd: 'connack', sessionPresent: false, reasonCode: 0, properties: { topicAliasMaximum: 10 } }, 5, ['Sending CONNACK to retsub (0, 0)']],
  // (source) src/handle_auth.c, src/send_auth.c
  ['received', 'a', { cmd: 'auth', reasonCode: 24, properties: { authenticationMethod: 'SCRAM-SHA-1' } }, 5, ['Received AUTH from a (rc24, SCRAM-SHA-1)']],
  ['sending', 'a', { cmd: 'auth', reasonCode: 24, properties: { authenticationMethod: 'SCRAM-SHA-1' } }, 5, ['Sending AUTH to a (rc24, SCRAM-SHA-1)']],
  // mosquitto logs nothing when a CONNECT arrives; see willLines. The password never shows.
  ['received', 'usr', { cmd: 'connect', clientId: 'usr', protocolVersion: 4, protocolId: 'MQTT', clean: true, keepalive: 60, username: 'alice', password: Buffer.from('secret') }, 4, []],
];

describe("packetLogLines: mosquitto 2.0's debug lines", () => {
  for (const [direction, clientId, packet, version, expected] of cases) {
    test(`${direction} ${packet.cmd} (v${version === 5 ? '5' : '3.1.1'}): ${expected[0] ?? 'nothing'}`, () => {
      assert.deepEqual(packetLogLines(direction, clientId, decoded(packet, version)).map((line) => line.text), expected);
    });
  }

  test('the per-topic SUBSCRIBE and UNSUBSCRIBE lines are of type subscribe and unsubscribe, the rest debug', () => {
    const sub = packetLogLines('received', 'w', { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 0 }] });
    assert.deepEqual(sub.map((line) => line.type), ['debug', 'debug', 'subscribe']);
    const unsub = packetLogLines('received', 'w', { cmd: 'unsubscribe', messageId: 1, unsubscriptions: ['a'] });
    assert.deepEqual(unsub.map((line) => line.type), ['debug', 'debug', 'unsubscribe']);
  });

  test('a CONNACK that refuses the client names its address: it has no id yet', () => {
    const refuse = (code: number, version: 4 | 5) => decoded({ cmd: 'connack', sessionPresent: false, ...(version === 5 ? { reasonCode: code } : { returnCode: code }) }, version);
    assert.deepEqual(packetLogLines('sending', 'bad', refuse(5, 4), '127.0.0.1').map((l) => l.text), ['Sending CONNACK to 127.0.0.1 (0, 5)']);
    assert.deepEqual(packetLogLines('sending', 'bad5', refuse(135, 5), '127.0.0.1').map((l) => l.text), ['Sending CONNACK to 127.0.0.1 (0, 135)']);
    assert.deepEqual(packetLogLines('sending', '', refuse(2, 4), '::1').map((l) => l.text), ['Sending CONNACK to ::1 (0, 2)']);
  });

  test('ids and topics from the network cannot break a line', () => {
    const packet: Packet = { cmd: 'publish', qos: 0, dup: false, retain: false, topic: 'a\nb', payload: Buffer.alloc(0) };
    assert.deepEqual(packetLogLines('received', 'evil\r\n', packet).map((l) => l.text), ["Received PUBLISH from evil\\x0d\\x0a (d0, q0, r0, m0, 'a\\x0ab', ... (0 bytes))"]);
  });
});

describe('willLines', () => {
  const connect = (will?: { topic: string; payload: Buffer; qos: 0 | 1 | 2; retain: boolean }): Packet =>
    decoded({ cmd: 'connect', clientId: 'c', protocolVersion: 4, protocolId: 'MQTT', clean: true, keepalive: 60, ...(will ? { will } : {}) });
  test('no will', () => {
    assert.deepEqual(willLines(connect() as Parameters<typeof willLines>[0]).map((l) => l.text), ['No will message specified.']);
  });
  test('a will: size and flags, then the topic', () => {
    const lines = willLines(connect({ topic: 'will/t', payload: Buffer.from('gone'), qos: 1, retain: true }) as Parameters<typeof willLines>[0]);
    assert.deepEqual(lines, [
      { type: 'debug', text: 'Will message specified (4 bytes) (r1, q1).' },
      { type: 'debug', text: '\twill/t' },
    ]);
  });
});

/** A connection as aedes sees it: the test pushes the client's bytes and collects what the broker writes. */
function fakeConnection(): Duplex {
  return new Duplex({ read() {}, write(_chunk, _encoding, callback) { callback(); } });
}

describe('tapPackets', () => {
  const setUp = (clientId: () => string | null = () => null) => {
    const conn = fakeConnection();
    const lines: string[] = [];
    tapPackets(conn, { clientId, host: '::ffff:127.0.0.1', log: (line, type) => lines.push(`${type}: ${line}`) });
    /** The client sends these packets; the broker reads them in one read(). */
    const receive = (packets: Packet[], protocolVersion: 4 | 5) => {
      conn.push(Buffer.concat(packets.map((p) => mqttPacket.generate(p, { protocolVersion }))));
      conn.read();
    };
    /** The broker writes a packet the way aedes does: mqtt-packet's writeToStream, in pieces. */
    const send = (packet: Packet, protocolVersion: 4 | 5) => mqttPacket.writeToStream(packet, conn, { protocolVersion });
    return { conn, lines, receive, send };
  };

  test('logs both directions of a v5 session; the will is described just before an accepted CONNACK', () => {
    let id: string | null = null;
    const { lines, receive, send } = setUp(() => id);
    receive([{
      cmd: 'connect', clientId: 'dev1', protocolVersion: 5, protocolId: 'MQTT', clean: true, keepalive: 30,
      username: 'alice', password: Buffer.from('secret'), will: { topic: 'status/dev1', payload: Buffer.from('offline'), qos: 1, retain: false },
    }], 5);
    assert.deepEqual(lines, []);
    id = 'dev1';
    send({ cmd: 'connack', sessionPresent: false, reasonCode: 0, properties: { topicAliasMaximum: 10, receiveMaximum: 100 } }, 5);
    // Topic alias 1 set by the first PUBLISH, used by the second: mosquitto logs the topic.
    receive([
      { cmd: 'publish', qos: 1, dup: false, retain: false, topic: 'a/b', payload: payload('1'), messageId: 7, properties: { topicAlias: 1 } },
      { cmd: 'publish', qos: 0, dup: false, retain: false, topic: '', payload: payload('22'), properties: { topicAlias: 1 } },
    ], 5);
    send({ cmd: 'puback', messageId: 7, reasonCode: 16 }, 5);
    assert.deepEqual(lines, [
      'debug: Will message specified (7 bytes) (r0, q1).',
      'debug: \tstatus/dev1',
      'debug: Sending CONNACK to dev1 (0, 0)',
      "debug: Received PUBLISH from dev1 (d0, q1, r0, m7, 'a/b', ... (1 bytes))",
      "debug: Received PUBLISH from dev1 (d0, q0, r0, m0, 'a/b', ... (2 bytes))",
      'debug: Sending PUBACK to dev1 (m7, rc16)',
    ]);
    assert.ok(!lines.join('\n').includes('secret'));
  });

  test('packets that arrive before the broker handled the CONNECT carry the CONNECT\'s client id', () => {
    const { lines, receive } = setUp();
    receive([
      { cmd: 'connect', clientId: 'fast', protocolVersion: 4, protocolId: 'MQTT', clean: true, keepalive: 60 },
      { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 't', qos: 1 }] },
    ], 4);
    assert.deepEqual(lines, ['debug: Received SUBSCRIBE from fast', 'debug: \tt (QoS 1)', 'subscribe: fast 1 t']);
  });

  test('a refused client: no will lines, the CONNACK names the address', () => {
    const { lines, receive, send } = setUp();
    receive([{ cmd: 'connect', clientId: 'bad', protocolVersion: 4, protocolId: 'MQTT', clean: true, keepalive: 60, username: 'alice', password: Buffer.from('wrong') }], 4);
    send({ cmd: 'connack', sessionPresent: false, returnCode: 5 }, 4);
    assert.deepEqual(lines, ['debug: Sending CONNACK to 127.0.0.1 (0, 5)']);
  });

  test('a packet split over several reads is logged once, when it is whole', () => {
    const { conn, lines } = setUp(() => 'c');
    const bytes = mqttPacket.generate({ cmd: 'connect', clientId: 'c', protocolVersion: 4, protocolId: 'MQTT', clean: true, keepalive: 60 });
    const ping = mqttPacket.generate({ cmd: 'pingreq' });
    const all = Buffer.concat([bytes, ping]);
    for (let i = 0; i < all.length; i++) {
      conn.push(all.subarray(i, i + 1));
      conn.read();
    }
    assert.deepEqual(lines, ['debug: Received PINGREQ from c']);
  });

  test('a malformed packet stops the tap on that direction without throwing', () => {
    const { conn, lines, send } = setUp(() => 'c');
    conn.push(Buffer.from([0xf0, 0x00, 0xc0, 0x00])); // AUTH, which MQTT 3.1.1 has not, then PINGREQ
    conn.read();
    send({ cmd: 'pingresp' }, 4);
    assert.deepEqual(lines, ['debug: Sending PINGRESP to c']);
  });
});

describe('resolveLogTypes', () => {
  const cases: [string[], boolean, string[]][] = [
    [[], false, []],
    [[], true, ['error', 'warning', 'notice', 'information', 'subscribe', 'unsubscribe']],
    [['all'], false, ['error', 'warning', 'notice', 'information', 'subscribe', 'unsubscribe', 'debug']],
    [['error', 'warning', 'notice', 'information'], false, ['error', 'warning', 'notice', 'information']],
    [['debug'], true, ['error', 'warning', 'notice', 'information', 'subscribe', 'unsubscribe', 'debug']],
    [['subscribe', 'debug', 'subscribe'], false, ['subscribe', 'debug']],
    // As in mosquitto: none clears what came before it, all selects everything.
    [['all', 'none', 'notice'], false, ['notice']],
    [['notice', 'all'], false, ['error', 'warning', 'notice', 'information', 'subscribe', 'unsubscribe', 'debug']],
    [['none'], false, []],
  ];
  for (const [names, verbose, expected] of cases) {
    test(`${names.join(' ') || '(none given)'}${verbose ? ' -v' : ''}`, () => assert.deepEqual(resolveLogTypes(names, verbose), expected));
  }
});
