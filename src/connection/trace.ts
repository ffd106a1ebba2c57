/**
 * `-d`: one line per MQTT packet, in mosquitto's wording (lib/*.c log lines), on stderr.
 * Never prints credentials: CONNECT is shown without its fields. Pure.
 */
export interface TracePacket {
  cmd: string;
  messageId?: number;
  topic?: string;
  qos?: number;
  retain?: boolean;
  dup?: boolean;
  payload?: Buffer | string;
  returnCode?: number;
  reasonCode?: number;
  subscriptions?: { topic: string; qos: number; nl?: boolean; rap?: boolean; rh?: number }[];
  unsubscriptions?: string[];
  granted?: (number | { qos: number })[];
}

export function describePacket(direction: 'send' | 'receive', packet: TracePacket, clientId: string): string[] {
  const who = `Client ${clientId === '' ? '(null)' : clientId}`;
  const verb = direction === 'send' ? 'sending' : 'received';
  const rc = packet.reasonCode ?? packet.returnCode ?? 0;
  const mid = packet.messageId ?? 0;
  switch (packet.cmd) {
    case 'connect': return [`${who} sending CONNECT`];
    case 'connack': return [`${who} received CONNACK (${rc})`];
    case 'publish': {
      const length = packet.payload === undefined ? 0 : Buffer.byteLength(packet.payload);
      return [`${who} ${verb} PUBLISH (d${packet.dup ? 1 : 0}, q${packet.qos ?? 0}, r${packet.retain ? 1 : 0}, m${mid}, '${packet.topic ?? '(null)'}', ... (${length} bytes))`];
    }
    case 'puback': return [direction === 'send' ? `${who} sending PUBACK (m${mid}, rc${rc})` : `${who} received PUBACK (Mid: ${mid}, RC:${rc})`];
    case 'pubrec': return [direction === 'send' ? `${who} sending PUBREC (m${mid}, rc${rc})` : `${who} received PUBREC (Mid: ${mid})`];
    case 'pubrel': return [direction === 'send' ? `${who} sending PUBREL (m${mid})` : `${who} received PUBREL (Mid: ${mid})`];
    case 'pubcomp': return [direction === 'send' ? `${who} sending PUBCOMP (m${mid})` : `${who} received PUBCOMP (Mid: ${mid}, RC:${rc})`];
    case 'subscribe':
      return (packet.subscriptions ?? []).map((s) => {
        const options = (s.nl ? 0x04 : 0) | (s.rap ? 0x08 : 0) | ((s.rh ?? 0) << 4);
        return `${who} sending SUBSCRIBE (Mid: ${mid}, Topic: ${s.topic}, QoS: ${s.qos}, Options: 0x${options.toString(16).padStart(2, '0')})`;
      });
    case 'suback': return [`${who} received SUBACK`];
    case 'unsubscribe': return (packet.unsubscriptions ?? []).map((t) => `${who} sending UNSUBSCRIBE (Mid: ${mid}, Topic: ${t})`);
    case 'unsuback': return [`${who} received UNSUBACK`];
    case 'pingreq': return [`${who} sending PINGREQ`];
    case 'pingresp': return [`${who} received PINGRESP`];
    case 'disconnect': return [direction === 'send' ? `${who} sending DISCONNECT` : `Received DISCONNECT (${rc})`];
    case 'auth': return [`${who} ${verb} AUTH (${rc})`];
    default: return [`${who} ${verb} ${packet.cmd.toUpperCase()}`];
  }
}
