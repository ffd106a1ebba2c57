/**
 * The fixed send schedule (open loop). Publisher j sends message s at
 *
 *   intended(j, s) = offset_j + s * interval          (ns since the run's start)
 *
 * whatever happened before: a sender that falls behind sends the late messages as soon as it can
 * and counts each one that leaves more than OVERRUN_NS after its intended time, instead of quietly
 * stretching the schedule. Latency is measured from the intended time, so waiting in a stalled
 * sender or a full in-flight window is part of the latency (no coordinated omission).
 *
 * Pure: the caller passes the current time and does the sending.
 */

import type { BenchPlan } from './plan.js';

/** A message sent more than this long after its intended time is an overrun. */
export const OVERRUN_NS = 10_000_000;

export interface PublisherTimes {
  /** Offset of the first message, ns: publishers are spread evenly over one interval. */
  offsetNs: number;
  /** Sequence number of the first message after the warm-up. */
  firstMeasuredSeq: number;
  /** Sequence number after the last message to send (Infinity: until stopped). */
  endSeq: number;
}

export interface ScheduleShape {
  /** ns between two messages of one publisher. */
  intervalNs: number;
  /** Publishers across every worker and machine share of this run (for the stagger). */
  totalPublishers: number;
  /** ns of warm-up before the measured window. */
  warmupNs: number;
  /** Measured window length in ns, when --duration bounds the run. */
  durationNs?: number;
  /** Messages in the measured window over all publishers, when --count bounds the run. */
  count?: number;
}

/** The shape of a plan's schedule (`mq bench sub --count` counts received messages, not sent). */
export function scheduleShape(plan: Pick<BenchPlan, 'mode' | 'publishers' | 'intervalNs' | 'warmupNs' | 'durationNs' | 'count'>): ScheduleShape {
  return {
    intervalNs: plan.intervalNs,
    totalPublishers: plan.publishers,
    warmupNs: plan.warmupNs,
    ...(plan.durationNs !== undefined ? { durationNs: plan.durationNs } : {}),
    ...(plan.count !== undefined && plan.mode !== 'sub' ? { count: plan.count } : {}),
  };
}

/**
 * Times of publisher `index` (0-based over the whole run). With --count, the messages are split
 * as evenly as possible (the first count % publishers get one more); with --duration, a publisher
 * sends every message whose intended time falls before the end of the window.
 */
export function publisherTimes(shape: ScheduleShape, index: number): PublisherTimes {
  const offsetNs = (shape.intervalNs * index) / shape.totalPublishers;
  // Messages n with offset + n * interval >= t: ceil, forgiving the rounding of a division that is exact.
  const from = (t: number) => Math.ceil((t - offsetNs) / shape.intervalNs - 1e-6);
  const firstMeasuredSeq = Math.max(0, from(shape.warmupNs));
  let endSeq = Infinity;
  if (shape.count !== undefined) {
    const share = Math.floor(shape.count / shape.totalPublishers) + (index < shape.count % shape.totalPublishers ? 1 : 0);
    endSeq = firstMeasuredSeq + share;
  } else if (shape.durationNs !== undefined) {
    endSeq = Math.max(firstMeasuredSeq, from(shape.warmupNs + shape.durationNs));
  }
  return { offsetNs, firstMeasuredSeq, endSeq };
}

export interface Due {
  publisher: number;
  sequence: number;
  intendedNs: number;
}

/**
 * The schedule of the publishers one worker owns: a min-heap on the next intended time, so each
 * tick costs O(log n) per message sent, not O(publishers).
 */
export class Schedule {
  readonly intervalNs: number;
  private readonly times: PublisherTimes[];
  private readonly nextSeq: number[];
  private readonly blocked: boolean[];
  private readonly retired: boolean[];
  private readonly heap: number[] = [];
  /** Messages sent more than OVERRUN_NS late. */
  overruns = 0;
  private finishedCount = 0;

  constructor(intervalNs: number, times: PublisherTimes[]) {
    this.intervalNs = intervalNs;
    this.times = times;
    this.nextSeq = times.map(() => 0);
    this.blocked = times.map(() => false);
    this.retired = times.map(() => false);
    times.forEach((t, i) => {
      if (t.endSeq > 0) this.push(i);
      else this.finishedCount++;
    });
  }

  intended(publisher: number, sequence: number): number {
    return this.times[publisher]!.offsetNs + sequence * this.intervalNs;
  }

  /** Whether message `sequence` of `publisher` is in the measured window (after the warm-up). */
  measured(publisher: number, sequence: number): boolean {
    return sequence >= this.times[publisher]!.firstMeasuredSeq;
  }

  /** Messages this publisher has sent (its next sequence number). */
  sent(publisher: number): number {
    return this.nextSeq[publisher]!;
  }

  /** Every publisher sent its last message. */
  get finished(): boolean {
    return this.finishedCount === this.times.length;
  }

  /** Intended time of the earliest message not yet sent by an unblocked publisher, or undefined. */
  nextDueNs(): number | undefined {
    const top = this.heap[0];
    return top === undefined ? undefined : this.intended(top, this.nextSeq[top]!);
  }

  /**
   * Send what is due at `nowNs`, earliest first, at most `limit` messages. `trySend` returns false
   * when the publisher cannot send now (disconnected, in-flight window full): it is then parked
   * until unblock(). Returns how many were sent.
   */
  takeDue(nowNs: number, limit: number, trySend: (due: Due) => boolean): number {
    let sent = 0;
    while (sent < limit && this.heap.length > 0) {
      const publisher = this.heap[0]!;
      const sequence = this.nextSeq[publisher]!;
      const intendedNs = this.intended(publisher, sequence);
      if (intendedNs > nowNs) break;
      if (!trySend({ publisher, sequence, intendedNs })) {
        this.pop();
        this.blocked[publisher] = true;
        continue;
      }
      sent++;
      if (nowNs - intendedNs > OVERRUN_NS) this.overruns++;
      this.nextSeq[publisher] = sequence + 1;
      if (sequence + 1 >= this.times[publisher]!.endSeq) {
        this.pop();
        this.finishedCount++;
      } else {
        this.siftDown(0);
      }
    }
    return sent;
  }

  /** A parked publisher can send again (an ack freed its window, or it reconnected). False if it was not parked. */
  unblock(publisher: number): boolean {
    if (!this.blocked[publisher] || this.retired[publisher]) return false;
    this.blocked[publisher] = false;
    this.push(publisher);
    return true;
  }

  /** This publisher sends nothing more (it could not connect): the schedule can finish without it. */
  retire(publisher: number): void {
    if (this.nextSeq[publisher]! >= this.times[publisher]!.endSeq || this.retired[publisher]) return;
    this.retired[publisher] = true;
    this.blocked[publisher] = false;
    const at = this.heap.indexOf(publisher);
    if (at >= 0) {
      const last = this.heap.pop()!;
      if (at < this.heap.length) {
        this.heap[at] = last;
        this.siftDown(at);
        this.siftUp(at);
      }
    }
    this.finishedCount++;
  }

  /** Stop early (Ctrl-C, end of the run): nothing more is due. */
  stop(): void {
    this.heap.length = 0;
    this.blocked.fill(false);
    this.finishedCount = this.times.length;
  }

  private key(i: number): number {
    const p = this.heap[i]!;
    return this.intended(p, this.nextSeq[p]!);
  }

  private push(publisher: number): void {
    this.heap.push(publisher);
    this.siftUp(this.heap.length - 1);
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.key(parent) <= this.key(i)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private pop(): void {
    const last = this.heap.pop()!;
    if (this.heap.length === 0) return;
    this.heap[0] = last;
    this.siftDown(0);
  }

  private siftDown(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < n && this.key(left) < this.key(smallest)) smallest = left;
      if (right < n && this.key(right) < this.key(smallest)) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private swap(a: number, b: number): void {
    const t = this.heap[a]!;
    this.heap[a] = this.heap[b]!;
    this.heap[b] = t;
  }
}
