/**
 * protobuf:FILE.proto[:package.Message]: .proto files parsed at run time by protobufjs; payloads as
 * the proto3 JSON mapping (lowerCamelCase names, 64-bit integers as strings, bytes as base64, enums
 * by name, default values left out).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { SchemaError, SchemaMismatch, type Codec } from './codec.js';
import { displayPath } from './files.js';
import { fromProto3Json, isWellKnown, toProto3Json, wellKnownProblem } from './well-known.js';

type Type = protobuf.Type;

/** protobufjs' parse error "illegal token 'x' (line 3)" -> "line 3: illegal token 'x'". */
function parseProblem(error: Error): string {
  const match = /^(.*) \((?:[^,()]*, )?line (\d+)\)$/.exec(error.message);
  return match ? `line ${match[2]}: ${match[1]}` : error.message;
}

/** Parse a .proto file (and the files it imports, relative to it) into one Root. */
export function loadProto(file: string, root = new protobuf.Root(), seen = new Set<string>(), importedBy?: string): protobuf.Root {
  if (seen.has(file)) return root;
  seen.add(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const by = importedBy !== undefined ? ` (imported by ${displayPath(importedBy)})` : '';
    throw new SchemaError(`Cannot read the schema ${displayPath(file)}${by}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  let parsed: protobuf.IParserResult;
  try {
    parsed = protobuf.parse(text, root, { keepCase: false });
  } catch (error) {
    throw new SchemaError(`Cannot parse ${displayPath(file)}, ${parseProblem(error as Error)}.`);
  }
  for (const name of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) {
    if (name.startsWith('google/protobuf/')) {
      const common = (protobuf as unknown as { common: { get(name: string): protobuf.INamespace | null } }).common.get(name);
      if (common) root.addJSON(common.nested ?? {});
      continue;
    }
    loadProto(path.resolve(path.dirname(file), name), root, seen, file);
  }
  try {
    root.resolveAll();
  } catch (error) {
    throw new SchemaError(`Cannot use ${displayPath(file)}: ${(error as Error).message}.`);
  }
  return root;
}

/** Every message type of a root, by full name (package.Message). */
export function messageTypes(root: protobuf.NamespaceBase): Type[] {
  const types: Type[] = [];
  const walk = (ns: protobuf.NamespaceBase) => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) types.push(nested);
      if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) walk(nested as protobuf.NamespaceBase);
    }
  };
  walk(root);
  return types;
}

function fullName(type: protobuf.ReflectionObject): string {
  return type.fullName.replace(/^\./, '');
}

/** The message type to use: named, or the only one the file defines. */
export function pickType(root: protobuf.Root, file: string, name: string | undefined): Type {
  const types = messageTypes(root);
  const known = types.map(fullName).join(', ');
  if (name === undefined) {
    if (types.length === 1) return types[0]!;
    if (types.length === 0) throw new SchemaError(`${displayPath(file)} defines no message type.`);
    throw new SchemaError(`${displayPath(file)} defines ${types.length} message types; name one as protobuf:${displayPath(file)}:TYPE (known: ${known}).`);
  }
  const byShortName = types.filter((type) => type.name === name);
  const found = types.find((type) => fullName(type) === name) ?? (byShortName.length === 1 ? byShortName[0] : undefined);
  if (!found) throw new SchemaError(`Unknown message type '${name}' in ${displayPath(file)}; known: ${known}.`);
  return found;
}

/** toObject options of the proto3 JSON mapping. */
export const JSON_MAPPING: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, json: true };

/** Why `value` does not fit `type` (the path of the first field that does not), or undefined. */
export function schemaProblem(type: Type, value: unknown, at = ''): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${at || 'the message'} must be a JSON object`;
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    const field = type.fields[key];
    const where = at ? `${at}.${key}` : key;
    if (!field) return `unknown field "${where}" (fields: ${type.fieldsArray.map(protobufJsonName).join(', ')})`;
    const item = object[key];
    if (item === null) continue;
    field.resolve();
    if (field.map) {
      if (typeof item !== 'object' || Array.isArray(item)) return `field "${where}" must be an object (a map)`;
      for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
        const problem = scalarProblem(field, v, `${where}.${k}`);
        if (problem) return problem;
      }
    } else if (field.repeated) {
      if (!Array.isArray(item)) return `field "${where}" must be a list`;
      for (let i = 0; i < item.length; i++) {
        const problem = scalarProblem(field, item[i], `${where}[${i}]`);
        if (problem) return problem;
      }
    } else {
      const problem = scalarProblem(field, item, where);
      if (problem) return problem;
    }
  }
  for (const field of type.fieldsArray) {
    if (field.required && object[field.name] === undefined && object[protobufJsonName(field)] === undefined) {
      return `missing required field "${at ? `${at}.` : ''}${protobufJsonName(field)}"`;
    }
  }
  return undefined;
}

function protobufJsonName(field: protobuf.Field): string {
  return field.name;
}

const INTEGER = /^-?\d+$/;

function scalarProblem(field: protobuf.Field, value: unknown, where: string): string | undefined {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return isWellKnown(resolved) ? wellKnownProblem(resolved, value, where) : schemaProblem(resolved, value, where);
  if (resolved instanceof protobuf.Enum) {
    if (typeof value === 'string' ? resolved.values[value] === undefined : !Number.isInteger(value)) {
      return `field "${where}" must be one of ${Object.keys(resolved.values).join(', ')}, not ${JSON.stringify(value)}`;
    }
    return undefined;
  }
  switch (field.type) {
    case 'string':
      return typeof value === 'string' ? undefined : `field "${where}" must be a string, not ${JSON.stringify(value)}`;
    case 'bool':
      return typeof value === 'boolean' ? undefined : `field "${where}" must be true or false, not ${JSON.stringify(value)}`;
    case 'bytes':
      return typeof value === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value) ? undefined : `field "${where}" must be base64 text, not ${JSON.stringify(value)}`;
    case 'double':
    case 'float':
      return typeof value === 'number' || (typeof value === 'string' && (/^(NaN|-?Infinity)$/.test(value) || (value.trim() !== '' && Number.isFinite(Number(value)))))
        ? undefined : `field "${where}" must be a number, not ${JSON.stringify(value)}`;
    default: {
      // integers: 32-bit as numbers, 64-bit as numbers or strings of digits
      const ok = (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && INTEGER.test(value));
      if (!ok) return `field "${where}" must be a whole number (${field.type}), not ${JSON.stringify(value)}`;
      const n = BigInt(value as number | string);
      const unsigned = field.type.startsWith('u') || field.type.startsWith('fixed');
      const bits = field.type.endsWith('64') ? 64n : 32n;
      const min = unsigned ? 0n : -(1n << (bits - 1n));
      const max = unsigned ? (1n << bits) - 1n : (1n << (bits - 1n)) - 1n;
      return n < min || n > max ? `field "${where}" is out of range for ${field.type}: ${String(value)}` : undefined;
    }
  }
}

/** Whether any field, however deep, is of a well-known type (else the JSON mapping needs no second pass). */
function usesWellKnown(type: Type, seen = new Set<Type>()): boolean {
  if (seen.has(type)) return false;
  seen.add(type);
  return type.fieldsArray.some((field) => {
    const resolved = field.resolve().resolvedType;
    return resolved instanceof protobuf.Type && (isWellKnown(resolved) || usesWellKnown(resolved, seen));
  });
}

export function protobufCodec(label: string, type: Type): Codec {
  const wellKnown = usesWellKnown(type);
  return {
    label,
    decode(payload) {
      const object = type.toObject(type.decode(payload), JSON_MAPPING);
      return JSON.stringify(wellKnown ? toProto3Json(type, object) : object);
    },
    encode(value) {
      const problem = schemaProblem(type, value);
      if (problem) throw new SchemaMismatch(problem);
      const object = value as Record<string, unknown>;
      return Buffer.from(type.encode(type.fromObject(wellKnown ? fromProto3Json(type, object) : object)).finish());
    },
  };
}
