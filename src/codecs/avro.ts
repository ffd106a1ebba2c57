/** avro:FILE.avsc with avsc: Avro's binary encoding <-> its JSON encoding (unions as {"type": value}). */
import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { SchemaError, SchemaMismatch, type Codec } from './codec.js';
import { displayPath } from './files.js';

/** Where a JSON.parse error points, as a line number. */
function lineOf(text: string, message: string): number | undefined {
  const line = /line (\d+)/.exec(message);
  if (line) return Number(line[1]);
  const position = /position (\d+)/.exec(message);
  if (!position) return undefined;
  return text.slice(0, Number(position[1])).split('\n').length;
}

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
    const message = (error as Error).message;
    const line = lineOf(text, message);
    throw new SchemaError(`Cannot parse ${displayPath(file)}, ${line !== undefined ? `line ${line}: ` : ''}not JSON (${message.replace(/ in JSON at position \d+.*$/, '').replace(/ \(line \d+ column \d+\)$/, '')}).`);
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
        throw new SchemaMismatch((error as Error).message);
      }
      const paths: string[] = [];
      if (!type.isValid(decoded, { errorHook: (path) => { if (paths.length === 0) paths.push(path.join('.')); } })) {
        throw new SchemaMismatch(`field "${paths[0] || '(the record)'}" does not fit the schema`);
      }
      return type.toBuffer(decoded);
    },
  };
}
