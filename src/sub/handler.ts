import { compileFilters } from '../mqtt/topic.js';
import type { PayloadFilter } from './payload-filter.js';

/** What to do with one received message: a bit set, so the hot path allocates nothing. */
export const PRINT = 1;
/** Publish an empty retained message on its topic (--remove-retained). */
export const REMOVE = 2;
/** Stop handling messages and disconnect (-C reached, or --retained-only saw a fresh message). */
export const STOP = 4;

export interface HandlingRules {
  retainedOnly: boolean;
  ignoreRetained: boolean;
  filterOut: readonly string[];
  payloadFilter?: PayloadFilter;
  removeRetained: boolean;
  /** Probability of printing (--random-filter); skipped messages still count for -C. */
  printChance: number;
  count?: number;
  /** Injected for tests; Math.random otherwise. */
  random?: () => number;
}

export interface MessageHandler {
  /** Decide for one message; returns PRINT | REMOVE | STOP bits (0 = ignore). */
  handle(topic: string, payload: Buffer, retain: boolean): number;
  /** Whether handle() drops (or stops at) this message whatever its payload: --retained-only, -R, -T. */
  skips(topic: string, retain: boolean): boolean;
  /** Messages counted for -C so far. */
  readonly handled: number;
  readonly stopped: boolean;
}

/**
 * mosquitto_sub's handling order (sub_client.c, my_message_callback), plus mq's payload filter,
 * which filters like -T (the message is neither removed, printed nor counted):
 *   stopped -> ignore; --retained-only and not retained -> stop; -R and retained -> ignore;
 *   -T match -> ignore; --grep/--where miss -> ignore; --remove-retained and retained -> remove;
 *   --random-filter -> maybe skip printing; count for -C -> stop when reached.
 */
export function createMessageHandler(rules: HandlingRules): MessageHandler {
  const filteredOut = rules.filterOut.length > 0 ? compileFilters(rules.filterOut) : undefined;
  const random = rules.random ?? Math.random;
  const { retainedOnly, ignoreRetained, removeRetained, payloadFilter, printChance, count } = rules;
  let handled = 0;
  let stopped = false;
  const ignored = (topic: string, retain: boolean) => (ignoreRetained && retain) || (filteredOut !== undefined && filteredOut(topic));
  return {
    get handled() { return handled; },
    get stopped() { return stopped; },
    handle(topic, payload, retain) {
      if (stopped) return 0;
      if (retainedOnly && !retain) {
        stopped = true;
        return STOP;
      }
      if (ignored(topic, retain)) return 0;
      if (payloadFilter !== undefined && !payloadFilter(payload)) return 0;
      let action = removeRetained && retain ? REMOVE : 0;
      if (printChance >= 1 || random() < printChance) action |= PRINT;
      if (count !== undefined && ++handled >= count) {
        stopped = true;
        action |= STOP;
      } else if (count === undefined) {
        handled++;
      }
      return action;
    },
    skips(topic, retain) {
      return stopped || (retainedOnly && !retain) || ignored(topic, retain);
    },
  };
}
