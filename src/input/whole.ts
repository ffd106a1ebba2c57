/** `pub -s`, `pub -f`, `rr -s`, `rr -f`: the whole of a file or of stdin is one message. */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { decodePayload, MAX_REMAINING_LENGTH, type PayloadEncoding } from './payload.js';
import type { MessageSource } from './sources.js';

/**
 * The payload of a message source, found before connecting (mosquitto reads -f and -s first too):
 * -m and -n as they are, -f and -s read whole and decoded with `encoding`; undefined for -l, whose
 * lines are read as they arrive.
 */
export async function loadPayload(source: MessageSource, encoding: PayloadEncoding, io: Pick<Io, 'stdin' | 'cwd'>): Promise<Buffer | undefined> {
  switch (source.kind) {
    case 'message': return source.payload;
    case 'null': return Buffer.alloc(0);
    case 'lines': return undefined;
    case 'file':
      return decoded(await readMessageFile(source.path, io.cwd(), MAX_REMAINING_LENGTH), encoding, `-f ${source.path}`);
    case 'stdin': {
      // Encoded input (hex, base64) may be longer than the message it decodes to.
      const limit = encoding === 'utf8' ? MAX_REMAINING_LENGTH : MAX_REMAINING_LENGTH * 2;
      return decoded(await readMessageStdin(io.stdin as AsyncIterable<Buffer>, limit, MAX_REMAINING_LENGTH), encoding, 'The input on stdin (-s)');
    }
  }
}

function decoded(bytes: Buffer, encoding: PayloadEncoding, what: string): Buffer {
  const result = decodePayload(bytes, encoding);
  if (typeof result === 'string') throw new UsageError(`${what} cannot be decoded with --encoding ${encoding}: ${result}.`);
  return result;
}

/** The input holds more than the limit; reading stopped there. */
export class InputTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the input is larger than ${limit} bytes`);
  }
}

/**
 * Read everything, binary-safe. Stops (and releases the input) as soon as more than `maxBytes`
 * arrived, so an endless stream cannot fill the memory.
 */
export async function readAll(input: AsyncIterable<Buffer | string>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const iterator = input[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    total += chunk.length;
    if (total > maxBytes) {
      iterator.return?.()?.then(undefined, () => {});
      throw new InputTooLargeError(maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** `-f FILE`, binary-safe; refused before reading when it cannot fit in `maxBytes`. */
export async function readMessageFile(file: string, cwd: string, maxBytes: number): Promise<Buffer> {
  const full = path.resolve(cwd, file);
  try {
    // Sync, as mosquitto_pub reads it: node:fs/promises would add its own start-up cost to every pub.
    const info = statSync(full);
    if (info.isDirectory()) throw new UsageError(`Cannot read -f ${file}: it is a directory.`);
    if (info.isFile() && info.size > maxBytes) {
      throw new UsageError(`-f ${file} is ${info.size} bytes; an MQTT message holds less than ${maxBytes} bytes.`);
    }
    return readFileSync(full);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new UsageError(`Cannot read -f ${file}: ${why}.`);
  }
}

/** `-s`: all of stdin; empty input is an error, as in mosquitto (-n sends an empty message). */
export async function readMessageStdin(stdin: AsyncIterable<Buffer | string>, maxBytes: number, limitForMessage: number): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readAll(stdin, maxBytes);
  } catch (error) {
    if (error instanceof InputTooLargeError) throw new UsageError(`The input on stdin (-s) is larger than an MQTT message can hold (${limitForMessage} bytes).`);
    throw error;
  }
  if (bytes.length === 0) throw new UsageError('Zero length input on stdin (-s): nothing to send. Use -n to send an empty message.');
  return bytes;
}
