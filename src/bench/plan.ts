import { UsageError } from '../errors.js';
import { HEADER_SIZE } from './header.js';
import { checkTemplate, filterForTemplate } from './topic.js';

/**
 * `mq bench` flags -> a validated plan. Pure: every impossible combination is refused here with
 * one line naming the flag and what to do, before anything connects.
 */

export type BenchMode = 'pub' | 'sub' | 'conn' | 'pubsub';

/** The flags as yargs gives them (strings, so that "1e3", "" and "-1" can be judged here). */
export interface BenchFlags {
  clients?: string | number;
  subscribers?: string | number;
  rate?: string | number;
  interval?: string | number;
  size?: string | number;
  qos?: string | number;
  retain?: boolean;
  topic?: string;
  duration?: string | number;
  count?: string | number;
  warmup?: string | number;
  connectRate?: string | number;
  inflight?: string | number;
  idPrefix?: string;
  idOffset?: string | number;
  workers?: string | number;
  drain?: string | number;
}

export interface BenchPlan {
  mode: BenchMode;
  /** Publishing clients (pub, pubsub). */
  publishers: number;
  /** Subscribing clients (sub, pubsub). */
  subscribers: number;
  /** Clients that only connect (conn). */
  idle: number;
  /** Messages/s over all publishers, and ns between two messages of one publisher. */
  rate: number;
  intervalNs: number;
  size: number;
  qos: 0 | 1 | 2;
  retain: boolean;
  /** Publish topic template (pub, pubsub). */
  topic: string;
  /** Subscription filter template (sub, pubsub). */
  filter: string;
  warmupNs: number;
  /** Measured window; undefined with --count, or with --duration 0 (until Ctrl-C). */
  durationNs?: number;
  /** Messages in the measured window: published (pub, pubsub) or received (sub). */
  count?: number;
  /** Connections opened per second over all workers; undefined = as fast as the broker accepts. */
  connectRate?: number;
  inflight: number;
  idPrefix: string;
  idOffset: number;
  workers: number;
  drainNs: number;
}

export const DEFAULTS = {
  clients: 10,
  subscribers: 1,
  rate: 1000,
  size: 64,
  qos: 0,
  topic: 'mq/bench/%i',
  subFilter: 'mq/bench/#',
  duration: 10,
  warmup: 0,
  inflight: 20,
  drain: 5,
} as const;

/** MQTT's largest packet is 256 MB; leave room for the fixed header and a long topic. */
export const MAX_PAYLOAD = 268_435_455 - 65_545;
/** Files kept for Node, the worker threads and stdio besides the clients' sockets. */
export const FILES_RESERVED = 64;
/** One publisher cannot be asked for more than this many messages per second. */
export const MAX_RATE_PER_CLIENT = 1_000_000;

interface Limits {
  /** Worker threads when --workers is not given (the number of cores). */
  cores: number;
  /** Local ports for connections from one address to one broker address (ip_local_port_range). */
  localPorts?: number;
  /** Files this process may open (RLIMIT_NOFILE): every client is a socket. */
  openFiles?: number;
  /** Broker addresses (hosts or URLs) the clients are spread over. */
  targets: number;
  /** Client id prefix from -I in the environment or an rc file, when --id-prefix is not given. */
  idPrefix?: string;
  /** A default prefix unique to this run. */
  defaultIdPrefix: string;
}

export function buildPlan(mode: BenchMode, flags: BenchFlags, limits: Limits): BenchPlan {
  const clients = integer(flags.clients, '-c', 1, 10_000_000) ?? DEFAULTS.clients;
  const subscribers = mode === 'pubsub' ? integer(flags.subscribers, '--subscribers', 1, 10_000_000) ?? DEFAULTS.subscribers : 0;
  if (mode !== 'pubsub' && flags.subscribers !== undefined) throw new UsageError(`--subscribers is for plain mq bench (publishers and subscribers together), not mq bench ${mode}.`);
  const publishers = mode === 'pub' || mode === 'pubsub' ? clients : 0;
  const publishes = publishers > 0;

  for (const [name, value] of [['--rate', flags.rate], ['-I', flags.interval], ['-s', flags.size], ['-r', flags.retain], ['-M', flags.inflight]] as const) {
    if (!publishes && value !== undefined && value !== false) throw new UsageError(`${name} is for publishing; mq bench ${mode} does not publish.`);
  }
  if (mode === 'conn') {
    for (const [name, value] of [['-q', flags.qos], ['-t', flags.topic], ['--count', flags.count], ['--warmup', flags.warmup], ['--drain', flags.drain]] as const) {
      if (value !== undefined) throw new UsageError(`${name} has no meaning for mq bench conn, which only connects.`);
    }
  }

  // Rate: --rate over all publishers, or -I per publisher.
  if (flags.rate !== undefined && flags.interval !== undefined) {
    throw new UsageError('Give --rate (messages/s over all publishers) or -I (ms between two messages of one publisher), not both.');
  }
  let rate: number = DEFAULTS.rate;
  if (flags.rate !== undefined) rate = positive(flags.rate, '--rate', 'messages per second over all publishers, e.g. --rate 5000');
  let intervalNs = publishers > 0 ? (publishers / rate) * 1e9 : 0;
  if (flags.interval !== undefined) {
    const ms = positive(flags.interval, '-I', 'milliseconds between two messages of one publisher, e.g. -I 100');
    intervalNs = ms * 1e6;
    rate = (publishers * 1000) / ms;
  }
  if (publishes && intervalNs < 1e9 / MAX_RATE_PER_CLIENT) {
    throw new UsageError(`That asks each publisher for ${Math.round(1e9 / intervalNs)} messages/s, more than ${MAX_RATE_PER_CLIENT} one client can send; add clients with -c or lower --rate.`);
  }

  const size = integer(flags.size, '-s', 0, Number.MAX_SAFE_INTEGER) ?? DEFAULTS.size;
  if (size < HEADER_SIZE) {
    throw new UsageError(`-s ${size} is smaller than the ${HEADER_SIZE}-byte header every bench message carries (publisher, sequence number, send time); use -s ${HEADER_SIZE} or more.`);
  }
  if (size > MAX_PAYLOAD) throw new UsageError(`-s ${size} is larger than an MQTT message can be (${MAX_PAYLOAD} bytes).`);

  const qos = integer(flags.qos, '-q', 0, 2) ?? DEFAULTS.qos;

  const topic = flags.topic !== undefined && mode !== 'sub' ? flags.topic : DEFAULTS.topic;
  const filter = mode === 'sub' ? flags.topic ?? DEFAULTS.subFilter : filterForTemplate(topic);
  if (publishes) checkTemplate(topic, 'publish');
  if (mode === 'sub') checkTemplate(filter, 'subscribe');

  if (flags.duration !== undefined && flags.count !== undefined) {
    throw new UsageError('Give --duration (seconds) or --count (messages), not both.');
  }
  let durationNs: number | undefined = DEFAULTS.duration * 1e9;
  let count: number | undefined;
  if (flags.count !== undefined) {
    count = integer(flags.count, '--count', 1, Number.MAX_SAFE_INTEGER);
    durationNs = undefined;
  } else if (flags.duration !== undefined) {
    const seconds = nonNegative(flags.duration, '--duration', 'seconds to measure (0 = until Ctrl-C)');
    durationNs = seconds === 0 ? undefined : seconds * 1e9;
  }
  const warmupNs = (flags.warmup !== undefined ? nonNegative(flags.warmup, '--warmup', 'seconds before measuring starts') : DEFAULTS.warmup) * 1e9;

  const connectRate = flags.connectRate !== undefined ? positive(flags.connectRate, '--connect-rate', 'connections per second, e.g. --connect-rate 500') : undefined;
  const inflight = integer(flags.inflight, '-M', 1, 65535) ?? DEFAULTS.inflight;
  const drainNs = (flags.drain !== undefined ? nonNegative(flags.drain, '--drain', 'seconds to wait for acks and messages in flight at the end') : DEFAULTS.drain) * 1e9;

  const idOffset = integer(flags.idOffset, '--id-offset', 0, 0xffff_ffff) ?? 0;
  const total = publishers + subscribers + (mode === 'conn' || mode === 'sub' ? clients : 0);
  if (idOffset + Math.max(publishers, subscribers, clients) - 1 > 0xffff_ffff) {
    throw new UsageError(`--id-offset ${idOffset} with -c ${clients} gives client numbers above 4294967295, which the message header cannot carry; lower --id-offset.`);
  }
  const idPrefix = flags.idPrefix ?? limits.idPrefix ?? limits.defaultIdPrefix;
  if (idPrefix === '') throw new UsageError('--id-prefix is empty: bench clients need distinct ids; give a prefix such as --id-prefix lab1-.');
  if (/[/+#]/.test(idPrefix) && /%c/.test(mode === 'sub' ? filter : topic)) {
    throw new UsageError(`The client id prefix '${idPrefix}' contains '/', '+' or '#' and the topic template uses %c; choose a prefix without them.`);
  }

  // One local address reaches one broker address through at most ip_local_port_range ports.
  if (limits.localPorts !== undefined) {
    const perTarget = Math.ceil(total / limits.targets);
    if (perTarget > limits.localPorts) {
      throw new UsageError(`${total} clients make ${perTarget} connections to each broker address, but this machine has only ${limits.localPorts} local ports for that (net.ipv4.ip_local_port_range); spread the clients over more brokers (-h a,b or several -L) or widen the port range.`);
    }
  }

  // Node itself keeps a few dozen files open; every client needs one more.
  if (limits.openFiles !== undefined && total + FILES_RESERVED > limits.openFiles) {
    throw new UsageError(`${total} clients need ${total + FILES_RESERVED} open files, but this process may open only ${limits.openFiles}; raise the limit (ulimit -n ${total + FILES_RESERVED}) or use fewer clients.`);
  }

  const workersWanted = integer(flags.workers, '--workers', 1, 1024) ?? limits.cores;
  // A worker with no client would only cost a thread.
  const workers = Math.max(1, Math.min(workersWanted, total));

  return {
    mode,
    publishers,
    subscribers: mode === 'sub' ? clients : subscribers,
    idle: mode === 'conn' ? clients : 0,
    rate: publishes ? rate : 0,
    intervalNs: publishes ? intervalNs : 0,
    size,
    qos: qos as 0 | 1 | 2,
    retain: Boolean(flags.retain),
    topic,
    filter,
    warmupNs,
    ...(durationNs !== undefined ? { durationNs } : {}),
    ...(count !== undefined ? { count } : {}),
    ...(connectRate !== undefined ? { connectRate } : {}),
    inflight,
    idPrefix,
    idOffset,
    workers,
    drainNs,
  };
}

function number(value: string | number, flag: string, what: string): number {
  const n = typeof value === 'number' ? value : /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new UsageError(`${flag} "${value}" is not a number: give ${what}.`);
  return n;
}

function positive(value: string | number, flag: string, what: string): number {
  const n = number(value, flag, what);
  if (n <= 0) throw new UsageError(`${flag} ${value} is impossible: give ${what}.`);
  return n;
}

function nonNegative(value: string | number, flag: string, what: string): number {
  const n = number(value, flag, what);
  if (n < 0) throw new UsageError(`${flag} ${value} is impossible: give ${what}.`);
  return n;
}

function integer(value: string | number | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${flag} "${value}" is not valid: give a whole number ${range}.`);
  }
  return n;
}

/**
 * --start-at: RFC 3339 with a time zone (2030-01-31T12:00:00Z, +02:00 offsets, fractions) or
 * seconds since the epoch, as ms since the epoch. Refused when it has already passed. Pure.
 */
export function parseStartAt(text: string, nowMs: number): number {
  const t = text.trim();
  let ms = NaN;
  if (/^\d+(\.\d+)?$/.test(t)) ms = Number(t) * 1000;
  else if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/.test(t)) ms = Date.parse(t.replace(/[t ]/, 'T').toUpperCase());
  if (!Number.isFinite(ms)) {
    throw new UsageError(`--start-at "${text}" is not a time: give RFC 3339 with a time zone (2030-01-31T12:00:00Z) or seconds since the epoch (1906545600).`);
  }
  if (ms < nowMs) {
    throw new UsageError(`--start-at ${text} is ${((nowMs - ms) / 1000).toFixed(1)} s in the past: give a time far enough ahead for every run to connect, the same for all.`);
  }
  return ms;
}
