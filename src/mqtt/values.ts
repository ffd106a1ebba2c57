import { UsageError } from '../errors.js';

/**
 * Number flags shared by pub, sub and rr, checked strictly (mosquitto's atoi turns "x" into 0) and
 * refused with one message shape: Invalid <what> "<text>" (<flag>): <rule>.
 */
export type Qos = 0 | 1 | 2;

export function parseQos(text: string, flag = '-q'): Qos {
  if (!/^\s*[0-2]\s*$/.test(text)) throw new UsageError(`Invalid QoS "${text}" (${flag}): use 0, 1 or 2.`);
  return Number(text) as Qos;
}

/** A whole number from `min` to `max` (no upper bound when max is omitted). */
export function parseWholeNumber(text: string, flag: string, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const rule = max === Number.MAX_SAFE_INTEGER ? `, at least ${min}` : ` from ${min} to ${max}`;
    throw new UsageError(`Invalid ${what} "${text}" (${flag}): it must be a whole number${rule}.`);
  }
  return value;
}

/** -M: QoS 1/2 messages awaiting acknowledgement at once, as mosquitto's clients default to. */
export const DEFAULT_MAX_INFLIGHT = 20;

/** -W: seconds; fractions are allowed (mosquitto takes whole seconds only). */
export function parseSeconds(text: string, flag = '-W'): number {
  const t = String(text).trim();
  const n = /^\d+(\.\d+)?$/.test(t) ? Number(t) : NaN;
  if (!(n > 0) || n > 2_147_483) throw new UsageError(`Invalid timeout "${text}" (${flag}): it must be a number of seconds greater than 0.`);
  return n;
}
