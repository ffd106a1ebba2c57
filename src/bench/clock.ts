import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Nanoseconds on the system's monotonic clock (CLOCK_MONOTONIC on Linux). Unlike
 * performance.now(), whose origin is per thread, it is one clock for every worker thread and
 * every process on this host, so a subscriber can subtract a publisher's timestamp.
 */
export const nowNs: () => bigint = process.hrtime.bigint;

/**
 * The wall clock in ms since the epoch, to the microsecond: the monotonic clock from an anchor
 * taken at the edges of Date.now() milliseconds (re-taken each minute, so NTP steps show).
 * performance.timeOrigin + performance.now() is not that: the origin is read at process start,
 * and on a busy machine it was seen several ms off.
 */
export function wallNowMs(): number {
  if (!anchor || nowNs() - anchor.mono > 60_000_000_000n) anchor = takeAnchor();
  return anchor.wallMs + Number(nowNs() - anchor.mono) / 1e6;
}

/**
 * Date.now() ticks over between two reads, which the monotonic clock brackets. Of several such
 * edges, the median one: on a virtual machine single edges were seen up to a millisecond away
 * from the others (the wall clock adjusted under the guest, or a thread descheduled in between).
 */
function takeAnchor(): { wallMs: number; mono: bigint } {
  const edges: { wallMs: number; mono: bigint; skew: bigint }[] = [];
  for (let i = 0; i < 7; i++) {
    const start = Date.now();
    let before = nowNs();
    let edge = start;
    let after = before;
    while (edge === start) {
      before = after;
      edge = Date.now();
      after = nowNs();
    }
    const mono = before + (after - before) / 2n;
    edges.push({ wallMs: edge, mono, skew: BigInt(edge) * 1_000_000n - mono });
  }
  edges.sort((a, b) => (a.skew < b.skew ? -1 : a.skew > b.skew ? 1 : 0));
  const median = edges[3]!;
  return { wallMs: median.wallMs, mono: median.mono };
}

let anchor: { wallMs: number; mono: bigint } | undefined;

/**
 * A 32-bit tag for this host's monotonic clock (host name and, on Linux, the boot id): a
 * timestamp from another host, or from before a reboot, is not comparable and gives no latency.
 */
export function clockDomain(): number {
  let boot = '';
  try {
    boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    // Not Linux: the host name alone.
  }
  return domainOf(`${hostname()}\n${boot}`);
}

function domainOf(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/**
 * This host's clock as bench sees it: the monotonic clock, its domain, and (tests only) a skew.
 * An agent told to behave as its own host (MQ_TEST_BENCH_HOST, MQ_TEST_BENCH_CLOCK_SKEW_MS) gets
 * a domain of its own and a clock that many ms ahead, so one machine can play several.
 */
export interface HostClock {
  domain: number;
  /** ns added to the monotonic clock (0 but in tests). */
  skewNs: bigint;
  now(): bigint;
}

export function hostClock(test: { host?: string; skewMs?: number } = {}): HostClock {
  const skewNs = BigInt(Math.round((test.skewMs ?? 0) * 1e6));
  return {
    domain: test.host !== undefined ? domainOf(`mq test host\n${test.host}`) : clockDomain(),
    skewNs,
    now: skewNs === 0n ? nowNs : () => nowNs() + skewNs,
  };
}

const TWO_32 = 0x1_0000_0000;

/**
 * Times as plain numbers of ns relative to a base reading of the monotonic clock, so the hot path
 * needs no BigInt: performance.now() reads the same clock (libuv's hrtime) in every thread, and
 * absolute times travel in payload headers as two 32-bit halves.
 */
export class RelativeClock {
  readonly base: bigint;
  private readonly baseHi: number;
  private readonly baseLo: number;
  private readonly perfBase: number;

  /** `skewNs`: the host clock's skew (HostClock.skewNs), so times agree with the main thread's. */
  constructor(skewNs = 0n) {
    this.base = nowNs() + skewNs;
    this.perfBase = performance.now();
    this.baseHi = Number(this.base >> 32n);
    this.baseLo = Number(this.base & 0xffff_ffffn);
  }

  /** ns since the base. */
  now(): number {
    return (performance.now() - this.perfBase) * 1e6;
  }

  /** A clock reading (nowNs()) relative to the base. */
  relative(absolute: bigint): number {
    return Number(absolute - this.base);
  }

  /** The absolute time of a relative one, as high and low 32 bits. */
  split(relative: number): { hi: number; lo: number } {
    const lo = this.baseLo + Math.round(relative);
    const carry = Math.floor(lo / TWO_32);
    return { hi: this.baseHi + carry, lo: lo - carry * TWO_32 };
  }

  /** An absolute time given as high and low 32 bits, relative to the base (exact below 2^53 ns apart). */
  join(hi: number, lo: number): number {
    return (hi - this.baseHi) * TWO_32 + (lo - this.baseLo);
  }
}

/**
 * A bigint time as high and low 32 bits (for headers written outside the hot path and tests).
 * Negative times too: the high half is then negative and the low one in [0, 2^32), so that
 * join(hi + c.hi, lo + c.lo) adds a correction c exactly.
 */
export function splitNs(ns: bigint): { hi: number; lo: number } {
  return { hi: Number(ns >> 32n), lo: Number(ns & 0xffff_ffffn) };
}
