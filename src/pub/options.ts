/**
 * `mq pub` flags -> a checked plan. Every mistake here is a UsageError (one line, exit 1) raised
 * before anything connects, so nothing is published. Pure.
 */
import type { ConnectionArgs } from '../connection/options.js';
import { parseProperties } from '../connection/properties.js';
import { UsageError } from '../errors.js';
import { checkPublishTopic, publishTopicProblem } from '../mqtt/topic.js';
import { parseEncoding, payloadSizeProblem, type PayloadEncoding } from '../input/payload.js';
import type { PublishProperties } from '../mqtt/message.js';
import { DEFAULT_MAX_INFLIGHT, parseQos, parseWholeNumber, type Qos } from '../mqtt/values.js';
import { parseCodec, type CodecSpec } from '../codecs/spec.js';
import { givenSources, messageSource, oneSource, type MessageArgs, type MessageSource } from '../input/sources.js';
import { resolveReplayPlan, type ReplayArgs, type ReplayPlan } from './replay-options.js';
import { lastGiven } from '../flags.js';

/** The flags as yargs gives them: a repeated flag arrives as an array. */
export interface PubArgs extends ConnectionArgs, MessageArgs, ReplayArgs {
  topic?: string | string[];
  qos?: string | string[];
  retain?: boolean | boolean[];
  repeat?: string | string[];
  repeatDelay?: string | string[];
  M?: string | string[];
  lineFormat?: string | string[];
  encoding?: string | string[];
  encode?: string | string[];
  onError?: string | string[];
  contentType?: string | string[];
  correlationData?: string | string[];
  messageExpiry?: string | string[];
  payloadFormatIndicator?: boolean | boolean[];
  responseTopic?: string | string[];
  topicAlias?: string | string[];
  userProperty?: string | string[];
}

export interface PubPlan {
  source: MessageSource;
  /** -t topics (may be empty with --line-format json, where lines name their topics). */
  topics: string[];
  qos: Qos;
  retain: boolean;
  repeat: number;
  repeatDelayMs: number;
  /** -M: QoS 1/2 messages awaiting their acknowledgement at most. */
  maxInflight: number;
  encoding: PayloadEncoding;
  /** --encode: JSON input -> this codec's binary payload (src/codecs/). */
  encode?: CodecSpec;
  lineFormat: 'text' | 'json';
  onError: 'stop' | 'skip';
  /** v5 PUBLISH properties from -D publish ... and the long-form flags. */
  properties?: PublishProperties;
  /** Every -D token, with the long-form property flags added, for the connection factory. */
  propertyTokens?: string[];
  /** --replay: republish a recording (source is then 'lines', lineFormat 'json'). */
  replay?: ReplayPlan;
  /** Things worth saying that do not stop the command. */
  warnings: string[];
}

/** The last value of a flag given more than once (mosquitto: the last one wins). */

function list<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** The long-form property flags as `-D publish <name> <value>` tokens. */
function aliasTokens(args: PubArgs): string[] {
  const tokens: string[] = [];
  const add = (name: string, value: string | undefined) => { if (value !== undefined) tokens.push('publish', name, value); };
  add('content-type', lastGiven(args.contentType));
  add('correlation-data', lastGiven(args.correlationData));
  add('message-expiry-interval', lastGiven(args.messageExpiry));
  if (lastGiven(args.payloadFormatIndicator)) add('payload-format-indicator', '1');
  add('response-topic', lastGiven(args.responseTopic));
  add('topic-alias', lastGiven(args.topicAlias));
  for (const pair of list(args.userProperty)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`Invalid --user-property "${pair}": write it as name=value.`);
    tokens.push('publish', 'user-property', pair.slice(0, eq), pair.slice(eq + 1));
  }
  return tokens;
}

/** Flags -> plan, or the UsageError that names what is wrong. */
export function resolvePubPlan(args: PubArgs, cwd = '.'): PubPlan {
  const warnings: string[] = [];
  const sourceFlag = oneSource(givenSources(args, [[args.replay, '--replay']]), {
    many: 'use exactly one of -m, -f, -s, -l, -n or --replay',
    none: 'No message given: use -m TEXT, -f FILE, -s (all of stdin), -l (one message per stdin line), -n (an empty message) or --replay FILE (a recording).',
  });
  const replay = resolveReplayPlan(args, sourceFlag === '--replay');

  const encodingText = lastGiven(args.encoding);
  let encoding: PayloadEncoding = 'utf8';
  if (encodingText !== undefined) {
    const parsed = parseEncoding(encodingText, '--encoding');
    if (parsed !== 'utf8' && parsed !== 'hex' && parsed !== 'base64') throw new UsageError(`${parsed}.`);
    encoding = parsed;
    if (sourceFlag === '-n') throw new UsageError('--encoding has nothing to decode with -n; use it with -m, -f, -s or -l.');
  }

  const encodeText = lastGiven(args.encode);
  let encode: CodecSpec | undefined;
  if (encodeText !== undefined) {
    if (encodingText !== undefined) throw new UsageError('--encode and --encoding both say what the input is: --encode takes JSON, --encoding hex or base64 text; give only one.');
    if (sourceFlag === '-n') throw new UsageError('--encode has nothing to encode with -n; use it with -m, -f, -s or -l.');
    encode = parseCodec(String(encodeText), '--encode', cwd);
  }

  const lineFormatText = lastGiven(args.lineFormat);
  let lineFormat: PubPlan['lineFormat'] = 'text';
  if (lineFormatText !== undefined) {
    if (lineFormatText !== 'text' && lineFormatText !== 'json') throw new UsageError(`Invalid --line-format "${lineFormatText}": use text or json.`);
    if (sourceFlag !== '-l') throw new UsageError('--line-format applies to -l (one message per line).');
    lineFormat = lineFormatText;
  }
  const onErrorText = lastGiven(args.onError);
  let onError: PubPlan['onError'] = 'stop';
  if (onErrorText !== undefined) {
    if (onErrorText !== 'stop' && onErrorText !== 'skip') throw new UsageError(`Invalid --on-error "${onErrorText}": use stop or skip.`);
    if (sourceFlag !== '-l' && !replay) throw new UsageError('--on-error applies to -l (what to do with a line that cannot be published).');
    onError = onErrorText;
  }

  const qos = args.qos === undefined ? 0 : parseQos(String(lastGiven(args.qos)));
  const maxInflight = args.M === undefined ? DEFAULT_MAX_INFLIGHT : parseWholeNumber(String(lastGiven(args.M)), '-M', 'number of messages in flight', 1, 65535);
  const repeatText = lastGiven(args.repeat);
  const repeat = repeatText === undefined ? 1 : parseWholeNumber(String(repeatText), '--repeat', 'repeat count', 1);
  const delayText = lastGiven(args.repeatDelay);
  let repeatDelayMs = 0;
  if (delayText !== undefined) {
    const seconds = /^\s*\d+(\.\d*)?\s*$|^\s*\.\d+\s*$/.test(String(delayText)) ? Number(delayText) : NaN;
    if (!Number.isFinite(seconds) || seconds < 0) throw new UsageError(`Invalid --repeat-delay "${delayText}": give seconds, 0 or more (e.g. 0.5).`);
    repeatDelayMs = Math.round(seconds * 1000);
  }
  if (replay && (repeatText !== undefined || delayText !== undefined)) {
    throw new UsageError('--repeat and --repeat-delay apply to -m, -f, -s and -n; to play a recording several times use --loop N.');
  }
  if (sourceFlag === '-l' && (repeatText !== undefined || delayText !== undefined)) {
    warnings.push('--repeat and --repeat-delay are ignored with -l: every line is published once.');
  }

  const topics = list(args.topic).map((t) => checkPublishTopic(String(t), 'publish topic', '-t'));

  const propertyTokens = [...(args.property ?? []).flat().map(String), ...aliasTokens(args)];
  const parsed = parseProperties(propertyTokens.length > 0 ? propertyTokens : undefined);
  const properties = parsed.publish as PublishProperties | undefined;
  if (properties?.topicAlias === 0) throw new UsageError('Invalid topic-alias 0: a topic alias is a number from 1 to 65535.');
  if (properties?.responseTopic !== undefined) {
    const problem = publishTopicProblem(properties.responseTopic);
    if (problem) throw new UsageError(`Invalid response topic '${properties.responseTopic}': ${problem}.`);
  }

  if (replay) {
    if (args.topic !== undefined) throw new UsageError('-t cannot be used with --replay: each message goes to the topic it was recorded on; change topics with --topic-prefix P or --rewrite FROM=TO.');
    if (args.retain !== undefined) throw new UsageError('-r cannot be used with --replay: each message keeps its recorded retain flag (--no-retain clears them).');
  }

  return {
    source: sourceFlag === '--replay' ? { kind: 'lines' } : messageSource(sourceFlag, args, encoding),
    topics,
    qos,
    retain: Boolean(lastGiven(args.retain)),
    repeat,
    repeatDelayMs,
    maxInflight,
    encoding,
    ...(encode ? { encode } : {}),
    lineFormat: replay ? 'json' : lineFormat,
    onError,
    ...(replay ? { replay } : {}),
    ...(properties && Object.keys(properties).length > 0 ? { properties } : {}),
    ...(propertyTokens.length > 0 ? { propertyTokens } : {}),
    warnings,
  };
}

/**
 * The topics to publish to once the connection settings are resolved: -t, else the topic of an
 * -L URL (or MQ_URL). With --line-format json the lines may name their own.
 */
export function finalTopics(plan: PubPlan, urlTopic: string | undefined): string[] {
  if (plan.topics.length > 0) return plan.topics;
  if (urlTopic !== undefined) return [checkPublishTopic(urlTopic, 'publish topic', '-L')];
  if (plan.lineFormat === 'json' || plan.replay) return [];
  throw new UsageError('No topic given: use -t TOPIC (or a URL with a topic, -L mqtt://host/TOPIC).');
}

/** Why this payload cannot be published to these topics (too large), as a UsageError. */
export function checkPayloadSize(topics: readonly string[], payloadBytes: number, qos: Qos, what: string): void {
  for (const topic of topics) {
    const problem = payloadSizeProblem(Buffer.byteLength(topic), payloadBytes, qos);
    if (problem) throw new UsageError(`${what}: ${problem}.`);
  }
}
