/**
 * `--decode` / `--encode` values and the rc file's `decode` map -> codec specs. Pure, and small: it is
 * all `mq sub --decode` loads before the codecs themselves (src/codecs/load.ts, a bundle of its own).
 *
 *   sparkplug | protobuf:FILE.proto[:package.Message] | avro:FILE.avsc | cbor | msgpack | json
 *   --decode [FILTER=]CODEC   (several: the first filter that matches the topic wins)
 *   --decode auto             = spBv1.0/#=sparkplug (by topic, never by sniffing the bytes)
 */
import path from 'node:path';
import { UsageError } from '../errors.js';
import { filterProblem } from '../mqtt/topic.js';

export type CodecSpec =
  | { kind: 'sparkplug' }
  | { kind: 'protobuf'; file: string; type?: string }
  | { kind: 'avro'; file: string }
  | { kind: 'cbor' }
  | { kind: 'msgpack' }
  | { kind: 'json' };

/** One filter -> codec mapping of `--decode`. */
export interface DecodeRule {
  filter: string;
  codec: CodecSpec;
}

export const CODEC_NAMES = ['sparkplug', 'protobuf', 'avro', 'cbor', 'msgpack', 'json'] as const;

const CODEC_LIST = 'sparkplug, protobuf:FILE.proto[:package.Message], avro:FILE.avsc, cbor, msgpack or json';

/** The codec's name as messages show it: `protobuf:fleet.proto:fleet.Reading`, `cbor`. */
export function codecLabel(codec: CodecSpec): string {
  switch (codec.kind) {
    case 'protobuf': return `protobuf:${codec.file}${codec.type !== undefined ? `:${codec.type}` : ''}`;
    case 'avro': return `avro:${codec.file}`;
    default: return codec.kind;
  }
}

/**
 * One codec name. Schema files are resolved against `baseDir` (the working folder for flags, the rc
 * file's folder for the rc file). `where` names the flag for the error message.
 */
export function parseCodec(text: string, where: string, baseDir: string, shown = text): CodecSpec {
  const bad = (why: string) => new UsageError(`Invalid ${where} '${shown}': ${why}.`);
  const colon = text.indexOf(':');
  const name = (colon < 0 ? text : text.slice(0, colon)).trim().toLowerCase();
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  switch (name) {
    case 'sparkplug':
    case 'cbor':
    case 'msgpack':
    case 'json':
      if (colon >= 0) throw bad(`${name} takes no file`);
      return { kind: name };
    case 'protobuf': {
      if (rest === '') throw bad('protobuf needs a .proto file: protobuf:FILE.proto or protobuf:FILE.proto:package.Message');
      // FILE.proto[:package.Message]: the type follows the last colon after ".proto".
      const at = rest.lastIndexOf('.proto:');
      const file = at < 0 ? rest : rest.slice(0, at + 6);
      const type = at < 0 ? undefined : rest.slice(at + 7);
      if (type === '') throw bad('the message type after the last colon is empty');
      return { kind: 'protobuf', file: path.resolve(baseDir, file), ...(type !== undefined ? { type } : {}) };
    }
    case 'avro':
      if (rest === '') throw bad('avro needs a schema file: avro:FILE.avsc');
      return { kind: 'avro', file: path.resolve(baseDir, rest) };
    default:
      throw bad(`unknown codec "${name}"; use ${CODEC_LIST}`);
  }
}

/** Where a `FILTER=CODEC` value splits: the last "=" followed by a codec name. */
function splitRule(text: string): [filter: string | undefined, codec: string] {
  for (let at = text.lastIndexOf('='); at >= 0; at = text.lastIndexOf('=', at - 1)) {
    const codec = text.slice(at + 1);
    const name = codec.split(':')[0]!.trim().toLowerCase();
    if ((CODEC_NAMES as readonly string[]).includes(name)) return [text.slice(0, at), codec];
    if (at === 0) break;
  }
  // No codec name after any "=": a codec alone, or FILTER=(an unknown codec).
  const name = text.split(':')[0]!.trim().toLowerCase();
  const last = text.lastIndexOf('=');
  if ((CODEC_NAMES as readonly string[]).includes(name) || last < 0) return [undefined, text];
  return [text.slice(0, last), text.slice(last + 1)];
}

/** The rule `--decode auto` stands for. */
export const AUTO_RULE: DecodeRule = { filter: 'spBv1.0/#', codec: { kind: 'sparkplug' } };

/** Every `--decode` value, in order (the first matching filter wins). */
export function parseDecodeFlags(values: readonly string[], baseDir: string): DecodeRule[] {
  return values.map((raw) => {
    const text = String(raw);
    if (text.trim().toLowerCase() === 'auto') return AUTO_RULE;
    const [filter, codec] = splitRule(text);
    if (filter !== undefined) checkDecodeFilter(filter, `--decode '${text}'`);
    return { filter: filter ?? '#', codec: parseCodec(codec, '--decode', baseDir, text) };
  });
}

/**
 * The rc file's `decode`: {"FILTER": "CODEC", ...} (or "auto", or one codec name for every topic).
 * Schema paths are relative to the rc file's folder.
 */
export function parseDecodeSetting(value: unknown, baseDir: string, where: string): DecodeRule[] {
  if (typeof value === 'string') return value.trim().toLowerCase() === 'auto' ? [AUTO_RULE] : [{ filter: '#', codec: parseCodec(value, where, baseDir) }];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`Invalid ${where}: use an object of topic filters to codecs, e.g. {"spBv1.0/#": "sparkplug"}.`);
  }
  return Object.entries(value as Record<string, unknown>).map(([filter, codec]) => {
    if (typeof codec !== 'string') throw new UsageError(`Invalid ${where} for '${filter}': the codec must be a string such as "cbor".`);
    checkDecodeFilter(filter, `${where} '${filter}'`);
    return { filter, codec: parseCodec(codec, `${where} for '${filter}'`, baseDir) };
  });
}

function checkDecodeFilter(filter: string, where: string): void {
  const problem = filterProblem(filter);
  if (problem) throw new UsageError(`Invalid topic filter '${filter}' in ${where}: ${problem}.`);
}
