/**
 * Flags that several commands have, defined once and worded by each command. A family's table
 * (input/sources.ts: -m -f -s -l -n; mqtt/subscribe.ts: -C -W -E -R --retain-as-published) gives
 * each flag its key, alias and type; a command names the flags it has, in the order its --help lists
 * them, each with its own help text: rr's -C counts responses, sub's messages.
 */
import type { Argv, Options } from 'yargs';

/** A flag's help as one command words it, and what --help shows as its default. */
export type FlagHelp = string | { describe: string; defaultDescription: string };

/** Declare the flags of `table` that `help` names, in `help`'s order, in `group`. */
export function declareFlags<T, K extends string>(yargs: Argv<T>, table: Readonly<Record<K, Options>>, group: string, help: Partial<Record<K, FlagHelp>>): Argv<T> {
  for (const [key, text] of Object.entries(help) as [K, FlagHelp][]) {
    yargs.option(key, { ...table[key], group, ...(typeof text === 'string' ? { describe: text } : text) });
  }
  return yargs;
}

/** A flag's value as the command line last gave it: yargs makes a repeated flag an array. */
export function lastGiven<T>(value: T | T[] | undefined): T | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}
