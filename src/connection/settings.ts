import { ConfigError } from '../errors.js';
import { parsePort, type Transport } from './url.js';

/**
 * The connection settings that flags, MQ_* variables and rc files can all set.
 * One table drives env parsing, rc validation, resolution and `mq config`.
 */
export interface ConnectionSettings {
  host: string;
  port: number;
  transport: Transport;
  /** Unix socket path; when set, host and port are not used. */
  unix?: string;
  username?: string;
  password?: string;
  clientId?: string;
  idPrefix?: string;
  keepalive: number;
  protocolVersion: 3 | 4 | 5;
  cafile?: string;
  capath?: string;
  cert?: string;
  key?: string;
  insecure: boolean;
  tlsVersion?: 'tlsv1.1' | 'tlsv1.2' | 'tlsv1.3';
  ciphers?: string;
  alpn?: string;
  servername?: string;
  proxy?: string;
  bindAddress?: string;
  nodelay: boolean;
  /** Seconds to wait for the TCP/TLS connect and the CONNACK. */
  connectTimeout: number;
  /** The topic from a URL's path (`-L mqtt://host/topic`). */
  topic?: string;
}

export type SettingKey = keyof ConnectionSettings;

type Parser = (value: unknown, origin: string) => unknown;

export interface SettingSpec {
  key: SettingKey;
  /** MQ_* variable, when the environment may set it. */
  env?: string;
  /** The flag that sets it, for messages and `mq config`. */
  flag: string;
  parse: Parser;
  secret?: boolean;
  /** A path that an rc file may give relative to its own folder. */
  path?: boolean;
}

const text: Parser = (value, origin) => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new ConfigError(`${origin} must be a string.`);
};

const bool: Parser = (value, origin) => {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(1|true|yes|on)$/i.test(value)) return true;
  if (typeof value === 'string' && /^(0|false|no|off|)$/i.test(value)) return false;
  throw new ConfigError(`${origin} must be true or false, not "${String(value)}".`);
};

const integerIn = (min: number, max: number, what: string): Parser => (value, origin) => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`Invalid ${what} "${String(value)}" in ${origin}: it must be a whole number from ${min} to ${max}.`);
  }
  return n;
};

/** `-V`: 31, 311, 5 or mqttv31, mqttv311, mqttv5 (also 3 and 4, MQTT.js's numbers). */
export function parseProtocolVersion(value: unknown, origin = '-V'): 3 | 4 | 5 {
  const v = String(value).toLowerCase().replace(/^mqttv/, '');
  if (v === '31' || v === '3') return 3;
  if (v === '311' || v === '4') return 4;
  if (v === '5') return 5;
  throw new ConfigError(`Invalid protocol version "${String(value)}" in ${origin}: use 31, 311 or 5 (or mqttv31, mqttv311, mqttv5).`);
}

const tlsVersion: Parser = (value, origin) => {
  const v = String(value).toLowerCase();
  if (v === 'tlsv1.1' || v === 'tlsv1.2' || v === 'tlsv1.3') return v;
  throw new ConfigError(`Invalid TLS version "${String(value)}" in ${origin}: use tlsv1.3, tlsv1.2 or tlsv1.1.`);
};

const transport: Parser = (value, origin) => {
  const v = String(value).toLowerCase();
  if (v === 'mqtt' || v === 'mqtts' || v === 'ws' || v === 'wss') return v;
  throw new ConfigError(`Invalid transport "${String(value)}" in ${origin}: use mqtt, mqtts, ws or wss.`);
};

export const SETTINGS: readonly SettingSpec[] = [
  { key: 'host', env: 'MQ_HOST', flag: '-h', parse: text },
  { key: 'port', env: 'MQ_PORT', flag: '-p', parse: (v, o) => parsePort(v as string, o) },
  { key: 'transport', flag: '-L/--ws', parse: transport },
  { key: 'unix', env: 'MQ_UNIX', flag: '--unix', parse: text, path: true },
  { key: 'username', env: 'MQ_USERNAME', flag: '-u', parse: text },
  { key: 'password', env: 'MQ_PASSWORD', flag: '-P', parse: text, secret: true },
  { key: 'clientId', env: 'MQ_CLIENT_ID', flag: '-i', parse: text },
  { key: 'idPrefix', env: 'MQ_ID_PREFIX', flag: '-I', parse: text },
  { key: 'keepalive', env: 'MQ_KEEPALIVE', flag: '-k', parse: integerIn(5, 65535, 'keepalive') },
  { key: 'protocolVersion', env: 'MQ_PROTOCOL_VERSION', flag: '-V', parse: (v, o) => parseProtocolVersion(v, o) },
  { key: 'cafile', env: 'MQ_CAFILE', flag: '--cafile', parse: text, path: true },
  { key: 'capath', env: 'MQ_CAPATH', flag: '--capath', parse: text, path: true },
  { key: 'cert', env: 'MQ_CERT', flag: '--cert', parse: text, path: true },
  { key: 'key', env: 'MQ_KEY', flag: '--key', parse: text, path: true },
  { key: 'insecure', env: 'MQ_INSECURE', flag: '--insecure', parse: bool },
  { key: 'tlsVersion', flag: '--tls-version', parse: tlsVersion },
  { key: 'ciphers', flag: '--ciphers', parse: text },
  { key: 'alpn', flag: '--tls-alpn', parse: text },
  { key: 'servername', flag: '--servername', parse: text },
  { key: 'proxy', env: 'MQ_PROXY', flag: '--proxy', parse: text },
  { key: 'bindAddress', flag: '-A', parse: text },
  { key: 'nodelay', flag: '--nodelay', parse: bool },
  { key: 'connectTimeout', env: 'MQ_CONNECT_TIMEOUT', flag: '--connect-timeout', parse: integerIn(1, 3600, 'connect timeout') },
  { key: 'topic', flag: '-L', parse: text },
];

export const SETTING_BY_KEY: ReadonlyMap<string, SettingSpec> = new Map(SETTINGS.map((s) => [s.key, s]));

/** Defaults that do not depend on other settings. Port depends on transport: see resolve.ts. */
export const DEFAULTS = {
  host: 'localhost',
  keepalive: 60,
  protocolVersion: 4,
  insecure: false,
  nodelay: false,
  connectTimeout: 10,
} as const;

export function defaultPort(transport: Transport): number {
  return transport === 'mqtts' || transport === 'wss' ? 8883 : 1883;
}
