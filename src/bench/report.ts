/**
 * What a bench run prints: the live line each second, the summary table (stderr, for people)
 * and the JSON report (stdout, for files and tools). Pure: the command gathers the system facts.
 */
import { sumReasons, type ByReason, type Counters } from './counters.js';
import { summarize, type LatencySummary } from './histogram.js';
import type { BenchPlan } from './plan.js';
import type { BenchResult } from './result.js';
import { OVERRUN_NS } from './schedule.js';

export interface SystemFacts {
  mqVersion: string;
  node: string;
  os: { platform: string; release: string; arch: string };
  cpu: { model: string; cores: number };
}

export interface ReportContext {
  system: SystemFacts;
  /** Broker URLs (passwords removed), one per target. */
  brokers: string[];
  protocolVersion: number;
  keepalive: number;
  startedAt: Date;
}

export interface BenchReport {
  tool: 'mq bench';
  mode: BenchPlan['mode'];
  startedAt: string;
  interrupted: boolean;
  drainTimedOut: boolean;
  mq: { version: string };
  node: string;
  os: SystemFacts['os'];
  cpu: SystemFacts['cpu'];
  brokers: string[];
  config: Record<string, unknown>;
  window: { warmupSeconds: number; seconds: number };
  counters: Record<string, unknown>;
  throughput: { unit: 'messages/s'; intended: number | null; sent: number | null; acked: number | null; received: number | null };
  latency: { unit: 'ms'; endToEnd: LatencySummary; publishToAck: LatencySummary; connect: LatencySummary };
}

/**
 * Events per second over the measured window: from the end of the warm-up to the scheduled end,
 * or to the last such event if that came later (a sender that fell behind, messages still arriving).
 */
export function windowRate(events: number, lastEventNs: number, windowNs: number, warmupNs: number): number | null {
  if (events === 0) return windowNs > 0 ? 0 : null;
  const span = Math.max(windowNs, lastEventNs - warmupNs);
  return span > 0 ? round(events / (span / 1e9), 1) : null;
}

export function buildReport(plan: BenchPlan, result: BenchResult, context: ReportContext): BenchReport {
  const c = result.counters;
  const publishes = plan.publishers > 0;
  const receives = plan.subscribers > 0;
  const acks = publishes && plan.qos > 0;
  const failed = sumReasons(c.publishFailed);
  return {
    tool: 'mq bench',
    mode: plan.mode,
    startedAt: context.startedAt.toISOString(),
    interrupted: result.interrupted,
    drainTimedOut: result.drainTimedOut,
    mq: { version: context.system.mqVersion },
    node: context.system.node,
    os: context.system.os,
    cpu: context.system.cpu,
    brokers: context.brokers,
    config: {
      publishers: plan.publishers,
      subscribers: plan.subscribers,
      connections: plan.idle,
      rate: publishes ? round(plan.rate, 3) : null,
      intervalMs: publishes ? round(plan.intervalNs / 1e6, 6) : null,
      size: publishes ? plan.size : null,
      qos: plan.mode === 'conn' ? null : plan.qos,
      retain: plan.retain,
      topic: publishes ? plan.topic : null,
      filter: receives ? plan.filter : null,
      warmupSeconds: plan.warmupNs / 1e9,
      durationSeconds: plan.durationNs !== undefined ? plan.durationNs / 1e9 : null,
      count: plan.count ?? null,
      connectRate: plan.connectRate ?? null,
      inflight: publishes ? plan.inflight : null,
      idPrefix: plan.idPrefix,
      idOffset: plan.idOffset,
      workers: plan.workers,
      drainSeconds: plan.drainNs / 1e9,
      protocolVersion: context.protocolVersion,
      keepalive: context.keepalive,
      overrunThresholdMs: OVERRUN_NS / 1e6,
    },
    window: { warmupSeconds: plan.warmupNs / 1e9, seconds: round(result.windowNs / 1e9, 3) },
    counters: {
      connects: { attempted: c.connectAttempts, ok: c.connected, failed: sumReasons(c.connectFailed), failedByReason: c.connectFailed },
      connectSeconds: round(result.connectNs / 1e9, 3),
      disconnects: sumReasons(c.disconnects),
      disconnectsByReason: c.disconnects,
      reconnects: c.reconnects,
      subscriptions: receives ? { ok: c.subscribed, failed: sumReasons(c.subscribeFailed), failedByReason: c.subscribeFailed } : null,
      sent: c.sent,
      acked: acks ? c.acked : null,
      publishFailed: acks ? failed : null,
      publishFailedByReason: acks ? c.publishFailed : null,
      noMatchingSubscribers: acks ? c.noMatchingSubscribers : null,
      overruns: c.overruns,
      received: c.received,
      unique: c.unique,
      duplicates: c.duplicates,
      outOfOrder: c.outOfOrder,
      lost: receives ? lostCount(plan, c) : null,
      foreign: c.foreign,
      otherClock: c.otherClock,
      windowSent: c.windowSent,
      windowAcked: acks ? c.windowAcked : null,
      windowReceived: c.windowReceived,
    },
    throughput: {
      unit: 'messages/s',
      intended: publishes ? round(plan.rate, 3) : null,
      sent: publishes ? windowRate(c.windowSent, c.lastWindowSentNs, result.windowNs, plan.warmupNs) : null,
      acked: acks ? windowRate(c.windowAcked, c.lastWindowAckedNs, result.windowNs, plan.warmupNs) : null,
      received: receives ? windowRate(c.windowReceived, c.lastWindowReceivedNs, result.windowNs, plan.warmupNs) : null,
    },
    latency: {
      unit: 'ms',
      endToEnd: summarize(result.latency.endToEnd),
      publishToAck: summarize(result.latency.publishToAck),
      connect: summarize(result.latency.connect),
    },
  };
}

/**
 * Lost messages. With publishers in this run every subscriber should get every message, so what
 * never arrived counts too (also after the last one received); `mq bench sub` can only see gaps.
 */
export function lostCount(plan: BenchPlan, c: Counters): number {
  if (plan.mode === 'pubsub') return Math.max(c.lost, c.sent * plan.subscribers - c.unique);
  return c.lost;
}

// ---------------------------------------------------------------- text

const fmt = (n: number | null, digits = 0) => (n === null ? '-' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const ms = (n: number | null) => (n === null ? '-' : n < 10 ? n.toFixed(3) : n < 1000 ? n.toFixed(2) : n.toFixed(0));

function reasons(byReason: ByReason): string {
  return Object.entries(byReason).sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${fmt(n)} × ${reason}`).join('; ');
}

/** The summary table, one string of lines. */
export function renderSummary(report: BenchReport): string {
  const cfg = report.config as Record<string, number | string | null | boolean>;
  const c = report.counters as Record<string, unknown> & {
    connects: { attempted: number; ok: number; failed: number; failedByReason: ByReason };
    subscriptions: { ok: number; failed: number; failedByReason: ByReason } | null;
    disconnectsByReason: ByReason;
    publishFailedByReason: ByReason | null;
  };
  const lines: string[] = [];
  const n = (count: unknown, noun: string) => `${fmt(count as number)} ${noun}${count === 1 ? '' : 's'}`;
  const who = report.mode === 'pub' ? n(cfg.publishers, 'publisher')
    : report.mode === 'sub' ? `${n(cfg.subscribers, 'subscriber')} on '${cfg.filter}'`
      : report.mode === 'conn' ? n(cfg.connections, 'connection')
        : `${n(cfg.publishers, 'publisher')} -> ${n(cfg.subscribers, 'subscriber')}`;
  const load = report.mode === 'pub' || report.mode === 'pubsub'
    ? `, QoS ${cfg.qos}, ${fmt(cfg.size as number)} B at ${fmt(cfg.rate as number, Number.isInteger(cfg.rate) ? 0 : 1)} msg/s`
    : report.mode === 'sub' ? `, QoS ${cfg.qos}` : '';
  lines.push(`mq bench: ${who}${load}, ${n(cfg.workers, 'worker')}, ${report.brokers.join(', ')}`);
  const state = report.interrupted ? 'interrupted' : report.drainTimedOut ? `ended before every message arrived (--drain ${cfg.drainSeconds} s)` : '';
  lines.push(`window ${report.window.seconds} s after ${report.window.warmupSeconds} s warm-up${state ? `; ${state}` : ''}`);
  lines.push('');

  const conn = c.connects;
  let connLine = `Connections   ${fmt(conn.ok)}/${fmt(conn.attempted)} ok in ${c.connectSeconds} s`;
  if (conn.failed > 0) connLine += `, ${fmt(conn.failed)} failed (${reasons(conn.failedByReason)})`;
  connLine += `, ${fmt(c.disconnects as number)} dropped, ${fmt(c.reconnects as number)} reconnects`;
  lines.push(connLine);
  if (Object.keys(c.disconnectsByReason).length > 0) lines.push(`              dropped: ${reasons(c.disconnectsByReason)}`);
  if (c.subscriptions) {
    let sub = `Subscriptions ${fmt(c.subscriptions.ok)} ok`;
    if (c.subscriptions.failed > 0) sub += `, ${fmt(c.subscriptions.failed)} failed (${reasons(c.subscriptions.failedByReason)})`;
    lines.push(sub);
  }

  if (report.mode !== 'conn') {
    const parts: string[] = [];
    if (report.mode !== 'sub') parts.push(`sent ${fmt(c.sent as number)}`);
    if (c.acked !== null) parts.push(`acked ${fmt(c.acked as number)}`);
    if (c.publishFailed !== null && (c.publishFailed as number) > 0) parts.push(`failed ${fmt(c.publishFailed as number)}`);
    if (report.mode !== 'pub') {
      parts.push(`received ${fmt(c.received as number)}`, `lost ${fmt(c.lost as number)}`, `duplicates ${fmt(c.duplicates as number)}`, `out of order ${fmt(c.outOfOrder as number)}`);
    }
    if (report.mode !== 'sub') parts.push(`overruns ${fmt(c.overruns as number)}`);
    lines.push(`Messages      ${parts.join(', ')}`);
    if (c.publishFailedByReason && Object.keys(c.publishFailedByReason).length > 0) lines.push(`              failed: ${reasons(c.publishFailedByReason)}`);
    if ((c.foreign as number) > 0) lines.push(`              ${fmt(c.foreign as number)} messages were not from this run (no bench header, or another run) and were left out`);
    if ((c.otherClock as number) > 0) lines.push(`              ${fmt(c.otherClock as number)} messages came from another host's clock: no latency for them`);
    const t = report.throughput;
    const rates: string[] = [];
    if (t.intended !== null) rates.push(`intended ${fmt(t.intended, 1)}`);
    if (t.sent !== null) rates.push(`sent ${fmt(t.sent, 1)}`);
    if (t.acked !== null) rates.push(`acked ${fmt(t.acked, 1)}`);
    if (t.received !== null) rates.push(`received ${fmt(t.received, 1)}`);
    lines.push(`Throughput    ${rates.join(', ')} msg/s`);
  }

  lines.push('');
  const rows: [string, LatencySummary][] = [];
  if (report.mode === 'pubsub' || report.mode === 'sub') rows.push(['end-to-end', report.latency.endToEnd]);
  if ((report.mode === 'pubsub' || report.mode === 'pub') && cfg.qos !== 0) rows.push(['publish->ack', report.latency.publishToAck]);
  rows.push(['connect', report.latency.connect]);
  const head = ['Latency (ms)', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean', 'count'];
  const table = [head, ...rows.map(([name, s]) => [name, ms(s.p50), ms(s.p90), ms(s.p99), ms(s.p999), ms(s.max), ms(s.mean), fmt(s.count)])];
  const widths = head.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) lines.push(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]! + 2))).join(''));
  if (report.mode === 'pubsub' || report.mode === 'pub') lines.push('Latencies are measured from each message\'s scheduled send time (no coordinated omission).');
  return lines.join('\n');
}

export interface LiveInput {
  elapsedS: number;
  seconds: number;
  previous: Counters;
  current: Counters;
  p99: number | null;
  clients: number;
}

/** The line shown each second. */
export function liveLine(plan: BenchPlan, live: LiveInput): string {
  const { current: c, previous: p } = live;
  const perS = (now: number, before: number) => fmt(live.seconds > 0 ? (now - before) / live.seconds : 0);
  const parts = [`${live.elapsedS.toFixed(0)} s${live.elapsedS * 1e9 < plan.warmupNs ? ' (warm-up)' : ''}`];
  if (plan.publishers > 0) {
    parts.push(`sent ${perS(c.sent, p.sent)}/s`);
    if (plan.qos > 0) parts.push(`acked ${perS(c.acked, p.acked)}/s`);
  }
  if (plan.subscribers > 0) parts.push(`received ${perS(c.received, p.received)}/s`);
  if (plan.mode !== 'conn' && live.p99 !== null) parts.push(`p99 ${ms(live.p99)} ms`);
  if (plan.mode === 'conn' && live.p99 !== null) parts.push(`connect p99 ${ms(live.p99)} ms`);
  if (plan.subscribers > 0) parts.push(`lost ${fmt(c.lost)}`);
  if (plan.publishers > 0) parts.push(`overruns ${fmt(c.overruns)}`);
  parts.push(`online ${fmt(c.online)}/${fmt(live.clients)}`);
  const failures = sumReasons(c.publishFailed) + sumReasons(c.disconnects);
  if (failures > 0) parts.push(`failures ${fmt(failures)}`);
  return parts.join('  ');
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
