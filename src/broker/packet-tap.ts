/**
 * Watches the MQTT packets that pass over one client connection, in both directions, and logs
 * mosquitto's debug line for each (packet-log.ts). Only installed when debug logging is on: it
 * decodes every packet a second time.
 */
import type { Duplex } from 'node:stream';
import mqttPacket, { type IConnectPacket, type IPublishPacket, type Packet, type Parser } from 'mqtt-packet';
import type { LogType } from './log-types.js';
import { plainHost } from './log.js';
import { packetLogLines, willLines, type Direction, type PacketLogLine } from './packet-log.js';

export interface TapOptions {
  /** The id the broker knows the client by, once it has handled the CONNECT. */
  clientId(): string | null | undefined;
  /** The client's address (socket.remoteAddress). */
  host: string | undefined;
  log(line: string, type: LogType): void;
}

/**
 * Decode what `conn` hands to the broker (by wrapping its read(), which aedes calls to take the
 * bytes, so each packet is logged before the broker acts on it) and what the broker writes to it
 * (by wrapping write(): aedes writes one packet in several pieces, so the pieces are parsed as one
 * stream). Wrapping, rather than listening for 'data', leaves the stream's flow to aedes.
 */
export function tapPackets(conn: Duplex, options: TapOptions): void {
  const host = options.host === undefined ? 'unknown address' : plainHost(options.host);
  let connect: IConnectPacket | undefined;
  // MQTT 5 topic aliases the client set up: mosquitto logs the topic an alias stands for.
  const aliases = new Map<number, string>();
  // Until the broker has handled the CONNECT (a client may send more packets in the same read), the id it gave.
  const clientId = () => options.clientId() ?? connect?.clientId ?? '';
  const log = (lines: PacketLogLine[]) => {
    for (const line of lines) options.log(line.text, line.type);
  };

  const onPacket = (direction: Direction, packet: Packet) => {
    if (direction === 'received' && packet.cmd === 'connect') {
      connect = packet;
      return;
    }
    if (direction === 'received' && packet.cmd === 'publish') packet = resolveAlias(packet, aliases);
    // mosquitto describes the will once it lets the client in, just before its CONNACK.
    const accepted = direction === 'sending' && packet.cmd === 'connack' && (packet.reasonCode ?? packet.returnCode ?? 0) === 0;
    if (accepted && connect) log(willLines(connect));
    log(packetLogLines(direction, clientId(), packet, host));
  };

  const incoming = observer((packet) => onPacket('received', packet));
  // Created at the first write, by when the CONNECT told which protocol version to decode.
  let outgoing: ((chunk: Buffer) => void) | undefined;

  const read = conn.read;
  conn.read = function tappedRead(this: Duplex, size?: number) {
    const chunk: unknown = read.call(this, size);
    if (Buffer.isBuffer(chunk)) incoming(chunk);
    return chunk;
  };

  const write = conn.write as (...args: unknown[]) => boolean;
  conn.write = function tappedWrite(this: Duplex, ...args: unknown[]) {
    const bytes = toBuffer(args[0], args[1]);
    if (bytes) {
      outgoing ??= observer((packet) => onPacket('sending', packet), connect?.protocolVersion ?? 4);
      outgoing(bytes);
    }
    return write.apply(this, args);
  } as Duplex['write'];
}

/**
 * A function that takes the bytes of one direction, in order, and calls onPacket for each whole
 * packet. After a malformed packet it stops: the broker's own parser fails on it too and closes
 * the connection.
 */
function observer(onPacket: (packet: Packet) => void, protocolVersion?: number): (chunk: Buffer) => void {
  const parser: Parser = mqttPacket.parser(protocolVersion === undefined ? undefined : { protocolVersion });
  let failed = false;
  parser.on('packet', onPacket);
  parser.on('error', () => { failed = true; });
  return (chunk) => {
    if (!failed) parser.parse(chunk);
  };
}

/** A PUBLISH with its topic filled in from the alias it uses, remembering aliases it sets. */
function resolveAlias(packet: IPublishPacket, aliases: Map<number, string>): IPublishPacket {
  const alias = packet.properties?.topicAlias;
  if (alias === undefined) return packet;
  if (packet.topic !== '') {
    aliases.set(alias, packet.topic);
    return packet;
  }
  return { ...packet, topic: aliases.get(alias) ?? '' };
}

function toBuffer(chunk: unknown, encoding: unknown): Buffer | undefined {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return undefined;
}
