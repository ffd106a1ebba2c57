/** `pub -s`, `pub -f`, `rr -s`, `rr -f`: the whole of a file or of stdin is one message. */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';

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
    const info = await stat(full);
    if (info.isDirectory()) throw new UsageError(`Cannot read -f ${file}: it is a directory.`);
    if (info.isFile() && info.size > maxBytes) {
      throw new UsageError(`-f ${file} is ${info.size} bytes; an MQTT message holds less than ${maxBytes} bytes.`);
    }
    return await readFile(full);
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
