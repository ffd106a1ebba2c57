import { UsageError } from '../errors.js';
import { receiveMaximum } from '../mqtt/subscribe.js';
import { checkFilter } from '../mqtt/topic.js';
import { compilePayloadFilter, type PayloadFilter } from './payload-filter.js';
import { parseQos, parseSeconds, parseWholeNumber } from '../mqtt/values.js';
import { planOutput, type OutputArgs, type OutputPlan } from '../output/options.js';
import { parseDecodeFlags, type DecodeRule } from '../codecs/spec.js';

/** The flags of `mq sub` beyond the connection ones, as yargs gives them. */
export interface SubArgs extends OutputArgs {
  topic?: string[];
  qos?: string;
  C?: string;
  W?: string;
  E?: boolean;
  R?: boolean;
  retainedOnly?: boolean;
  filterOut?: string[];
  unsubscribe?: string[];
  removeRetained?: boolean;
  randomFilter?: string;
  M?: string;
  noLocal?: boolean;
  retainAsPublished?: boolean;
  retainHandling?: string;
  grep?: string;
  where?: string[];
  watch?: boolean;
  decode?: string[];
  decodeErrors?: string;
  /** --record: a faithful capture, as `-t '#' --json -q 2 --retain-as-published -V 5`. */
  record?: boolean;
}

export interface Subscription {
  topic: string;
  qos: 0 | 1 | 2;
  /** v5 subscription options; left out under MQTT 3.x. */
  nl?: boolean;
  rap?: boolean;
  rh?: 0 | 1 | 2;
}

/** Everything `mq sub` will do, validated before it connects. */
export interface SubPlan {
  subscriptions: Subscription[];
  unsubscribe: string[];
  qos: 0 | 1 | 2;
  /** -C: exit after this many handled messages. */
  count?: number;
  /** -W: seconds without a message before giving up (exit 27). */
  timeoutSeconds?: number;
  /** -E: exit once the SUBACK arrived. */
  exitAfterSubscribe: boolean;
  /** -R */
  ignoreRetained: boolean;
  retainedOnly: boolean;
  filterOut: string[];
  removeRetained: boolean;
  /** --random-filter as a probability 0 < p <= 1 of printing a message. */
  printChance: number;
  /** -M: removal publishes in flight at once. */
  maxInflight: number;
  payloadFilter?: PayloadFilter;
  output: OutputPlan;
  /** -w: one line per topic on the terminal, rewritten in place (src/output/watch.ts). */
  watch: boolean;
  /** v5 receive-maximum (src/mqtt/subscribe.ts). */
  receiveMaximum: number;
  /** --decode (then the rc file's `decode`): filter -> codec, the first match wins; empty: no decoding. */
  decode: DecodeRule[];
  /** --decode-errors: a payload that does not decode is printed undecoded with a warning, or ends sub (exit 1). */
  decodeErrors: 'warn' | 'fail';
  /** Notes for stderr about flags that have no effect here (v5-only options under 3.x). */
  warnings: string[];
}

export interface PlanContext {
  protocolVersion: 3 | 4 | 5;
  /** The topic of a `-L mqtt://host/topic` URL: subscribed to as if given with -t. */
  urlTopic?: string;
  /** The folder --decode schema paths are relative to (the working folder). */
  cwd?: string;
  /** The rc file's `decode` rules, used when no --decode is given. */
  rcDecode?: DecodeRule[];
}

/** Validate the sub flags and turn them into a plan. Pure; throws UsageError with one clear line. */
export function planSubscription(args: SubArgs, context: PlanContext): SubPlan {
  const v5 = context.protocolVersion === 5;
  const warnings: string[] = [];
  const topics = [...(args.topic ?? []).map(String)];
  if (context.urlTopic !== undefined) topics.push(context.urlTopic);
  // --record without a filter records everything.
  if (args.record && topics.length === 0) topics.push('#');
  const unsubscribe = (args.unsubscribe ?? []).map(String);
  if (topics.length === 0 && unsubscribe.length === 0) {
    throw new UsageError("No topic to subscribe to: give one or more -t TOPIC, e.g. mq sub -t 'sensors/#' -v.");
  }
  for (const topic of topics) checkFilter(topic, 'subscription topic', '-t');
  for (const topic of unsubscribe) checkFilter(topic, 'unsubscribe topic', '-U');
  const filterOut = (args.filterOut ?? []).map(String);
  for (const topic of filterOut) checkFilter(topic, 'filter topic', '-T');

  const qos = args.qos === undefined ? 0 : parseQos(args.qos);
  const count = args.C === undefined ? undefined : parseWholeNumber(args.C, '-C', 'message count', 1);
  const timeoutSeconds = args.W === undefined ? undefined : parseSeconds(args.W);
  const maxInflight = args.M === undefined ? 20 : parseWholeNumber(args.M, '-M', 'maximum inflight messages', 1, 65535);

  if (args.R && args.retainedOnly) {
    throw new UsageError("Combining '-R' and '--retained-only' makes no sense: -R hides the retained messages that --retained-only prints.");
  }
  let printChance = 1;
  if (args.randomFilter !== undefined) {
    const chance = /^\s*\d+(\.\d*)?\s*$|^\s*\.\d+\s*$/.test(args.randomFilter) ? Number(args.randomFilter) : NaN;
    if (!(chance >= 0.1 && chance <= 100)) {
      throw new UsageError(`Invalid --random-filter chance "${args.randomFilter}": it must be a percentage from 0.1 to 100.`);
    }
    printChance = chance / 100;
  }

  let retainHandling: 0 | 1 | 2 | undefined;
  if (args.retainHandling !== undefined) {
    const rh = String(args.retainHandling).trim();
    if (rh !== '0' && rh !== '1' && rh !== '2') {
      throw new UsageError(`Invalid --retain-handling "${args.retainHandling}": use 0 (send retained messages), 1 (only for a new subscription) or 2 (never).`);
    }
    retainHandling = Number(rh) as 0 | 1 | 2;
  }
  if (!v5) {
    for (const [given, flag] of [[args.noLocal, '--no-local'], [args.retainAsPublished, '--retain-as-published'], [retainHandling !== undefined, '--retain-handling']] as const) {
      if (given) warnings.push(`${flag} is an MQTT v5 subscription option and has no effect with MQTT 3.x; add -V 5 to use it.`);
    }
  }

  const output = planOutput(args);
  const decode = args.decode !== undefined && args.decode.length > 0 ? parseDecodeFlags(args.decode, context.cwd ?? '.') : context.rcDecode ?? [];
  let decodeErrors: SubPlan['decodeErrors'] = 'warn';
  if (args.decodeErrors !== undefined) {
    const value = String(args.decodeErrors).trim().toLowerCase();
    if (value !== 'warn' && value !== 'fail') throw new UsageError(`Invalid --decode-errors "${args.decodeErrors}": use warn (print the payload undecoded and go on) or fail (exit 1).`);
    decodeErrors = value;
  }
  const payloadFilter = compilePayloadFilter({
    ...(args.grep !== undefined ? { grep: String(args.grep) } : {}),
    ...(args.where !== undefined ? { where: args.where.map(String) } : {}),
  });

  const subscriptions = unique(topics).map((topic): Subscription => {
    if (!v5) return { topic, qos };
    // mosquitto: -R under v5 also asks the broker not to send retained messages (retain handling 2).
    const rh = retainHandling ?? (args.R ? 2 : 0);
    return { topic, qos, nl: Boolean(args.noLocal), rap: Boolean(args.retainAsPublished), rh };
  });

  return {
    subscriptions,
    unsubscribe: unique(unsubscribe),
    qos,
    ...(count !== undefined ? { count } : {}),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    exitAfterSubscribe: Boolean(args.E),
    ignoreRetained: Boolean(args.R),
    retainedOnly: Boolean(args.retainedOnly),
    filterOut,
    removeRetained: Boolean(args.removeRetained),
    printChance,
    maxInflight,
    ...(payloadFilter ? { payloadFilter } : {}),
    output,
    watch: Boolean(args.watch),
    receiveMaximum: receiveMaximum(count),
    decode,
    decodeErrors,
    warnings,
  };
}

/**
 * --record: the flags a faithful capture needs, as `--json -q 2 --retain-as-published` (and -V 5,
 * which the caller asks of the connection): NDJSON that `mq pub --replay` plays back. An explicit
 * -q still wins; an output flag that would change the format is refused.
 */
export function recordArgs<T extends SubArgs>(args: T): T {
  if (!args.record) return args;
  const conflicts: [unknown, string][] = [[args.F, '-F'], [args.verbose, '-v'], [args.N, '-N'], [args.encoding, '--encoding'], [args.pretty, '--pretty'], [args.watch, '-w']];
  for (const [value, flag] of conflicts) {
    if (value !== undefined && value !== false) throw new UsageError(`--record writes NDJSON (--json) for mq pub --replay; ${flag} would change that: leave it out.`);
  }
  return { ...args, json: true, qos: args.qos ?? '2', retainAsPublished: true };
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
