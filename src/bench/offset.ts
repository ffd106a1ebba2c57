/**
 * Clock offsets between the controller and its agents, measured over the control topic as NTP
 * does: the controller notes when it sent a request (t1) and got the answer (t4); the agent
 * answers with its clock reading (t). If the agent read its clock at some instant between t1 and
 * t4, its offset lies within (t1 + t4) / 2 ± (t4 - t1) / 2: of several round trips, the one with
 * the smallest round-trip time gives the tightest bound. Pure.
 *
 * Two clocks are measured with each round trip: the monotonic clock, which stamps every bench
 * message and so corrects cross-host latencies (NTP steps during a run do not move it), and the
 * wall clock, whose offset is the one people know (what NTP keeps small) and the one reported.
 */

/** One clock reading: the monotonic clock (ns) and the wall clock (ms since the epoch, sub-ms). */
export interface ClockReading {
  mono: bigint;
  wallMs: number;
}

export interface ClockSample {
  /** The controller's clocks when it sent the request (t1) and got the answer (t4). */
  sent: ClockReading;
  received: ClockReading;
  /** The agent's clocks when it answered. */
  agent: ClockReading;
}

export interface ClockOffset {
  /** Agent's monotonic clock minus the controller's, ns. */
  monoOffsetNs: bigint;
  /** Agent's wall clock minus the controller's, ms. */
  wallOffsetMs: number;
  /** Half the best round trip: the true offsets are within this of the estimates, ns. */
  uncertaintyNs: number;
  /** The best round trip, ns. */
  rttNs: number;
  samples: number;
}

/** The estimate from the sample with the smallest round trip (undefined without samples). */
export function estimateOffset(samples: readonly ClockSample[]): ClockOffset | undefined {
  let best: ClockSample | undefined;
  let bestRtt = Infinity;
  for (const s of samples) {
    const rtt = Number(s.received.mono - s.sent.mono);
    if (rtt >= 0 && rtt < bestRtt) {
      best = s;
      bestRtt = rtt;
    }
  }
  if (!best) return undefined;
  // (t1 + t4) / 2 with an exact half nanosecond dropped: bigint division truncates.
  const midpoint = (best.sent.mono + best.received.mono) / 2n;
  return {
    monoOffsetNs: best.agent.mono - midpoint,
    wallOffsetMs: best.agent.wallMs - (best.sent.wallMs + best.received.wallMs) / 2,
    uncertaintyNs: bestRtt / 2,
    rttNs: bestRtt,
    samples: samples.length,
  };
}

export interface DomainClock {
  /** The clock domain of an agent's host (clock.ts): agents of one host share one clock. */
  domain: number;
  offset: ClockOffset;
}

/**
 * What an agent on host `own` adds to a timestamp of another host's clock to put it on its own:
 * its own offset minus that host's (t_own = t_controller + own offset = t_other - other offset +
 * own offset). Each host's offset is the best-measured one of its agents. Keys are clock domains,
 * values ns as decimal strings (they travel in JSON); the own host has no entry: its latencies
 * need no correction.
 */
export function corrections(clocks: readonly DomainClock[], own: number): Record<string, string> {
  const best = bestPerDomain(clocks);
  const mine = best.get(own);
  if (!mine) return {};
  const out: Record<string, string> = {};
  for (const [domain, offset] of best) {
    if (domain !== own) out[String(domain)] = String(mine.monoOffsetNs - offset.monoOffsetNs);
  }
  return out;
}

/**
 * How far a corrected cross-host latency can be off: the largest sum of two hosts' uncertainties
 * (each offset is known to within its own). 0 when every agent is on one host.
 */
export function crossHostUncertaintyNs(clocks: readonly DomainClock[]): number {
  const uncertainties = [...bestPerDomain(clocks).values()].map((o) => o.uncertaintyNs).sort((a, b) => b - a);
  return uncertainties.length < 2 ? 0 : uncertainties[0]! + uncertainties[1]!;
}

function bestPerDomain(clocks: readonly DomainClock[]): Map<number, ClockOffset> {
  const best = new Map<number, ClockOffset>();
  for (const { domain, offset } of clocks) {
    const known = best.get(domain);
    if (!known || offset.uncertaintyNs < known.uncertaintyNs) best.set(domain, offset);
  }
  return best;
}
