import type { SessionOptions, TlsFiles } from '../connection/session.js';
import type { ConnectionSettings } from '../connection/settings.js';
import type { Counters } from './counters.js';
import type { BenchPlan } from './plan.js';

/** The messages between the main thread and the bench worker threads (structured-clone safe). */

/** A broker address with its resolved settings; clients are spread over targets round-robin. */
export interface Target {
  settings: ConnectionSettings;
  tlsFiles: TlsFiles;
}

export interface WorkerInit {
  plan: BenchPlan;
  targets: Target[];
  /** Everything of the session but the client id, which each client makes from its number. */
  session: Omit<SessionOptions, 'clientId'>;
  /** Global indices (0-based over the run, before --id-offset) of the clients this worker owns. */
  publishers: number[];
  subscribers: number[];
  idle: number[];
  runId: number;
  clockDomain: number;
  /** HostClock.skewNs as a decimal string (0 but for an agent that plays another host in tests). */
  clockSkewNs: string;
  /**
   * Per clock domain of another host (decimal key), the ns to add to that host's timestamps to put
   * them on this host's clock (offset.ts corrections()): agents only.
   */
  corrections: Record<string, string>;
  /** Connections per second for this worker, undefined = as fast as accepted. */
  connectRate?: number;
}

export type ToWorker =
  /** Publishing starts at this monotonic time (ns, as a decimal string: bigint does not cross as JSON). */
  | { type: 'start'; t0: string }
  /** Stop publishing now (end of a run without a schedule end, Ctrl-C). */
  | { type: 'finish' }
  /** Send a stats message now. */
  | { type: 'flush' }
  /** Disconnect every client, send the final stats, exit. */
  | { type: 'close' };

/** Histogram deltas since the previous stats message, compressed-base64 ('' when empty). */
export interface HistogramDeltas {
  /** Publisher and subscriber on this host: one clock, exact. */
  endToEnd: string;
  /** From a publisher on another host, corrected by the measured clock offsets. */
  endToEndCrossHost: string;
  publishToAck: string;
  connect: string;
}

/** An error that ends the run, carried across threads. */
export interface WorkerError {
  message: string;
  exitCode: number;
  hint?: string;
}

export type FromWorker =
  /** Every client tried to connect (and subscribers to subscribe). `firstError`: the first refusal or failure. */
  | { type: 'ready'; counters: Counters; histograms: HistogramDeltas; firstError?: WorkerError }
  | { type: 'stats'; counters: Counters; histograms: HistogramDeltas }
  /** The schedule is done and no publish of this worker awaits its ack. */
  | { type: 'published'; counters: Counters; histograms: HistogramDeltas }
  | { type: 'closed'; counters: Counters; histograms: HistogramDeltas }
  /** A bug, not a broker problem: the run cannot go on. */
  | { type: 'fatal'; error: string };
