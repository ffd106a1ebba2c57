/**
 * Payload text -> bytes for `--encoding` (and the NDJSON `encoding` field), and the MQTT size limit.
 * Pure.
 */

export type PayloadEncoding = 'utf8' | 'hex' | 'base64';

export const ENCODINGS: readonly PayloadEncoding[] = ['utf8', 'hex', 'base64'];

/** The largest "remaining length" an MQTT packet can have. */
export const MAX_REMAINING_LENGTH = 268_435_455;

export function parseEncoding(text: string, origin: string): PayloadEncoding | string {
  const value = text.toLowerCase();
  if (value === 'utf8' || value === 'utf-8' || value === 'text') return 'utf8';
  if (value === 'hex' || value === 'base64') return value;
  return `${origin}: unknown encoding "${text}"; use hex or base64 (or utf8 for plain text)`;
}

const HEX = /^[0-9a-fA-F]*$/;
// Standard and URL-safe alphabets; padding optional, only at the end.
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const HAS_WHITESPACE = /[\t\n\v\f\r ]/;
const WHITESPACE = /[\t\n\v\f\r ]+/g;

/**
 * Decode text in this encoding, or return why it cannot be decoded. ASCII whitespace is ignored
 * for hex and base64 (tools like `base64` and `xxd -p` wrap their output).
 */
export function decodePayload(text: Buffer | string, encoding: PayloadEncoding): Buffer | string {
  if (encoding === 'utf8') return typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let value = typeof text === 'string' ? text : text.toString('latin1');
  if (HAS_WHITESPACE.test(value)) value = value.replace(WHITESPACE, '');
  if (encoding === 'hex') {
    if (!HEX.test(value)) return 'it is not hex: use only 0-9 and a-f';
    if (value.length % 2 !== 0) return `it is not hex: an odd number of digits (${value.length})`;
    return Buffer.from(value, 'hex');
  }
  if (!BASE64.test(value)) return 'it is not base64: use only A-Z, a-z, 0-9, +, / (or -, _) and = at the end';
  const unpadded = value.replace(/=+$/, '');
  if (unpadded.length % 4 === 1 || (value.length > unpadded.length && value.length % 4 !== 0)) {
    return 'it is not base64: the length is wrong (truncated?)';
  }
  return Buffer.from(unpadded, 'base64');
}

/**
 * Why a PUBLISH with this topic and payload would not fit in an MQTT packet, or undefined.
 * The limit covers the topic, the packet id and the payload (properties are small and checked
 * by the broker).
 */
export function payloadSizeProblem(topicBytes: number, payloadBytes: number, qos: number): string | undefined {
  const overhead = 2 + topicBytes + (qos > 0 ? 2 : 0);
  if (payloadBytes + overhead <= MAX_REMAINING_LENGTH) return undefined;
  return `the payload is ${payloadBytes} bytes; an MQTT message holds at most ${MAX_REMAINING_LENGTH - overhead} bytes with this topic`;
}
