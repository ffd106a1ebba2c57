/**
 * The main thread of a bench run: spreads the clients over worker threads, starts them together,
 * decides when the run ends (schedule done and drained, duration over, --count reached, Ctrl-C),
 * merges counters and histograms, and shows a live line each second.
 */
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { Context } from '../context.js';
import { ConnectionError, MqError } from '../errors.js';
import type { Spinner } from '../ui.js';
import { hostClock, wallNowMs, type HostClock } from './clock.js';
import { emptyCounters, sumReasons, totalCounters, type Counters } from './counters.js';
import { addEncoded, createHistogram, summarize, type Histogram } from './histogram.js';
import type { FromWorker, HistogramDeltas, Target, ToWorker, WorkerInit } from './protocol.js';
import type { BenchPlan } from './plan.js';
import { liveLine, primaryKind } from './report.js';
import type { BenchResult } from './result.js';
import { indices, type AgentShare } from './split.js';
import { TimelineRecorder } from './timeline.js';

/** Publishing starts this long after every worker is ready, so all start on the same tick. */
const START_DELAY_NS = 50_000_000n;
/** After Ctrl-C, acks still in flight get this long. */
const INTERRUPT_DRAIN_MS = 1000;
const CLOSE_TIMEOUT_MS = 5000;

interface WorkerState {
  worker: Worker;
  counters: Counters;
  ready: boolean;
  published: boolean;
  closed: boolean;
}

/** Every client of the plan: what a run on one machine runs. */
export function wholePlan(plan: BenchPlan): AgentShare {
  return { publishers: [0, plan.publishers], subscribers: [0, plan.subscribers], idle: [0, plan.idle] };
}

/**
 * Round-robin over the workers across roles, so 1 publisher and 1 subscriber land on 2 threads.
 * `share`: the clients this process runs (an agent's part), by their global indices.
 */
export function assignClients(plan: BenchPlan, share: AgentShare = wholePlan(plan)): Pick<WorkerInit, 'publishers' | 'subscribers' | 'idle'>[] {
  const shares = Array.from({ length: plan.workers }, () => ({ publishers: [] as number[], subscribers: [] as number[], idle: [] as number[] }));
  let next = 0;
  const deal = (all: number[], role: 'publishers' | 'subscribers' | 'idle') => {
    for (const i of all) shares[next++ % plan.workers]![role].push(i);
  };
  deal(indices(share.publishers), 'publishers');
  deal(indices(share.subscribers), 'subscribers');
  deal(indices(share.idle), 'idle');
  return shares;
}

/** How an agent (or --start-at) shapes a run; a plain run on one machine needs none of it. */
export interface RunOptions {
  /** The clients this process runs (default: all of the plan's). */
  share?: AgentShare;
  /** Shared by every agent of one run, so subscribers know its messages. */
  runId?: number;
  clock?: HostClock;
  /** Clock domain -> ns that put that host's timestamps on this host's clock (offset.ts corrections()). */
  corrections?: Record<string, string>;
  /** Messages each subscriber of the run should get (all agents' publishers); null: no scheduled end. */
  messagesPerSubscriber?: number | null;
  /**
   * Once every client tried to connect: the start of publishing on this host's clock (ns). An
   * agent asks its controller; --start-at converts a wall-clock time. Rejecting aborts the run.
   */
  startAt?: (connected: Counters) => Promise<bigint>;
  /** Each second of the run, with the counters so far (an agent forwards them to its controller). */
  onSecond?: (counters: Counters) => void;
}

/** How long the measured window is scheduled to last (undefined: until Ctrl-C or --count). */
export function scheduledWindowNs(plan: BenchPlan): number | undefined {
  if (plan.durationNs !== undefined) return plan.durationNs;
  if (plan.count !== undefined && plan.publishers > 0) return (plan.count / plan.rate) * 1e9;
  return undefined;
}

export async function runBench(
  plan: BenchPlan,
  targets: Target[],
  session: WorkerInit['session'],
  ctx: Context,
  options: RunOptions = {},
): Promise<BenchResult> {
  const runId = options.runId ?? randomBytes(4).readUInt32BE(0);
  const clock = options.clock ?? hostClock();
  const nowNs = clock.now;
  const share = options.share ?? wholePlan(plan);
  const local = { publishers: share.publishers[1] - share.publishers[0], subscribers: share.subscribers[1] - share.subscribers[0], idle: share.idle[1] - share.idle[0] };
  const latency = { endToEnd: createHistogram(), endToEndCrossHost: createHistogram(), publishToAck: createHistogram(), connect: createHistogram() };
  /** The primary latency's samples of the current second: the live line's p99 and the timeline. */
  const secondHistogram = createHistogram();
  const primary = primaryKind(plan);
  const timeline = new TimelineRecorder();
  const states: WorkerState[] = [];
  let fatal: ((error: Error) => void) | undefined;
  const fatalError = new Promise<never>((_, reject) => { fatal = reject; });
  fatalError.catch(() => {});
  let wake: () => void = () => {};

  const absorb = (state: WorkerState, counters: Counters, histograms: HistogramDeltas) => {
    state.counters = counters;
    addEncoded(latency.endToEnd, histograms.endToEnd);
    addEncoded(latency.endToEndCrossHost, histograms.endToEndCrossHost);
    addEncoded(latency.publishToAck, histograms.publishToAck);
    addEncoded(latency.connect, histograms.connect);
    addEncoded(secondHistogram, histograms[primary]);
    if (primary === 'endToEnd') addEncoded(secondHistogram, histograms.endToEndCrossHost);
  };

  let firstError: { message: string; exitCode: number; hint?: string } | undefined;
  const shares = assignClients(plan, share);
  const connectStarted = nowNs();
  for (const share of shares) {
    const init: WorkerInit = {
      plan, targets, session, ...share, runId, clockDomain: clock.domain, clockSkewNs: String(clock.skewNs), corrections: options.corrections ?? {},
      ...(plan.connectRate !== undefined ? { connectRate: plan.connectRate / plan.workers } : {}),
    };
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init });
    const state: WorkerState = { worker, counters: emptyCounters(), ready: false, published: false, closed: false };
    states.push(state);
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'fatal') {
        fatal!(new Error(`bench worker failed: ${message.error}`));
        return;
      }
      absorb(state, message.counters, message.histograms);
      if (message.type === 'ready') {
        state.ready = true;
        if (message.firstError && !firstError) firstError = message.firstError;
      }
      if (message.type === 'published') state.published = true;
      if (message.type === 'closed') state.closed = true;
      wake();
    });
    worker.on('error', (error) => fatal!(error));
    worker.on('exit', () => {
      if (!state.closed) fatal!(new Error('a bench worker exited before the end of the run'));
    });
  }

  const total = () => totalCounters(states.map((s) => s.counters));
  const send = (message: ToWorker) => { for (const s of states) if (!s.closed) s.worker.postMessage(message); };

  // Ctrl-C: the first ends the run with a summary of what ran; a second one stops waiting for anything.
  let interrupted = false;
  let forced = false;
  let interruptedAtNs: bigint | undefined;
  const onSecondSignal = () => { forced = true; wake(); };
  void ctx.interrupted().then(() => {
    interrupted = true;
    interruptedAtNs = nowNs();
    ctx.io.on('SIGINT', onSecondSignal);
    ctx.io.on('SIGTERM', onSecondSignal);
    wake();
  });

  /**
   * Resolves when `condition` holds (checked after each worker message), at `deadlineMs`
   * (performance.now() time), or on Ctrl-C: the first one when `interruptible`, a second always.
   */
  function until(condition: () => boolean, deadlineMs?: number, interruptible = true): Promise<'done' | 'deadline' | 'interrupted'> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (how: 'done' | 'deadline' | 'interrupted') => {
        if (timer) clearTimeout(timer);
        wake = () => {};
        resolve(how);
      };
      const check = () => {
        if (condition()) finish('done');
        else if (forced || (interruptible && interrupted)) finish('interrupted');
      };
      if (deadlineMs !== undefined) timer = setTimeout(() => finish('deadline'), Math.max(0, deadlineMs - performance.now()));
      wake = check;
      check();
    });
  }

  let spinner: Spinner | undefined;
  let tickTimer: NodeJS.Timeout | undefined;
  let connectTimer: NodeJS.Timeout | undefined;
  let progressTimer: NodeJS.Timeout | undefined;
  let t0 = 0n;
  /** The second the next tick closes: what comes in before it belongs to that second. */
  let nextTick = 0;

  // The timeline: a sample each second. Before t0 is known (connecting) samples wait with their time.
  let sampled = { sent: 0, acked: 0, received: 0 };
  const early: { atNs: bigint; delta: typeof sampled; connected: number; histogram: Histogram }[] = [];
  const takeSample = () => {
    const c = total();
    const delta = { sent: c.sent - sampled.sent, acked: c.acked - sampled.acked, received: c.received - sampled.received };
    sampled = { sent: c.sent, acked: c.acked, received: c.received };
    const histogram = createHistogram();
    histogram.add(secondHistogram);
    secondHistogram.reset();
    return { delta, connected: c.online, histogram };
  };
  const sampleEarly = () => { early.push({ atNs: nowNs(), ...takeSample() }); };
  /** Place the connection phase's samples once t0 is known: second k covers (t0 + (k - 1) s, t0 + k s]. */
  const placeEarly = () => {
    for (const e of early.splice(0)) timeline.add(Math.ceil(Number(e.atNs - t0) / 1e9), e.delta, e.connected, e.histogram);
  };

  try {
    // 1. Connect (and subscribe) everything.
    spinner = ctx.ui.quiet ? undefined : await ctx.ui.spinner('Connecting...');
    const clients = local.publishers + local.subscribers + local.idle;
    let lastConnectLine = 0;
    const connectProgress = () => {
      sampleEarly();
      const c = total();
      const text = `Connecting: ${c.connected}/${clients} connected, ${sumReasons(c.connectFailed)} failed`;
      if (ctx.ui.interactive) spinner?.update(text);
      else if (!ctx.ui.quiet && performance.now() - lastConnectLine >= 1000) {
        lastConnectLine = performance.now();
        if (c.connectAttempts > 0) ctx.ui.info(text);
      }
    };
    connectTimer = setInterval(() => send({ type: 'flush' }), 1000);
    progressTimer = setInterval(connectProgress, 1000);
    const connected = await Promise.race([until(() => states.every((s) => s.ready)), fatalError]);
    clearInterval(connectTimer);
    clearInterval(progressTimer);
    const connectNs = Number(nowNs() - connectStarted);
    if (connected === 'interrupted') {
      spinner?.stop();
      return await finishRun({ connectNs, drainTimedOut: false });
    }
    const afterConnect = total();
    if (afterConnect.connected === 0) {
      spinner?.stop();
      await closeAll();
      const e = firstError ?? new ConnectionError('No client could connect.');
      throw new MqError(`No bench client could connect (${clients} tried): ${e.message}`, { exitCode: e.exitCode, ...(e.hint ? { hint: e.hint } : {}) });
    }
    if (local.subscribers > 0 && afterConnect.subscribed === 0) {
      spinner?.stop();
      await closeAll();
      const reasons = Object.keys(afterConnect.subscribeFailed).join('; ') || 'no subscriber stayed connected';
      throw new MqError(`No bench subscription was granted on '${plan.filter}': ${reasons}.`, { hint: 'Check the broker\'s ACL for this user and filter.' });
    }
    if (sumReasons(afterConnect.connectFailed) > 0) {
      ctx.ui.warn(`${sumReasons(afterConnect.connectFailed)} of ${clients} clients could not connect: ${describeReasons(afterConnect.connectFailed)}. The run goes on with the others.`);
    }

    // 2. Start everyone at the same monotonic instant: soon, or when the controller (or --start-at) says.
    sampleEarly();
    if (options.startAt) {
      spinner?.update('Waiting for the start...');
      const decided = await Promise.race([
        options.startAt(afterConnect).then((at) => ({ at }), (error: unknown) => ({ error })),
        fatalError,
        until(() => false).then(() => ({ interrupted: true as const })),
      ]);
      wake = () => {};
      if ('interrupted' in decided) {
        spinner?.stop();
        return await finishRun({ connectNs, drainTimedOut: false });
      }
      if ('error' in decided) {
        spinner?.stop();
        await closeAll();
        throw decided.error;
      }
      t0 = decided.at;
    } else {
      t0 = nowNs() + START_DELAY_NS;
    }
    placeEarly();
    send({ type: 'start', t0: t0.toString() });
    let lastLive = { at: performance.now(), counters: total() };
    const tick = (second: number) => {
      const now = performance.now();
      const p99 = secondHistogram.totalCount > 0 ? summarize(secondHistogram).p99 : null;
      const sample = takeSample();
      timeline.add(second, sample.delta, sample.connected, sample.histogram);
      const counters = total();
      options.onSecond?.(counters);
      const text = liveLine(plan, {
        elapsedS: Number(nowNs() - t0) / 1e9,
        seconds: (now - lastLive.at) / 1000,
        previous: lastLive.counters,
        current: counters,
        p99,
        clients,
      });
      lastLive = { at: now, counters };
      if (ctx.ui.interactive) spinner?.update(text);
      else ctx.ui.info(text);
      scheduleTick(second + 1);
    };
    const scheduleTick = (second: number) => {
      nextTick = second;
      const wait = Number(t0 + BigInt(second) * 1_000_000_000n - nowNs()) / 1e6;
      tickTimer = setTimeout(() => tick(second), Math.max(0, wait));
    };
    scheduleTick(Math.max(1, Math.ceil(Number(nowNs() - t0) / 1e9)));
    if (!ctx.ui.interactive) spinner?.stop();

    // 3. Run until the schedule, the duration or --count ends it, or Ctrl-C.
    const startMs = performance.now() + Number(t0 - nowNs()) / 1e6;
    const windowNs = scheduledWindowNs(plan);
    const scheduledEndMs = windowNs !== undefined ? startMs + (plan.warmupNs + windowNs) / 1e6 : undefined;
    let drainTimedOut = false;
    if (plan.publishers > 0) {
      const drainDeadline = scheduledEndMs !== undefined ? scheduledEndMs + plan.drainNs / 1e6 : undefined;
      let how = await Promise.race([until(() => states.every((s) => s.published || noPublishers(s)), drainDeadline), fatalError]);
      if (how === 'done' && local.subscribers > 0) {
        // Every publish is out (and acked): wait for the subscribers to receive them all. On one
        // machine that is what was sent; an agent's subscribers also get the other agents' messages.
        const perSubscriber = options.messagesPerSubscriber;
        const expected = perSubscriber === undefined ? () => total().sent * local.subscribers
          : () => (perSubscriber ?? Infinity) * local.subscribers;
        const flusher = setInterval(() => send({ type: 'flush' }), 100);
        how = await Promise.race([until(() => total().unique >= expected(), drainDeadline ?? performance.now() + plan.drainNs / 1e6), fatalError]);
        clearInterval(flusher);
      }
      if (how === 'deadline') drainTimedOut = true;
      if (how === 'interrupted') await afterInterrupt();
    } else {
      const countReached = () => plan.count !== undefined && total().windowReceived >= plan.count;
      const flusher = plan.count !== undefined ? setInterval(() => send({ type: 'flush' }), 100) : undefined;
      await Promise.race([until(countReached, scheduledEndMs), fatalError]);
      if (flusher) clearInterval(flusher);
    }
    return await finishRun({ connectNs, drainTimedOut });
  } finally {
    clearInterval(connectTimer);
    clearInterval(progressTimer);
    clearTimeout(tickTimer);
    spinner?.stop();
    ctx.io.off('SIGINT', onSecondSignal);
    ctx.io.off('SIGTERM', onSecondSignal);
    for (const s of states) if (!s.closed) void s.worker.terminate();
  }

  function noPublishers(state: WorkerState): boolean {
    const share = shares[states.indexOf(state)]!;
    return share.publishers.length === 0;
  }

  /** After Ctrl-C: stop the schedules and give in-flight acks a moment (not after a second Ctrl-C). */
  async function afterInterrupt(): Promise<void> {
    send({ type: 'finish' });
    if (forced || plan.qos === 0) return;
    await Promise.race([until(() => states.every((s) => s.published || noPublishers(s)), performance.now() + INTERRUPT_DRAIN_MS, false), fatalError]);
  }

  async function closeAll(): Promise<void> {
    send({ type: 'close' });
    await Promise.race([until(() => states.every((s) => s.closed), performance.now() + CLOSE_TIMEOUT_MS, false), fatalError]);
  }

  async function finishRun(parts: { connectNs: number; drainTimedOut: boolean }): Promise<BenchResult> {
    if (interrupted) send({ type: 'finish' });
    clearTimeout(tickTimer);
    await closeAll();
    let windowNs = scheduledWindowNs(plan) ?? 0;
    if (t0 === 0n) windowNs = 0;
    else if (interruptedAtNs !== undefined) windowNs = Math.min(windowNs || Infinity, Number(interruptedAtNs - t0) - plan.warmupNs);
    else if (plan.durationNs === undefined && plan.count !== undefined && plan.publishers === 0) {
      // mq bench sub --count: the window lasted until the count was reached.
      windowNs = Math.max(0, total().lastWindowReceivedNs - plan.warmupNs);
    }
    // What came in after the last whole second (the drain, the closing) is the timeline's last point.
    const end = nowNs();
    if (t0 === 0n) t0 = end;
    placeEarly();
    const last = takeSample();
    timeline.add(nextTick > 0 ? nextTick : Math.max(0, Math.ceil(Number(end - t0) / 1e9)), last.delta, last.connected, last.histogram);
    // This host's wall clock at the start of the window.
    const windowStartMs = wallNowMs() + Number(t0 + BigInt(Math.round(plan.warmupNs)) - end) / 1e6;
    return {
      counters: total(),
      latency,
      windowNs: Math.max(0, windowNs),
      interrupted,
      connectNs: parts.connectNs,
      drainTimedOut: parts.drainTimedOut,
      windowStartMs,
      timeline: timeline.points(),
    };
  }
}

export function describeReasons(reasons: Record<string, number>): string {
  return Object.entries(reasons).sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${n} × ${reason}`).join('; ');
}
