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
import { clockDomain, nowNs } from './clock.js';
import { emptyCounters, sumReasons, totalCounters, type Counters } from './counters.js';
import { addEncoded, createHistogram, summarize } from './histogram.js';
import type { FromWorker, HistogramDeltas, Target, ToWorker, WorkerInit } from './protocol.js';
import type { BenchPlan } from './plan.js';
import { liveLine } from './report.js';
import type { BenchResult } from './result.js';

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

/** Round-robin over the workers across roles, so 1 publisher and 1 subscriber land on 2 threads. */
export function assignClients(plan: BenchPlan): Pick<WorkerInit, 'publishers' | 'subscribers' | 'idle'>[] {
  const shares = Array.from({ length: plan.workers }, () => ({ publishers: [] as number[], subscribers: [] as number[], idle: [] as number[] }));
  let next = 0;
  const deal = (count: number, role: 'publishers' | 'subscribers' | 'idle') => {
    for (let i = 0; i < count; i++) shares[next++ % plan.workers]![role].push(i);
  };
  deal(plan.publishers, 'publishers');
  deal(plan.subscribers, 'subscribers');
  deal(plan.idle, 'idle');
  return shares;
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
): Promise<BenchResult> {
  const runId = randomBytes(4).readUInt32BE(0);
  const domain = clockDomain();
  const latency = { endToEnd: createHistogram(), publishToAck: createHistogram(), connect: createHistogram() };
  const liveHistogram = createHistogram();
  const states: WorkerState[] = [];
  let fatal: ((error: Error) => void) | undefined;
  const fatalError = new Promise<never>((_, reject) => { fatal = reject; });
  fatalError.catch(() => {});
  let wake: () => void = () => {};

  const absorb = (state: WorkerState, counters: Counters, histograms: HistogramDeltas) => {
    state.counters = counters;
    addEncoded(latency.endToEnd, histograms.endToEnd);
    addEncoded(latency.publishToAck, histograms.publishToAck);
    addEncoded(latency.connect, histograms.connect);
    addEncoded(liveHistogram, plan.subscribers > 0 ? histograms.endToEnd : plan.publishers > 0 ? histograms.publishToAck : histograms.connect);
  };

  let firstError: { message: string; exitCode: number; hint?: string } | undefined;
  const shares = assignClients(plan);
  const connectStarted = nowNs();
  for (const share of shares) {
    const init: WorkerInit = {
      plan, targets, session, ...share, runId, clockDomain: domain,
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
  let liveTimer: NodeJS.Timeout | undefined;
  let connectTimer: NodeJS.Timeout | undefined;
  let progressTimer: NodeJS.Timeout | undefined;
  let t0 = 0n;
  try {
    // 1. Connect (and subscribe) everything.
    spinner = ctx.ui.quiet ? undefined : await ctx.ui.spinner('Connecting...');
    const clients = plan.publishers + plan.subscribers + plan.idle;
    let lastConnectLine = 0;
    const connectProgress = () => {
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
    if (plan.subscribers > 0 && afterConnect.subscribed === 0) {
      spinner?.stop();
      await closeAll();
      const reasons = Object.keys(afterConnect.subscribeFailed).join('; ') || 'no subscriber stayed connected';
      throw new MqError(`No bench subscription was granted on '${plan.filter}': ${reasons}.`, { hint: 'Check the broker\'s ACL for this user and filter.' });
    }
    if (sumReasons(afterConnect.connectFailed) > 0) {
      ctx.ui.warn(`${sumReasons(afterConnect.connectFailed)} of ${clients} clients could not connect: ${describeReasons(afterConnect.connectFailed)}. The run goes on with the others.`);
    }

    // 2. Start everyone at the same monotonic instant.
    t0 = nowNs() + START_DELAY_NS;
    send({ type: 'start', t0: t0.toString() });
    let lastLive = { at: performance.now(), counters: total() };
    liveTimer = setInterval(() => {
      const now = performance.now();
      const counters = total();
      const text = liveLine(plan, {
        elapsedS: Number(nowNs() - t0) / 1e9,
        seconds: (now - lastLive.at) / 1000,
        previous: lastLive.counters,
        current: counters,
        p99: liveHistogram.totalCount > 0 ? summarize(liveHistogram).p99 : null,
        clients,
      });
      liveHistogram.reset();
      lastLive = { at: now, counters };
      if (ctx.ui.interactive) spinner?.update(text);
      else ctx.ui.info(text);
    }, 1000);
    if (!ctx.ui.interactive) spinner?.stop();

    // 3. Run until the schedule, the duration or --count ends it, or Ctrl-C.
    const startMs = performance.now() + Number(START_DELAY_NS) / 1e6;
    const windowNs = scheduledWindowNs(plan);
    const scheduledEndMs = windowNs !== undefined ? startMs + (plan.warmupNs + windowNs) / 1e6 : undefined;
    let drainTimedOut = false;
    if (plan.publishers > 0) {
      const drainDeadline = scheduledEndMs !== undefined ? scheduledEndMs + plan.drainNs / 1e6 : undefined;
      let how = await Promise.race([until(() => states.every((s) => s.published || noPublishers(s)), drainDeadline), fatalError]);
      if (how === 'done' && plan.subscribers > 0) {
        // Every publish is out (and acked): wait for the subscribers to receive them all.
        const expected = () => total().sent * plan.subscribers;
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
    clearInterval(liveTimer);
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
    await closeAll();
    let windowNs = scheduledWindowNs(plan) ?? 0;
    if (t0 === 0n) windowNs = 0;
    else if (interruptedAtNs !== undefined) windowNs = Math.min(windowNs || Infinity, Number(interruptedAtNs - t0) - plan.warmupNs);
    else if (plan.durationNs === undefined && plan.count !== undefined && plan.publishers === 0) {
      // mq bench sub --count: the window lasted until the count was reached.
      windowNs = Math.max(0, total().lastWindowReceivedNs - plan.warmupNs);
    }
    return {
      counters: total(),
      latency,
      windowNs: Math.max(0, windowNs),
      interrupted,
      connectNs: parts.connectNs,
      drainTimedOut: parts.drainTimedOut,
    };
  }
}

export function describeReasons(reasons: Record<string, number>): string {
  return Object.entries(reasons).sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${n} × ${reason}`).join('; ');
}
