/**
 * Line input for `pub -l`: one message per line, read as it arrives, with backpressure.
 *
 * A line is everything up to "\n" ("\n" stripped, "\r" kept). An empty line is a zero-length
 * line; a last line without "\n" still counts; an input ending in "\n" has no extra empty line.
 * Lines are handed out as Buffers of their own (copies), so binary input passes unchanged and no
 * line keeps a whole chunk of input alive.
 */
import { fstatSync, read } from 'node:fs';
import { Socket, type OnReadOpts, type SocketConstructorOpts } from 'node:net';

/** A line longer than the limit: the caller decides whether that stops the input. */
export class LineTooLongError extends Error {
  constructor(readonly lineNumber: number, readonly limit: number) {
    super(`line ${lineNumber} is longer than ${limit} bytes`);
  }
}

/**
 * Called for each line. Return nothing to get the next line at once, or a promise to pause reading
 * until it settles (e.g. while the in-flight window is full). Return `false` to stop reading.
 */
export type LineHandler = (line: Buffer, lineNumber: number) => void | false | Promise<void | false>;

export interface ReadLinesOptions {
  /** Stop reading (and release the input) when this aborts. */
  signal?: AbortSignal;
  /** The longest line accepted; a longer one throws LineTooLongError. */
  maxLineBytes?: number;
}

export interface ReadLinesResult {
  /** Lines handed to the handler. */
  lines: number;
  /** Why reading ended: the input ended, the handler said stop, or the signal aborted. */
  end: 'eof' | 'stopped' | 'aborted';
}

const NEWLINE = 0x0a;

/** Reads of stdin go into one buffer of this size, reused. */
const READ_BYTES = 64 * 1024;

/**
 * The chunks to split into lines. A file, pipe or socket on stdin is read into one reused buffer, so
 * each chunk is valid only until the next is asked for (readLines copies what it keeps). Why: at
 * QoS 1 a 64 KB chunk of short lines takes long enough to publish that V8 moves it to the old
 * generation, where dead chunks pile up until a full collection (20-30 MB over 2 million lines).
 * A terminal is read as its stream delivers it.
 */
export function lineChunks(input: AsyncIterable<Buffer | string> & { fd?: number }): AsyncIterable<Buffer | string> {
  const fd = input.fd;
  const kind = typeof fd === 'number' ? descriptorKind(fd) : 'other';
  if (kind === 'file') return fileChunks(fd!);
  if (kind === 'stream') return streamChunks(fd!);
  return input;
}

function descriptorKind(fd: number): 'file' | 'stream' | 'other' {
  try {
    const stat = fstatSync(fd);
    return stat.isFile() ? 'file' : stat.isFIFO() || stat.isSocket() ? 'stream' : 'other';
  } catch {
    return 'other';
  }
}

async function* fileChunks(fd: number): AsyncGenerator<Buffer> {
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  for (;;) {
    const bytes = await new Promise<number>((resolve, reject) => {
      read(fd, buffer, 0, buffer.length, null, (error, n) => (error ? reject(error) : resolve(n)));
    });
    if (bytes === 0) return;
    yield buffer.subarray(0, bytes);
  }
}

/**
 * A pipe or socket, through a socket of our own on its descriptor with Node's `onread`: libuv reads
 * into our buffer, and reading pauses after each chunk until the next one is asked for.
 * `destroy()` (readLines calls it when it stops early) closes it and ends the iteration.
 */
function streamChunks(fd: number): AsyncIterable<Buffer> & { destroy(): void } {
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  let chunk: Buffer | undefined;
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  // `onread` is a documented option of new net.Socket() that @types/node 20 lists only for connect().
  const options: SocketConstructorOpts & { onread: OnReadOpts } = {
    fd,
    readable: true,
    writable: false,
    onread: { buffer, callback: (bytes) => { chunk = buffer.subarray(0, bytes); wake?.(); return false; } },
  };
  const socket = new Socket(options);
  const stop = () => { ended = true; wake?.(); };
  socket.on('end', stop);
  socket.on('close', stop);
  socket.on('error', (error) => { failure = error; wake?.(); });
  return {
    destroy: () => { socket.destroy(); },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (chunk === undefined && !ended && failure === undefined) {
          await new Promise<void>((resolve) => { wake = resolve; socket.resume(); });
          wake = undefined;
        }
        if (chunk !== undefined) {
          const next = chunk;
          chunk = undefined;
          yield next;
        } else if (failure !== undefined) {
          throw failure;
        } else {
          return;
        }
      }
    },
  };
}

/**
 * Read the input one chunk at a time and call `onLine` for every line. The next chunk is only
 * requested once every line of the current one was handled, so a paused handler pauses the input
 * (and, through the pipe, its writer): memory stays bounded by a chunk plus one partial line.
 */
export async function readLines(
  input: AsyncIterable<Buffer | string>,
  onLine: LineHandler,
  options: ReadLinesOptions = {},
): Promise<ReadLinesResult> {
  const { signal } = options;
  const maxLineBytes = options.maxLineBytes ?? Number.MAX_SAFE_INTEGER;
  const iterator = input[Symbol.asyncIterator]();
  // Pieces of a line that spans chunks; joined once its end arrives (never quadratic).
  let partial: Buffer[] = [];
  let partialBytes = 0;
  let lineNumber = 0;
  let end: ReadLinesResult['end'] = 'eof';
  let inputEnded = false;

  // An abort while a read is pending releases the input, which settles that read. (Racing each read
  // against a never-settling abort promise would keep every chunk reachable: memory would grow.)
  const stream = input as { destroy?: () => void };
  const release = () => {
    if (typeof stream.destroy === 'function') stream.destroy();
    else iterator.return?.()?.then(undefined, () => {});
  };
  signal?.addEventListener('abort', release, { once: true });
  try {
    outer: for (;;) {
      if (signal?.aborted) { end = 'aborted'; break; }
      let next: IteratorResult<Buffer | string>;
      try {
        next = await iterator.next();
      } catch (error) {
        if (signal?.aborted) { end = 'aborted'; break; }
        throw error;
      }
      if (signal?.aborted) { end = 'aborted'; break; }
      if (next.done) { inputEnded = true; break; }
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf(NEWLINE, start);
        if (newline === -1) break;
        let line: Buffer;
        if (partialBytes > 0 || partial.length > 0) {
          partial.push(chunk.subarray(start, newline));
          partialBytes += newline - start;
          if (partialBytes > maxLineBytes) throw new LineTooLongError(lineNumber + 1, maxLineBytes);
          line = Buffer.concat(partial, partialBytes);
          partial = [];
          partialBytes = 0;
        } else {
          if (newline - start > maxLineBytes) throw new LineTooLongError(lineNumber + 1, maxLineBytes);
          line = Buffer.from(chunk.subarray(start, newline));
        }
        start = newline + 1;
        lineNumber++;
        let result = onLine(line, lineNumber);
        if (result !== undefined && result !== false) result = await result;
        if (result === false) { end = 'stopped'; break outer; }
        if (signal?.aborted) { end = 'aborted'; break outer; }
      }
      if (start < chunk.length) {
        // A copy: the chunk may be a reused buffer (lineChunks).
        partial.push(Buffer.from(chunk.subarray(start)));
        partialBytes += chunk.length - start;
        if (partialBytes > maxLineBytes) throw new LineTooLongError(lineNumber + 1, maxLineBytes);
      }
    }
    if (end === 'eof' && partial.length > 0) {
      lineNumber++;
      let result = onLine(Buffer.concat(partial, partialBytes), lineNumber);
      if (result !== undefined && result !== false) result = await result;
      if (result === false) end = 'stopped';
    }
  } finally {
    signal?.removeEventListener('abort', release);
    // Release the input when we stop before it ended (stopped, aborted, or an error).
    if (!inputEnded) release();
  }
  return { lines: lineNumber, end };
}
