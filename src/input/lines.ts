/**
 * Line input for `pub -l`: one message per line, read as it arrives, with backpressure.
 *
 * A line is everything up to "\n" ("\n" stripped, "\r" kept). An empty line is a zero-length
 * line; a last line without "\n" still counts; an input ending in "\n" has no extra empty line.
 * Lines are handed out as Buffers (views of the chunks read), so binary input passes unchanged.
 */

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

  const aborted = signal ? abortPromise(signal) : undefined;
  try {
    outer: for (;;) {
      if (signal?.aborted) { end = 'aborted'; break; }
      let next;
      if (aborted) {
        const pending = iterator.next();
        next = await Promise.race([pending, aborted.promise]);
        // The read still pending settles when the input is released below; nobody waits for it.
        if (next === ABORTED) { pending.then(undefined, () => {}); end = 'aborted'; break; }
      } else {
        next = await iterator.next();
      }
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
          line = chunk.subarray(start, newline);
        }
        start = newline + 1;
        lineNumber++;
        let result = onLine(line, lineNumber);
        if (result !== undefined && result !== false) result = await result;
        if (result === false) { end = 'stopped'; break outer; }
        if (signal?.aborted) { end = 'aborted'; break outer; }
      }
      if (start < chunk.length) {
        partial.push(start === 0 ? chunk : chunk.subarray(start));
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
    aborted?.dispose();
    // Release the input when we stop before it ended. A stream is destroyed directly: the
    // iterator's return() would queue behind a read that may never settle (an idle pipe).
    if (!inputEnded) {
      const stream = input as { destroy?: () => void };
      if (typeof stream.destroy === 'function') stream.destroy();
      else iterator.return?.()?.then(undefined, () => {});
    }
  }
  return { lines: lineNumber, end };
}

const ABORTED = Symbol('aborted');

function abortPromise(signal: AbortSignal): { promise: Promise<typeof ABORTED>; dispose(): void } {
  let listener: (() => void) | undefined;
  const promise = new Promise<typeof ABORTED>((resolve) => {
    listener = () => resolve(ABORTED);
    if (signal.aborted) resolve(ABORTED);
    else signal.addEventListener('abort', listener, { once: true });
  });
  return { promise, dispose: () => { if (listener) signal.removeEventListener('abort', listener); } };
}
