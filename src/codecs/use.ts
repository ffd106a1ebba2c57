/**
 * The CLI's side of the codecs: loads src/codecs/load.ts (dist/codecs.cjs in the build, read only when
 * a command decodes or encodes) and turns its schema errors into the CLI's UsageError.
 */
import { UsageError } from '../errors.js';
import type { Codec, MessageDecoder } from './load.js';
import type { CodecSpec, DecodeRule } from './spec.js';

export type { Codec, DecodeResult, MessageDecoder } from './load.js';

async function codecs(): Promise<typeof import('./load.js')> {
  return import('./load.js');
}

function usable(error: unknown): unknown {
  return error instanceof Error && error.name === 'SchemaError' ? new UsageError(error.message) : error;
}

/** The decoder of `--decode` rules; a schema that cannot be used is a UsageError. */
export async function loadMessageDecoder(rules: readonly DecodeRule[]): Promise<MessageDecoder> {
  const module = await codecs();
  try {
    return await module.createMessageDecoder(rules);
  } catch (error) {
    throw usable(error);
  }
}

/** One codec for `--encode`; a schema that cannot be used is a UsageError. */
export async function loadEncoder(spec: CodecSpec): Promise<Codec> {
  const module = await codecs();
  try {
    return await module.loadCodec(spec);
  } catch (error) {
    throw usable(error);
  }
}

/** Whether an encode error is the input not fitting the schema (else a bug or a library failure). */
export function isSchemaMismatch(error: unknown): error is Error {
  return error instanceof Error && error.name === 'SchemaMismatch';
}
