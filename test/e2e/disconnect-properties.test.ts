import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';
import { runMq } from './helpers/run.ts';

/**
 * `-D disconnect <property>` reaches the broker on the DISCONNECT, as with mosquitto's clients
 * (mosquitto_disconnect_v5 with the -D disconnect properties). A v5 broker of a few lines records
 * the packets: mosquitto does not log DISCONNECT properties.
 */
async function recordingBroker(): Promise<{ port: number; packets: Record<string, unknown>[]; close(): void }> {
  const packets: Record<string, unknown>[] = [];
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    const parser = mqttPacket.parser({ protocolVersion: 5 });
    const send = (packet: Record<string, unknown>) => socket.write(mqttPacket.generate(packet as never, { protocolVersion: 5 }));
    socket.on('error', () => {});
    socket.on('data', (data) => parser.parse(data));
    parser.on('packet', (packet: Record<string, unknown> & { cmd: string }) => {
      packets.push(packet);
      if (packet.cmd === 'connect') send({ cmd: 'connack', sessionPresent: false, reasonCode: 0 });
      if (packet.cmd === 'publish' && packet.qos === 1) send({ cmd: 'puback', messageId: packet.messageId, reasonCode: 0 });
      if (packet.cmd === 'subscribe') send({ cmd: 'suback', messageId: packet.messageId, granted: [0] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    packets,
    close: () => { for (const s of sockets) s.destroy(); server.close(); },
  };
}

const props = ['-V', '5', '-D', 'connect', 'session-expiry-interval', '60', '-D', 'disconnect', 'session-expiry-interval', '30',
  '-D', 'disconnect', 'user-property', 'why', 'done', '-D', 'disconnect', 'user-property', 'why', 'again'];

for (const [name, args, code] of [
  ['pub', ['pub', '-t', 't', '-q', '1', '-m', 'x'], 0],
  ['sub -W', ['sub', '-t', 't', '-W', '0.3'], 27],
] as const) {
  test(`${name}: -D disconnect properties are sent on the DISCONNECT`, async () => {
    const broker = await recordingBroker();
    try {
      const r = await runMq([...args, '-h', '127.0.0.1', '-p', String(broker.port), ...props]);
      assert.equal(r.code, code, r.stderr);
      const disconnect = broker.packets.find((p) => p.cmd === 'disconnect');
      assert.ok(disconnect, `no DISCONNECT among ${broker.packets.map((p) => p.cmd).join(', ')}`);
      // mqtt-packet parses user properties into an object without a prototype.
      assert.deepEqual(JSON.parse(JSON.stringify(disconnect.properties)), { sessionExpiryInterval: 30, userProperties: { why: ['done', 'again'] } });
    } finally {
      broker.close();
    }
  });
}
