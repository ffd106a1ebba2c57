/** avro:FILE.avsc with avsc: Avro's binary encoding <-> its JSON encoding (unions as {"type": value}). */
import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { SchemaError, SchemaMismatch, type Codec } from './codec.js';
import { displayPath, jsonErrorLine } from './files.js';


export function loadAvroSchema(file: string): avro.Type {
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
    return avro.Type.forSchema(schema as avro.Schema, { wrapUnions: true });
  } catch (error) {
    throw new SchemaError(`Cannot use ${displayPath(file)} as an Avro schema: ${(error as Error).message}.`);
  }
}

export function avroCodec(label: string, type: avro.Type): Codec {
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
        type.isValid(value, { errorHook: (path) => { if (paths.length === 0) paths.push(path.join('.')); } });
        const where = paths[0] ? `field "${paths[0]}"` : 'the value';
        throw new SchemaMismatch(`${where} does not fit the schema (${(error as Error).message})`);
      }
      return type.toBuffer(decoded);
    },
  };
}
