/** MessagePack with @msgpack/msgpack; JSON as in json-value.ts (ext types as {"type": n, "data": base64}). */
import { decode, encode, ExtData } from '@msgpack/msgpack';
import type { Codec } from './codec.js';
import { toJsonText, toJsonValue } from './json-value.js';

/** Any map key (the default refuses all but strings and numbers): a string as it is, else its JSON text. */
const keyAsIs = (key: unknown) => (typeof key === 'string' ? key : JSON.stringify(toJsonValue(plain(key))));

function plain(value: unknown): unknown {
  if (value instanceof ExtData) return { type: value.type, data: value.data };
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [plain(k), plain(v)]));
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array) && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = plain((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export function msgpackCodec(): Codec {
  return {
    label: 'msgpack',
    decode(payload) {
      return toJsonText(plain(decode(payload, { useBigInt64: true, mapKeyConverter: keyAsIs })));
    },
    encode(value) {
      return Buffer.from(encode(value));
    },
  };
}
