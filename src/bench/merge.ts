/**
 * One report from several: a controller adds up its agents' results, `mq bench merge` adds up JSON
 * reports of runs launched any other way. Counters are summed and HDR histograms merged, so the
 * percentiles are those of every sample together, never an average of percentiles. Pure.
 */
import { UsageError } from '../errors.js';
import { totalCounters } from './counters.js';
import { createHistogram, decodeHistogram, HISTOGRAM_UNIT, latencyReport, summarize, type Histogram } from './histogram.js';
import { LATENCY_KINDS, type AgentRow, type BenchReport, type LatencyKind } from './report.js';
import type { BenchResult } from './result.js';
import { mergeTimelines, timelineReport } from './timeline.js';

/** Results of one run's agents, which share t0: counts summed, histograms merged, the longest window. */
export function mergeResults(results: readonly BenchResult[]): BenchResult {
  const latency = { endToEnd: createHistogram(), endToEndCrossHost: createHistogram(), publishToAck: createHistogram(), connect: createHistogram() };
  for (const r of results) for (const kind of LATENCY_KINDS) latency[kind].add(r.latency[kind]);
  return {
    counters: totalCounters(results.map((r) => r.counters)),
    latency,
    windowNs: Math.max(0, ...results.map((r) => r.windowNs)),
    interrupted: results.some((r) => r.interrupted),
    connectNs: Math.max(0, ...results.map((r) => r.connectNs)),
    drainTimedOut: results.some((r) => r.drainTimedOut),
    windowStartMs: Math.min(...results.map((r) => r.windowStartMs)),
    timeline: mergeTimelines(results.map((r) => r.timeline)),
  };
}

export interface NamedReport {
  /** How the report is called in the merged one's agent rows (its file name without .json). */
  name: string;
  /** Where it came from, for messages (default: the name). */
  file?: string;
  report: BenchReport;
}

/**
 * Why these reports cannot be merged (one line naming the difference), or undefined. Runs of
 * different modes, QoS or payload sizes measure different things; reports without histograms
 * (written before mq embedded them) cannot be merged exactly.
 */
export function mergeProblem(inputs: readonly NamedReport[]): string | undefined {
  if (inputs.length < 2) return 'give two reports or more to merge';
  for (const { name: row, file, report } of inputs) {
    const name = file ?? row;
    if (report?.tool !== 'mq bench') return `${name} is not an mq bench JSON report (written by mq bench --json)`;
    for (const kind of LATENCY_KINDS) {
      const l = report.latency?.[kind];
      if (typeof l?.histogram !== 'string') return `${name} has no ${kind} histogram (reports of mq before 0.1 have none), so it cannot be merged exactly`;
      if (l.histogramUnit !== HISTOGRAM_UNIT) return `${name} records ${kind} in ${String(l.histogramUnit)}, not ${HISTOGRAM_UNIT}`;
    }
  }
  const [first, ...rest] = inputs;
  const describe = {
    mode: (r: BenchReport) => (r.mode === 'pubsub' ? 'plain mq bench' : `mq bench ${r.mode}`),
    qos: (r: BenchReport) => `QoS ${String(r.config.qos)}`,
    size: (r: BenchReport) => `${String(r.config.size)}-byte payloads`,
  };
  for (const other of rest) {
    for (const [field, text] of Object.entries(describe) as [keyof typeof describe, (r: BenchReport) => string][]) {
      const a = field === 'mode' ? first!.report.mode : first!.report.config[field];
      const b = field === 'mode' ? other.report.mode : other.report.config[field];
      if (a !== b) return `${first!.file ?? first!.name} is ${text(first!.report)} and ${other.file ?? other.name} ${text(other.report)}: only runs of the same ${field === 'mode' ? 'mode' : field === 'qos' ? 'QoS' : 'payload size'} can be merged`;
    }
  }
  return undefined;
}

/** Numbers added, reason maps merged, nested objects alike; null where every input has null. */
export function sumCounters(all: readonly Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = new Set(all.flatMap((c) => Object.keys(c)));
  for (const key of keys) {
    const values = all.map((c) => c[key]).filter((v) => v !== null && v !== undefined);
    if (values.length === 0) out[key] = null;
    else if (values.every((v) => typeof v === 'number')) {
      // The connection phase ran side by side: its length is the longest one's.
      out[key] = key === 'connectSeconds' ? Math.max(...(values as number[])) : (values as number[]).reduce((a, b) => a + b, 0);
    } else if (values.every((v) => typeof v === 'object')) out[key] = sumCounters(values as Record<string, unknown>[]);
    else out[key] = values[0];
  }
  return out;
}

/**
 * Reports of runs launched any other way as one. Their windows are placed by their wall-clock
 * start (the same with --start-at); throughput is over the span from the first window's start to
 * the last one's end. Each report becomes an agent row (a merged report's own rows carry over).
 */
export function mergeReports(inputs: readonly NamedReport[]): BenchReport {
  const problem = mergeProblem(inputs);
  if (problem) throw new UsageError(`Cannot merge: ${problem}.`);
  const reports = inputs.map((i) => i.report);
  const first = reports[0]!;
  const starts = reports.map((r) => Date.parse(r.window.start));
  const earliest = Math.min(...starts);
  const shifts = starts.map((s) => (s - earliest) / 1000);

  const latency = {} as Record<LatencyKind, Histogram>;
  for (const kind of LATENCY_KINDS) {
    latency[kind] = createHistogram();
    for (const r of reports) latency[kind].add(decodeHistogram(r.latency[kind].histogram));
  }
  const counters = sumCounters(reports.map((r) => r.counters));
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);

  // The span of the merged window, as windowRate() does for one run: to the scheduled end, or to
  // the last event if that came later.
  const seconds = Math.max(...reports.map((r, i) => shifts[i]! + r.window.seconds));
  const last = (key: 'sent' | 'acked' | 'received') => {
    const ends = reports.map((r, i) => (r.window.lastSeconds[key] === null ? null : shifts[i]! + r.window.lastSeconds[key]!)).filter((v): v is number => v !== null);
    return ends.length > 0 ? round(Math.max(...ends), 6) : null;
  };
  const lastSeconds = { sent: last('sent'), acked: last('acked'), received: last('received') };
  const rate = (events: unknown, key: 'sent' | 'acked' | 'received', applies: boolean) => {
    if (!applies) return null;
    const n = num(events);
    const span = Math.max(seconds, lastSeconds[key] ?? 0);
    if (n === 0) return span > 0 ? 0 : null;
    return span > 0 ? round(n / span, 1) : null;
  };

  const uncertainties = reports.map((r) => r.latency.endToEndCrossHost.uncertaintyMs).filter((u): u is number => typeof u === 'number');
  const kind = first.latencyKind;

  const agents: AgentRow[] = inputs.flatMap(({ name, report }) => report.agents ?? [rowOf(name, report)]);
  const missingAgents = reports.flatMap((r) => r.missingAgents ?? []);
  const summed = ['publishers', 'subscribers', 'connections', 'rate', 'count', 'workers'];

  return {
    ...first,
    startedAt: new Date(Math.min(...reports.map((r) => Date.parse(r.startedAt)))).toISOString(),
    interrupted: reports.some((r) => r.interrupted),
    drainTimedOut: reports.some((r) => r.drainTimedOut),
    brokers: [...new Set(reports.flatMap((r) => r.brokers))],
    config: mergeConfig(reports.map((r) => r.config), summed),
    window: {
      warmupSeconds: Math.max(...reports.map((r) => r.window.warmupSeconds)),
      seconds: round(seconds, 3),
      start: new Date(earliest).toISOString(),
      lastSeconds,
    },
    counters,
    throughput: {
      unit: 'messages/s',
      intended: reports.every((r) => r.throughput.intended === null) ? null : round(reports.reduce((a, r) => a + num(r.throughput.intended), 0), 3),
      sent: rate(counters.windowSent, 'sent', first.throughput.sent !== null),
      acked: rate(counters.windowAcked, 'acked', first.throughput.acked !== null),
      received: rate(counters.windowReceived, 'received', first.throughput.received !== null),
    },
    latencyKind: kind,
    latency: {
      unit: 'ms',
      endToEnd: latencyReport(latency.endToEnd),
      endToEndCrossHost: { ...latencyReport(latency.endToEndCrossHost), uncertaintyMs: uncertainties.length > 0 ? Math.max(...uncertainties) : null },
      publishToAck: latencyReport(latency.publishToAck),
      connect: latencyReport(latency.connect),
    },
    timeline: timelineReport(mergeTimelines(reports.map((r) => r.timeline ?? []), shifts.map((s) => Math.round(s)))),
    agents,
    partial: missingAgents.length > 0,
    missingAgents,
  };
}

/** The first config; fields summed over the runs; any other field that differs lists every value. */
function mergeConfig(configs: readonly Record<string, unknown>[], summed: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...configs[0] };
  for (const key of Object.keys(out)) {
    const values = configs.map((c) => c[key]);
    if (summed.includes(key) && values.every((v) => typeof v === 'number' || v === null)) {
      out[key] = values.every((v) => v === null) ? null : round(values.reduce<number>((a, v) => a + ((v as number | null) ?? 0), 0), 3);
    } else {
      const distinct = [...new Set(values.map((v) => JSON.stringify(v)))];
      if (distinct.length > 1) out[key] = distinct.map((v) => JSON.parse(v) as unknown);
    }
  }
  return out;
}

/** A single-machine report as one row of a merged report. */
function rowOf(name: string, report: BenchReport): AgentRow {
  const c = report.counters as Record<string, unknown>;
  const cfg = report.config as Record<string, unknown>;
  const n = (v: unknown) => (typeof v === 'number' ? v : null);
  const kind = report.latencyKind;
  const main = createHistogram();
  main.add(decodeHistogram(report.latency[kind].histogram));
  if (kind === 'endToEnd') main.add(decodeHistogram(report.latency.endToEndCrossHost.histogram));
  const s = summarize(main);
  const { unit: _unit, ...latency } = report.latency;
  return {
    name,
    host: null,
    mqVersion: report.mq?.version ?? null,
    brokers: report.brokers,
    clients: { publishers: n(cfg.publishers) ?? 0, subscribers: n(cfg.subscribers) ?? 0, connections: n(cfg.connections) ?? 0 },
    reported: true,
    sent: n(c.sent),
    acked: n(c.acked),
    received: n(c.received),
    lost: n(c.lost),
    p50: s.p50,
    p99: s.p99,
    clock: null,
    latency,
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
