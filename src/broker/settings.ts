import { UsageError } from '../errors.js';
import { resolveLogTypes, type LogType } from './log-types.js';
import type { MosquittoConf } from './mosquitto-conf.js';

export type { ListenerKind, ListenerSettings, TlsFiles } from './listener.js';
import type { ListenerKind, ListenerSettings } from './listener.js';

/** Limits that protect the broker from clients that misbehave or simply send too much. */
export interface BrokerLimits {
  /** Largest packet a client may send, in bytes (whole packet, as mosquitto counts); 0 = no limit. */
  maxPacketSize: number;
  /** QoS 2 PUBLISH packets a client may have unreleased at once (mosquitto's max_inflight_messages); 0 = no limit. */
  maxInflightMessages: number;
  /** How long a new connection may take to send its CONNECT, in milliseconds. */
  connectTimeoutMs: number;
}

export interface BrokerSettings {
  listeners: ListenerSettings[];
  passwordFile?: string;
  allowAnonymous: boolean;
  /** What to log on stderr (mosquitto's log types); empty = nothing. */
  logTypes: LogType[];
  limits: BrokerLimits;
}

/** The `mq broker` flags as yargs parses them (strings, so we can say what was wrong). */
export interface BrokerArgs {
  port?: string | number;
  host?: string;
  passwordFile?: string;
  allowAnonymous?: boolean;
  cert?: string;
  key?: string;
  cafile?: string;
  tlsPort?: string | number;
  wsPort?: string | number;
  verbose?: boolean;
  maxConnections?: string | number;
  maxPacketSize?: string | number;
  maxInflightMessages?: string | number;
  connectTimeout?: string | number;
  /** --log-type, repeatable: names from LOG_TYPE_NAMES (yargs checks them). */
  logType?: string[];
  /** --psk-file: TLS-PSK keys (mosquitto's psk_file format) for the TLS listener. */
  pskFile?: string;
  /** --psk-hint: the identity hint the TLS listener sends (mosquitto's psk_hint). */
  pskHint?: string;
}

export const DEFAULT_PORT = 1883;
export const DEFAULT_TLS_PORT = 8883;
export const DEFAULT_HOST = '127.0.0.1';
/**
 * The highest topic alias a v5 client may use (advertised in the CONNACK): mosquitto's default
 * max_topic_alias. aedes' own default is 0, which refuses every alias.
 */
export const MAX_TOPIC_ALIAS = 10;

/** mosquitto's default: 20 QoS 2 messages in flight per client. */
export const DEFAULT_MAX_INFLIGHT_MESSAGES = 20;
export const DEFAULT_CONNECT_TIMEOUT_S = 10;
/** The largest packet MQTT can encode: a remaining length of 268,435,455 plus a 5-byte fixed header. */
export const MQTT_MAX_PACKET_SIZE = 268_435_460;

/** A whole-number flag or config value from min to max; the message names where it came from. */
export function parseCount(value: string | number, origin: string, min: number, max: number, hint: string): number {
  const text = String(value).trim();
  const n = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`Invalid value "${text}" for ${origin}: ${hint}.`);
  }
  return n;
}

/**
 * PURE: the limits from flags, else the config file, else mosquitto's defaults. A negative
 * max_connections or a 0 max_inflight_messages means no limit, as in mosquitto.
 */
export function resolveLimits(args: BrokerArgs, conf?: MosquittoConf): BrokerLimits {
  const maxPacketSize = args.maxPacketSize !== undefined
    ? parseCount(args.maxPacketSize, '--max-packet-size', 0, MQTT_MAX_PACKET_SIZE, 'give a size in bytes, at least 20 (0 = no limit)')
    : conf?.maxPacketSize ?? 0;
  if (maxPacketSize > 0 && maxPacketSize < 20) {
    throw new UsageError(`Invalid value "${maxPacketSize}" for --max-packet-size: give a size in bytes, at least 20 (0 = no limit).`);
  }
  const maxInflightMessages = args.maxInflightMessages !== undefined
    ? parseCount(args.maxInflightMessages, '--max-inflight-messages', 0, 65535, 'give a number from 0 (no limit) to 65535')
    : conf?.maxInflightMessages ?? DEFAULT_MAX_INFLIGHT_MESSAGES;
  const connectTimeout = args.connectTimeout !== undefined
    ? parseCount(args.connectTimeout, '--connect-timeout', 1, 3600, 'give a number of seconds from 1 to 3600')
    : DEFAULT_CONNECT_TIMEOUT_S;
  return { maxPacketSize, maxInflightMessages, connectTimeoutMs: connectTimeout * 1000 };
}

/** --max-connections applies to every listener, over what the config file says. */
function withMaxConnections(listeners: ListenerSettings[], args: BrokerArgs): ListenerSettings[] {
  if (args.maxConnections === undefined) return listeners;
  const max = parseCount(args.maxConnections, '--max-connections', -1, 1_000_000, 'give a number of connections (-1 = no limit)');
  return listeners.map(({ maxConnections: _ignored, ...listener }) => (max < 0 ? listener : { ...listener, maxConnections: max }));
}

/** A port flag or config value: 0-65535 (0 = pick a free one). */
export function parsePort(value: string | number, origin: string): number {
  const text = String(value).trim();
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port > 65535) {
    throw new UsageError(`Invalid port "${text}" in ${origin}: use a number from 1 to 65535 (0 picks a free port).`);
  }
  return port;
}

/** Flags that define listeners: with -c the config file defines them instead. */
const LISTENER_FLAGS: [keyof BrokerArgs, string][] = [
  ['port', '-p'], ['host', '--host'], ['tlsPort', '--tls-port'], ['wsPort', '--ws-port'],
  ['cert', '--cert'], ['key', '--key'], ['cafile', '--cafile'], ['pskFile', '--psk-file'], ['pskHint', '--psk-hint'],
];

/**
 * PURE: flags (and an optional parsed mosquitto.conf) to the broker's settings.
 * Flags win over the config file for the password file and anonymous access; the listeners
 * come from one or the other, never a mix, so what runs is what one of them says.
 */
export function resolveBrokerSettings(args: BrokerArgs, conf?: MosquittoConf): BrokerSettings {
  // The file's log_type lines, then the flags: they add up as a file's lines do in mosquitto.
  const logTypes = resolveLogTypes([...(conf?.logTypes ?? []), ...(args.logType ?? [])], Boolean(args.verbose));
  if (conf) {
    const clash = LISTENER_FLAGS.filter(([key]) => args[key] !== undefined).map(([, flag]) => flag);
    if (clash.length > 0) {
      throw new UsageError(`${clash.join(', ')} cannot be combined with -c: the listeners come from ${conf.file}. Edit its "listener" lines, or drop -c.`);
    }
    const passwordFile = args.passwordFile ?? conf.passwordFile;
    // mosquitto 2.0: a config that defines listeners refuses anonymous clients unless it says
    // allow_anonymous true; with no listener it runs local-only and lets them in.
    const anonymousDefault = conf.listeners.length > 0 ? false : passwordFile === undefined;
    const listeners = conf.listeners.length > 0
      ? conf.listeners
      : [{ kind: 'mqtt' as const, host: DEFAULT_HOST, port: DEFAULT_PORT, origin: `${conf.file} (no listener: the default)` }];
    return {
      listeners: withMaxConnections(listeners, args),
      ...(passwordFile !== undefined ? { passwordFile } : {}),
      allowAnonymous: args.allowAnonymous ?? conf.allowAnonymous ?? anonymousDefault,
      logTypes,
      limits: resolveLimits(args, conf),
    };
  }

  const host = args.host === undefined ? DEFAULT_HOST : normalizeHost(args.host);
  const port = args.port === undefined ? DEFAULT_PORT : parsePort(args.port, '-p');
  const listeners: ListenerSettings[] = [{ kind: 'mqtt', ...hostField(host), port, origin: '-p' }];

  if ((args.cert === undefined) !== (args.key === undefined)) {
    throw new UsageError(args.cert === undefined
      ? '--key needs --cert: give both the server certificate and its private key.'
      : '--cert needs --key: give both the server certificate and its private key.');
  }
  // The TLS listener: a certificate, pre-shared keys (--psk-file), or both.
  const psk = args.pskFile !== undefined ? { psk: { file: args.pskFile, ...(args.pskHint !== undefined ? { hint: args.pskHint } : {}) } } : {};
  if (args.pskHint !== undefined && args.pskFile === undefined) throw new UsageError('--psk-hint needs --psk-file: the hint names the keys of that file.');
  if (args.cert !== undefined && args.key !== undefined) {
    const tlsPort = args.tlsPort === undefined ? DEFAULT_TLS_PORT : parsePort(args.tlsPort, '--tls-port');
    listeners.push({
      kind: 'mqtts', ...hostField(host), port: tlsPort, origin: '--tls-port',
      tls: { certFile: args.cert, keyFile: args.key, ...(args.cafile !== undefined ? { caFile: args.cafile } : {}), requireCertificate: args.cafile !== undefined },
      ...psk,
    });
  } else if (args.cafile !== undefined) {
    throw new UsageError('--cafile needs --cert and --key: the TLS listener needs a server certificate and its private key.');
  } else if (args.pskFile !== undefined) {
    const tlsPort = args.tlsPort === undefined ? DEFAULT_TLS_PORT : parsePort(args.tlsPort, '--tls-port');
    listeners.push({ kind: 'mqtts', ...hostField(host), port: tlsPort, origin: '--tls-port', ...psk });
  } else if (args.tlsPort !== undefined) {
    throw new UsageError('--tls-port needs --cert and --key: the TLS listener needs a server certificate and its private key.');
  }
  if (args.wsPort !== undefined) {
    listeners.push({ kind: 'ws', ...hostField(host), port: parsePort(args.wsPort, '--ws-port'), origin: '--ws-port' });
  }

  const used = new Map<number, string>();
  for (const listener of listeners) {
    const other = used.get(listener.port);
    if (listener.port !== 0 && other !== undefined) {
      throw new UsageError(`${listener.origin} and ${other} both ask for port ${listener.port}: give each listener its own port.`);
    }
    used.set(listener.port, listener.origin);
  }

  return {
    listeners: withMaxConnections(listeners, args),
    ...(args.passwordFile !== undefined ? { passwordFile: args.passwordFile } : {}),
    allowAnonymous: args.allowAnonymous ?? args.passwordFile === undefined,
    logTypes,
    limits: resolveLimits(args),
  };
}

function normalizeHost(host: string): string | undefined {
  const trimmed = host.trim();
  if (trimmed === '') throw new UsageError('--host is empty: give an address to listen on, e.g. 127.0.0.1 or 0.0.0.0.');
  // "*" and "" mean every interface in mosquitto's configs; Node binds IPv4 and IPv6 when the host is left out.
  return trimmed === '*' ? undefined : trimmed.replace(/^\[(.*)\]$/, '$1');
}

function hostField(host: string | undefined): { host?: string } {
  return host === undefined ? {} : { host };
}

/** True when the address is reachable only from this machine. */
export function isLoopback(host: string | undefined): boolean {
  if (host === undefined) return false;
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** How a listener is shown to people: mqtt://127.0.0.1:1883, ws://[::1]:8080, mqtts://0.0.0.0:8883. */
export function listenerUrl(kind: ListenerKind, host: string | undefined, port: number): string {
  const shown = host === undefined ? '0.0.0.0' : host.includes(':') ? `[${host}]` : host;
  return `${kind}://${shown}:${port}`;
}
