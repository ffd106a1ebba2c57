/**
 * Decoded values -> JSON, the same way for every binary codec: byte strings as base64, integers
 * beyond 2^53 as strings, map keys that are not strings as their JSON text (numbers as digits),
 * dates as ISO 8601 text, values JSON has no room for (NaN, Infinity, undefined) as null.
 */
export function toJsonValue(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
    case 'undefined':
      return null;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map(toJsonValue);
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
      if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>, toJsonValue);
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      if (value instanceof Map) {
        const object: Record<string, unknown> = {};
        for (const [key, item] of value) object[mapKey(key)] = toJsonValue(item);
        return object;
      }
      if (value instanceof Set) return [...value].map(toJsonValue);
      const object: Record<string, unknown> = {};
      for (const key of Object.keys(value)) object[key] = toJsonValue((value as Record<string, unknown>)[key]);
      return object;
    }
    default:
      return null;
  }
}

function mapKey(key: unknown): string {
  if (typeof key === 'string') return key;
  const json = toJsonValue(key);
  return typeof json === 'string' ? json : JSON.stringify(json);
}

/** Compact JSON text of a decoded value. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(toJsonValue(value));
}

/**
 * JSON text without the whitespace between tokens (the `json` codec re-emits what it validated
 * this way, so numbers keep every digit they had).
 */
export function compactJson(text: string): string {
  let out = '';
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      out += text.slice(start, i);
      start = i + 1;
    }
  }
  return start === 0 ? text : out + text.slice(start);
}
