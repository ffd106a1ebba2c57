/** avro:FILE.avsc with avsc: Avro's binary encoding <-> its JSON encoding (unions as {"type": value}). */
import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { SchemaError, SchemaMismatch, type Codec } from './codec.js';
import { displayPath, jsonErrorLine } from './files.js';


const safe = (n: bigint) => n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Avro longs as BigInt, so that all 64 bits survive (avsc's own refuses values beyond 2^53); in JSON
 * a number within 2^53, else its decimal text, as the other codecs.
 */
const LONG = (avro.types.LongType as unknown as { __with(methods: Record<string, unknown>): avro.Type }).__with({
  fromBuffer: (buffer: Buffer) => buffer.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64LE(BigInt(n));
    return buffer;
  },
  fromJSON: (value: unknown) => BigInt(value as string | number),
  toJSON: (n: bigint) => (safe(n) ? Number(n) : n.toString()),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

/** The schema's type (longs as BigInt) and the same with avsc's plain longs, whose validator finds a bad field of JSON input. */
export interface AvroSchema {
  type: avro.Type;
  plain: avro.Type;
}

export function loadAvroSchema(file: string): AvroSchema {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SchemaError(`Cannot read the schema ${displayPath(file)}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    const line = jsonErrorLine(text);
    throw new SchemaError(`Cannot parse ${displayPath(file)}, ${line !== undefined ? `line ${line}: ` : ''}not JSON (${(error as Error).message}).`);
  }
  try {
    return {
      type: avro.Type.forSchema(schema as avro.Schema, { wrapUnions: true, registry: { long: LONG } }),
      plain: avro.Type.forSchema(schema as avro.Schema, { wrapUnions: true }),
    };
  } catch (error) {
    throw new SchemaError(`Cannot use ${displayPath(file)} as an Avro schema: ${(error as Error).message}.`);
  }
}

export function avroCodec(label: string, { type, plain }: AvroSchema): Codec {
  return {
    label,
    decode(payload) {
      return type.toString(type.fromBuffer(payload));
    },
    encode(value) {
      let decoded: unknown;
      try {
        decoded = type.fromString(JSON.stringify(value));
      } catch (error) {
        // avsc says what is wrong, not where: its validator finds the field.
        const paths: string[] = [];
        plain.isValid(value, { errorHook: (path) => { if (paths.length === 0) paths.push(path.join('.')); } });
        const where = paths[0] ? `field "${paths[0]}"` : 'the value';
        throw new SchemaMismatch(`${where} does not fit the schema (${(error as Error).message})`);
      }
      return type.toBuffer(decoded);
    },
  };
}
