/**
 * The pure parts of `mq pub --replay`: its flag values (--speed, --rewrite), the topic rules, the
 * schedule and the resume point. No I/O and no clock: times are passed in, so unit tests are tables.
 */
import { UsageError } from '../errors.js';
import { filterProblem, publishTopicProblem } from '../mqtt/topic.js';

/** --speed: a factor, 0 or more (2 = twice as fast, 0 = as fast as the broker takes them). */
export function parseSpeed(text: string): number {
  const trimmed = String(text).trim();
  const value = /^(\d+(\.\d*)?|\.\d+)$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isFinite(value) || value < 0) {
    throw new UsageError(`Invalid --speed "${text}": give a factor, 0 or more (1 = as recorded, 2 = twice as fast, 0 = as fast as the broker takes them).`);
  }
  return value;
}

/** One --rewrite FROM=TO rule. */
export interface RewriteRule {
  text: string;
  /** FROM's levels: a name, '+' (any one level) or a last '#' (the rest, possibly nothing). */
  from: readonly string[];
  /** TO's levels: '+' takes FROM's '+' matches in order, a last '#' takes what FROM's '#' matched. */
  to: readonly string[];
}

/** --rewrite FROM=TO -> a rule, or the UsageError that says what is wrong. */
export function parseRewrite(text: string): RewriteRule {
  const eq = text.indexOf('=');
  const bad = (why: string) => new UsageError(`Invalid --rewrite "${text}": ${why}.`);
  if (eq < 0) throw bad("write it as FROM=TO, e.g. 'rec/#=replay/#'");
  const fromText = text.slice(0, eq);
  const toText = text.slice(eq + 1);
  const fromProblem = filterProblem(fromText);
  if (fromProblem) throw bad(`FROM '${fromText}' is not a valid topic filter: ${fromProblem}`);
  if (fromText.startsWith('$share/')) throw bad('FROM is matched against topics, so it cannot be a shared subscription');
  const from = fromText.split('/');
  const to = toText.split('/');
  const plusInFrom = from.filter((level) => level === '+').length;
  const plusInTo = to.filter((level) => level === '+').length;
  const hashInFrom = from[from.length - 1] === '#';
  if (toText === '' && !hashInFrom) throw bad('TO is empty');
  for (let i = 0; i < to.length; i++) {
    const level = to[i]!;
    if (level.includes('#') && (level !== '#' || i !== to.length - 1)) throw bad("in TO, '#' must be the whole last level (e.g. replay/#)");
    if (level.includes('+') && level !== '+') throw bad("in TO, '+' must be a whole level (e.g. replay/+/x)");
  }
  if (to[to.length - 1] === '#' && !hashInFrom) throw bad("TO ends in '#' but FROM does not: there is nothing for it to stand for");
  if (plusInTo > plusInFrom) throw bad(`TO has ${plusInTo} '+' but FROM has only ${plusInFrom} to fill them`);
  // TO without wildcards must itself be a valid topic (with wildcards it is checked per message).
  if (plusInTo === 0 && to[to.length - 1] !== '#') {
    const problem = publishTopicProblem(toText);
    if (problem) throw bad(`TO '${toText}' is not a valid topic: ${problem}`);
  }
  return { text, from, to };
}

/**
 * The topic a rule makes of `topic`, or undefined when FROM does not match it. Levels are compared
 * one by one, as a subscription filter matches; 'rec/#' also matches 'rec' itself (then its '#'
 * stands for nothing: 'rec/#=rw/#' turns 'rec' into 'rw').
 */
export function applyRewrite(rule: RewriteRule, topic: string): string | undefined {
  const levels = topic.split('/');
  const plus: string[] = [];
  let rest: string[] | undefined;
  const { from, to } = rule;
  for (let i = 0; i < from.length; i++) {
    const want = from[i]!;
    if (want === '#') {
      rest = levels.slice(i);
      break;
    }
    if (i >= levels.length) return undefined;
    if (want === '+') plus.push(levels[i]!);
    else if (want !== levels[i]) return undefined;
  }
  if (rest === undefined && levels.length !== from.length) return undefined;
  const out: string[] = [];
  let next = 0;
  for (const level of to) {
    if (level === '+') out.push(plus[next++]!);
    else if (level === '#') out.push(...rest!);
    else out.push(level);
  }
  return out.join('/');
}

export interface TopicRules {
  rewrites: readonly RewriteRule[];
  /** --topic-prefix: put in front of every topic, after the rewrites. */
  prefix: string;
}

/**
 * The topic to replay a recorded topic to: the first --rewrite that matches, then --topic-prefix.
 * A string starting with "!" is the problem (the result is not a valid topic).
 */
export function replayTopic(rules: TopicRules, topic: string): { topic: string } | { problem: string } {
  let result = topic;
  for (const rule of rules.rewrites) {
    const rewritten = applyRewrite(rule, topic);
    if (rewritten !== undefined) {
      result = rewritten;
      break;
    }
  }
  result = rules.prefix + result;
  if (result === topic) return { topic };
  const problem = publishTopicProblem(result);
  return problem ? { problem: `topic '${topic}' becomes '${result}', which is not a valid topic: ${problem}` } : { topic: result };
}

/**
 * When each message is due, on the monotonic clock, scheduled from the start: message i of a round
 * is due at start + (t_i - t_first) / speed, so a late message does not delay the rest. A time that
 * goes backwards (earlier than one already played) is due at once: it counts as the latest time
 * seen, and is counted. Rounds (--loop) follow each other without a gap: the next round's first
 * message is due when the last one of this round was.
 */
export class Schedule {
  private first: number | undefined;
  private latest = 0;
  /** Due time of the round's first message (clock ms). */
  private roundStart: number | undefined;
  private lastDue: number | undefined;
  /** Messages recorded earlier than one before them. */
  backwards = 0;

  constructor(private readonly speed: number) {}

  /** The clock time (ms) at which a message recorded at `time` is due; `now` starts the first round. */
  due(time: number, now: number): number {
    if (this.roundStart === undefined) this.roundStart = this.lastDue ?? now;
    if (this.first === undefined) {
      this.first = time;
      this.latest = time;
    } else if (time < this.latest) {
      this.backwards++;
    } else {
      this.latest = time;
    }
    const due = this.speed === 0 ? now : this.roundStart + (this.latest - this.first) / this.speed;
    this.lastDue = due;
    return due;
  }

  /** How far into the recording the last message was (recording ms, this round). */
  get position(): number {
    return this.first === undefined ? 0 : this.latest - this.first;
  }

  /** Start the next round (--loop): its first message is due when this round's last one was. */
  nextRound(): void {
    this.first = undefined;
    this.roundStart = undefined;
  }
}

/**
 * How far the replay got, for `resume with --skip N`: the last line such that it and every line
 * before it are done (their message acknowledged at QoS 1/2 or written at QoS 0, or the line had
 * no message). Acknowledgements may come out of order (a QoS 1 PUBACK overtakes a QoS 2 PUBCOMP).
 */
export class ResumePoint {
  /** Lines in the order they were read; `done` flags, advanced past from the front. */
  private lines: number[] = [];
  private done: boolean[] = [];
  private head = 0;
  /** Sequence number of lines[0]. */
  private base = 0;
  private last: number;

  constructor(skip = 0) {
    this.last = skip;
  }

  /** A line whose message is on its way: returns the ticket to pass to finish(). */
  start(line: number): number {
    this.lines.push(line);
    this.done.push(false);
    return this.base + this.lines.length - 1;
  }

  /** The message of this ticket is done with. */
  finish(ticket: number): void {
    const index = ticket - this.base;
    if (index < this.head || index >= this.done.length) return;
    this.done[index] = true;
    this.advance();
  }

  /** A line with no message to wait for (blank, skipped, or a QoS 0 message written). */
  pass(line: number): void {
    // Nothing pending before it: it is the resume line at once.
    if (this.head === this.lines.length) this.last = line;
    else this.finish(this.start(line));
  }

  /** The resume line: --skip this to go on after the last line done. */
  get line(): number {
    return this.last;
  }

  private advance(): void {
    while (this.head < this.done.length && this.done[this.head]) {
      this.last = this.lines[this.head]!;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.done = this.done.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
  }
}

/** Lateness buckets: 10 µs wide up to 100 ms (later ones count in the last). */
const BUCKET_MS = 0.01;
const BUCKETS = 10_000;

/** Lateness statistics: how long after its due time each message was sent (early counts as 0). */
export class Lateness {
  count = 0;
  total = 0;
  max = 0;
  private readonly buckets = new Uint32Array(BUCKETS);

  add(ms: number): void {
    const late = ms > 0 ? ms : 0;
    this.count++;
    this.total += late;
    if (late > this.max) this.max = late;
    this.buckets[Math.min(BUCKETS - 1, Math.floor(late / BUCKET_MS))]!++;
  }

  get mean(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }

  /** The lateness `fraction` (0.5, 0.99) of the messages stayed within, to 10 µs (never above the max). */
  percentile(fraction: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(fraction * this.count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.buckets[i]!;
      // The last bucket holds everything from 100 ms on: the max is the best said of it.
      if (seen >= rank) return i === BUCKETS - 1 ? this.max : Math.min(this.max, (i + 1) * BUCKET_MS);
    }
    return this.max;
  }
}
