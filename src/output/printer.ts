/**
 * The one stdout printer of sub and rr: formats each message (the output flags), writes it, and
 * owns what can happen to stdout on the way: batching, backpressure, a reader that went away
 * (EPIPE), a failed write, the flush before exit, and the "Timed out" that -W ends with.
 *
 * On a pipe or file, formatted messages are gathered and written together once per event-loop turn
 * (or every 64 KiB): one syscall for a whole socket read instead of one per message. On a terminal
 * every message is written at once, so a human sees it immediately.
 */
import type { ChalkInstance } from 'chalk';
import { MqError, TimeoutError } from '../errors.js';
import type { Ui } from '../ui.js';
import { createFormatter } from './format.js';
import type { ReceivedMessage } from './message.js';
import type { OutputPlan } from './options.js';

export interface Printer {
  /** Format and write one message. Never throws; after stdout closed it does nothing. */
  print(message: ReceivedMessage): void;
  /** Write what is queued and wait until stdout took it (or failed). */
  flush(): Promise<void>;
  /**
   * -W ran out: say "Timed out" now (on stderr, ahead of the DISCONNECT, as mosquitto does) and
   * give the error to end with (exit 27; see TimeoutError).
   */
  timedOut(): TimeoutError;
}

export interface PrinterOptions {
  /** What the output flags ask for. */
  output: OutputPlan;
  /** Colours for stdout, given only when stdout is a terminal and colour is allowed. */
  color?: ChalkInstance;
  ui: Ui;
  /** Gather writes (sub on a pipe or file); false writes each message at once. */
  batch: boolean;
  /**
   * stdout closed, once: `undefined` when the reader went away (EPIPE, `| head -n 1`), a normal end
   * as for any Unix filter; else the error to end with.
   */
  onClosed(error: MqError | undefined): void;
  /** true when stdout's buffer is full (stop reading from the broker), false when it drained. */
  onPressure?(full: boolean): void;
}

export function createPrinter(stdout: NodeJS.WritableStream, options: PrinterOptions): Printer {
  const { ui } = options;
  const writer = createOutputWriter(stdout, {
    batch: options.batch,
    onClosed(error) {
      options.onClosed(error.code === 'EPIPE' ? undefined : new MqError(`Cannot write to standard output: ${error.code ?? error.message}.`));
    },
    ...(options.onPressure ? { onPressure: options.onPressure } : {}),
  });
  const format = createFormatter({ ...options.output, ...(options.color ? { color: options.color } : {}), onError: (text) => ui.error(text) });
  return {
    print: (message) => writer.write(format(message)),
    flush: () => writer.flush(),
    timedOut() {
      const error = new TimeoutError();
      ui.info(error.message);
      return error;
    },
  };
}

/** The bytes under the printer: batching, backpressure and failures of one stream. */
export interface OutputWriter {
  /** Queue one formatted message. Never throws; after the reader went away it does nothing. */
  write(chunk: Buffer): void;
  /** Write what is queued and wait until the stream took it (or failed). */
  flush(): Promise<void>;
  /** True once stdout failed (EPIPE: the reader closed the pipe). */
  readonly closed: boolean;
}

export interface WriterOptions {
  /** Gather writes (pipes and files); false for a terminal. */
  batch: boolean;
  /** Flush at once when this many bytes are queued. */
  batchBytes?: number;
  /**
   * stdout failed: `error.code === 'EPIPE'` when the reader went away (`| head -n 1`), which the
   * caller treats as a normal end. Called once.
   */
  onClosed(error: NodeJS.ErrnoException): void;
  /** true when the stream's buffer is full (stop reading from the broker), false when it drained. */
  onPressure?(full: boolean): void;
}

type Stream = NodeJS.WritableStream;

export function createOutputWriter(stream: Stream, options: WriterOptions): OutputWriter {
  const batchBytes = options.batchBytes ?? 64 * 1024;
  // Messages are copied into one slab, so each formatted Buffer dies young (cheap for the GC)
  // and a batch needs no concat.
  let slab = options.batch ? Buffer.allocUnsafe(batchBytes) : Buffer.alloc(0);
  let used = 0;
  let scheduled = false;
  let closed = false;
  let pending = 0; // writes the stream has not confirmed yet
  let waiters: (() => void)[] = [];
  let full = false;

  const settle = () => {
    if (pending > 0 && !closed) return;
    const list = waiters;
    waiters = [];
    for (const resolve of list) resolve();
  };
  const fail = (error: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    used = 0;
    options.onClosed(error);
    settle();
  };
  const onWritten = (error?: Error | null) => {
    pending--;
    if (error) fail(error as NodeJS.ErrnoException);
    settle();
  };
  const onDrain = () => {
    full = false;
    options.onPressure?.(false);
  };
  stream.on('error', (error: NodeJS.ErrnoException) => fail(error));

  const send = (data: Buffer) => {
    pending++;
    let ok: boolean;
    try {
      ok = stream.write(data, onWritten);
    } catch (error) {
      // Synchronous streams (files, /dev/null) can throw from write().
      pending--;
      fail(error as NodeJS.ErrnoException);
      return;
    }
    if (!ok && !full && !closed) {
      full = true;
      options.onPressure?.(true);
      stream.once('drain', onDrain);
    }
  };
  const flushQueued = () => {
    scheduled = false;
    if (closed || used === 0) return;
    let data: Buffer;
    if (used <= 4096) {
      // A small batch is copied out (from Node's pool) so the slab can be reused.
      data = Buffer.from(slab.subarray(0, used));
    } else {
      // The stream may hold on to the bytes until written: hand over this slab, start a new one.
      data = slab.subarray(0, used);
      slab = Buffer.allocUnsafe(batchBytes);
    }
    used = 0;
    send(data);
  };

  return {
    get closed() { return closed; },
    write(chunk) {
      if (closed || chunk.length === 0) return;
      if (!options.batch) {
        send(chunk);
        return;
      }
      if (chunk.length > batchBytes - used) {
        flushQueued();
        if (chunk.length >= batchBytes) {
          send(chunk);
          return;
        }
      }
      chunk.copy(slab, used);
      used += chunk.length;
      if (used === batchBytes) flushQueued();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flushQueued);
      }
    },
    flush() {
      flushQueued();
      if (pending === 0 || closed) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
