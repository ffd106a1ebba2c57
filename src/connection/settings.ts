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
  /** --tls-keylog: append the TLS session keys here (NSS key log format). */
  tlsKeylog?: string;
  /** --psk: TLS-PSK key, hex digits as mosquitto takes them (turns TLS on; no certificates). */
  psk?: string;
  /** --psk-identity: the identity the broker's psk_file knows the key by. */
  pskIdentity?: string;
  /** -S: find host and port through a DNS SRV lookup of the host (unset: no lookup). */
  srv?: boolean;
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

/** A value that flags, MQ_* variables and rc files can all set (flags > env > rc > default). */
export interface SettingSpec {
  /** Its name in ConnectionSettings, which is also its rc file key. */
  key: SettingKey;
  /** MQ_* variable, when the environment may set it. */
  env?: string;
  /** The flag that sets it, for messages and `mq config`. */
  flag: string;
  parse: Parser;
  /** Never shown: redacted in `mq config`, hidden from `ps`. */
  secret?: boolean;
  /** A path that an rc file may give relative to its own folder. */
  path?: boolean;
}

/** The yargs declaration of one connection flag, plus the setting it feeds when it feeds one. */
export interface ConnectionOption {
  /** The long flag, which is also yargs' key: `host` is --host and reaches the command as args.host. */
  name: string;
  alias?: string;
  type: 'string' | 'boolean' | 'array';
  group: 'Connection:' | 'TLS:' | 'Will:';
  describe: string;
  defaultDescription?: string;
  /** A file path: yargs normalizes it and shell completion offers files. */
  normalize?: boolean;
  /** What shell completion offers as the value. */
  values?: readonly string[];
  /** Left out of --help and completion: accepted by name only to be refused with a reason. */
  hidden?: boolean;
  /** The setting it sets, with its env variable, parser and markers. */
  setting?: Omit<SettingSpec, 'flag'> & {
    /** Used when no flag, variable or rc file sets it. */
    default?: string | number | boolean;
    /** Given without a value, the flag asks for it at a masked prompt. */
    prompt?: boolean;
  };
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

/**
 * --psk: hex digits, as mosquitto takes them (an odd count gets a leading 0). At most 512 bytes,
 * OpenSSL's limit. Kept as text; pskBytes() gives the key.
 */
const pskHex: Parser = (value, origin) => {
  const v = typeof value === 'number' ? String(value) : value;
  if (typeof v !== 'string' || !/^[0-9a-f]+$/i.test(v)) {
    throw new ConfigError(`Invalid pre-shared key in ${origin}: give it as hex digits (0-9, a-f), e.g. --psk 1a2b3c4d.`);
  }
  if (v.length > 1024) throw new ConfigError(`The pre-shared key in ${origin} is too long: at most 512 bytes (1024 hex digits).`);
  return v;
};

/** The bytes of a --psk key: mosquitto's hex reading (an odd number of digits gets a leading 0). */
export function pskBytes(hex: string): Buffer {
  return Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex');
}

const transport: Parser = (value, origin) => {
  const v = String(value).toLowerCase();
  if (v === 'mqtt' || v === 'mqtts' || v === 'ws' || v === 'wss') return v;
  throw new ConfigError(`Invalid transport "${String(value)}" in ${origin}: use mqtt, mqtts, ws or wss.`);
};

/**
 * THE table of connection flags, in --help order. Each row is one flag; a row with `setting` is also
 * a layered setting. The yargs options, the flag layer and its type (ConnectionArgs), the MQ_*
 * variables, rc keys, `mq config`'s labels, completion values and the `ps` redaction all come from here.
 */
export const CONNECTION_OPTIONS = [
  { name: 'host', alias: 'h', type: 'string', group: 'Connection:', describe: 'Broker host', defaultDescription: 'localhost',
    setting: { key: 'host', env: 'MQ_HOST', parse: text, default: 'localhost' } },
  { name: 'port', alias: 'p', type: 'string', group: 'Connection:', describe: 'Broker port', defaultDescription: '1883, 8883 with TLS',
    setting: { key: 'port', env: 'MQ_PORT', parse: (v, o) => parsePort(v as string, o) } },
  { name: 'url', alias: 'L', type: 'string', group: 'Connection:', describe: 'mqtt[s]://[user[:pass]@]host[:port][/topic], or ws[s]://' },
  { name: 'ws', type: 'boolean', group: 'Connection:', describe: 'Use the WebSocket transport' },
  { name: 'unix', type: 'string', group: 'Connection:', describe: 'Connect through this unix socket', normalize: true,
    setting: { key: 'unix', env: 'MQ_UNIX', parse: text, path: true } },
  { name: 'username', alias: 'u', type: 'string', group: 'Connection:', describe: 'Username',
    setting: { key: 'username', env: 'MQ_USERNAME', parse: text } },
  { name: 'pw', alias: 'P', type: 'string', group: 'Connection:', describe: 'Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)',
    setting: { key: 'password', env: 'MQ_PASSWORD', parse: text, secret: true, prompt: true } },
  { name: 'password-file', type: 'string', group: 'Connection:', describe: 'Read the password from the first line of this file', normalize: true },
  { name: 'id', alias: 'i', type: 'string', group: 'Connection:', describe: 'Client id', defaultDescription: 'assigned by the broker',
    setting: { key: 'clientId', env: 'MQ_CLIENT_ID', parse: text } },
  { name: 'id-prefix', alias: 'I', type: 'string', group: 'Connection:', describe: 'Client id prefix; the process id is appended',
    setting: { key: 'idPrefix', env: 'MQ_ID_PREFIX', parse: text } },
  { name: 'keepalive', alias: 'k', type: 'string', group: 'Connection:', describe: 'Keepalive in seconds (5-65535)', defaultDescription: '60',
    setting: { key: 'keepalive', env: 'MQ_KEEPALIVE', parse: integerIn(5, 65535, 'keepalive'), default: 60 } },
  { name: 'disable-clean-session', alias: 'c', type: 'boolean', group: 'Connection:', describe: 'Keep the session after disconnecting (needs -i)' },
  { name: 'session-expiry', alias: 'x', type: 'string', group: 'Connection:', describe: 'Session expiry interval in seconds (v5; -1 = never)' },
  { name: 'protocol-version', alias: 'V', type: 'string', group: 'Connection:', describe: 'MQTT version: 31, 311 or 5', defaultDescription: '311',
    values: ['31', '311', '5'], setting: { key: 'protocolVersion', env: 'MQ_PROTOCOL_VERSION', parse: (v, o) => parseProtocolVersion(v, o), default: 4 } },
  { name: 'A', type: 'string', group: 'Connection:', describe: 'Bind the local socket to this address',
    setting: { key: 'bindAddress', parse: text } },
  { name: 'nodelay', type: 'boolean', group: 'Connection:', describe: 'Disable Nagle\'s algorithm (TCP_NODELAY)',
    setting: { key: 'nodelay', parse: bool, default: false } },
  { name: 'S', type: 'boolean', group: 'Connection:', describe: 'Find the broker with a DNS SRV lookup of -h: _mqtt._tcp.HOST (_secure-mqtt with TLS)',
    setting: { key: 'srv', env: 'MQ_SRV', parse: bool } },
  { name: 'proxy', type: 'string', group: 'Connection:', describe: 'SOCKS5 proxy: socks5h://[user[:pass]@]host[:port]',
    setting: { key: 'proxy', env: 'MQ_PROXY', parse: text } },
  { name: 'property', alias: 'D', type: 'array', group: 'Connection:', describe: 'MQTT v5 property: -D <command> <name> <value>' },
  { name: 'connect-timeout', type: 'string', group: 'Connection:', describe: 'Seconds to wait for the broker to accept', defaultDescription: '10',
    setting: { key: 'connectTimeout', env: 'MQ_CONNECT_TIMEOUT', parse: integerIn(1, 3600, 'connect timeout'), default: 10 } },
  { name: 'profile', type: 'string', group: 'Connection:', describe: 'Use this profile from the rc file' },
  { name: 'config', type: 'string', group: 'Connection:', describe: 'Load this rc file instead of searching for one', normalize: true },
  { name: 'o', type: 'string', group: 'Connection:', describe: 'Read options from a file, one option and its value per line (mosquitto 2.1)' },
  { name: 'cafile', type: 'string', group: 'TLS:', describe: 'CA certificates to trust (enables TLS)', normalize: true,
    setting: { key: 'cafile', env: 'MQ_CAFILE', parse: text, path: true } },
  { name: 'capath', type: 'string', group: 'TLS:', describe: 'Folder of CA certificates to trust (enables TLS)', normalize: true,
    setting: { key: 'capath', env: 'MQ_CAPATH', parse: text, path: true } },
  { name: 'cert', type: 'string', group: 'TLS:', describe: 'Client certificate (PEM)', normalize: true,
    setting: { key: 'cert', env: 'MQ_CERT', parse: text, path: true } },
  { name: 'key', type: 'string', group: 'TLS:', describe: 'Client private key (PEM)', normalize: true,
    setting: { key: 'key', env: 'MQ_KEY', parse: text, path: true } },
  { name: 'insecure', type: 'boolean', group: 'TLS:', describe: 'Do not verify the server certificate',
    setting: { key: 'insecure', env: 'MQ_INSECURE', parse: bool, default: false } },
  { name: 'tls-version', type: 'string', group: 'TLS:', describe: 'tlsv1.3, tlsv1.2 or tlsv1.1',
    values: ['tlsv1.3', 'tlsv1.2', 'tlsv1.1'], setting: { key: 'tlsVersion', parse: tlsVersion } },
  { name: 'tls-use-os-certs', type: 'boolean', group: 'TLS:', describe: 'Trust the system CA store (the default without --cafile)' },
  { name: 'ciphers', type: 'string', group: 'TLS:', describe: 'OpenSSL cipher list',
    setting: { key: 'ciphers', parse: text } },
  { name: 'tls-alpn', type: 'string', group: 'TLS:', describe: 'ALPN protocol to offer',
    setting: { key: 'alpn', parse: text } },
  { name: 'servername', type: 'string', group: 'TLS:', describe: 'Server name to send (SNI) and verify',
    setting: { key: 'servername', parse: text } },
  { name: 'tls-keylog', type: 'string', group: 'TLS:', describe: 'Append the TLS session keys to this file (NSS key log, for Wireshark); it holds secrets', normalize: true,
    setting: { key: 'tlsKeylog', parse: text, path: true } },
  { name: 'psk', type: 'string', group: 'TLS:', describe: 'TLS-PSK: the pre-shared key, in hex (enables TLS without certificates; prefer MQ_PSK)',
    setting: { key: 'psk', env: 'MQ_PSK', parse: pskHex, secret: true } },
  { name: 'psk-identity', type: 'string', group: 'TLS:', describe: 'TLS-PSK: the identity the broker knows the key by',
    setting: { key: 'pskIdentity', env: 'MQ_PSK_IDENTITY', parse: text } },
  { name: 'no-tls', type: 'boolean', group: 'TLS:', describe: 'No TLS, whatever an rc file, profile or options file says' },
  { name: 'tls-engine', type: 'string', group: 'TLS:', describe: 'OpenSSL engine (not supported)', hidden: true },
  { name: 'keyform', type: 'string', group: 'TLS:', describe: 'Key format: pem (engine is not supported)', hidden: true },
  { name: 'tls-engine-kpass-sha1', type: 'string', group: 'TLS:', describe: 'Engine key password hash (not supported)', hidden: true },
  { name: 'will-topic', type: 'string', group: 'Will:', describe: 'Topic of the will message' },
  { name: 'will-payload', type: 'string', group: 'Will:', describe: 'Payload of the will message' },
  { name: 'will-qos', type: 'string', group: 'Will:', describe: 'QoS of the will message', defaultDescription: '0', values: ['0', '1', '2'] },
  { name: 'will-retain', type: 'boolean', group: 'Will:', describe: 'Retain the will message' },
] as const satisfies readonly ConnectionOption[];

/** Settings that no flag of their own sets: -L and --ws give them. */
const TRANSPORT: SettingSpec = { key: 'transport', flag: '-L/--ws', parse: transport };
const URL_TOPIC: SettingSpec = { key: 'topic', flag: '-L', parse: text };

/** How messages name a flag: -h for host, --cafile for cafile. */
export function flagLabel(option: Pick<ConnectionOption, 'name' | 'alias'>): string {
  if (option.alias !== undefined) return `-${option.alias}`;
  return option.name.length === 1 ? `-${option.name}` : `--${option.name}`;
}

/** Every layered setting, in table order (`mq config` prints them so): the transport after the port. */
export const SETTINGS: readonly SettingSpec[] = (CONNECTION_OPTIONS as readonly ConnectionOption[]).flatMap((option) => {
  if (!option.setting) return [];
  const { key, env, parse, secret, path } = option.setting;
  const spec: SettingSpec = { key, flag: flagLabel(option), parse, ...(env !== undefined ? { env } : {}), ...(secret ? { secret } : {}), ...(path ? { path } : {}) };
  return key === 'port' ? [spec, TRANSPORT] : [spec];
}).concat(URL_TOPIC);

export const SETTING_BY_KEY: ReadonlyMap<string, SettingSpec> = new Map(SETTINGS.map((s) => [s.key, s]));

/** Defaults that do not depend on other settings, from the table. Port depends on transport: see resolve.ts. */
export const DEFAULTS: Partial<ConnectionSettings> = Object.fromEntries(
  (CONNECTION_OPTIONS as readonly ConnectionOption[]).flatMap((o) => (o.setting?.default !== undefined ? [[o.setting.key, o.setting.default]] : [])),
);

export function defaultPort(transport: Transport): number {
  return transport === 'mqtts' || transport === 'wss' ? 8883 : 1883;
}
