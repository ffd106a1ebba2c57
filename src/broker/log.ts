/**
 * PURE: the lines `mq broker -v` writes to stderr, worded like mosquitto's log so that what people
 * grep for there (New client connected, disconnected, not authorised) works here too.
 */

export interface ConnectInfo {
  clientId: string;
  address: string;
  protocolVersion: number;
  clean: boolean;
  keepalive: number;
  username?: string | undefined;
}

export interface WillInfo {
  topic: string;
  bytes: number;
  qos: number;
  retain: boolean;
}

export type DisconnectReason =
  | { kind: 'disconnect' }
  | { kind: 'closed' }
  | { kind: 'timeout' }
  | { kind: 'error'; message: string }
  | { kind: 'takeover' }
  | { kind: 'revoked'; reason: string }
  | { kind: 'shutdown' };

/** mosquitto's prefix: seconds since the epoch. */
export function timestamp(nowMs: number): string {
  return `${Math.floor(nowMs / 1000)}: `;
}

/** Client ids and usernames come from the network: never let them break a log line. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A peer's address without brackets or port, with IPv4-mapped IPv6 shown as plain IPv4. */
export function plainHost(host: string): string {
  return host.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}

/** host:port, with IPv4-mapped IPv6 shown as plain IPv4 and other IPv6 in brackets. */
export function formatAddress(host: string | undefined, port: number | undefined): string {
  if (host === undefined) return 'unknown address';
  const plain = plainHost(host);
  const shown = plain.includes(':') ? `[${plain}]` : plain;
  return port === undefined ? shown : `${shown}:${port}`;
}

/** mosquitto's protocol tag: p1 = 3.1, p2 = 3.1.1, p5 = 5. */
function protocolTag(version: number): string {
  return version === 3 ? 'p1' : version === 4 ? 'p2' : `p${version}`;
}

function details(info: ConnectInfo): string {
  const user = info.username === undefined ? '' : `, u'${printable(info.username)}'`;
  return `(${protocolTag(info.protocolVersion)}, c${info.clean ? 1 : 0}, k${info.keepalive}${user})`;
}

export function newConnectionLine(address: string, kind: string, port: number): string {
  return `New connection from ${address} on port ${port}${kind === 'mqtt' ? '' : ` (${kind})`}.`;
}

export function connectedLine(info: ConnectInfo): string {
  return `New client connected from ${info.address} as ${printable(info.clientId)} ${details(info)}.`;
}

export function willLine(clientId: string, will: WillInfo): string {
  return `Will message specified by ${printable(clientId)} (${will.bytes} bytes) (r${will.retain ? 1 : 0}, q${will.qos}) on '${printable(will.topic)}'.`;
}

export function refusedLine(info: ConnectInfo, reason: string, returnCode: number): string {
  const id = info.clientId === '' ? '<unknown>' : printable(info.clientId);
  return `Client ${id} from ${info.address} ${details(info)} refused, not authorised: ${reason} (CONNACK ${returnCode}).`;
}

export function disconnectedLine(clientId: string, reason: DisconnectReason): string {
  const id = printable(clientId);
  switch (reason.kind) {
    case 'disconnect': return `Client ${id} disconnected.`;
    case 'closed': return `Client ${id} closed its connection.`;
    case 'timeout': return `Client ${id} has exceeded timeout, disconnecting.`;
    case 'error': return `Socket error on client ${id}, disconnecting: ${printable(reason.message)}.`;
    case 'takeover': return `Client ${id} already connected, closing old connection.`;
    case 'revoked': return `Client ${id} disconnected, not authorised: ${reason.reason} after the password file was reloaded.`;
    case 'shutdown': return `Client ${id} disconnected: the broker is shutting down.`;
  }
}

export function subscribedLine(clientId: string, topic: string, qos: number): string {
  return `Client ${printable(clientId)} subscribed to '${printable(topic)}' (QoS ${qos}).`;
}

export function unsubscribedLine(clientId: string, topic: string): string {
  return `Client ${printable(clientId)} unsubscribed from '${printable(topic)}'.`;
}

export function connectionFailedLine(address: string, message: string): string {
  return `Client connection from ${address} failed: ${printable(message)}.`;
}
