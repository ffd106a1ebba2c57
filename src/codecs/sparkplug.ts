/**
 * Sparkplug B payloads (Eclipse Tahu's sparkplug_b.proto, parsed by protobufjs) <-> JSON:
 *
 *   {"timestamp": ms, "seq": n, "uuid"?: "...", "body"?: base64,
 *    "metrics": [{"name", "alias"?, "timestamp", "datatype": "Int32" | "Double" | ..., "value",
 *                 "isNull"?, "isHistorical"?, "isTransient"?, "metadata"?, "properties"?}]}
 *
 * Values carry their type's meaning, as Eclipse Tahu decodes them: Int8-Int64 are signed (they
 * travel as unsigned fields), DateTime is milliseconds, values beyond 2^53 are strings, DataSets,
 * Templates and property sets are nested JSON, the array types are JSON lists. An NDATA/DDATA
 * metric that carries only an alias gets its name from the NBIRTH/DBIRTH seen for its edge node.
 */
import protobuf from 'protobufjs';
import { SchemaMismatch, type Codec } from './codec.js';
import { compactJson } from './json-value.js';
import { SPARKPLUG_B_PROTO } from './sparkplug-proto.js';

/** The spec's data type names, by number. */
export const DATA_TYPES = [
  'Unknown', 'Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64', 'Float', 'Double', 'Boolean',
  'String', 'DateTime', 'Text', 'UUID', 'DataSet', 'Bytes', 'File', 'Template', 'PropertySet', 'PropertySetList',
  'Int8Array', 'Int16Array', 'Int32Array', 'Int64Array', 'UInt8Array', 'UInt16Array', 'UInt32Array', 'UInt64Array',
  'FloatArray', 'DoubleArray', 'BooleanArray', 'StringArray', 'DateTimeArray',
] as const;

const TYPE_NUMBERS = new Map<string, number>(DATA_TYPES.map((name, i) => [name.toLowerCase(), i]));

/**
 * The schema with each `oneof value { ... }` opened into plain optional fields: the same wire format,
 * but protobufjs no longer deletes the other nine value fields of every metric it decodes (its oneof
 * setter does), which turned each metric into a slow dictionary-mode object (a third of the time).
 */
const PROTO_WITHOUT_ONEOFS = SPARKPLUG_B_PROTO.replace(/oneof value \{([^}]*)\}/g, (_, body: string) => body.replace(/^(\s*)(?=\w)/gm, '$1optional '));

let payloadType: protobuf.Type | undefined;
function sparkplugPayload(): protobuf.Type {
  payloadType ??= protobuf.parse(PROTO_WITHOUT_ONEOFS, { keepCase: false }).root.lookupType('org.eclipse.tahu.protobuf.Payload');
  return payloadType;
}

type Proto = Record<string, unknown>;
type LongLike = number | { toString(): string };

const own = (object: Proto, key: string) => Object.prototype.hasOwnProperty.call(object, key);

function big(value: unknown): bigint {
  return typeof value === 'number' ? BigInt(value) : BigInt((value as LongLike).toString());
}

/**
 * A 64-bit field as JSON: a number within 2^53, else its decimal text. protobufjs gives Long objects
 * ({low, high} 32-bit halves); the usual small values take the arithmetic path, not BigInt's.
 */
function int64(value: unknown, signed: boolean): number | string {
  if (typeof value === 'number') return value;
  const { low, high } = value as { low: number; high: number };
  const top = signed ? high | 0 : high >>> 0;
  if (top > -0x200000 && top < 0x200000) return top * 4294967296 + (low >>> 0);
  const n = big(value);
  return jsonInteger(signed ? BigInt.asIntN(64, n) : BigInt.asUintN(64, n));
}

function jsonInteger(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

/** The shortest decimal that reads back as the same float32. */
function float32(value: number): number {
  if (!Number.isFinite(value)) return value;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** The value of a Metric, PropertyValue, DataSetValue or Template.Parameter of this data type. */
function valueOf(datatype: number, m: Proto): unknown {
  const intValue = own(m, 'intValue') ? (m.intValue as number) : undefined;
  const longValue = own(m, 'longValue') ? m.longValue : undefined;
  switch (datatype) {
    case 1: case 2: case 3: // Int8, Int16, Int32: two's complement in a uint32 (Tahu: Int32Array)
      return intValue !== undefined ? intValue | 0 : longValue !== undefined ? jsonInteger(BigInt.asIntN(32, big(longValue))) : null;
    case 5: case 6: case 7: // UInt8, UInt16, UInt32 (Tahu writes UInt32 as long_value)
      return intValue !== undefined ? intValue >>> 0 : longValue !== undefined ? int64(longValue, false) : null;
    case 4: // Int64
      return longValue !== undefined ? int64(longValue, true) : intValue !== undefined ? intValue | 0 : null;
    case 8: case 13: // UInt64, DateTime (ms since the epoch)
      return longValue !== undefined ? int64(longValue, false) : intValue !== undefined ? intValue >>> 0 : null;
    case 9: return own(m, 'floatValue') ? finite(float32(m.floatValue as number)) : own(m, 'doubleValue') ? finite(m.doubleValue as number) : null;
    case 10: return own(m, 'doubleValue') ? finite(m.doubleValue as number) : own(m, 'floatValue') ? finite(m.floatValue as number) : null;
    case 11: return own(m, 'booleanValue') ? m.booleanValue : null;
    case 12: case 14: case 15: return own(m, 'stringValue') ? m.stringValue : null;
    case 16: return own(m, 'datasetValue') ? dataSetJson(m.datasetValue as Proto) : null;
    case 17: case 18: return own(m, 'bytesValue') ? Buffer.from(m.bytesValue as Uint8Array).toString('base64') : null;
    case 19: return own(m, 'templateValue') ? templateJson(m.templateValue as Proto) : null;
    case 20: return own(m, 'propertysetValue') ? propertySetJson(m.propertysetValue as Proto) : null;
    case 21: return own(m, 'propertysetsValue') ? ((m.propertysetsValue as Proto).propertyset as Proto[] ?? []).map(propertySetJson) : null;
    default:
      if (datatype >= 22 && datatype <= 34) return own(m, 'bytesValue') ? arrayJson(datatype, Buffer.from(m.bytesValue as Uint8Array)) : null;
      return null;
  }
}

/** The array types travel little-endian in bytes_value (Sparkplug 3.0, 6.4.17). */
function arrayJson(datatype: number, bytes: Buffer): unknown[] {
  const fixed = (size: number, read: (offset: number) => unknown) => {
    if (bytes.length % size !== 0) throw new Error(`a ${DATA_TYPES[datatype]} of ${bytes.length} bytes is not a whole number of ${size}-byte elements`);
    const items: unknown[] = [];
    for (let offset = 0; offset < bytes.length; offset += size) items.push(read(offset));
    return items;
  };
  switch (datatype) {
    case 22: return fixed(1, (o) => bytes.readInt8(o));
    case 23: return fixed(2, (o) => bytes.readInt16LE(o));
    case 24: return fixed(4, (o) => bytes.readInt32LE(o));
    case 25: return fixed(8, (o) => jsonInteger(bytes.readBigInt64LE(o)));
    case 26: return fixed(1, (o) => bytes.readUInt8(o));
    case 27: return fixed(2, (o) => bytes.readUInt16LE(o));
    case 28: return fixed(4, (o) => bytes.readUInt32LE(o));
    case 29: case 34: return fixed(8, (o) => jsonInteger(bytes.readBigUInt64LE(o)));
    case 30: return fixed(4, (o) => finite(float32(bytes.readFloatLE(o))));
    case 31: return fixed(8, (o) => finite(bytes.readDoubleLE(o)));
    case 32: {
      // a 4-byte count of booleans, then the bits, most significant first
      if (bytes.length < 4) throw new Error('a BooleanArray shorter than its 4-byte count');
      const count = bytes.readUInt32LE(0);
      if (4 + Math.ceil(count / 8) > bytes.length) throw new Error(`a BooleanArray of ${count} values in ${bytes.length - 4} bytes`);
      return Array.from({ length: count }, (_, i) => (bytes[4 + (i >> 3)]! & (0x80 >> (i & 7))) !== 0);
    }
    default: { // 33 StringArray: NUL-terminated UTF-8 strings
      const items: string[] = [];
      let start = 0;
      for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] === 0) {
          items.push(bytes.toString('utf8', start, i));
          start = i + 1;
        }
      }
      if (start < bytes.length) items.push(bytes.toString('utf8', start));
      return items;
    }
  }
}

function typeName(datatype: number): string {
  return DATA_TYPES[datatype] ?? String(datatype);
}

function dataSetJson(d: Proto): unknown {
  const types = (d.types as number[] | undefined) ?? [];
  return {
    numOfColumns: int64(d.numOfColumns ?? types.length, false),
    columns: d.columns ?? [],
    types: types.map(typeName),
    rows: ((d.rows as Proto[] | undefined) ?? []).map((row) => ((row.elements as Proto[] | undefined) ?? []).map((element, i) => valueOf(types[i] ?? 0, element))),
  };
}

function propertyValueJson(p: Proto): unknown {
  const type = (p.type as number | undefined) ?? 0;
  const out: Record<string, unknown> = { type: typeName(type), value: p.isNull ? null : valueOf(type, p) };
  if (p.isNull) out.isNull = true;
  return out;
}

function propertySetJson(set: Proto): Record<string, unknown> {
  const keys = (set.keys as string[] | undefined) ?? [];
  const values = (set.values as Proto[] | undefined) ?? [];
  const out: Record<string, unknown> = {};
  keys.forEach((key, i) => { out[key] = values[i] ? propertyValueJson(values[i]!) : null; });
  return out;
}

function templateJson(t: Proto, names?: Map<string, string>): unknown {
  const out: Record<string, unknown> = {};
  if (own(t, 'version')) out.version = t.version;
  if (own(t, 'templateRef')) out.templateRef = t.templateRef;
  if (own(t, 'isDefinition')) out.isDefinition = t.isDefinition;
  out.metrics = ((t.metrics as Proto[] | undefined) ?? []).map((m) => metricJson(m, names));
  const parameters = (t.parameters as Proto[] | undefined) ?? [];
  if (parameters.length > 0) {
    out.parameters = parameters.map((p) => {
      const type = (p.type as number | undefined) ?? 0;
      return { name: p.name ?? null, type: typeName(type), value: valueOf(type, p) };
    });
  }
  return out;
}

const METADATA_FIELDS = ['isMultiPart', 'contentType', 'size', 'seq', 'fileName', 'fileType', 'md5', 'description'] as const;

function metricJson(m: Proto, names?: Map<string, string>): Record<string, unknown> {
  const datatype = (m.datatype as number | undefined) ?? 0;
  const out: Record<string, unknown> = {};
  const alias = own(m, 'alias') ? int64(m.alias, false) : undefined;
  if (own(m, 'name')) out.name = m.name;
  else if (alias !== undefined && names?.has(String(alias))) out.name = names.get(String(alias));
  if (alias !== undefined) out.alias = alias;
  if (own(m, 'timestamp')) out.timestamp = int64(m.timestamp, false);
  out.datatype = typeName(datatype);
  out.value = m.isNull ? null : datatype === 19 && own(m, 'templateValue') ? templateJson(m.templateValue as Proto, names) : valueOf(datatype, m);
  if (m.isNull) out.isNull = true;
  if (own(m, 'isHistorical')) out.isHistorical = m.isHistorical;
  if (own(m, 'isTransient')) out.isTransient = m.isTransient;
  if (own(m, 'metadata')) {
    const md = m.metadata as Proto;
    const metadata: Record<string, unknown> = {};
    for (const key of METADATA_FIELDS) if (own(md, key)) metadata[key] = key === 'size' || key === 'seq' ? int64(md[key], false) : md[key];
    out.metadata = metadata;
  }
  if (own(m, 'properties')) out.properties = propertySetJson(m.properties as Proto);
  return out;
}

/** The decoded payload as the JSON shape above; `names` gives alias-only metrics their names. */
export function sparkplugJson(payload: Buffer, names?: Map<string, string>): Record<string, unknown> {
  const p = sparkplugPayload().decode(payload) as unknown as Proto;
  const out: Record<string, unknown> = {};
  if (own(p, 'timestamp')) out.timestamp = int64(p.timestamp, false);
  if (own(p, 'seq')) out.seq = int64(p.seq, false);
  if (own(p, 'uuid')) out.uuid = p.uuid;
  if (own(p, 'body')) out.body = Buffer.from(p.body as Uint8Array).toString('base64');
  out.metrics = ((p.metrics as Proto[] | undefined) ?? []).map((m) => metricJson(m, names));
  return out;
}

function stateJson(payload: Buffer): string {
  const text = payload.toString('utf8');
  try {
    JSON.parse(text);
    return compactJson(text.trim());
  } catch {
    return JSON.stringify(text);
  }
}

/** spBv1.0/GROUP/TYPE/EDGE[/DEVICE] -> the edge node's key and the message type. */
function topicParts(topic: string): { node: string; type: string } | undefined {
  const levels = topic.split('/');
  if (levels.length < 4 || levels[0] !== 'spBv1.0') return undefined;
  return { node: `${levels[1]}/${levels[3]}`, type: levels[2]! };
}

// --- encoding: JSON -> Payload ------------------------------------------------------------------

function mismatch(where: string, why: string): never {
  throw new SchemaMismatch(`field "${where}" ${why}`);
}

function datatypeNumber(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < DATA_TYPES.length) return value;
  const n = typeof value === 'string' ? TYPE_NUMBERS.get(value.toLowerCase()) : undefined;
  if (n === undefined) mismatch(where, `must be a Sparkplug data type (Int32, Double, String, ...), not ${JSON.stringify(value)}`);
  return n;
}

function integer(value: unknown, where: string, min: bigint, max: bigint): bigint {
  const ok = (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^-?\d+$/.test(value));
  if (!ok) mismatch(where, `must be a whole number, not ${JSON.stringify(value)}`);
  const n = BigInt(value as number | string);
  if (n < min || n > max) mismatch(where, `is out of range: ${String(value)}`);
  return n;
}

const RANGES: Record<number, [bigint, bigint]> = {
  1: [-128n, 127n], 2: [-32768n, 32767n], 3: [-(2n ** 31n), 2n ** 31n - 1n], 4: [-(2n ** 63n), 2n ** 63n - 1n],
  5: [0n, 255n], 6: [0n, 65535n], 7: [0n, 2n ** 32n - 1n], 8: [0n, 2n ** 64n - 1n], 13: [0n, 2n ** 64n - 1n],
};

type LongClass = { fromString(text: string, unsigned: boolean): unknown };

/** A 64-bit field's value (protobufjs takes Long objects; two's complement for negatives). */
function longText(n: bigint): unknown {
  return (protobuf.util.Long as unknown as LongClass).fromString(BigInt.asUintN(64, n).toString(), true);
}

function numberValue(value: unknown, where: string): number {
  if (typeof value !== 'number') mismatch(where, `must be a number, not ${JSON.stringify(value)}`);
  return value;
}

function stringOf(value: unknown, where: string): string {
  if (typeof value !== 'string') mismatch(where, `must be a string, not ${JSON.stringify(value)}`);
  return value;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) mismatch(where, `must be a list, not ${JSON.stringify(value)}`);
  return value;
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) mismatch(where, `must be an object, not ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

/** Set the value field of a Metric/PropertyValue/DataSetValue/Parameter for this data type. */
function setValue(target: Proto, datatype: number, value: unknown, where: string): void {
  switch (datatype) {
    case 1: case 2: case 3: case 5: case 6:
      target.intValue = Number(BigInt.asUintN(32, integer(value, where, ...RANGES[datatype]!)));
      return;
    case 4: case 7: case 8: case 13:
      target.longValue = longText(integer(value, where, ...RANGES[datatype]!));
      return;
    case 9: target.floatValue = numberValue(value, where); return;
    case 10: target.doubleValue = numberValue(value, where); return;
    case 11:
      if (typeof value !== 'boolean') mismatch(where, `must be true or false, not ${JSON.stringify(value)}`);
      target.booleanValue = value;
      return;
    case 12: case 14: case 15: target.stringValue = stringOf(value, where); return;
    case 16: target.datasetValue = encodeDataSet(object(value, where), where); return;
    case 17: case 18: target.bytesValue = Buffer.from(stringOf(value, where), 'base64'); return;
    case 19: target.templateValue = encodeTemplate(object(value, where), where); return;
    case 20: target.propertysetValue = encodePropertySet(object(value, where), where); return;
    case 21: target.propertysetsValue = { propertyset: list(value, where).map((set, i) => encodePropertySet(object(set, `${where}[${i}]`), `${where}[${i}]`)) }; return;
    default:
      if (datatype >= 22 && datatype <= 34) target.bytesValue = encodeArray(datatype, list(value, where), where);
      else mismatch(where, `cannot be given for data type ${typeName(datatype)}`);
  }
}

function encodeArray(datatype: number, items: unknown[], where: string): Buffer {
  if (datatype === 33) return Buffer.concat(items.map((item, i) => Buffer.from(`${stringOf(item, `${where}[${i}]`)}\0`, 'utf8')));
  if (datatype === 32) {
    const bytes = Buffer.alloc(4 + Math.ceil(items.length / 8));
    bytes.writeUInt32LE(items.length, 0);
    items.forEach((item, i) => {
      if (typeof item !== 'boolean') mismatch(`${where}[${i}]`, `must be true or false, not ${JSON.stringify(item)}`);
      if (item) bytes[4 + (i >> 3)]! |= 0x80 >> (i & 7);
    });
    return bytes;
  }
  const size = [1, 2, 4, 8, 1, 2, 4, 8, 4, 8][datatype - 22] ?? 8;
  const bytes = Buffer.alloc(items.length * size);
  items.forEach((item, i) => {
    const at = `${where}[${i}]`;
    const o = i * size;
    switch (datatype) {
      case 22: bytes.writeInt8(Number(integer(item, at, -128n, 127n)), o); break;
      case 23: bytes.writeInt16LE(Number(integer(item, at, -32768n, 32767n)), o); break;
      case 24: bytes.writeInt32LE(Number(integer(item, at, ...RANGES[3]!)), o); break;
      case 25: bytes.writeBigInt64LE(integer(item, at, ...RANGES[4]!), o); break;
      case 26: bytes.writeUInt8(Number(integer(item, at, 0n, 255n)), o); break;
      case 27: bytes.writeUInt16LE(Number(integer(item, at, 0n, 65535n)), o); break;
      case 28: bytes.writeUInt32LE(Number(integer(item, at, ...RANGES[7]!)), o); break;
      case 29: case 34: bytes.writeBigUInt64LE(integer(item, at, ...RANGES[8]!), o); break;
      case 30: bytes.writeFloatLE(numberValue(item, at), o); break;
      default: bytes.writeDoubleLE(numberValue(item, at), o); break;
    }
  });
  return bytes;
}

function encodeDataSet(d: Record<string, unknown>, where: string): Proto {
  const columns = list(d.columns, `${where}.columns`).map((c, i) => stringOf(c, `${where}.columns[${i}]`));
  const types = list(d.types, `${where}.types`).map((t, i) => datatypeNumber(t, `${where}.types[${i}]`));
  const rows = list(d.rows ?? [], `${where}.rows`).map((row, r) => ({
    elements: list(row, `${where}.rows[${r}]`).map((value, c) => {
      const element: Proto = {};
      setValue(element, types[c] ?? 0, value, `${where}.rows[${r}][${c}]`);
      return element;
    }),
  }));
  return { numOfColumns: longText(BigInt(d.numOfColumns === undefined ? columns.length : integer(d.numOfColumns, `${where}.numOfColumns`, 0n, 2n ** 32n))), columns, types, rows };
}

function encodePropertySet(set: Record<string, unknown>, where: string): Proto {
  const keys = Object.keys(set);
  const values = keys.map((key) => {
    const at = `${where}.${key}`;
    const p = object(set[key], at);
    const type = datatypeNumber(p.type, `${at}.type`);
    const value: Proto = { type };
    if (p.value === null || p.value === undefined || p.isNull === true) value.isNull = true;
    else setValue(value, type, p.value, `${at}.value`);
    return value;
  });
  return { keys, values };
}

function encodeTemplate(t: Record<string, unknown>, where: string): Proto {
  const out: Proto = {};
  if (t.version !== undefined) out.version = stringOf(t.version, `${where}.version`);
  if (t.templateRef !== undefined) out.templateRef = stringOf(t.templateRef, `${where}.templateRef`);
  if (t.isDefinition !== undefined) out.isDefinition = Boolean(t.isDefinition);
  out.metrics = list(t.metrics ?? [], `${where}.metrics`).map((m, i) => encodeMetric(object(m, `${where}.metrics[${i}]`), `${where}.metrics[${i}]`));
  out.parameters = list(t.parameters ?? [], `${where}.parameters`).map((p, i) => {
    const at = `${where}.parameters[${i}]`;
    const parameter = object(p, at);
    const type = datatypeNumber(parameter.type, `${at}.type`);
    const proto: Proto = { type };
    if (parameter.name !== undefined) proto.name = stringOf(parameter.name, `${at}.name`);
    if (parameter.value !== undefined && parameter.value !== null) setValue(proto, type, parameter.value, `${at}.value`);
    return proto;
  });
  return out;
}

const METRIC_FIELDS = new Set(['name', 'alias', 'timestamp', 'datatype', 'type', 'value', 'isNull', 'isHistorical', 'isTransient', 'metadata', 'properties']);

function encodeMetric(m: Record<string, unknown>, where: string): Proto {
  for (const key of Object.keys(m)) if (!METRIC_FIELDS.has(key)) mismatch(`${where}.${key}`, 'is not a metric field (name, alias, timestamp, datatype, value, isNull, isHistorical, isTransient, metadata, properties)');
  const out: Proto = {};
  if (m.name !== undefined) out.name = stringOf(m.name, `${where}.name`);
  if (m.alias !== undefined) out.alias = longText(integer(m.alias, `${where}.alias`, 0n, 2n ** 64n - 1n));
  if (m.timestamp !== undefined) out.timestamp = longText(integer(m.timestamp, `${where}.timestamp`, 0n, 2n ** 64n - 1n));
  const typeGiven = m.datatype ?? m.type;
  if (typeGiven === undefined) mismatch(`${where}.datatype`, 'is missing');
  const datatype = datatypeNumber(typeGiven, `${where}.datatype`);
  out.datatype = datatype;
  if (m.isHistorical !== undefined) out.isHistorical = Boolean(m.isHistorical);
  if (m.isTransient !== undefined) out.isTransient = Boolean(m.isTransient);
  if (m.metadata !== undefined) {
    const md = object(m.metadata, `${where}.metadata`);
    const metadata: Proto = {};
    for (const key of METADATA_FIELDS) {
      if (md[key] === undefined) continue;
      metadata[key] = key === 'size' || key === 'seq' ? longText(integer(md[key], `${where}.metadata.${key}`, 0n, 2n ** 64n - 1n)) : md[key];
    }
    out.metadata = metadata;
  }
  if (m.properties !== undefined) out.properties = encodePropertySet(object(m.properties, `${where}.properties`), `${where}.properties`);
  if (m.isNull === true || m.value === null || (m.value === undefined && m.isNull !== false)) {
    if (m.value !== undefined && m.value !== null) mismatch(`${where}.value`, 'is given although isNull is true');
    if (m.value === null || m.isNull === true) out.isNull = true;
  } else {
    setValue(out, datatype, m.value, `${where}.value`);
  }
  return out;
}

const PAYLOAD_FIELDS = new Set(['timestamp', 'seq', 'uuid', 'body', 'metrics']);

/**
 * The Sparkplug codec. It remembers, per edge node, the aliases its NBIRTH and DBIRTHs named, and
 * when encoding counts seq 0-255 per topic (filled in, with the timestamp, when the input has none).
 */
export function sparkplugCodec(now: () => number = Date.now): Codec {
  const aliases = new Map<string, Map<string, string>>();
  const seqs = new Map<string, number>();
  return {
    label: 'sparkplug',
    decode(payload, topic) {
      // spBv1.0/STATE/<host>: a host application's state is not protobuf but JSON (Sparkplug 3.0,
      // {"online": true, "timestamp": ...}) or the text ONLINE/OFFLINE (2.2).
      if (topic.startsWith('spBv1.0/STATE/')) return stateJson(payload);
      const parts = topicParts(topic);
      const names = parts ? aliases.get(parts.node) : undefined;
      const json = sparkplugJson(payload, parts?.type.endsWith('BIRTH') ? undefined : names);
      if (parts && (parts.type === 'NBIRTH' || parts.type === 'DBIRTH')) {
        let map = aliases.get(parts.node);
        if (!map || parts.type === 'NBIRTH') aliases.set(parts.node, map = new Map());
        for (const metric of json.metrics as Record<string, unknown>[]) {
          if (metric.alias !== undefined && typeof metric.name === 'string') map.set(String(metric.alias), metric.name);
        }
      }
      return JSON.stringify(json);
    },
    encode(value, topic) {
      // A host application's state: JSON as given (a string is sent as its text, 2.2's ONLINE/OFFLINE).
      if (topic.startsWith('spBv1.0/STATE/')) return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
      const input = object(value, '(the payload)');
      for (const key of Object.keys(input)) if (!PAYLOAD_FIELDS.has(key)) mismatch(key, 'is not a Sparkplug payload field (timestamp, seq, uuid, body, metrics)');
      const payload: Proto = {};
      payload.timestamp = longText(input.timestamp === undefined ? BigInt(now()) : integer(input.timestamp, 'timestamp', 0n, 2n ** 64n - 1n));
      let seq: bigint;
      if (input.seq === undefined) seq = BigInt(seqs.get(topic) ?? 0);
      else seq = integer(input.seq, 'seq', 0n, 255n);
      seqs.set(topic, (Number(seq) + 1) % 256);
      payload.seq = longText(seq);
      if (input.uuid !== undefined) payload.uuid = stringOf(input.uuid, 'uuid');
      if (input.body !== undefined) payload.body = Buffer.from(stringOf(input.body, 'body'), 'base64');
      payload.metrics = list(input.metrics ?? [], 'metrics').map((m, i) => encodeMetric(object(m, `metrics[${i}]`), `metrics[${i}]`));
      const type = sparkplugPayload();
      return Buffer.from(type.encode(type.create(payload)).finish());
    },
  };
}
