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
}

export type Source =
  | { kind: 'flag'; flag: string }
  | { kind: 'env'; name: string }
  | { kind: 'rc'; file: string; profile?: string }
  | { kind: 'default' };

export interface ResolveInput {
  flags: RawLayer;
  env: RawLayer;
  rc?: { layer: RawLayer; file: string; profile?: string };
  /** Command-level defaults, e.g. rr speaks MQTT v5 unless told otherwise. */
  defaults?: Partial<ConnectionSettings>;
  /** `-D` or `-x` was given: like mosquitto (2.1 for -x), that means v5 unless -V says otherwise. */
  forceV5?: '-D' | '-x';
}

export interface Resolved {
  settings: ConnectionSettings;
  sources: Partial<Record<SettingKey, Source>>;
}

interface Layer {
  values: Partial<Record<SettingKey, unknown>>;
  source: (key: SettingKey) => Source;
}

/**
 * flags > environment > rc (profile over top-level) > defaults, field by field.
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

  // TLS is implied by a CA (as in mosquitto) or by port 8883; WebSocket by --ws.
  const explicitTransport = values.transport as ConnectionSettings['transport'] | undefined;
  let transport = explicitTransport;
  if (transport === undefined) {
    const tls = values.cafile !== undefined || values.capath !== undefined || values.port === 8883;
    transport = tls ? 'mqtts' : 'mqtt';
    sources.transport = values.cafile !== undefined ? sources.cafile! : values.capath !== undefined ? sources.capath! : values.port === 8883 ? sources.port! : { kind: 'default' };
  }
  if (wsRequested(input)) {
    const secure = transport === 'mqtts' || transport === 'wss' || values.cafile !== undefined || values.capath !== undefined;
    transport = secure ? 'wss' : 'ws';
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
  return { settings, sources };
}

function wsRequested(input: ResolveInput): boolean {
  for (const layer of [input.flags, input.env, input.rc?.layer]) {
    if (layer?.ws !== undefined) return layer.ws === true || layer.ws === 'true' || layer.ws === '1';
  }
  return false;
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
