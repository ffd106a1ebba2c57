import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import type { OutputOptions } from './format.js';

/** The output flags of `mq sub` and `mq rr`, as yargs gives them. */
export interface OutputArgs {
  verbose?: boolean;
  N?: boolean;
  F?: string;
  pretty?: boolean;
  json?: boolean;
  encoding?: string;
  utc?: boolean;
}

/** What the output flags ask of the formatter (colour and error reporting are the command's). */
export type OutputPlan = Omit<OutputOptions, 'color' | 'onError'>;

/** The output flags, declared once for sub and rr. */
export function withOutputOptions<T>(yargs: Argv<T>, group = 'Output:') {
  return yargs
    .option('verbose', { alias: 'v', type: 'boolean', group, describe: 'Print the topic before the payload' })
    .option('N', { type: 'boolean', group, describe: 'Do not print a newline after each message' })
    .option('F', { type: 'string', group, describe: 'Output format: %t topic, %p payload, %j JSON, @H:@M:@S time, ... (see man mq-sub)' })
    .option('pretty', { type: 'boolean', group, describe: 'Indent %j / %J JSON' })
    .option('json', { type: 'boolean', group, describe: 'One JSON object per message (NDJSON); binary payloads as base64' })
    .option('encoding', { type: 'string', group, describe: 'Print payloads as hex or base64 (plain and -v output)' })
    .option('utc', { type: 'boolean', group, describe: 'Times in -F (@ fields, %I) in UTC instead of local time' });
}

/** Check the output flags and say what they ask for. Pure; every mistake is one UsageError. */
export function planOutput(args: OutputArgs): OutputPlan {
  const format = args.F === undefined ? undefined : String(args.F);
  if (format !== undefined && args.json) throw new UsageError('-F and --json both choose the output format; give only one.');
  let encoding: 'hex' | 'base64' | undefined;
  if (args.encoding !== undefined) {
    const e = String(args.encoding).toLowerCase();
    if (e !== 'hex' && e !== 'base64') throw new UsageError(`Invalid --encoding "${args.encoding}": use hex or base64.`);
    if (format !== undefined || args.json) {
      throw new UsageError('--encoding applies to the plain and -v output; with -F use %x or %X, and --json already encodes binary payloads as base64.');
    }
    encoding = e;
  }
  return {
    verbose: Boolean(args.verbose),
    eol: !args.N,
    ...(format !== undefined ? { format } : {}),
    pretty: Boolean(args.pretty),
    json: Boolean(args.json),
    ...(encoding ? { encoding } : {}),
    ...(args.utc ? { timezone: 'utc' as const } : {}),
  };
}
