/**
 * The proto3 JSON mapping of Google's well-known types, which protobufjs' toObject/fromObject leave as
 * plain messages: Timestamp as RFC 3339 text, Duration as "1.5s", the wrappers (Int32Value, ...) as
 * their value, Struct/Value/ListValue as the JSON they hold. Applied after toObject and before
 * fromObject, guided by the message type.
 */
import protobuf from 'protobufjs';

type Type = protobuf.Type;
type Json = Record<string, unknown>;

const WRAPPERS = new Set(['DoubleValue', 'FloatValue', 'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue']);
const WRAPPER_DEFAULTS: Record<string, unknown> = { DoubleValue: 0, FloatValue: 0, Int64Value: '0', UInt64Value: '0', Int32Value: 0, UInt32Value: 0, BoolValue: false, StringValue: '', BytesValue: '' };

function wellKnown(type: Type): string | undefined {
  const name = type.fullName;
  if (!name.startsWith('.google.protobuf.')) return undefined;
  const short = name.slice('.google.protobuf.'.length);
  return ['Timestamp', 'Duration', 'Struct', 'Value', 'ListValue'].includes(short) || WRAPPERS.has(short) ? short : undefined;
}

/** Whether a field of this type takes a well-known JSON form (not an object of its fields). */
export function isWellKnown(type: Type): boolean {
  return wellKnown(type) !== undefined;
}

function fraction(nanos: number): string {
  if (nanos === 0) return '';
  const text = String(nanos).padStart(9, '0');
  return `.${text.endsWith('000000') ? text.slice(0, 3) : text.endsWith('000') ? text.slice(0, 6) : text}`;
}

function each(field: protobuf.Field, value: unknown, convert: (v: unknown) => unknown): unknown {
  if (field.map) return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, convert(v)]));
  if (field.repeated && Array.isArray(value)) return value.map(convert);
  return convert(value);
}

/** toObject's output -> the proto3 JSON mapping for well-known types (in place; returns the value). */
export function toProto3Json(type: Type, object: Json): Json {
  for (const field of type.fieldsArray) {
    const value = object[field.name];
    if (value === undefined || value === null) continue;
    const resolved = field.resolve().resolvedType;
    if (!(resolved instanceof protobuf.Type)) continue;
    object[field.name] = each(field, value, (v) => messageToJson(resolved, v as Json));
  }
  return object;
}

function messageToJson(type: Type, value: Json): unknown {
  const kind = wellKnown(type);
  switch (kind) {
    case undefined: return toProto3Json(type, value);
    case 'Timestamp': {
      const seconds = Number(value.seconds ?? 0);
      const nanos = Number(value.nanos ?? 0);
      return `${new Date(seconds * 1000).toISOString().slice(0, 19)}${fraction(nanos)}Z`;
    }
    case 'Duration': {
      const seconds = BigInt(String(value.seconds ?? 0));
      const nanos = Number(value.nanos ?? 0);
      const negative = seconds < 0n || nanos < 0;
      const whole = seconds < 0n ? -seconds : seconds;
      return `${negative ? '-' : ''}${whole}${fraction(Math.abs(nanos))}s`;
    }
    case 'Struct': return Object.fromEntries(Object.entries((value.fields as Json | undefined) ?? {}).map(([k, v]) => [k, valueJson(v as Json)]));
    case 'ListValue': return ((value.values as Json[] | undefined) ?? []).map(valueJson);
    case 'Value': return valueJson(value);
    default: return value.value ?? WRAPPER_DEFAULTS[kind];
  }
}

function valueJson(value: Json): unknown {
  if (value.nullValue !== undefined) return null;
  if (value.numberValue !== undefined) return value.numberValue;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.structValue !== undefined) return Object.fromEntries(Object.entries(((value.structValue as Json).fields as Json | undefined) ?? {}).map(([k, v]) => [k, valueJson(v as Json)]));
  if (value.listValue !== undefined) return (((value.listValue as Json).values as Json[] | undefined) ?? []).map(valueJson);
  return null;
}

/** Why a well-known type's JSON form is wrong, or undefined. */
export function wellKnownProblem(type: Type, value: unknown, where: string): string | undefined {
  switch (wellKnown(type)) {
    case 'Timestamp':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? undefined : `field "${where}" must be an RFC 3339 time such as "2026-01-02T03:04:05Z", not ${JSON.stringify(value)}`;
    case 'Duration':
      return typeof value === 'string' && /^-?\d+(\.\d{1,9})?s$/.test(value) ? undefined : `field "${where}" must be a duration such as "1.5s", not ${JSON.stringify(value)}`;
    case 'Struct':
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? undefined : `field "${where}" must be a JSON object`;
    case 'ListValue':
      return Array.isArray(value) ? undefined : `field "${where}" must be a list`;
    case 'Value':
      return undefined;
    default: {
      const kind = wellKnown(type)!;
      const expected = kind === 'BoolValue' ? 'boolean' : kind === 'StringValue' || kind === 'BytesValue' ? 'string' : 'number';
      const ok = typeof value === expected || (expected === 'number' && (kind === 'Int64Value' || kind === 'UInt64Value') && typeof value === 'string' && /^-?\d+$/.test(value));
      return ok ? undefined : `field "${where}" must be a ${expected}, not ${JSON.stringify(value)}`;
    }
  }
}

/** The proto3 JSON of a message -> what fromObject reads (a copy where well-known types occur). */
export function fromProto3Json(type: Type, object: Json): Json {
  const out: Json = { ...object };
  for (const field of type.fieldsArray) {
    const value = out[field.name];
    if (value === undefined || value === null) continue;
    const resolved = field.resolve().resolvedType;
    if (!(resolved instanceof protobuf.Type)) continue;
    out[field.name] = each(field, value, (v) => messageFromJson(resolved, v));
  }
  return out;
}

function messageFromJson(type: Type, value: unknown): unknown {
  const kind = wellKnown(type);
  switch (kind) {
    case undefined: return fromProto3Json(type, value as Json);
    case 'Timestamp': {
      const text = String(value);
      const ms = Date.parse(text);
      const digits = /\.(\d{1,9})/.exec(text)?.[1] ?? '';
      return { seconds: String(Math.floor(ms / 1000)), nanos: Number(digits.padEnd(9, '0') || 0) };
    }
    case 'Duration': {
      const [, sign, whole, digits = ''] = /^(-?)(\d+)(?:\.(\d+))?s$/.exec(String(value))!;
      const nanos = Number(digits.padEnd(9, '0') || 0);
      return { seconds: `${sign}${whole}`, nanos: sign ? -nanos : nanos };
    }
    case 'Struct': return structFromJson(value as Json);
    case 'ListValue': return { values: (value as unknown[]).map(valueFromJson) };
    case 'Value': return valueFromJson(value);
    default: return { value };
  }
}

function structFromJson(object: Json): Json {
  return { fields: Object.fromEntries(Object.entries(object).map(([k, v]) => [k, valueFromJson(v)])) };
}

function valueFromJson(value: unknown): Json {
  if (value === null || value === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(valueFromJson) } };
  return { structValue: structFromJson(value as Json) };
}
