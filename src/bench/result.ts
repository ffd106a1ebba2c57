/** What a bench run measured: the runner (runner.ts) fills it in, the report (report.ts) reads it. */
import type { Counters } from './counters.js';
import type { Histogram } from './histogram.js';
import type { TimelinePoint } from './timeline.js';

export interface BenchResult {
  counters: Counters;
  latency: { endToEnd: Histogram; endToEndCrossHost: Histogram; publishToAck: Histogram; connect: Histogram };
  /** The measured window: from the end of the warm-up to the scheduled end (or Ctrl-C), ns. */
  windowNs: number;
  interrupted: boolean;
  /** ns from the first connect to the last CONNACK (or failure). */
  connectNs: number;
  /** The run ended before the drain saw every ack and message. */
  drainTimedOut: boolean;
  /** Wall-clock time (ms since the epoch) when the measured window began. */
  windowStartMs: number;
  /** Second by second (timeline.ts). */
  timeline: TimelinePoint[];
}
