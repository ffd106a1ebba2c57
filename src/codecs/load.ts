/**
 * The codecs' entry: built as dist/codecs.cjs of its own (scripts/build.mjs), so `mq sub` without
 * --decode never reads it. Each codec's library is loaded only when a rule names it.
 */
import { compileFilter } from '../mqtt/topic.js';
import type { Codec } from './codec.js';
import { displayPath } from './files.js';
import { codecLabel, type CodecSpec, type DecodeRule } from './spec.js';

export type { Codec } from './codec.js';
export { SchemaError, SchemaMismatch } from './codec.js';

/** Load one codec: read and check its schema file (a SchemaError when it cannot be used). */
export async function loadCodec(spec: CodecSpec): Promise<Codec> {
  const label = codecLabel('file' in spec ? { ...spec, file: displayPath(spec.file) } : spec);
  switch (spec.kind) {
    case 'sparkplug': return (await import('./sparkplug.js')).sparkplugCodec();
    case 'protobuf': {
      const { loadProto, pickType, protobufCodec } = await import('./protobuf.js');
      return protobufCodec(label, pickType(loadProto(spec.file), spec.file, spec.type));
    }
    case 'avro': {
      const { avroCodec, loadAvroSchema } = await import('./avro.js');
      return avroCodec(label, loadAvroSchema(spec.file));
    }
    case 'cbor': return (await import('./cbor.js')).cborCodec();
    case 'msgpack': return (await import('./msgpack.js')).msgpackCodec();
    case 'json': return (await import('./json.js')).jsonCodec();
  }
}

/** What decoding made of one message. */
export type DecodeResult =
  | { ok: true; json: Buffer }
  | { ok: false; codec: string; reason: string };

/** Topic + payload -> the decoded JSON, why it did not decode, or undefined when no filter matches. */
export type MessageDecoder = (topic: string, payload: Buffer) => DecodeResult | undefined;

/** The rules in order, each with its codec loaded once (rules naming the same codec share it). */
export async function createMessageDecoder(rules: readonly DecodeRule[]): Promise<MessageDecoder> {
  const codecs = new Map<string, Codec>();
  const compiled: Array<{ matches: (topic: string) => boolean; codec: Codec }> = [];
  for (const rule of rules) {
    const key = JSON.stringify(rule.codec);
    let codec = codecs.get(key);
    if (!codec) codecs.set(key, codec = await loadCodec(rule.codec));
    compiled.push({ matches: rule.filter === '#' ? () => true : compileFilter(rule.filter), codec });
  }
  // The last topic's rule, since a stream tends to repeat topics.
  let lastTopic: string | undefined;
  let lastCodec: Codec | undefined;
  return (topic, payload) => {
    let codec: Codec | undefined;
    if (topic === lastTopic) {
      codec = lastCodec;
    } else {
      codec = compiled.find((rule) => rule.matches(topic))?.codec;
      lastTopic = topic;
      lastCodec = codec;
    }
    if (!codec) return undefined;
    try {
      return { ok: true, json: Buffer.from(codec.decode(payload, topic), 'utf8') };
    } catch (error) {
      return { ok: false, codec: codec.label, reason: oneLine(error) };
    }
  };
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').trim() || 'it does not decode';
}
