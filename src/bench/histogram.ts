import { deflateSync, inflateSync } from 'node:zlib';
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

/**
 * HDR histograms of latencies in microseconds, 3 significant digits, auto-resizing.
 *
 * The pure-JS implementation, not the WebAssembly one: recording costs about 0.1 µs (1 % of a core
 * at 100 000 messages/s), it needs no async initialisation in each worker and no destroy() to free
 * WASM memory. 64-bit counts, so long runs cannot overflow a bucket. Worker threads send their
 * histograms to the main thread in the standard compressed encoding (a few hundred bytes) and the
 * main thread adds them: merging HDR histograms is exact, so the merged percentiles are those of
 * all samples together, unlike averaging per-worker percentiles.
 */
export type { Histogram };

export function createHistogram(): Histogram {
  return build({ bitBucketSize: 64, numberOfSignificantValueDigits: 3, autoResize: true, useWebAssembly: false });
}

/** Record a duration given in nanoseconds, as whole microseconds (never negative). */
export function recordNs(histogram: Histogram, ns: number): void {
  histogram.recordValue(ns > 0 ? Math.round(ns / 1000) : 0);
}

export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

/** Add an encoded histogram (from encodeHistogram or encodeStandard) into `into`. */
export function addEncoded(into: Histogram, encoded: string): void {
  if (encoded === '') return;
  into.add(decodeHistogram(encoded));
}

/** A histogram from HdrHistogram's compressed base64 form (ours, or any V2 writer's). */
export function decodeHistogram(encoded: string): Histogram {
  const histogram = decodeFromCompressedBase64(encoded, 64, false);
  histogram.autoResize = true;
  return histogram;
}

/** The unit of every histogram in a report: values are whole microseconds. */
export const HISTOGRAM_UNIT = 'microseconds';

/**
 * HdrHistogram's standard compressed encoding (V2, base64, starting "HISTF"), as the Java, C and
 * Python implementations write it. hdr-histogram-js writes two header fields its own way: the
 * integer-to-double conversion ratio as the integer 1 where the format has the double 1.0 (Java
 * would read 4.9e-324), and a normalizing index offset of 1 where a plain histogram has 0. Both are
 * put right here; the counts are untouched.
 *
 *   compressed:  cookie 0x1c849314 (int32) | length of the zlib data (int32) | zlib(encoding)
 *   encoding:    cookie 0x1c849313 | payload length | normalizing index offset | significant digits
 *                (int32 each) | lowest discernible value | highest trackable value (int64 each) |
 *                conversion ratio (float64) | counts (ZigZag LEB128, negative = a run of zeros)
 */
export function encodeStandard(histogram: Histogram): string {
  const compressed = Buffer.from(encodeIntoCompressedBase64(histogram), 'base64');
  const encoding = inflateSync(compressed.subarray(8, 8 + compressed.readInt32BE(4)));
  encoding.writeInt32BE(0, 8);
  encoding.writeDoubleBE(1.0, 32);
  const deflated = deflateSync(encoding);
  const out = Buffer.alloc(8 + deflated.length);
  out.writeInt32BE(compressed.readInt32BE(0), 0);
  out.writeInt32BE(deflated.length, 4);
  deflated.copy(out, 8);
  return out.toString('base64');
}

/** Percentiles in milliseconds; all null when nothing was recorded. */
export interface LatencySummary {
  count: number;
  min: number | null;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
}

/** A summary with the histogram it was taken from, as the JSON report holds it. */
export interface LatencyReport extends LatencySummary {
  /** encodeStandard() of the samples, in HISTOGRAM_UNIT. */
  histogram: string;
  histogramUnit: typeof HISTOGRAM_UNIT;
}

export function latencyReport(histogram: Histogram): LatencyReport {
  return { ...summarize(histogram), histogram: encodeStandard(histogram), histogramUnit: HISTOGRAM_UNIT };
}

export function summarize(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, min: null, mean: null, p50: null, p90: null, p99: null, p999: null, max: null };
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    count,
    min: ms(histogram.getValueAtPercentile(0)),
    mean: Math.round(histogram.mean) / 1000,
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.maxValue),
  };
}
