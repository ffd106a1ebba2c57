/**
 * What each worker counts, kept apart as the methodology asks (connects, subscriptions, sent,
 * acked, failed by reason, received, lost, duplicated, out of order), and how the main thread adds
 * the workers' counts together. Pure.
 */

export type ByReason = Record<string, number>;

export interface Counters {
  connectAttempts: number;
  connected: number;
  connectFailed: ByReason;
  /** Connections that dropped after their CONNACK, by reason. */
  disconnects: ByReason;
  reconnects: number;
  /** Clients connected right now. */
  online: number;
  subscribed: number;
  subscribeFailed: ByReason;
  /** PUBLISH packets handed to the client library. */
  sent: number;
  /** QoS 1/2: PUBACK/PUBCOMP with a success code. */
  acked: number;
  /** QoS 1/2 acks with reason code 16 (no matching subscribers); included in acked. */
  noMatchingSubscribers: number;
  /** QoS 1/2 publishes that failed, by reason (an error reason code, or the connection closed). */
  publishFailed: ByReason;
  /** Messages sent more than OVERRUN_NS after their intended time. */
  overruns: number;
  /** Bench messages of this run delivered to a subscriber (duplicates included). */
  received: number;
  duplicates: number;
  outOfOrder: number;
  /** Sequence numbers skipped in what subscribers received (a late subscriber's gap included). */
  lost: number;
  /** Distinct (subscriber, publisher, sequence) deliveries. */
  unique: number;
  /** Messages that carry no bench header, or a header of another run. */
  foreign: number;
  /** Bench messages whose timestamp is from another host's clock: no latency for them. */
  otherClock: number;
  /** In the measured window (after the warm-up). */
  windowSent: number;
  windowAcked: number;
  windowReceived: number;
  /** ns since the start of the run of the last measured send, ack and receive; -1 when none. */
  lastWindowSentNs: number;
  lastWindowAckedNs: number;
  lastWindowReceivedNs: number;
}

export function emptyCounters(): Counters {
  return {
    connectAttempts: 0, connected: 0, connectFailed: {}, disconnects: {}, reconnects: 0, online: 0,
    subscribed: 0, subscribeFailed: {},
    sent: 0, acked: 0, noMatchingSubscribers: 0, publishFailed: {}, overruns: 0,
    received: 0, duplicates: 0, outOfOrder: 0, lost: 0, unique: 0, foreign: 0, otherClock: 0,
    windowSent: 0, windowAcked: 0, windowReceived: 0,
    lastWindowSentNs: -1, lastWindowAckedNs: -1, lastWindowReceivedNs: -1,
  };
}

export function countReason(into: ByReason, reason: string, n = 1): void {
  into[reason] = (into[reason] ?? 0) + n;
}

export function sumReasons(reasons: ByReason): number {
  return Object.values(reasons).reduce((a, b) => a + b, 0);
}

/** a + b: sums, reasons merged, the latest of the "last" times. */
export function addCounters(a: Counters, b: Counters): Counters {
  const out = emptyCounters();
  for (const key of Object.keys(out) as (keyof Counters)[]) {
    const x = a[key];
    const y = b[key];
    if (typeof x === 'number' && typeof y === 'number') {
      (out[key] as number) = key.startsWith('last') ? Math.max(x, y) : x + y;
    } else {
      const merged: ByReason = { ...(x as ByReason) };
      for (const [reason, n] of Object.entries(y as ByReason)) countReason(merged, reason, n);
      (out[key] as ByReason) = merged;
    }
  }
  return out;
}

export function totalCounters(all: Iterable<Counters>): Counters {
  let total = emptyCounters();
  for (const c of all) total = addCounters(total, c);
  return total;
}
