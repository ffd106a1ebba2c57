/**
 * A bench plan over several agents: which clients each runs. Pure.
 *
 * Every agent gets the whole plan and a contiguous range of client indices per role, so client
 * numbers (--id-offset + index) and ids are disjoint across agents; the publishers keep their
 * place in the run's one schedule (schedule.ts), so their share of the rate follows. Publishers
 * and connections that do not divide evenly go to the first agents, subscribers to the last ones:
 * one publisher and one subscriber on two agents end up on different hosts, which is what a
 * multi-machine run is for.
 */
import { UsageError } from '../errors.js';
import type { BenchPlan } from './plan.js';
import { publisherTimes, scheduleShape } from './schedule.js';

/** [first, end) global indices of one role. */
export type IndexRange = [number, number];

export interface AgentShare {
  publishers: IndexRange;
  subscribers: IndexRange;
  idle: IndexRange;
  /** This agent's connections per second (its part of --connect-rate). */
  connectRate?: number;
}

export function splitClients(plan: Pick<BenchPlan, 'publishers' | 'subscribers' | 'idle' | 'connectRate'>, agents: number): AgentShare[] {
  const total = plan.publishers + plan.subscribers + plan.idle;
  if (agents > total) {
    throw new UsageError(`--agents ${agents} with ${total} client${total === 1 ? '' : 's'}: every agent needs at least one; raise -c or lower --agents.`);
  }
  const publishers = ranges(plan.publishers, agents, false);
  const subscribers = ranges(plan.subscribers, agents, true);
  const idle = ranges(plan.idle, agents, false);
  return publishers.map((p, i) => {
    const clients = size(p) + size(subscribers[i]!) + size(idle[i]!);
    return {
      publishers: p,
      subscribers: subscribers[i]!,
      idle: idle[i]!,
      ...(plan.connectRate !== undefined ? { connectRate: (plan.connectRate * clients) / total } : {}),
    };
  });
}

export function size(range: IndexRange): number {
  return range[1] - range[0];
}

/** The indices of a range, in order. */
export function indices(range: IndexRange): number[] {
  return Array.from({ length: size(range) }, (_, i) => range[0] + i);
}

/** `count` items in `parts` contiguous ranges; the remainder to the first parts, or the last. */
function ranges(count: number, parts: number, remainderLast: boolean): IndexRange[] {
  const base = Math.floor(count / parts);
  const extra = count % parts;
  const out: IndexRange[] = [];
  let start = 0;
  for (let i = 0; i < parts; i++) {
    const gets = base + ((remainderLast ? i >= parts - extra : i < extra) ? 1 : 0);
    out.push([start, start + gets]);
    start += gets;
  }
  return out;
}

/**
 * Messages each subscriber of the run should receive: every message of every publisher, warm-up
 * included. null when the run has no scheduled end (--duration 0).
 */
export function messagesPerSubscriber(plan: Pick<BenchPlan, 'mode' | 'publishers' | 'intervalNs' | 'warmupNs' | 'durationNs' | 'count'>): number | null {
  if (plan.durationNs === undefined && plan.count === undefined) return null;
  const shape = scheduleShape(plan);
  let total = 0;
  for (let i = 0; i < plan.publishers; i++) total += publisherTimes(shape, i).endSeq;
  return Number.isFinite(total) ? total : null;
}
