/**
 * CBOR (RFC 8949) with the `cbor` package, which reads every Appendix A vector, indefinite-length
 * strings included. JSON as RFC 8949 6.1 suggests, with mq's rules for the rest (json-value.ts): tags
 * give their content (bignums become integers), simple values and undefined are null.
 */
import cbor from 'cbor';
import type { Codec } from './codec.js';
import { toJsonText } from './json-value.js';

/** Tags whose content is kept as it is (the library would make Dates, URLs, RegExps, typed arrays). */
const tags: Record<number, (value: unknown) => unknown> = {};
for (const tag of Object.keys((cbor.Tagged as unknown as { TAGS: Record<string, unknown> }).TAGS)) {
  if (tag !== '2' && tag !== '3') tags[Number(tag)] = (value) => value;
}

function plain(value: unknown): unknown {
  if (value instanceof cbor.Tagged) return plain(value.value);
  if (value instanceof cbor.Simple) return null;
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [plain(k), plain(v)]));
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array) && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = plain((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export function cborCodec(): Codec {
  return {
    label: 'cbor',
    decode(payload) {
      const items = cbor.decodeAllSync(payload, { tags, preferMap: false });
      if (items.length !== 1) throw new Error(items.length === 0 ? 'no CBOR item' : `${items.length} CBOR items where one was expected`);
      return toJsonText(plain(items[0]));
    },
    encode(value) {
      return cbor.encodeOne(value, { canonical: false });
    },
  };
}
