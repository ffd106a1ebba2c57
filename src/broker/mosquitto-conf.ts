import { ConfigError } from '../errors.js';
import { isLogTypeName, MOSQUITTO_ONLY_LOG_TYPES, type LogTypeName } from './log-types.js';
import type { ListenerSettings } from './listener.js';

/** The part of a mosquitto.conf that `mq broker` understands. */
export interface MosquittoConf {
  file: string;
  listeners: ListenerSettings[];
  passwordFile?: string;
  allowAnonymous?: boolean;
  /** max_packet_size: bytes, 0 = no limit. */
  maxPacketSize?: number;
  /** max_inflight_messages: 0 = no limit. */
  maxInflightMessages?: number;
  /** The log_type lines' values in file order (they add up; none clears, all selects every type). */
  logTypes: LogTypeName[];
  /** Things the file says that mq broker does not do, one sentence each. */
  warnings: string[];
}

/** Listener blocks as the file builds them, before they are checked. */
interface Block {
  line: number;
  port?: number;
  host?: string;
  websockets: boolean;
  certFile?: string;
  keyFile?: string;
  caFile?: string;
  requireCertificate?: boolean;
  maxConnections?: number;
}

/**
 * PURE: parse the common subset of mosquitto.conf: listener/port/bind_address, protocol,
 * allow_anonymous, password_file, certfile/keyfile/cafile/require_certificate, log_type. As in mosquitto,
 * listener options apply to the latest `listener` line (or, before any, to the default listener
 * made by `port`), lines starting with # are comments, and a string value is the rest of the line.
 * Anything else is reported in `warnings`, so the same file still serves mosquitto.
 */
export function parseMosquittoConf(text: string, file: string): MosquittoConf {
  const result: MosquittoConf = { file, listeners: [], logTypes: [], warnings: [] };
  const blocks: Block[] = [];
  let defaultBlock: Block | undefined;
  let current: Block | undefined;
  const ignored: string[] = [];
  const fail = (line: number, message: string): never => {
    throw new ConfigError(`${file}:${line}: ${message}`);
  };

  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(\S+)(?:\s+(.*))?$/.exec(line)!;
    const key = match[1]!;
    const value = (match[2] ?? '').trim();
    const need = (): string => value !== '' ? value : fail(lineNo, `"${key}" needs a value.`);
    const bool = (): boolean => {
      const v = need();
      if (v === 'true') return true;
      if (v === 'false') return false;
      return fail(lineNo, `${key} must be true or false, not "${v}".`);
    };
    const integer = (min: number, max: number): number => {
      const v = need();
      const n = /^-?\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max) fail(lineNo, `${key} must be a whole number from ${min} to ${max}, not "${v}".`);
      return n;
    };
    const port = (text: string): number => {
      const n = /^\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isInteger(n) || n < 1 || n > 65535) fail(lineNo, `invalid port "${text}": use a number from 1 to 65535.`);
      return n;
    };
    const target = (): Block => {
      if (current) return current;
      defaultBlock ??= { line: lineNo, websockets: false };
      return defaultBlock;
    };

    switch (key) {
      case 'listener': {
        const [portText, host, ...rest] = need().split(/\s+/);
        if (portText === '0' || (host !== undefined && host.startsWith('/'))) {
          fail(lineNo, 'unix socket listeners are not supported by mq broker; use a TCP port.');
        }
        if (rest.length > 0) fail(lineNo, `listener takes a port and an optional address, not "${value}".`);
        current = { line: lineNo, port: port(portText!), websockets: false, ...(host !== undefined ? { host } : {}) };
        blocks.push(current);
        return;
      }
      case 'port':
        target().port = port(need());
        return;
      case 'bind_address':
        target().host = need();
        return;
      case 'protocol': {
        const v = need();
        if (v !== 'mqtt' && v !== 'websockets') fail(lineNo, `protocol must be mqtt or websockets, not "${v}".`);
        target().websockets = v === 'websockets';
        return;
      }
      case 'certfile': target().certFile = need(); return;
      case 'keyfile': target().keyFile = need(); return;
      case 'cafile': target().caFile = need(); return;
      case 'require_certificate': target().requireCertificate = bool(); return;
      case 'max_connections': {
        // As in mosquitto, a negative value means no limit.
        const max = integer(-1, 1_000_000);
        if (max < 0) delete target().maxConnections;
        else target().maxConnections = max;
        return;
      }
      case 'max_packet_size': {
        const size = integer(0, 268_435_460);
        if (size > 0 && size < 20) fail(lineNo, `max_packet_size must be 0 (no limit) or at least 20 bytes, not ${size}.`);
        result.maxPacketSize = size;
        return;
      }
      case 'max_inflight_messages': result.maxInflightMessages = integer(0, 65535); return;
      case 'allow_anonymous': result.allowAnonymous = bool(); return;
      case 'password_file': result.passwordFile = need(); return;
      case 'log_type': {
        const [type, ...rest] = need().split(/\s+/) as [string, ...string[]];
        if (rest.length > 0) {
          result.warnings.push(`${file}:${lineNo}: log_type takes one type; "${rest.join(' ')}" is ignored, as mosquitto does. Give each type a line of its own.`);
        }
        if (isLogTypeName(type)) result.logTypes.push(type);
        else if (!MOSQUITTO_ONLY_LOG_TYPES.includes(type)) {
          fail(lineNo, `invalid log_type "${type}": use none, error, warning, notice, information, subscribe, unsubscribe, debug or all.`);
        }
        return;
      }
      case 'per_listener_settings':
        if (bool()) result.warnings.push(`${file}:${lineNo}: per_listener_settings true is not supported; allow_anonymous and password_file apply to every listener.`);
        return;
      default:
        ignored.push(`${key} (line ${lineNo})`);
    }
  });

  if (defaultBlock) blocks.unshift(defaultBlock);
  const seen = new Map<number, number>();
  for (const block of blocks) {
    const listener = toListener(block, file, result.warnings);
    const previous = seen.get(listener.port);
    if (previous !== undefined) fail(block.line, `port ${listener.port} is already used by the listener on line ${previous}.`);
    seen.set(listener.port, block.line);
    result.listeners.push(listener);
  }
  if (ignored.length > 0) {
    result.warnings.push(`${file}: mq broker ignores ${ignored.join(', ')}.`);
  }
  return result;
}

function toListener(block: Block, file: string, warnings: string[]): ListenerSettings {
  const origin = `${file}:${block.line}`;
  if ((block.certFile === undefined) !== (block.keyFile === undefined)) {
    throw new ConfigError(`${origin}: the listener has ${block.certFile === undefined ? 'keyfile but no certfile' : 'certfile but no keyfile'}; TLS needs both.`);
  }
  if (block.requireCertificate && block.caFile === undefined) {
    throw new ConfigError(`${origin}: require_certificate true needs a cafile to check client certificates against.`);
  }
  const tls = block.certFile !== undefined && block.keyFile !== undefined
    ? {
        certFile: block.certFile,
        keyFile: block.keyFile,
        ...(block.caFile !== undefined ? { caFile: block.caFile } : {}),
        requireCertificate: block.requireCertificate ?? false,
      }
    : undefined;
  if (!tls && block.caFile !== undefined) warnings.push(`${origin}: cafile is ignored on a listener without certfile and keyfile.`);
  const kind = block.websockets ? (tls ? 'wss' : 'ws') : (tls ? 'mqtts' : 'mqtt');
  // Without an address the listener binds every interface, as in mosquitto.
  return {
    kind,
    ...(block.host !== undefined ? { host: block.host } : {}),
    port: block.port ?? 1883,
    ...(tls ? { tls } : {}),
    origin,
    ...(block.maxConnections !== undefined ? { maxConnections: block.maxConnections } : {}),
  };
}

