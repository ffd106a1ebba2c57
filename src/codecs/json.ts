/** json: validate and re-emit, compact, every number as it was written. */
import type { Codec } from './codec.js';
import { compactJson } from './json-value.js';

export function jsonCodec(): Codec {
  return {
    label: 'json',
    decode(payload) {
      const text = payload.toString('utf8');
      JSON.parse(text);
      return compactJson(text.trim());
    },
    encode(value) {
      return Buffer.from(JSON.stringify(value), 'utf8');
    },
  };
}
