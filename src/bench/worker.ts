/**
 * One bench worker thread: it owns a share of the clients, connects them through the shared
 * factory (createClient), publishes on the fixed schedule, receives and checks messages, and
 * reports counters and histogram deltas to the main thread. Entry point of `new Worker(...)`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MqttClient } from 'mqtt';
import { createClient } from '../connection/connect.js';
import { toMqError } from '../connection/errors.js';
import { MqError } from '../errors.js';
import { Publisher, type PublishClient } from '../pub/publisher.js';
import { RelativeClock, splitNs } from './clock.js';
import { countReason, emptyCounters } from './counters.js';
import { HEADER_SIZE, makePayload, readHeader, writeHeader } from './header.js';
import { createHistogram, encodeHistogram, recordNs, type Histogram } from './histogram.js';
import type { FromWorker, HistogramDeltas, ToWorker, WorkerError, WorkerInit } from './protocol.js';
import { publisherTimes, Schedule, scheduleShape, type Due } from './schedule.js';
import { SequenceTracker } from './sequence.js';
import { expandTopic } from './topic.js';

/** At most this many messages per turn of the event loop, so acks and deliveries get their turn. */
const BATCH = 256;
/** Handshakes in flight per worker when --connect-rate is not given. */
const MAX_CONNECTING = 100;
/** Counters and histogram deltas go to the main thread this often (the live line is at most this old). */
const STATS_INTERVAL_MS = 200;
const MAX_BACKOFF_MS = 10_000;

const init = workerData as WorkerInit;
const { plan } = init;
const port = parentPort!;
const counters = emptyCounters();
const histograms = { endToEnd: createHistogram(), endToEndCrossHost: createHistogram(), publishToAck: createHistogram(), connect: createHistogram() };
/** Per clock domain of another host, the correction (clock.ts halves) that puts its timestamps on this host's clock. */
const corrections = new Map(Object.entries(init.corrections).map(([domain, ns]) => [Number(domain), splitNs(BigInt(ns))]));

type Role = 'pub' | 'sub' | 'conn';

interface BenchClient {
  role: Role;
  /** Position among this worker's clients of its role (the schedule's publisher index). */
  slot: number;
  /** Number over the run (--id-offset + index): in the client id, %i and the header. */
  number: number;
  clientId: string;
  client?: MqttClient;
  online: boolean;
  /** The first CONNACK arrived. */
  established: boolean;
  /** Why the connection last went down, for the disconnect count. */
  lastProblem?: string;
  /** Outstanding publishes and the window (-M, lowered to the broker's v5 receive maximum). */
  inflight: number;
  window: number;
  topic: string;
  /** Per run id and publisher id, the sequence tracker of this subscriber. */
  trackers?: Map<number, Map<number, SequenceTracker>>;
  waitingForDrain: boolean;
  /** QoS 0 without properties: pub's batched writer (one socket write per tick, not per message). */
  batcher?: Publisher;
}

function makeClient(role: Role, index: number, slot: number): BenchClient {
  const number = plan.idOffset + index;
  const clientId = `${plan.idPrefix}${role}-${number}`;
  return {
    role, slot, number, clientId, online: false, established: false, inflight: 0, window: plan.inflight,
    topic: expandTopic(role === 'sub' ? plan.filter : plan.topic, number, clientId), waitingForDrain: false,
  };
}

const publishers = init.publishers.map((i, slot) => makeClient('pub', i, slot));
const subscribers = init.subscribers.map((i, slot) => makeClient('sub', i, slot));
const idle = init.idle.map((i, slot) => makeClient('conn', i, slot));
const everyone = [...subscribers, ...publishers, ...idle];

const shape = scheduleShape(plan);
const schedule = new Schedule(plan.intervalNs, init.publishers.map((i) => publisherTimes(shape, i)));
const template = makePayload(plan.size);
const publishOptions = {
  qos: plan.qos,
  retain: plan.retain,
  ...(init.session.properties.publish && init.targets[0]?.settings.protocolVersion === 5 ? { properties: init.session.properties.publish as never } : {}),
};

/** QoS 0 messages without properties need no callback per message: they go out in batches, as in pub -l. */
const batchQos0 = plan.qos === 0 && !('properties' in publishOptions);

/** Every time below is ns on this clock; t0 is when publishing starts (the same instant in every worker). */
const clock = new RelativeClock(BigInt(init.clockSkewNs));
let t0 = 0;
let windowStart = 0;
let windowEnd: number | undefined;
let started = false;
let running = false;
let closing = false;
let publishedReported = false;
let firstError: WorkerError | undefined;

function post(message: FromWorker): void {
  port.postMessage(message);
}

function deltas(): HistogramDeltas {
  const take = (h: Histogram) => {
    if (h.totalCount === 0) return '';
    const encoded = encodeHistogram(h);
    h.reset();
    return encoded;
  };
  return {
    endToEnd: take(histograms.endToEnd),
    endToEndCrossHost: take(histograms.endToEndCrossHost),
    publishToAck: take(histograms.publishToAck),
    connect: take(histograms.connect),
  };
}

function snapshot() {
  counters.overruns = schedule.overruns;
  return { counters: { ...counters }, histograms: deltas() };
}

/** ns since t0. */
function sinceStart(): number {
  return clock.now() - t0;
}

// ---------------------------------------------------------------- connecting

function reasonOf(error: unknown, client: BenchClient): string {
  const settings = targetOf(client).settings;
  const mapped = toMqError(error, settings);
  return mapped.message.replace(/^Connection error: /, '');
}

function targetOf(client: BenchClient) {
  return init.targets[client.number % init.targets.length]!;
}

function connectOne(bench: BenchClient): Promise<void> {
  const { settings, tlsFiles } = targetOf(bench);
  counters.connectAttempts++;
  return new Promise((resolve) => {
    let connectSentAt: number | undefined;
    let settled = false;
    const client = createClient(settings, { ...init.session, clientId: bench.clientId }, tlsFiles);
    bench.client = client;
    if (batchQos0 && bench.role === 'pub') bench.batcher = new Publisher(client as unknown as PublishClient, { maxInflight: plan.inflight });
    // MQTT.js calls its (disabled) debug logger several times per packet: measurable at these rates.
    client.log = () => {};
    const onPacketSend = (packet: { cmd: string }) => {
      if (packet.cmd === 'connect') connectSentAt = clock.now();
    };
    const fail = (reason: string, error?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.off('packetsend', onPacketSend);
      countReason(counters.connectFailed, reason);
      if (!firstError) {
        const mapped = error instanceof MqError ? error : error !== undefined ? toMqError(error, settings) : new MqError(reason);
        firstError = { message: mapped.message, exitCode: mapped.exitCode, ...(mapped.hint ? { hint: mapped.hint } : {}) };
      }
      client.end(true);
      bench.client = undefined;
      resolve();
    };
    const timer = setTimeout(() => fail(`no CONNACK within ${settings.connectTimeout} s`), settings.connectTimeout * 1000);
    client.on('packetsend', onPacketSend);
    client.on('connect', (connack: { properties?: { receiveMaximum?: number } }) => {
      const receiveMaximum = connack.properties?.receiveMaximum;
      if (receiveMaximum !== undefined) bench.window = Math.min(plan.inflight, receiveMaximum);
      bench.online = true;
      counters.online++;
      client.options.reconnectPeriod = 1000;
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        client.off('packetsend', onPacketSend);
        bench.established = true;
        counters.connected++;
        if (connectSentAt !== undefined) recordNs(histograms.connect, clock.now() - connectSentAt);
        resolve();
      } else if (bench.established) {
        counters.reconnects++;
      }
      if (bench.role === 'pub') unblock(bench);
    });
    client.on('error', (error: Error & { code?: unknown }) => {
      if (!settled) fail(reasonOf(error, bench), error);
      else bench.lastProblem = reasonOf(error, bench);
    });
    client.on('disconnect', (packet: { reasonCode?: number }) => {
      bench.lastProblem = `broker sent DISCONNECT (reason code ${packet.reasonCode ?? 0})`;
    });
    client.on('close', () => {
      if (!settled) {
        fail(`${settings.unix ?? `${settings.host}:${settings.port}`} closed the connection before CONNACK`);
        return;
      }
      if (bench.online) {
        bench.online = false;
        counters.online--;
        if (!closing) countReason(counters.disconnects, bench.lastProblem ?? 'connection lost');
        bench.lastProblem = undefined;
      }
    });
    client.on('reconnect', () => {
      client.options.reconnectPeriod = Math.min((client.options.reconnectPeriod ?? 1000) * 2, MAX_BACKOFF_MS);
    });
    if (bench.role === 'sub') attachReceiver(bench, client);
    // The factory leaves the CONNECT to us, so every listener is in place first.
    client.connect();
  });
}

function subscribeOne(bench: BenchClient): Promise<void> {
  const client = bench.client;
  if (!client) return Promise.resolve();
  return new Promise((resolve) => {
    client.subscribe(bench.topic, { qos: plan.qos }, (error, granted) => {
      const code = granted?.[0]?.qos as number | undefined;
      if (error) countReason(counters.subscribeFailed, error.message);
      else if (code === undefined || code >= 128) countReason(counters.subscribeFailed, `SUBACK reason code ${code ?? 'missing'}`);
      else counters.subscribed++;
      resolve();
    });
  });
}

/** Connect every client, paced by --connect-rate or MAX_CONNECTING at a time; then subscribe. */
async function connectAll(): Promise<void> {
  const gapMs = init.connectRate !== undefined ? 1000 / init.connectRate : 0;
  const started = performance.now();
  const pending = new Set<Promise<void>>();
  for (let i = 0; i < everyone.length; i++) {
    if (closing) break;
    if (gapMs > 0) {
      const wait = started + i * gapMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    } else if (pending.size >= MAX_CONNECTING) {
      await Promise.race(pending);
    }
    const attempt = connectOne(everyone[i]!).then(() => { pending.delete(attempt); });
    pending.add(attempt);
  }
  await Promise.all(pending);
  await Promise.all(subscribers.filter((s) => s.online).map(subscribeOne));
}

// ---------------------------------------------------------------- publishing

let pumpTimer: NodeJS.Timeout | undefined;
let pumpQueued = false;

function kick(): void {
  if (!running || pumpQueued) return;
  pumpQueued = true;
  if (pumpTimer) clearTimeout(pumpTimer);
  pumpTimer = undefined;
  setImmediate(pump);
}

let inPump = false;

function pump(): void {
  pumpQueued = false;
  if (!running) return;
  inPump = true;
  let sent: number;
  try {
    sent = schedule.takeDue(sinceStart(), BATCH, trySend);
  } finally {
    inPump = false;
  }
  if (schedule.finished) {
    checkPublished();
    return;
  }
  if (sent === BATCH) {
    kick();
    return;
  }
  const next = schedule.nextDueNs();
  if (next === undefined) return; // every publisher waits for an ack or a reconnect: unblock() kicks
  const delayMs = (next - sinceStart()) / 1e6;
  if (pumpTimer) clearTimeout(pumpTimer);
  pumpTimer = undefined;
  if (delayMs <= 0) kick();
  else pumpTimer = setTimeout(() => { pumpTimer = undefined; pump(); }, delayMs);
}

/**
 * The publisher may send again (an ack freed a slot, the socket drained, it reconnected). Send
 * what is due right away, as mosquitto_pub does from its ack handler, rather than a turn later:
 * at QoS 1/2 the window refills at the speed of the acks. Inside pump() (a QoS 0 callback fires
 * during publish()) the running loop picks the publisher up itself.
 */
function unblock(bench: BenchClient): void {
  if (!schedule.unblock(bench.slot) || inPump) return;
  if (pumpTimer) {
    clearTimeout(pumpTimer);
    pumpTimer = undefined;
  }
  pump();
}

function trySend(due: Due): boolean {
  const bench = publishers[due.publisher]!;
  const client = bench.client;
  if (!client || !bench.online || bench.inflight >= bench.window) return false;
  const stream = client.stream as (NodeJS.WritableStream & { writableNeedDrain?: boolean }) | undefined;
  if (stream?.writableNeedDrain) {
    // The socket buffer is full: wait for it instead of piling up MQTT.js's drain listeners.
    if (!bench.waitingForDrain) {
      bench.waitingForDrain = true;
      stream.once('drain', () => { bench.waitingForDrain = false; unblock(bench); });
    }
    return false;
  }
  const payload = Buffer.allocUnsafe(plan.size);
  template.copy(payload, HEADER_SIZE, HEADER_SIZE);
  const intended = t0 + due.intendedNs;
  const { hi, lo } = clock.split(intended);
  writeHeader(payload, { runId: init.runId, clockDomain: init.clockDomain, publisherId: bench.number, sequence: due.sequence, intendedHi: hi, intendedLo: lo });
  const measured = schedule.measured(due.publisher, due.sequence);
  counters.sent++;
  if (measured) {
    counters.windowSent++;
    counters.lastWindowSentNs = sinceStart();
  }
  if (bench.batcher) {
    const drained = bench.batcher.send({ topic: bench.topic, payload, qos: 0, retain: plan.retain });
    if (drained && !bench.waitingForDrain) {
      bench.waitingForDrain = true;
      void drained.then(() => { bench.waitingForDrain = false; unblock(bench); });
    }
    if (schedule.finished) checkPublished();
    return true;
  }
  bench.inflight++;
  client.publish(bench.topic, payload, publishOptions, (error, packet) => {
    bench.inflight--;
    if (plan.qos > 0) {
      if (error) {
        const code = (error as Error & { code?: unknown }).code;
        countReason(counters.publishFailed, typeof code === 'number' ? `reason code ${code} (${error.message.replace(/^Publish error: /, '')})` : error.message);
      } else {
        counters.acked++;
        if ((packet as { reasonCode?: number } | undefined)?.reasonCode === 16) counters.noMatchingSubscribers++;
        if (measured) {
          const now = clock.now();
          recordNs(histograms.publishToAck, now - intended);
          counters.windowAcked++;
          counters.lastWindowAckedNs = now - t0;
        }
      }
    }
    unblock(bench);
    if (schedule.finished) checkPublished();
  });
  return true;
}

function checkPublished(): void {
  if (publishedReported || !schedule.finished) return;
  if (plan.qos > 0 && publishers.some((p) => p.inflight > 0)) return;
  publishedReported = true;
  post({ type: 'published', ...snapshot() });
}

// ---------------------------------------------------------------- receiving

function attachReceiver(bench: BenchClient, client: MqttClient): void {
  const trackers = (bench.trackers = new Map());
  const ownRunOnly = plan.mode === 'pubsub';
  client.on('message', (_topic, payload) => {
    const now = clock.now();
    const header = readHeader(payload);
    if (!header || (ownRunOnly && header.runId !== init.runId)) {
      counters.foreign++;
      return;
    }
    let ofRun = trackers.get(header.runId);
    if (!ofRun) trackers.set(header.runId, (ofRun = new Map()));
    let tracker = ofRun.get(header.publisherId);
    if (!tracker) ofRun.set(header.publisherId, (tracker = new SequenceTracker()));
    const lostBefore = tracker.counts.lost;
    const arrival = tracker.record(header.sequence);
    counters.lost += tracker.counts.lost - lostBefore;
    counters.received++;
    if (arrival === 'duplicate') {
      counters.duplicates++;
      return;
    }
    counters.unique++;
    if (arrival === 'out-of-order') counters.outOfOrder++;
    if (!started) return; // before the start (a retained message, another run): counted, not measured
    // The intended send time on this host's clock: as written when the publisher shares it, else
    // corrected by the measured offset between the two hosts (agents), else unknown.
    const sameHost = header.clockDomain === init.clockDomain;
    const correction = sameHost ? undefined : corrections.get(header.clockDomain);
    const intended = sameHost ? clock.join(header.intendedHi, header.intendedLo)
      : correction ? clock.join(header.intendedHi + correction.hi, header.intendedLo + correction.lo) : undefined;
    // Plain mq bench measures the messages intended for the window; mq bench sub what arrives in it.
    const at = ownRunOnly && intended !== undefined ? intended : now;
    if (at < windowStart || (windowEnd !== undefined && at >= windowEnd)) return;
    counters.windowReceived++;
    counters.lastWindowReceivedNs = now - t0;
    if (intended === undefined) counters.otherClock++;
    else recordNs(sameHost ? histograms.endToEnd : histograms.endToEndCrossHost, now - intended);
  });
}

// ---------------------------------------------------------------- lifecycle

let statsTimer: NodeJS.Timeout | undefined;

function start(t0Text: string): void {
  t0 = clock.relative(BigInt(t0Text));
  windowStart = t0 + plan.warmupNs;
  if (plan.durationNs !== undefined && plan.mode === 'sub') windowEnd = windowStart + plan.durationNs;
  started = true;
  running = true;
  statsTimer = setInterval(() => post({ type: 'stats', ...snapshot() }), STATS_INTERVAL_MS);
  const wait = (t0 - clock.now()) / 1e6;
  // Publishers that could not connect have nothing to send in this run.
  for (const bench of publishers) if (!bench.established) schedule.retire(bench.slot);
  setTimeout(() => {
    if (publishers.length === 0) return;
    if (schedule.finished) checkPublished();
    else kick();
  }, Math.max(0, wait));
}

async function close(): Promise<void> {
  closing = true;
  running = false;
  schedule.stop();
  if (statsTimer) clearInterval(statsTimer);
  if (pumpTimer) clearTimeout(pumpTimer);
  await Promise.all(everyone.map((bench) => new Promise<void>((resolve) => {
    const client = bench.client;
    if (!client) return resolve();
    client.options.reconnectPeriod = 0;
    // Give DISCONNECT a moment to leave; a broker that does not answer must not hold the run.
    const timer = setTimeout(() => { client.end(true); resolve(); }, 2000);
    client.end(false, {}, () => { clearTimeout(timer); resolve(); });
  })));
  // QoS 1/2 publishes still waiting for their ack when the run ended.
  if (plan.qos > 0) {
    const unacked = publishers.reduce((n, p) => n + p.inflight, 0);
    if (unacked > 0) countReason(counters.publishFailed, 'no ack before the end of the run', unacked);
  }
  post({ type: 'closed', ...snapshot() });
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'start':
      start(message.t0);
      break;
    case 'finish':
      schedule.stop();
      checkPublished();
      break;
    case 'flush':
      post({ type: 'stats', ...snapshot() });
      break;
    case 'close':
      close().then(() => port.close(), (error: Error) => post({ type: 'fatal', error: error.stack ?? String(error) }));
      break;
  }
});

connectAll().then(
  () => post({ type: 'ready', ...snapshot(), ...(firstError ? { firstError } : {}) }),
  (error: Error) => post({ type: 'fatal', error: error.stack ?? String(error) }),
);
