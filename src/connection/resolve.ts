import { ConfigError } from '../errors.js';
import {
  DEFAULTS, SETTINGS, SETTING_BY_KEY, defaultPort, type ConnectionSettings, type SettingKey,
} from './settings.js';
import { parseUrl } from './url.js';

/** Raw values of one layer, as the flags, the environment or an rc file give them. */
export interface RawLayer {
  [key: string]: unknown;
  /** `-L` / `MQ_URL` / rc `url`: expanded into host, port, transport, credentials and topic. */
  url?: unknown;
  /** `--ws`: WebSocket transport on the resolved host and port. */
  ws?: unknown;
  /** `--no-tls`: plain MQTT (or WebSocket) whatever turned TLS on. Flags and options files only. */
  noTls?: unknown;
}

export type Source =
  | { kind: 'flag'; flag: string }
  | { kind: 'env'; name: string }
  | { kind: 'rc'; file: string; profile?: string }
  /** mosquitto's default options file ($XDG_CONFIG_HOME/mosquitto_sub, ...). */
  | { kind: 'options-file'; file: string }
  /** -S: the SRV record found for this query. */
  | { kind: 'srv'; query: string }
  | { kind: 'default' };

export interface ResolveInput {
  flags: RawLayer;
  env: RawLayer;
  rc?: { layer: RawLayer; file: string; profile?: string };
  /** mosquitto's default options file of the command: below the rc file, above the defaults. */
  optionsFile?: { layer: RawLayer; file: string };
  /** Command-level defaults, e.g. rr speaks MQTT v5 unless told otherwise. */
  defaults?: Partial<ConnectionSettings>;
  /** `-D` or `-x` was given: like mosquitto (2.1 for -x), that means v5 unless -V says otherwise. */
  forceV5?: '-D' | '-x';
}

export interface Resolved {
  settings: ConnectionSettings;
  sources: Partial<Record<SettingKey, Source>>;
  /** The rc file's `decode` map (mq sub --decode's default) and the rc file it came from. */
  rcDecode?: { value: unknown; file: string };
}

interface Layer {
  values: Partial<Record<SettingKey, unknown>>;
  source: (key: SettingKey) => Source;
}

/**
 * flags > environment > rc (profile over top-level) > mosquitto's options file > defaults, field by field.
 * A URL is expanded inside its own layer first; that layer's explicit fields win over it.
 * Pure: no I/O, no process state.
 */
export function resolveConnection(input: ResolveInput): Resolved {
  const flagName = (key: string) => SETTING_BY_KEY.get(key)?.flag ?? key;
  const envName = (key: string) => (key === 'url' ? 'MQ_URL' : SETTING_BY_KEY.get(key)?.env ?? key);
  const flags = normalizeLayer(input.flags, (key) => (key === 'url' ? '-L' : flagName(key)));
  const env = normalizeLayer(input.env, envName);
  const layers: Layer[] = [
    { values: flags.values, source: (key) => ({ kind: 'flag', flag: flags.fromUrl.has(key) ? '-L' : flagName(key) }) },
    { values: env.values, source: (key) => ({ kind: 'env', name: env.fromUrl.has(key) ? 'MQ_URL' : envName(key) }) },
  ];
  if (input.rc) {
    const { file, profile } = input.rc;
    const rc = normalizeLayer(input.rc.layer, (key) => `${file}${profile ? ` (profile "${profile}")` : ''}, key "${key}"`);
    layers.push({ values: rc.values, source: () => ({ kind: 'rc', file, ...(profile ? { profile } : {}) }) });
  }
  if (input.optionsFile) {
    const { file } = input.optionsFile;
    const options = normalizeLayer(input.optionsFile.layer, (key) => `${file} (${key === 'url' ? '-L' : flagName(key)})`);
    layers.push({ values: options.values, source: () => ({ kind: 'options-file', file }) });
  }

  const values: Partial<Record<SettingKey, unknown>> = {};
  const sources: Partial<Record<SettingKey, Source>> = {};
  for (const { key } of SETTINGS) {
    for (const layer of layers) {
      if (layer.values[key] !== undefined) {
        values[key] = layer.values[key];
        sources[key] = layer.source(key);
        break;
      }
    }
  }

  const take = <K extends SettingKey>(key: K, fallback: ConnectionSettings[K]): ConnectionSettings[K] => {
    if (values[key] !== undefined) return values[key] as ConnectionSettings[K];
    const commandDefault = input.defaults?.[key];
    sources[key] = { kind: 'default' };
    return (commandDefault ?? fallback) as ConnectionSettings[K];
  };

  // TLS is implied by a CA or a pre-shared key (as in mosquitto) or by port 8883; WebSocket by --ws.
  const explicitTransport = values.transport as ConnectionSettings['transport'] | undefined;
  let transport = explicitTransport;
  const tlsImplied = values.cafile !== undefined || values.capath !== undefined || values.psk !== undefined;
  if (transport === undefined) {
    const tls = tlsImplied || values.port === 8883;
    transport = tls ? 'mqtts' : 'mqtt';
    const by = (['cafile', 'capath', 'psk'] as const).find((key) => values[key] !== undefined);
    sources.transport = by ? sources[by]! : values.port === 8883 ? sources.port! : { kind: 'default' };
  }
  if (wsRequested(input)) {
    const secure = transport === 'mqtts' || transport === 'wss' || tlsImplied;
    transport = secure ? 'wss' : 'ws';
  }
  // --no-tls (mosquitto 2.1) undoes whatever turned TLS on: a URL, a CA, a key, port 8883.
  const noTls = noTlsRequested(input);
  if (noTls && (transport === 'mqtts' || transport === 'wss')) {
    transport = transport === 'wss' ? 'ws' : 'mqtt';
    sources.transport = noTls;
  }

  let protocolVersion = take('protocolVersion', DEFAULTS.protocolVersion!);
  if (input.forceV5 && sources.protocolVersion?.kind === 'default') {
    protocolVersion = 5;
    sources.protocolVersion = { kind: 'flag', flag: input.forceV5 };
  }

  const settings: ConnectionSettings = {
    host: take('host', DEFAULTS.host!),
    port: take('port', defaultPort(transport)),
    transport,
    keepalive: take('keepalive', DEFAULTS.keepalive!),
    protocolVersion,
    insecure: take('insecure', DEFAULTS.insecure!),
    nodelay: take('nodelay', DEFAULTS.nodelay!),
    connectTimeout: take('connectTimeout', DEFAULTS.connectTimeout!),
  };
  for (const { key } of SETTINGS) {
    if (key in settings) continue;
    if (values[key] !== undefined) (settings as unknown as Record<string, unknown>)[key] = values[key];
  }
  if (settings.cert !== undefined && settings.key === undefined) {
    throw new ConfigError('--cert was given without --key: both the certificate and its key are needed.');
  }
  if (settings.key !== undefined && settings.cert === undefined) {
    throw new ConfigError('--key was given without --cert: both the certificate and its key are needed.');
  }
  if (settings.psk !== undefined && !noTls) {
    if (settings.cafile !== undefined || settings.capath !== undefined) {
      const ca = settings.cafile !== undefined ? 'cafile' : 'capath';
      const from = [['--psk', sources.psk], [`--${ca}`, sources[ca]]].flatMap(([flag, source]) =>
        (source as Source | undefined)?.kind === 'flag' ? [] : [`${flag as string} comes from ${whereFrom(source as Source | undefined)}`]);
      throw new ConfigError(`Only one of --psk or --cafile/--capath may be used at once${from.length ? ` (${from.join(', ')})` : ''}.`);
    }
    if (settings.pskIdentity === undefined) {
      throw new ConfigError('--psk-identity is required with --psk: the broker looks the key up by that identity.');
    }
  }
  return { settings, sources };
}

/** Where a value came from, for a message about a clash. */
function whereFrom(source: Source | undefined): string {
  switch (source?.kind) {
    case 'env': return source.name;
    case 'rc': return source.file;
    case 'options-file': return source.file;
    default: return 'a default';
  }
}

const isTrue = (value: unknown) => value === true || value === 'true' || value === '1';

/** --ws: the highest layer that says decides (flags, MQ_WS, rc, then the options file). */
function wsRequested(input: ResolveInput): boolean {
  for (const layer of [input.flags, input.env, input.rc?.layer, input.optionsFile?.layer]) {
    if (layer?.ws !== undefined) return isTrue(layer.ws);
  }
  return false;
}

/** --no-tls given as a flag (or in an options file, which stands for flags): where, else undefined. */
function noTlsRequested(input: ResolveInput): Source | undefined {
  if (isTrue(input.flags.noTls)) return { kind: 'flag', flag: '--no-tls' };
  if (input.optionsFile && isTrue(input.optionsFile.layer.noTls)) return { kind: 'options-file', file: input.optionsFile.file };
  return undefined;
}

/** Parse and validate one layer's values; its URL fills only what the layer does not set itself. */
export function normalizeLayer(
  raw: RawLayer,
  origin: (key: string) => string,
): { values: Partial<Record<SettingKey, unknown>>; fromUrl: Set<SettingKey> } {
  const values: Partial<Record<SettingKey, unknown>> = {};
  const fromUrl = new Set<SettingKey>();
  if (raw.url !== undefined && raw.url !== null && raw.url !== '') {
    const url = parseUrl(String(raw.url), origin('url'));
    const parts: Partial<Record<SettingKey, unknown>> = {
      transport: url.protocol, host: url.host, port: url.port, username: url.username, password: url.password, topic: url.topic,
    };
    for (const [key, value] of Object.entries(parts) as [SettingKey, unknown][]) {
      if (value === undefined) continue;
      values[key] = value;
      fromUrl.add(key);
    }
  }
  for (const spec of SETTINGS) {
    const value = raw[spec.key];
    if (value === undefined || value === null) continue;
    values[spec.key] = spec.parse(value, origin(spec.key));
    fromUrl.delete(spec.key);
  }
  return { values, fromUrl };
}
