/**
 * The message sources of pub and rr: their flags (-m, -f, -s, -l, -n), which one was given, and the
 * source it names. Pure; reading a file or stdin is whole.ts's (loadPayload).
 */
import type { Argv, Options } from 'yargs';
import { UsageError } from '../errors.js';
import { declareFlags, lastGiven, type FlagHelp } from '../flags.js';
import { decodePayload, type PayloadEncoding } from './payload.js';

/** The message flags, one definition each (-l is pub's alone). */
const MESSAGE_FLAGS = {
  message: { alias: 'm', type: 'string' },
  file: { alias: 'f', type: 'string' },
  'stdin-file': { alias: 's', type: 'boolean' },
  'stdin-line': { alias: 'l', type: 'boolean' },
  'null-message': { alias: 'n', type: 'boolean' },
} as const satisfies Record<string, Options>;

/** Declare the message flags `help` names, worded for this command (see ../flags.ts). */
export function withMessageOptions<T>(yargs: Argv<T>, group: string, help: Partial<Record<keyof typeof MESSAGE_FLAGS, FlagHelp>>): Argv<T> {
  return declareFlags(yargs, MESSAGE_FLAGS, group, help);
}

/** The message flags a command keeps every use of (CommandModule.keepRepeats), so `-m a -m b` is two sources. */
export const REPEATED_SOURCES = ['message', 'file'] as const;

/**
 * The message flags as yargs gives them: an array when a flag was repeated (see
 * CommandModule.keepRepeats), so that `-m a -m b` can be refused.
 */
export interface MessageArgs {
  message?: string | string[];
  file?: string | string[];
  stdinFile?: boolean | boolean[];
  stdinLine?: boolean | boolean[];
  nullMessage?: boolean | boolean[];
}

export type MessageFlag = '-m' | '-f' | '-s' | '-l' | '-n';

/** Where the message comes from. */
export type MessageSource =
  | { kind: 'message'; payload: Buffer }
  | { kind: 'file'; path: string }
  | { kind: 'stdin' }
  | { kind: 'lines' }
  | { kind: 'null' };

type Given<F extends string> = readonly (readonly [value: unknown, flag: F])[];

/**
 * The message-source flags given, one entry per use: `-m a -m b` is two sources, as in mosquitto
 * ("Only one type of message can be sent at once"). `more` are a command's own sources (rr's --exec).
 */
export function givenSources<const F extends string = never>(args: MessageArgs, more: Given<F> = []): (MessageFlag | F)[] {
  const flags: Given<MessageFlag | F> = [
    [args.message, '-m'], [args.file, '-f'], [args.stdinFile, '-s'], [args.stdinLine, '-l'], [args.nullMessage, '-n'], ...more,
  ];
  return flags.flatMap(([value, flag]) => Array<MessageFlag | F>(useCount(value)).fill(flag));
}

function useCount(value: unknown): number {
  if (value === undefined || value === false) return 0;
  if (Array.isArray(value)) return value.filter((v) => v !== false).length;
  return 1;
}

/**
 * The one source given. Several are a UsageError naming them (`many` adds what to do instead);
 * none is the UsageError `none`.
 */
export function oneSource<F extends string>(given: readonly F[], problems: { many?: string; none: string }): F {
  if (given.length > 1) {
    throw new UsageError(`Only one message source at a time, but ${given.join(' and ')} were given${problems.many ? `: ${problems.many}` : ''}.`);
  }
  if (given.length === 0) throw new UsageError(problems.none);
  return given[0]!;
}

/** The source a message flag names; -m is decoded with `encoding` here, so bad text is found before connecting. */
export function messageSource(flag: MessageFlag, args: MessageArgs, encoding: PayloadEncoding = 'utf8'): MessageSource {
  switch (flag) {
    case '-m': {
      const payload = decodePayload(String(lastGiven(args.message) ?? ''), encoding);
      if (typeof payload === 'string') throw new UsageError(`Invalid -m for --encoding ${encoding}: ${payload}.`);
      return { kind: 'message', payload };
    }
    case '-f': {
      const file = String(lastGiven(args.file) ?? '');
      if (file === '') throw new UsageError('-f needs a file name.');
      return { kind: 'file', path: file };
    }
    case '-s': return { kind: 'stdin' };
    case '-l': return { kind: 'lines' };
    case '-n': return { kind: 'null' };
  }
}

