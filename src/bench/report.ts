/**
 * What a bench run prints: the live line each second, the summary table (stderr, for people)
 * and the JSON report (stdout, for files and tools). Pure: the command gathers the system facts.
 */
import { sumReasons, type ByReason, type Counters } from './counters.js';
import { createHistogram, latencyReport, summarize, type Histogram, type LatencyReport, type LatencySummary } from './histogram.js';
import type { BenchPlan } from './plan.js';
import type { BenchResult } from './result.js';
import { OVERRUN_NS } from './schedule.js';
import { timelineReport, type TimelineReportPoint } from './timeline.js';

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
  /** A run over agents: one row each, the ones that never reported, and how far cross-host latency can be off. */
  agents?: AgentRow[];
  missingAgents?: string[];
  crossHostUncertaintyMs?: number;
}

export type LatencyKind = 'endToEnd' | 'endToEndCrossHost' | 'publishToAck' | 'connect';
export const LATENCY_KINDS: readonly LatencyKind[] = ['endToEnd', 'endToEndCrossHost', 'publishToAck', 'connect'];

export interface LatencyReports {
  unit: 'ms';
  /** Publisher and subscriber on one host: one clock, exact. */
  endToEnd: LatencyReport;
  /** Publisher on another host: corrected by the measured clock offsets, within uncertaintyMs. */
  endToEndCrossHost: LatencyReport & { uncertaintyMs: number | null };
  publishToAck: LatencyReport;
  connect: LatencyReport;
}

/** One agent of a run (or one report of `mq bench merge`). */
export interface AgentRow {
  name: string;
  host: string | null;
  mqVersion: string | null;
  brokers: string[];
  clients: { publishers: number; subscribers: number; connections: number };
  /** False for an agent whose result never came: its counts are missing from the totals. */
  reported: boolean;
  sent: number | null;
  acked: number | null;
  received: number | null;
  lost: number | null;
  /** The run's main latency (report.latencyKind; end-to-end counts both hosts' samples), ms. */
  p50: number | null;
  p99: number | null;
  /** The agent's clock against the controller's: wall-clock offset, and how well it is known. */
  clock: { offsetMs: number; uncertaintyMs: number; driftMs: number | null } | null;
  latency: Omit<LatencyReports, 'unit' | 'endToEndCrossHost'> & { endToEndCrossHost: LatencyReport } | null;
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
  window: {
    warmupSeconds: number;
    seconds: number;
    /** Wall-clock time the window began (the publishers' t0 plus the warm-up). */
    start: string;
    /** Seconds from the window's start to the last measured send, ack and receive (null: none). */
    lastSeconds: { sent: number | null; acked: number | null; received: number | null };
  };
  counters: Record<string, unknown>;
  throughput: { unit: 'messages/s'; intended: number | null; sent: number | null; acked: number | null; received: number | null };
  /** The latency the live line and the timeline follow. */
  latencyKind: 'endToEnd' | 'publishToAck' | 'connect';
  latency: LatencyReports;
  /** Second by second: counts in that second, clients connected at its end, its p50/p99 (ms) and histogram. */
  timeline: TimelineReportPoint[];
  /** Runs over agents, and merged reports. */
  agents?: AgentRow[];
  partial?: boolean;
  missingAgents?: string[];
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
  const agents = context.agents;
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
    window: {
      warmupSeconds: plan.warmupNs / 1e9,
      seconds: round(result.windowNs / 1e9, 3),
      start: new Date(result.windowStartMs).toISOString(),
      lastSeconds: {
        sent: lastSeconds(c.lastWindowSentNs, plan.warmupNs),
        acked: acks ? lastSeconds(c.lastWindowAckedNs, plan.warmupNs) : null,
        received: lastSeconds(c.lastWindowReceivedNs, plan.warmupNs),
      },
    },
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
    latencyKind: primaryKind(plan),
    latency: {
      unit: 'ms',
      endToEnd: latencyReport(result.latency.endToEnd),
      endToEndCrossHost: { ...latencyReport(result.latency.endToEndCrossHost), uncertaintyMs: context.crossHostUncertaintyMs ?? null },
      publishToAck: latencyReport(result.latency.publishToAck),
      connect: latencyReport(result.latency.connect),
    },
    timeline: timelineReport(result.timeline),
    ...(agents ? { agents, partial: (context.missingAgents ?? []).length > 0, missingAgents: context.missingAgents ?? [] } : {}),
  };
}

/** The latency a mode is about (runner.ts primaryLatency, for the report). */
export function primaryKind(plan: Pick<BenchPlan, 'mode' | 'qos'>): BenchReport['latencyKind'] {
  if (plan.mode === 'pubsub' || plan.mode === 'sub') return 'endToEnd';
  if (plan.mode === 'pub' && plan.qos > 0) return 'publishToAck';
  return 'connect';
}

function lastSeconds(lastNs: number, warmupNs: number): number | null {
  return lastNs < 0 ? null : round((lastNs - warmupNs) / 1e9, 6);
}

/** p50 and p99 of the main latency of a set of histograms (end-to-end: both hosts' samples). */
export function mainPercentiles(kind: BenchReport['latencyKind'], latency: { [K in LatencyKind]: Histogram }): { p50: number | null; p99: number | null } {
  const h = createHistogram();
  h.add(latency[kind]);
  if (kind === 'endToEnd') h.add(latency.endToEndCrossHost);
  const s = summarize(h);
  return { p50: s.p50, p99: s.p99 };
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
  const crossHost = report.latency.endToEndCrossHost;
  if (report.mode === 'pubsub' || report.mode === 'sub') {
    if (report.latency.endToEnd.count > 0 || crossHost.count === 0) rows.push([crossHost.count > 0 ? 'end-to-end, same host' : 'end-to-end', report.latency.endToEnd]);
    if (crossHost.count > 0) rows.push(['end-to-end, cross-host', crossHost]);
  }
  if ((report.mode === 'pubsub' || report.mode === 'pub') && cfg.qos !== 0) rows.push(['publish->ack', report.latency.publishToAck]);
  rows.push(['connect', report.latency.connect]);
  const head = ['Latency (ms)', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean', 'count'];
  const table = [head, ...rows.map(([name, s]) => [name, ms(s.p50), ms(s.p90), ms(s.p99), ms(s.p999), ms(s.max), ms(s.mean), fmt(s.count)])];
  const widths = head.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) lines.push(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]! + 2))).join(''));
  if (report.mode === 'pubsub' || report.mode === 'pub') lines.push('Latencies are measured from each message\'s scheduled send time (no coordinated omission).');
  if (crossHost.count > 0) {
    const within = crossHost.uncertaintyMs !== null ? `, within ±${ms(crossHost.uncertaintyMs)} ms` : '';
    lines.push(`Cross-host latencies are corrected by the agents' measured clock offsets${within}; same-host ones are exact.`);
  }
  if (report.agents) lines.push('', ...renderAgents(report));
  return lines.join('\n');
}

/** The per-agent table, and the line that names agents that never reported. */
export function renderAgents(report: BenchReport): string[] {
  const agents = report.agents ?? [];
  const kind = report.latencyKind === 'endToEnd' ? 'end-to-end' : report.latencyKind === 'publishToAck' ? 'publish->ack' : 'connect';
  const head = ['Agent', 'clients', 'sent', 'acked', 'received', 'lost', 'p50', 'p99', 'clock offset (ms)'];
  const signed = (n: number) => `${n >= 0 ? '+' : '-'}${ms(Math.abs(n))}`;
  const table = [head, ...agents.map((a) => [
    a.reported ? a.name : `${a.name} (no report)`,
    fmt(a.clients.publishers + a.clients.subscribers + a.clients.connections),
    fmt(a.sent), fmt(a.acked), fmt(a.received), fmt(a.lost), ms(a.p50), ms(a.p99),
    a.clock ? `${signed(a.clock.offsetMs)} ± ${ms(a.clock.uncertaintyMs)}` : '-',
  ])];
  const widths = head.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const lines = table.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]! + 2))).join(''));
  lines.push(`Per agent: its clients' counts and ${kind} latency (ms); clock: its wall clock against the controller's, ± half the best round trip.`);
  if (report.partial) lines.push(`Partial: ${(report.missingAgents ?? []).join(', ')} did not report; the totals leave out their clients.`);
  return lines;
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
