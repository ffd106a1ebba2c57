/** What every payload codec offers (src/codecs/load.ts makes them). */
export interface Codec {
  /** The name messages show: `cbor`, `protobuf:fleet.proto:fleet.Reading`. */
  readonly label: string;
  /** The payload as compact JSON text on one line; throws an Error whose message says why it does not decode. */
  decode(payload: Buffer, topic: string): string;
  /**
   * A JSON value (mq pub --encode) as the binary payload; throws an Error whose message names the
   * field that does not fit the schema.
   */
  encode(value: unknown, topic: string): Buffer;
}

/** Why a value does not fit a schema: `field` is its path (`reading.temp`, `metrics[2].value`). */
export class SchemaMismatch extends Error {
  override readonly name = 'SchemaMismatch';
}

/**
 * A schema file that cannot be used (unreadable, does not parse, no such message type). The codecs
 * are a bundle of their own, so they do not throw the CLI's UsageError themselves: src/codecs/use.ts
 * turns this into one (exit 1, before connecting).
 */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
}
