/**
 * `pub -l --line-format json`: each line is a JSON object
 *   {"topic": "a/b", "payload": "text" | any JSON, "qos": 1, "retain": true,
 *    "properties": {...}, "encoding": "hex" | "base64" | "utf8"}
 * Pure: a line in, a message (or the reason it cannot be one) out.
 */
import { publishTopicProblem } from '../mqtt/topic.js';
import type { PublishProperties } from '../mqtt/message.js';
import type { Qos } from '../mqtt/values.js';
import { decodePayload, parseEncoding, payloadSizeProblem, type PayloadEncoding } from './payload.js';

/** What every line falls back to: the flags. */
export interface LineDefaults {
  /** -t topics; a line without "topic" is published to each of them. */
  topics: readonly string[];
  qos: Qos;
  retain: boolean;
  /** --encoding, for a string "payload" without its own "encoding". */
  encoding: PayloadEncoding;
  /** -D publish ... properties; a line's "properties" are merged over them. */
  properties?: PublishProperties;
  /** Whether the connection speaks MQTT v5 (properties need it). */
  v5: boolean;
  /** pub --encode: also hand back the line's "payload" value as JSON gave it (LineMessage.payloadValue). */
  keepPayloadValue?: boolean;
  /**
   * `pub --replay`: the line is a recording line, so its time ("received", or mosquitto_sub %j's
   * "tst") is required and returned as `time`.
   */
  timed?: boolean;
}

/** One parsed line: the same payload to one topic, or to each -t topic. */
export interface LineMessage {
  topics: readonly string[];
  payload: Buffer;
  /** The line's "payload" as JSON gave it (what pub --encode encodes), with LineDefaults.keepPayloadValue. */
  payloadValue?: unknown;
  qos: Qos;
  retain: boolean;
  properties?: PublishProperties;
  /** With LineDefaults.timed: when the message was recorded (epoch milliseconds, fractions kept). */
  time?: number;
}

const FIELDS = new Set(['topic', 'payload', 'qos', 'retain', 'properties', 'encoding']);
/** Fields of mosquitto_sub's %j and mq sub's --json output that carry nothing to publish: ignored, so their output pipes back in. */
const IGNORED_FIELDS = new Set(['tst', 'payloadlen', 'mid', 'dup', 'received']);

/** Parse one NDJSON line; a string result says what is wrong with it. */
export function parseJsonLine(line: Buffer, defaults: LineDefaults): LineMessage | string {
  let value: unknown;
  try {
    value = JSON.parse(line.toString('utf8'));
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'not a JSON object; expected {"topic": "...", "payload": "..."}';
  }
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (!FIELDS.has(key) && !IGNORED_FIELDS.has(key)) {
      return `unknown field "${key}" (known: topic, payload, qos, retain, properties, encoding)`;
    }
  }

  let time: number | undefined;
  if (defaults.timed) {
    const field = object.received !== undefined ? 'received' : object.tst !== undefined ? 'tst' : undefined;
    if (field === undefined) return 'no "received" time: not a recording line (record with mq sub --record or mq sub --json)';
    const raw = object[field];
    time = typeof raw === 'string' ? parseRecordedTime(raw) : undefined;
    if (time === undefined) return `invalid "${field}" ${JSON.stringify(raw)}: expected an RFC 3339 time such as "2026-11-25T20:39:39.906Z"`;
  }

  let topics = defaults.topics;
  if (object.topic !== undefined) {
    if (typeof object.topic !== 'string') return '"topic" must be a string';
    const problem = publishTopicProblem(object.topic);
    if (problem) return `invalid topic '${object.topic}': ${problem}`;
    topics = [object.topic];
  } else if (topics.length === 0) {
    return 'no "topic", and no -t to fall back to';
  }

  let qos = defaults.qos;
  if (object.qos !== undefined) {
    const q = typeof object.qos === 'string' && /^[0-2]$/.test(object.qos) ? Number(object.qos) : object.qos;
    if (q !== 0 && q !== 1 && q !== 2) return `invalid "qos" ${JSON.stringify(object.qos)}: use 0, 1 or 2`;
    qos = q;
  }

  let retain = defaults.retain;
  if (object.retain !== undefined) {
    if (object.retain === true || object.retain === 1) retain = true;
    else if (object.retain === false || object.retain === 0) retain = false;
    else return `invalid "retain" ${JSON.stringify(object.retain)}: use true or false`;
  }

  let encoding = defaults.encoding;
  if (object.encoding !== undefined) {
    if (typeof object.encoding !== 'string') return '"encoding" must be a string: hex, base64 or utf8';
    const parsed = parseEncoding(object.encoding, '"encoding"');
    if (parsed !== 'utf8' && parsed !== 'hex' && parsed !== 'base64') return parsed;
    encoding = parsed;
  }

  let payload: Buffer;
  const raw = object.payload;
  if (raw === undefined || raw === null) {
    payload = Buffer.alloc(0);
  } else if (typeof raw === 'string') {
    const decoded = decodePayload(raw, encoding);
    if (typeof decoded === 'string') return `"payload" ${decoded}`;
    payload = decoded;
  } else {
    // Any other JSON value is published as its JSON text, so {"payload": {"t": 21}} sends {"t":21}.
    if (object.encoding !== undefined && encoding !== 'utf8') return `"encoding" ${encoding} needs "payload" to be a string`;
    payload = Buffer.from(JSON.stringify(raw), 'utf8');
  }

  let properties = defaults.properties;
  if (object.properties !== undefined) {
    const parsed = parseJsonProperties(object.properties);
    if (typeof parsed === 'string') return parsed;
    if (Object.keys(parsed).length > 0) {
      if (!defaults.v5) return '"properties" need MQTT v5: add -V 5';
      properties = { ...defaults.properties, ...parsed };
    }
  }

  for (const topic of topics) {
    const problem = payloadSizeProblem(Buffer.byteLength(topic), payload.length, qos);
    if (problem) return problem;
  }
  const message: LineMessage = { topics, payload, qos, retain };
  if (defaults.keepPayloadValue) message.payloadValue = raw ?? null;
  if (properties) message.properties = properties;
  if (time !== undefined) message.time = time;
  return message;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/**
 * A recorded time -> epoch milliseconds (sub-millisecond digits kept as a fraction), or undefined.
 * mq sub --json's "received" (2026-11-25T20:39:39.906Z) and mosquitto_sub %j's "tst"
 * (2026-11-25T20:39:39.906873+0000; 2.0.11 writes a stray "Z" before the offset, also accepted).
 */
export function parseRecordedTime(text: string): number | undefined {
  // mq sub --json's own shape, 2026-11-25T20:39:39.906Z: lines of one second share their first 19
  // characters, so the rest of the parse is done once per second of recording.
  if (text.length === 24 && text.charCodeAt(19) === 0x2e && text.charCodeAt(23) === 0x5a && recentPrefix !== '' && text.startsWith(recentPrefix)) {
    const ms = digit(text, 20) * 100 + digit(text, 21) * 10 + digit(text, 22);
    if (ms >= 0) return recentBase + ms;
  }
  const result = parseTime(text);
  if (result !== undefined && text.length === 24 && text.charCodeAt(19) === 0x2e && text.charCodeAt(23) === 0x5a) {
    recentPrefix = text.slice(0, 19);
    recentBase = result - Number(text.slice(20, 23));
  }
  return result;
}

let recentPrefix = '';
let recentBase = 0;

/** The digit at `index`, or a large negative number when it is not one (so a sum of them is negative). */
function digit(text: string, index: number): number {
  const d = text.charCodeAt(index) - 0x30;
  return d >= 0 && d <= 9 ? d : -1e9;
}

function parseTime(text: string): number | undefined {
  const m = RFC3339.exec(text.replace(/[Zz](?=[+-]\d{2}:?\d{2}$)/, ''));
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(ms).getUTCDate() !== day) return undefined;
  if (m[7] !== undefined) ms += Number(`0.${m[7]}`) * 1000;
  if (m[9] !== undefined) {
    const offset = (Number(m[10]) * 60 + Number(m[11])) * 60_000;
    ms -= m[9] === '+' ? offset : -offset;
  }
  return ms;
}

const PROPERTIES_KEY = Buffer.from('"properties"');

/**
 * Whether an NDJSON line carries MQTT v5 PUBLISH properties worth sending (pub --replay switches to
 * v5 for them, as -D does). A line the parser would refuse says no here; it is reported when played.
 */
export function lineHasProperties(line: Buffer): boolean {
  if (!line.includes(PROPERTIES_KEY)) return false;
  let value: unknown;
  try {
    value = JSON.parse(line.toString('utf8'));
  } catch {
    return false;
  }
  const properties = (value as { properties?: unknown } | null)?.properties;
  if (properties === undefined) return false;
  const parsed = parseJsonProperties(properties);
  return typeof parsed !== 'string' && Object.keys(parsed).some((key) => key !== 'topicAlias');
}

type PropertyKind = 'string' | 'binary' | 'int32' | 'bool' | 'alias' | 'topic' | 'user' | 'ignored';

/** Property names as `-D publish` spells them. */
const KEBAB_PROPERTIES: Record<string, [keyof PublishProperties, PropertyKind]> = {
  'content-type': ['contentType', 'string'],
  'correlation-data': ['correlationData', 'binary'],
  'message-expiry-interval': ['messageExpiryInterval', 'int32'],
  'payload-format-indicator': ['payloadFormatIndicator', 'bool'],
  'response-topic': ['responseTopic', 'topic'],
  'topic-alias': ['topicAlias', 'alias'],
  'user-property': ['userProperties', 'user'],
  'user-properties': ['userProperties', 'user'],
  // Set by the broker on delivery (subscribers' output carries it); a PUBLISH from a client may not.
  'subscription-identifier': ['subscriptionIdentifier' as keyof PublishProperties, 'ignored'],
};
/** ... and MQTT.js's camelCase names for the same properties. */
const JSON_PROPERTIES: Record<string, [keyof PublishProperties, PropertyKind]> = {
  ...KEBAB_PROPERTIES,
  ...Object.fromEntries(Object.values(KEBAB_PROPERTIES).map(([key, kind]) => [key, [key, kind]])),
};

/** A line's "properties" object -> PublishProperties, or what is wrong with it. */
export function parseJsonProperties(value: unknown): PublishProperties | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return '"properties" must be an object';
  const result: Record<string, unknown> = {};
  const object = value as Record<string, unknown>;
  // mq sub --json writes binary correlation data as base64 with this marker.
  const correlationBase64 = object.correlationDataEncoding === 'base64';
  for (const [name, raw] of Object.entries(object)) {
    if (name === 'correlationDataEncoding') {
      if (raw !== 'base64' && raw !== 'utf8') return '"correlationDataEncoding" must be "base64" or "utf8"';
      continue;
    }
    const spec = JSON_PROPERTIES[name];
    if (!spec) return `unknown property "${name}" (known: ${Object.keys(KEBAB_PROPERTIES).filter((k) => KEBAB_PROPERTIES[k]![1] !== 'ignored').join(', ')})`;
    const [key, kind] = spec;
    const where = `property "${name}"`;
    switch (kind) {
      case 'string':
        if (typeof raw !== 'string') return `${where} must be a string`;
        result[key] = raw;
        break;
      case 'topic': {
        if (typeof raw !== 'string') return `${where} must be a string`;
        const problem = publishTopicProblem(raw);
        if (problem) return `${where} '${raw}' is not a valid topic: ${problem}`;
        result[key] = raw;
        break;
      }
      case 'binary': {
        if (typeof raw !== 'string') return `${where} must be a string`;
        let bytes: Buffer;
        if (correlationBase64) {
          const decoded = decodePayload(raw, 'base64');
          if (typeof decoded === 'string') return `${where}: ${decoded}`;
          bytes = decoded;
        } else {
          bytes = Buffer.from(raw, 'utf8');
        }
        if (bytes.length > 65535) return `${where} is longer than 65535 bytes`;
        result[key] = bytes;
        break;
      }
      case 'int32':
        if (!Number.isInteger(raw) || (raw as number) < 0 || (raw as number) > 0xffffffff) return `${where} must be a whole number from 0 to 4294967295`;
        result[key] = raw;
        break;
      case 'alias':
        if (!Number.isInteger(raw) || (raw as number) < 1 || (raw as number) > 65535) return `${where} must be a whole number from 1 to 65535`;
        result[key] = raw;
        break;
      case 'bool':
        if (raw === true || raw === 1) result[key] = true;
        else if (raw === false || raw === 0) result[key] = false;
        else return `${where} must be true or false (or 1 or 0)`;
        break;
      case 'user': {
        const user = parseUserProperties(raw);
        if (typeof user === 'string') return `${where}: ${user}`;
        result[key] = user;
        break;
      }
      case 'ignored':
        break;
    }
  }
  return result as PublishProperties;
}

/**
 * User properties as {"name": "value" | ["v1", "v2"]} (MQTT.js, mq sub --json) or as a list of
 * one-pair objects [{"name": "value"}, ...] (mosquitto_sub %j), which keeps repeated names in order.
 */
function parseUserProperties(raw: unknown): Record<string, string | string[]> | string {
  const shape = 'must be an object of names to values, e.g. {"site": "north"}, or a list of such objects';
  if (Array.isArray(raw)) {
    const merged: Record<string, string | string[]> = {};
    for (const item of raw) {
      const one = parseUserProperties(item);
      if (typeof one === 'string') return one;
      for (const [name, value] of Object.entries(one)) {
        const existing = merged[name];
        merged[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), ...(Array.isArray(value) ? value : [value])];
      }
    }
    return merged;
  }
  if (raw === null || typeof raw !== 'object') return shape;
  const result: Record<string, string | string[]> = {};
  const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
  for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
    if (Array.isArray(v)) {
      const values = v.map(text);
      if (values.some((x) => x === undefined)) return `the values of "${name}" must be strings`;
      result[name] = values as string[];
    } else {
      const value = text(v);
      if (value === undefined) return `the value of "${name}" must be a string (or a list of strings)`;
      result[name] = value;
    }
  }
  return result;
}
