/**
 * What happened in each second of a run, for the HTML report's charts: messages sent, acked and
 * received in that second, clients connected at its end, and the latency samples of that second
 * (one histogram, so that per-second percentiles of several machines merge exactly). Pure.
 *
 * Second k covers (t0 + (k - 1) s, t0 + k s], t0 being the start of publishing; the seconds of the
 * connection phase are 0 and below.
 */
import { createHistogram, decodeHistogram, encodeStandard, summarize, type Histogram } from './histogram.js';

export interface TimelinePoint {
  second: number;
  sent: number;
  acked: number;
  received: number;
  /** Clients connected at the end of the second (summed over machines). */
  connected: number;
  /** The second's latency samples, encodeStandard() form; '' when there were none. */
  histogram: string;
}

/** A point as the JSON report holds it: with the second's p50 and p99 in ms. */
export interface TimelineReportPoint extends TimelinePoint {
  p50: number | null;
  p99: number | null;
}

interface Bucket {
  sent: number;
  acked: number;
  received: number;
  connected: number;
  histogram?: Histogram;
}

/** Collects points; a second given twice adds its counts and keeps the later connected count. */
export class TimelineRecorder {
  private readonly buckets = new Map<number, Bucket>();

  add(second: number, delta: { sent: number; acked: number; received: number }, connected: number, histogram?: Histogram): void {
    const bucket = this.buckets.get(second) ?? { sent: 0, acked: 0, received: 0, connected: 0 };
    bucket.sent += delta.sent;
    bucket.acked += delta.acked;
    bucket.received += delta.received;
    bucket.connected = connected;
    if (histogram && histogram.totalCount > 0) {
      bucket.histogram ??= createHistogram();
      bucket.histogram.add(histogram);
    }
    this.buckets.set(second, bucket);
  }

  points(): TimelinePoint[] {
    return [...this.buckets.entries()].sort((a, b) => a[0] - b[0]).map(([second, b]) => ({
      second, sent: b.sent, acked: b.acked, received: b.received, connected: b.connected,
      histogram: b.histogram ? encodeStandard(b.histogram) : '',
    }));
  }
}

/**
 * Timelines of several machines (or runs) as one: counts and connections added per second,
 * histograms merged. `shifts[i]` moves timeline i by whole seconds (runs that started later).
 */
export function mergeTimelines(timelines: readonly TimelinePoint[][], shifts: readonly number[] = []): TimelinePoint[] {
  const merged = new Map<number, Bucket>();
  timelines.forEach((points, i) => {
    for (const p of points) {
      const second = p.second + (shifts[i] ?? 0);
      const bucket = merged.get(second) ?? { sent: 0, acked: 0, received: 0, connected: 0 };
      bucket.sent += p.sent;
      bucket.acked += p.acked;
      bucket.received += p.received;
      bucket.connected += p.connected;
      if (p.histogram !== '') {
        bucket.histogram ??= createHistogram();
        bucket.histogram.add(decodeHistogram(p.histogram));
      }
      merged.set(second, bucket);
    }
  });
  return [...merged.entries()].sort((a, b) => a[0] - b[0]).map(([second, b]) => ({
    second, sent: b.sent, acked: b.acked, received: b.received, connected: b.connected,
    histogram: b.histogram ? encodeStandard(b.histogram) : '',
  }));
}

/** The points with each second's p50 and p99 (ms). */
export function timelineReport(points: readonly TimelinePoint[]): TimelineReportPoint[] {
  return points.map((p) => {
    const s = p.histogram === '' ? undefined : summarize(decodeHistogram(p.histogram));
    return { ...p, p50: s?.p50 ?? null, p99: s?.p99 ?? null };
  });
}
