/**
 * `mq pub --replay` flags -> a checked plan, before anything connects. Pure; every mistake is a
 * UsageError (one line, exit 1).
 */
import { UsageError } from '../errors.js';
import { publishTopicProblem } from '../mqtt/topic.js';
import { parseQos, parseWholeNumber, type Qos } from '../mqtt/values.js';
import { parseRewrite, parseSpeed, type TopicRules } from './replay-plan.js';
import { lastGiven } from '../flags.js';

/** The replay flags as yargs gives them (a repeated flag arrives as an array). */
export interface ReplayArgs {
  replay?: string | string[];
  speed?: string | string[];
  loop?: string | string[];
  skip?: string | string[];
  topicPrefix?: string | string[];
  rewrite?: string | string[];
  noRetain?: boolean | boolean[];
  qos?: string | string[];
}

export interface ReplayPlan {
  /** The recording: a file, or '-' for stdin. */
  path: string;
  /** 1 = as recorded, 2 = twice as fast, 0 = as fast as the broker takes them. */
  speed: number;
  /** Rounds to play; 0 = forever. */
  loop: number;
  /** Start after this line. */
  skip: number;
  rules: TopicRules;
  /** --no-retain: clear every retain flag. */
  noRetain: boolean;
  /** -q/--qos: every message at this QoS instead of its recorded one. */
  qos?: Qos;
}


/** The flags that only mean something with --replay, as they are spelled. */
const REPLAY_ONLY = [['speed', '--speed'], ['loop', '--loop'], ['skip', '--skip'], ['topicPrefix', '--topic-prefix'], ['rewrite', '--rewrite'], ['noRetain', '--no-retain']] as const;

/** The replay plan when --replay was given, else undefined (and no replay-only flag may be given). */
export function resolveReplayPlan(args: ReplayArgs, given: boolean): ReplayPlan | undefined {
  if (!given) {
    for (const [key, flag] of REPLAY_ONLY) {
      if (args[key] !== undefined) throw new UsageError(`${flag} applies to --replay FILE (playing a recording back).`);
    }
    return undefined;
  }
  const path = String(lastGiven(args.replay) ?? '');
  if (path === '') throw new UsageError('--replay needs a file name, or - for stdin.');
  const speedText = lastGiven(args.speed);
  const speed = speedText === undefined ? 1 : parseSpeed(String(speedText));
  const loopText = lastGiven(args.loop);
  const loop = loopText === undefined ? 1 : parseWholeNumber(String(loopText), '--loop', 'loop count', 0);
  if (path === '-' && loop !== 1) {
    throw new UsageError('--loop needs a file: stdin (--replay -) can be read only once; save the recording to a file and replay that.');
  }
  const skipText = lastGiven(args.skip);
  const skip = skipText === undefined ? 0 : parseWholeNumber(String(skipText), '--skip', 'line count', 0);
  const prefix = String(lastGiven(args.topicPrefix) ?? '');
  if (prefix !== '') {
    if (prefix.includes('+') || prefix.includes('#')) throw new UsageError(`Invalid --topic-prefix '${prefix}': it contains '+' or '#', which are only allowed in subscriptions.`);
    const problem = publishTopicProblem(prefix);
    if (problem) throw new UsageError(`Invalid --topic-prefix '${prefix}': ${problem}.`);
  }
  const rewriteTexts = args.rewrite === undefined ? [] : (Array.isArray(args.rewrite) ? args.rewrite : [args.rewrite]).map(String);
  const rewrites = rewriteTexts.map(parseRewrite);
  const qosText = lastGiven(args.qos);
  return {
    path,
    speed,
    loop,
    skip,
    rules: { rewrites, prefix },
    noRetain: Boolean(lastGiven(args.noRetain)),
    ...(qosText !== undefined ? { qos: parseQos(String(qosText)) } : {}),
  };
}
