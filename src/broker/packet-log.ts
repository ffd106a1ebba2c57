/**
 * PURE: the lines mosquitto 2.0 writes for each MQTT packet at `log_type debug` (and the
 * subscribe/unsubscribe lines it writes while handling a SUBSCRIBE/UNSUBSCRIBE), word for word,
 * so what people grep for in a mosquitto log (Sending SUBACK to ID, Received PUBACK from ID
 * (Mid: 5, RC:0)) works on mq broker's too. Checked against mosquitto 2.0.11's log and source
 * (src/handle_*.c, src/send_*.c, lib/send_mosq.c, lib/handle_pub*.c).
 */
import type { IConnectPacket, Packet } from 'mqtt-packet';
import { printable } from './log.js';
import type { LogType } from './log-types.js';

export type Direction = 'received' | 'sending';

export interface PacketLogLine {
  type: Extract<LogType, 'debug' | 'subscribe' | 'unsubscribe'>;
  text: string;
}

const debug = (text: string): PacketLogLine => ({ type: 'debug', text });

/**
 * The lines for one packet the broker received from, or is sending to, the client `clientId`.
 * `host` is the client's address without port: mosquitto names it instead of the id in a CONNACK
 * that refuses the client, which has no id yet. A received CONNECT has no line of its own (see
 * willLines); packets mq broker never sends (CONNECT, SUBSCRIBE, UNSUBSCRIBE) have none either.
 * Topics and ids come from the network, so they go through printable(). Never prints a password.
 */
export function packetLogLines(direction: Direction, clientId: string, packet: Packet, host = clientId): PacketLogLine[] {
  const id = printable(clientId);
  const from = `from ${id}`;
  const to = `to ${id}`;
  const received = direction === 'received';
  switch (packet.cmd) {
    case 'publish': {
      const bytes = typeof packet.payload === 'string' ? Buffer.byteLength(packet.payload) : packet.payload.length;
      const fields = `d${flag(packet.dup)}, q${packet.qos}, r${flag(packet.retain)}, m${packet.messageId ?? 0}, '${printable(packet.topic)}', ... (${bytes} bytes)`;
      return [debug(received ? `Received PUBLISH ${from} (${fields})` : `Sending PUBLISH ${to} (${fields})`)];
    }
    case 'puback':
    case 'pubcomp': {
      const name = packet.cmd.toUpperCase();
      const mid = packet.messageId ?? 0;
      // mosquitto 2.0 shows no reason code when it sends a PUBCOMP.
      if (received) return [debug(`Received ${name} ${from} (Mid: ${mid}, RC:${packet.reasonCode ?? 0})`)];
      return [debug(packet.cmd === 'puback' ? `Sending PUBACK ${to} (m${mid}, rc${packet.reasonCode ?? 0})` : `Sending PUBCOMP ${to} (m${mid})`)];
    }
    case 'pubrec':
      return [debug(received
        ? `Received PUBREC ${from} (Mid: ${packet.messageId ?? 0})`
        : `Sending PUBREC ${to} (m${packet.messageId ?? 0}, rc${packet.reasonCode ?? 0})`)];
    case 'pubrel':
      return [debug(received ? `Received PUBREL ${from} (Mid: ${packet.messageId ?? 0})` : `Sending PUBREL ${to} (m${packet.messageId ?? 0})`)];
    case 'subscribe':
      if (!received) return [];
      return [
        debug(`Received SUBSCRIBE ${from}`),
        ...packet.subscriptions.flatMap(({ topic, qos }): PacketLogLine[] => [
          debug(`\t${printable(topic)} (QoS ${qos})`),
          { type: 'subscribe', text: `${id} ${qos} ${printable(topic)}` },
        ]),
      ];
    case 'suback':
      return [debug(received ? `Received SUBACK ${from}` : `Sending SUBACK ${to}`)];
    case 'unsubscribe':
      if (!received) return [];
      return [
        debug(`Received UNSUBSCRIBE ${from}`),
        ...packet.unsubscriptions.flatMap((topic): PacketLogLine[] => [
          debug(`\t${printable(topic)}`),
          { type: 'unsubscribe', text: `${id} ${printable(topic)}` },
        ]),
      ];
    case 'unsuback':
      return [debug(received ? `Received UNSUBACK ${from}` : `Sending UNSUBACK ${to}`)];
    case 'pingreq':
      return [debug(received ? `Received PINGREQ ${from}` : `Sending PINGREQ ${to}`)];
    case 'pingresp':
      return [debug(received ? `Received PINGRESP ${from}` : `Sending PINGRESP ${to}`)];
    case 'disconnect':
      return [debug(received ? `Received DISCONNECT ${from}` : `Sending DISCONNECT ${to} (rc${packet.reasonCode ?? 0})`)];
    case 'connack': {
      const code = packet.reasonCode ?? packet.returnCode ?? 0;
      if (received) return [debug(`Received CONNACK on connection ${id}.`)];
      return [debug(`Sending CONNACK to ${code === 0 ? id : printable(host)} (${flag(packet.sessionPresent)}, ${code})`)];
    }
    case 'auth': {
      const details = `(rc${packet.reasonCode ?? 0}, ${printable(packet.properties?.authenticationMethod ?? '')})`;
      return [debug(received ? `Received AUTH ${from} ${details}` : `Sending AUTH ${to} ${details}`)];
    }
    case 'connect':
      return [];
  }
}

/**
 * What mosquitto writes at debug about a CONNECT's will, right after it lets the client in
 * ("New client connected ..."): the size and flags, then the topic on a line of its own.
 */
export function willLines(connect: IConnectPacket): PacketLogLine[] {
  const will = connect.will;
  if (!will) return [debug('No will message specified.')];
  const bytes = typeof will.payload === 'string' ? Buffer.byteLength(will.payload) : will.payload.length;
  return [
    debug(`Will message specified (${bytes} bytes) (r${flag(will.retain ?? false)}, q${will.qos ?? 0}).`),
    debug(`\t${printable(will.topic)}`),
  ];
}

function flag(value: boolean | undefined): number {
  return value ? 1 : 0;
}
