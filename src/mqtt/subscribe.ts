/**
 * What sub and rr share as subscribers, besides the output (src/output/) and the SUBACK refusal
 * text (subackReason in src/connection/errors.ts): their subscribe flags and the receive maximum
 * they ask for. Pure.
 */
import type { Argv, Options } from 'yargs';
import { declareFlags, type FlagHelp } from '../flags.js';

/**
 * The subscribe flags, one definition each. -E is sub's alone: with -C and -W it says when a
 * subscriber ends, and sub lists it between -W and -R.
 */
const SUBSCRIBE_FLAGS = {
  C: { type: 'string' },
  W: { type: 'string' },
  E: { type: 'boolean' },
  R: { type: 'boolean' },
  'retain-as-published': { type: 'boolean' },
} as const satisfies Record<string, Options>;

/** Declare the subscribe flags `help` names, worded for this command (see ../flags.ts). */
export function withSubscribeOptions<T>(yargs: Argv<T>, group: string, help: Partial<Record<keyof typeof SUBSCRIBE_FLAGS, FlagHelp>>): Argv<T> {
  return declareFlags(yargs, SUBSCRIBE_FLAGS, group, help);
}

/** mosquitto's receive maximum: 20 messages in flight towards us. */
const RECEIVE_MAXIMUM = 20;

/**
 * The v5 receive-maximum to CONNECT with, as mosquitto_sub and mosquitto_rr send it: -C N when N
 * is below 20 (no more messages in flight than will be handled), else 20.
 */
export function receiveMaximum(count: number | undefined): number {
  return count !== undefined && count < RECEIVE_MAXIMUM ? count : RECEIVE_MAXIMUM;
}
