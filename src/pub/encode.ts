/** --encode: JSON input -> a codec's payload, for -m/-f/-s, -l lines and --replay. */
import type { Codec } from '../codecs/use.js';

/** The codec, and how to tell input that does not fit its schema from a failure of the codec itself. */
export interface Encoder {
  codec: Codec;
  isSchemaMismatch(error: unknown): error is Error;
}

/**
 * JSON text (or an already parsed JSON value) -> the codec's payload for this topic, or what is
 * wrong with it: a string that completes "it ..." or "the payload ...".
 */
export function encodeJson(encoder: Encoder, text: Buffer | undefined, value: unknown, topic: string): Buffer | string {
  let input = value;
  if (text !== undefined) {
    try {
      input = JSON.parse(text.toString('utf8'));
    } catch (error) {
      return `is not JSON (${(error as Error).message})`;
    }
  }
  try {
    return encoder.codec.encode(input, topic);
  } catch (error) {
    if (encoder.isSchemaMismatch(error)) return `does not fit ${encoder.codec.label}: ${error.message}`;
    return `cannot be encoded as ${encoder.codec.label}: ${error instanceof Error ? error.message : String(error)}`;
  }
}
