/**
 * `mq pub --replay FILE|-`: republish a recording (`mq sub --json` / `--record` NDJSON) with its
 * timing. Each line is parsed by the one NDJSON parser of `pub -l --line-format json`
 * (../input/ndjson.ts, with its recorded time), its topic rewritten (replay-plan.ts), and sent when
 * its schedule says, through the same Publisher as every pub mode (window, backpressure, acks).
 */
import type { ReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { LineTooLongError, lineChunks, readLines } from '../input/lines.js';
import { lineHasProperties, parseJsonLine, type LineDefaults } from '../input/ndjson.js';
import { encodeJson, type Encoder } from './encode.js';
import { MAX_REMAINING_LENGTH } from '../input/payload.js';
import type { OutgoingMessage, PublishProperties } from '../mqtt/message.js';
import type { Spinner, Ui } from '../ui.js';
import { BadLines } from './bad-lines.js';
import type { PubPlan } from './options.js';
import type { Publisher } from './publisher.js';
import { Lateness, ResumePoint, Schedule, replayTopic } from './replay-plan.js';
import type { ReplayPlan } from './replay-options.js';

type Chunks = AsyncIterable<Buffer | string> & { destroy?: () => void };

/** A recording to read: a file (opened again for each --loop round) or stdin (read once). */
export interface Recording {
  /** How messages name it: the file name, or "stdin". */
  name: string;
  /** Whether its lines carry v5 properties, so the connection should speak v5 (as -D does). */
  needsV5: boolean;
  /** One pass over its lines. */
  pass(): Promise<{ chunks: Chunks; close(): Promise<void> }>;
}

/**
 * Open the recording before connecting, so a missing file is an error before anything is sent,
 * and look for v5 properties: a whole file is scanned; stdin (or a pipe) only as far as its first
 * chunk, so a live pipe is not held up.
 */
export async function openRecording(replay: ReplayPlan, io: Pick<Io, 'stdin' | 'cwd'>): Promise<Recording> {
  if (replay.path !== '-') {
    const full = path.resolve(io.cwd(), replay.path);
    const name = replay.path;
    let regular: boolean;
    try {
      const info = await stat(full);
      if (info.isDirectory()) throw new UsageError(`Cannot read --replay ${name}: it is a directory.`);
      regular = info.isFile();
      await (await open(full, 'r')).close();
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
      throw new UsageError(`Cannot read --replay ${name}: ${why}.`);
    }
    const openPass = async () => {
      const handle = await open(full, 'r');
      let stream: ReadStream | undefined;
      // A regular file is read through its descriptor (lineChunks); the stream only serves other kinds.
      const input = { fd: handle.fd, [Symbol.asyncIterator]: () => (stream ??= handle.createReadStream({ autoClose: false }))[Symbol.asyncIterator]() };
      const chunks: Chunks = lineChunks(input);
      return { chunks, close: async () => { stream?.destroy(); await handle.close().catch(() => {}); } };
    };
    if (regular) {
      // Most recordings hold no properties at all: a scan of the raw bytes says so without splitting lines.
      let needsV5 = await mentionsProperties(openPass);
      if (needsV5) {
        needsV5 = false;
        const first = await openPass();
        try {
          await readLines(first.chunks, (line) => {
            if (lineHasProperties(line)) { needsV5 = true; return false; }
            return undefined;
          }, { maxLineBytes: MAX_REMAINING_LENGTH * 2 });
        } catch (error) {
          if (!(error instanceof LineTooLongError)) throw error;
        } finally {
          await first.close();
        }
      }
      return { name, needsV5, pass: openPass };
    }
    // A pipe given by name (<(...)): read once, like stdin.
    return peeked(name, (await openPass()).chunks);
  }
  return peeked('stdin', lineChunks(io.stdin as AsyncIterable<Buffer> & { fd?: number }));
}

const PROPERTIES_KEY = Buffer.from('"properties"');

/** Whether the bytes of the file hold `"properties"` anywhere (a key split across two chunks included). */
async function mentionsProperties(openPass: () => Promise<{ chunks: Chunks; close(): Promise<void> }>): Promise<boolean> {
  const pass = await openPass();
  let carry = Buffer.alloc(0);
  try {
    for await (const value of pass.chunks) {
      const chunk = typeof value === 'string' ? Buffer.from(value) : value;
      if (carry.length > 0 && Buffer.concat([carry, chunk.subarray(0, PROPERTIES_KEY.length)]).includes(PROPERTIES_KEY)) return true;
      if (chunk.includes(PROPERTIES_KEY)) return true;
      carry = Buffer.from(chunk.subarray(Math.max(0, chunk.length - PROPERTIES_KEY.length + 1)));
    }
    return false;
  } finally {
    await pass.close();
  }
}

/** A one-pass input whose first complete line(s) are read ahead to decide on v5. */
async function peeked(name: string, input: Chunks): Promise<Recording> {
  const iterator = input[Symbol.asyncIterator]();
  const ahead: Buffer[] = [];
  let ended = false;
  // At least one whole line (or the end), copied: lineChunks reuses its buffer.
  for (;;) {
    const next = await iterator.next();
    if (next.done) { ended = true; break; }
    const chunk = Buffer.from(next.value);
    ahead.push(chunk);
    if (chunk.includes(0x0a)) break;
  }
  const text = Buffer.concat(ahead);
  const complete = ended ? text : text.subarray(0, text.lastIndexOf(0x0a) + 1);
  let needsV5 = false;
  for (let start = 0; start < complete.length && !needsV5;) {
    let end = complete.indexOf(0x0a, start);
    if (end < 0) end = complete.length;
    needsV5 = lineHasProperties(complete.subarray(start, end));
    start = end + 1;
  }
  let used = false;
  const release = () => {
    if (typeof input.destroy === 'function') input.destroy();
    else void iterator.return?.()?.then(undefined, () => {});
  };
  return {
    name,
    needsV5,
    async pass() {
      if (used) throw new Error('stdin can be replayed only once');
      used = true;
      const chunks: Chunks = {
        destroy: release,
        async *[Symbol.asyncIterator]() {
          yield* ahead;
          if (ended) return;
          for (;;) {
            const next = await iterator.next();
            if (next.done) return;
            yield next.value;
          }
        },
      };
      return { chunks, close: async () => { if (!ended) release(); } };
    },
  };
}

/** Spin on setImmediate for the last stretch before a message is due: timers alone are late by up to 1 ms. */
const SPIN_MS = 1;

/** Resolves at `due` on performance.now()'s clock, or at once when the signal aborts. */
function sleepUntil(due: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const check = () => {
      if (settled) return;
      if (signal.aborted) return finish();
      const left = due - performance.now();
      if (left <= 0) return finish();
      if (left > SPIN_MS) timer = setTimeout(check, left - SPIN_MS);
      else setImmediate(check);
    };
    signal.addEventListener('abort', finish, { once: true });
    check();
  });
}

const seconds = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 3 : 1);
const millis = (ms: number) => ms.toFixed(ms < 10 ? 2 : 1);

/** One replay: reads, schedules and sends; keeps the counts for the progress line, the summary and the resume line. */
export class Replayer {
  private readonly schedule: Schedule;
  private readonly lateness = new Lateness();
  private readonly resume: ResumePoint;
  private sent = 0;
  private rounds = 0;
  private startedAt: number | undefined;
  /** How far behind schedule the last message went out (ms). */
  private behind = 0;

  constructor(
    private readonly plan: PubPlan & { replay: ReplayPlan },
    private readonly recording: Recording,
    private readonly publisher: Publisher,
    private readonly v5: boolean,
    private readonly ui: Ui,
    /** --encode: each recorded payload is JSON that becomes this codec's payload. */
    private readonly encoder?: Encoder,
  ) {
    this.schedule = new Schedule(plan.replay.speed);
    this.resume = new ResumePoint(plan.replay.skip);
  }

  /** Play every round; resolves when the last message was handed over (acks are the caller's to wait for). */
  async run(signal: AbortSignal): Promise<void> {
    const { replay } = this.plan;
    const bad = new BadLines(this.plan.onError, this.ui);
    /** A line that cannot be sent: stop, or skip it (a skipped line counts as done for the resume line). */
    const reject = (lineNumber: number, problem: string) => {
      const result = bad.reject(lineNumber, problem);
      if (result === undefined) this.resume.pass(lineNumber);
      return result;
    };
    const defaults: LineDefaults = {
      topics: [], qos: this.plan.qos, retain: false, encoding: this.plan.encoding, v5: this.v5, timed: true,
      ...(this.encoder ? { keepPayloadValue: true } : {}),
      ...(this.plan.properties ? { properties: this.plan.properties } : {}),
    };
    const rules = replay.rules;
    const rewriting = rules.prefix !== '' || rules.rewrites.length > 0;
    const { publisher, schedule, lateness, resume, encoder } = this;
    const timed = replay.speed > 0;

    // A QoS 0 message is done with when send() returns (written, or dropped while offline): one shared
    // callback, told the line through `sending`, saves a closure per message.
    let sending = 0;
    const qos0Done = (written: boolean) => { if (written) resume.pass(sending); };
    const send = (message: OutgoingMessage, lineNumber: number, due: number) => {
      if (timed) {
        const now = performance.now();
        this.behind = now - due;
        lateness.add(this.behind);
        this.startedAt ??= now;
      } else {
        this.startedAt ??= performance.now();
      }
      this.sent++;
      if (message.qos === 0) {
        sending = lineNumber;
        return publisher.send(message, qos0Done);
      }
      const ticket = resume.start(lineNumber);
      return publisher.send(message, (answered) => { if (answered) resume.finish(ticket); });
    };

    for (;;) {
      this.rounds++;
      const round = this.rounds;
      let messages = 0;
      const onLine = (line: Buffer, lineNumber: number) => {
        if (round === 1 && lineNumber <= replay.skip) return undefined;
        // Blank lines carry nothing (a recording line starts with '{', so the test is rare).
        if (line.length === 0 || (line[0] !== 0x7b && line.toString('latin1').trim() === '')) {
          resume.pass(lineNumber);
          return undefined;
        }
        const parsed = parseJsonLine(line, defaults);
        if (typeof parsed === 'string') return reject(lineNumber, parsed);
        let topic = parsed.topics[0]!;
        if (rewriting) {
          const mapped = replayTopic(rules, topic);
          if ('problem' in mapped) return reject(lineNumber, mapped.problem);
          topic = mapped.topic;
        }
        let payload = parsed.payload;
        if (encoder) {
          const encoded = encodeJson(encoder, undefined, parsed.payloadValue, topic);
          if (typeof encoded === 'string') return reject(lineNumber, `the payload ${encoded}`);
          payload = encoded;
        }
        const message: OutgoingMessage = {
          topic,
          payload,
          qos: replay.qos ?? parsed.qos,
          retain: replay.noRetain ? false : parsed.retain,
        };
        const properties = withoutTopicAlias(parsed.properties);
        if (properties) message.properties = properties;
        messages++;
        if (!timed) {
          schedule.due(parsed.time!, 0);
          return send(message, lineNumber, 0);
        }
        const now = performance.now();
        const due = schedule.due(parsed.time!, now);
        if (due > now) {
          return sleepUntil(due, signal).then(() => (signal.aborted ? undefined : send(message, lineNumber, due)));
        }
        return send(message, lineNumber, due);
      };

      const pass = await this.recording.pass();
      try {
        await readLines(pass.chunks, onLine, { signal, maxLineBytes: MAX_REMAINING_LENGTH * 2 });
      } catch (error) {
        if (error instanceof LineTooLongError) {
          await publisher.idle();
          throw new UsageError(`Line ${error.lineNumber} of ${this.recording.name} is longer than an MQTT message can hold (${error.limit} bytes); nothing after it was published.`);
        }
        throw error;
      } finally {
        await pass.close();
      }
      if (bad.stoppedAt !== undefined) {
        await publisher.idle();
        bad.finish();
      }
      if (signal.aborted) return;
      if (round === 1 && messages === 0) {
        this.ui.warn(replay.skip > 0
          ? `${this.recording.name} holds no messages after line ${replay.skip}: nothing was published.`
          : `${this.recording.name} holds no messages: nothing was published.`);
        break;
      }
      if (replay.loop !== 0 && round >= replay.loop) break;
      schedule.nextRound();
    }
    bad.finish();
  }

  /** The status line: messages sent, time into the recording, how far behind schedule. */
  status(): string {
    const behind = this.plan.replay.speed > 0 ? `, ${millis(Math.max(0, this.behind))} ms behind schedule` : '';
    const round = this.plan.replay.loop !== 1 ? ` (round ${this.rounds})` : '';
    return `Replaying: ${this.sent} sent, ${seconds(this.schedule.position)} s into the recording${round}${behind}`;
  }

  /** Show status() on an ora line while it plays (on a terminal only); returns the stop function. */
  async progress(): Promise<() => void> {
    if (!this.ui.interactive || this.ui.quiet) return () => {};
    const spinner: Spinner = await this.ui.spinner(this.status());
    const timer = setInterval(() => spinner.update(this.status()), 200);
    timer.unref();
    return () => {
      clearInterval(timer);
      spinner.stop();
    };
  }

  /** The summary line (messages, duration, lateness) and, when there were any, the times that went backwards. */
  report(): void {
    if (this.sent === 0) return;
    const duration = this.startedAt === undefined ? 0 : performance.now() - this.startedAt;
    const rounds = this.rounds > 1 ? ` in ${this.rounds} rounds` : '';
    const timing = this.plan.replay.speed > 0
      ? `lateness mean ${millis(this.lateness.mean)} ms, median ${millis(this.lateness.percentile(0.5))} ms, p99 ${millis(this.lateness.percentile(0.99))} ms, max ${millis(this.lateness.max)} ms`
      : `as fast as the broker took them${duration > 0 ? ` (${Math.round(this.sent / (duration / 1000))} msg/s)` : ''}`;
    this.ui.info(`Replayed ${this.sent} message(s)${rounds} in ${seconds(duration)} s; ${timing}.`);
    if (this.schedule.backwards > 0) {
      this.ui.warn(`${this.schedule.backwards} message(s) were recorded earlier than a message before them; they were sent at once.`);
    }
  }

  /** The resume line: --skip this many lines to go on where it stopped. */
  get resumeLine(): number {
    return this.resume.line;
  }
}

/** A recorded topic alias belongs to the recording's connection, not to ours: it is left out. */
function withoutTopicAlias(properties: PublishProperties | undefined): PublishProperties | undefined {
  if (!properties || properties.topicAlias === undefined) return properties;
  const { topicAlias: _alias, ...rest } = properties;
  return Object.keys(rest).length > 0 ? rest : undefined;
}
