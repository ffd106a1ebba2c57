import { ConfigError } from '../errors.js';

export type Transport = 'mqtt' | 'mqtts' | 'ws' | 'wss';

export interface ParsedUrl {
  protocol: Transport;
  host: string;
  port?: number;
  username?: string;
  password?: string;
  /** Everything after the first "/" (mosquitto: the topic), undefined when there is none. */
  topic?: string;
}

const SCHEMES: Record<string, Transport> = {
  'mqtt:': 'mqtt', 'tcp:': 'mqtt', 'mqtts:': 'mqtts', 'ssl:': 'mqtts', 'tls:': 'mqtts', 'ws:': 'ws', 'wss:': 'wss',
};

/**
 * `-L mqtt[s]://[user[:pass]@]host[:port][/topic]`, and ws[s]:// as in mosquitto 2.1.
 * Unlike mosquitto: IPv6 literals in brackets work, user and password are percent-decoded,
 * and the topic is optional (a command that needs one says so).
 */
export function parseUrl(text: string, origin = '-L'): ParsedUrl {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*:)\/\/([^/]*)(?:\/(.*))?$/s.exec(text);
  if (!match) throw new ConfigError(`${origin}: "${text}" is not a URL; expected mqtt://host[:port][/topic] (or mqtts://, ws://, wss://).`);
  const scheme = match[1]!.toLowerCase();
  const protocol = SCHEMES[scheme];
  if (!protocol) throw new ConfigError(`${origin}: unsupported URL scheme "${scheme.slice(0, -1)}"; use mqtt, mqtts, ws or wss.`);
  let authority = match[2]!;
  const result: ParsedUrl = { protocol, host: '' };
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    authority = authority.slice(at + 1);
    const colon = userinfo.indexOf(':');
    result.username = decode(colon >= 0 ? userinfo.slice(0, colon) : userinfo, origin);
    if (colon >= 0) result.password = decode(userinfo.slice(colon + 1), origin);
  }
  const hostPort = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(authority)!;
  result.host = hostPort[1]!.replace(/^\[(.*)\]$/, '$1');
  if (result.host === '') throw new ConfigError(`${origin}: "${redactUrl(text)}" names no host.`);
  if (hostPort[2] !== undefined) result.port = parsePort(hostPort[2], origin);
  if (match[3] !== undefined && match[3] !== '') result.topic = match[3];
  return result;
}

function decode(text: string, origin: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ConfigError(`${origin}: bad percent-encoding in the URL's user or password.`);
  }
}

/** A port number 0-65535 from text, strictly (no atoi surprises). */
export function parsePort(text: string | number, origin = '-p'): number {
  const value = typeof text === 'number' ? text : /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new ConfigError(`Invalid port "${text}" in ${origin}: it must be a whole number from 1 to 65535.`);
  }
  return value;
}

/** The URL with any password replaced by "***", for messages and `mq config`. */
export function redactUrl(text: string): string {
  return text.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/, '$1:***@');
}
