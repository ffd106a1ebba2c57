/**
 * `mq rr` flags -> a checked plan, before anything connects. Pure: every mistake is a UsageError
 * naming the flag and what to do.
 */
import { randomBytes } from 'node:crypto';
import type { ConnectionArgs } from '../connection/options.js';
import { parseProperties, type PropertyBag } from '../connection/properties.js';
import { UsageError } from '../errors.js';
import { receiveMaximum } from '../mqtt/subscribe.js';
import { checkFilter, checkPublishTopic, topicMatches } from '../mqtt/topic.js';
import { planOutput, type OutputArgs, type OutputPlan } from '../output/options.js';
import { DEFAULT_MAX_INFLIGHT, parseQos, parseSeconds, parseWholeNumber } from '../mqtt/values.js';
import { givenSources, messageSource, oneSource, type MessageArgs, type MessageSource } from '../input/sources.js';

/** The flags of `mq rr` beyond the connection ones, as yargs gives them (the last of repeats wins). */
export interface RrArgs extends ConnectionArgs, OutputArgs, Omit<MessageArgs, 'stdinLine'> {
  topic?: string;
  responseTopic?: string;
  qos?: string;
  correlationData?: string;
  C?: string;
  W?: string;
  R?: boolean;
  retainAsPublished?: boolean;
  respond?: boolean;
  exec?: string | string[];
  M?: string;
}

/** Where the payload comes from: the request's (or, with --respond, every response's; --exec makes one per request). */
export type PayloadSource = MessageSource | { kind: 'exec'; command: string };

export interface RrPlan {
  mode: 'request' | 'respond';
  /** request: the topic to publish the request to; respond: the filter requests arrive on. */
  topic: string;
  /**
   * request: the topic to subscribe to for the response (-e, or a fresh one under v5).
   * respond: where to answer requests that name no response topic (MQTT 3.1.1 requesters).
   */
  responseTopic?: string;
  /** true when mq made up the response topic (no -e). */
  responseTopicGenerated: boolean;
  source: PayloadSource;
  qos: 0 | 1 | 2;
  /** request: responses to print before exiting (-C, default 1); respond: requests to answer (-C, default: no limit). */
  count?: number;
  /** -W: seconds until "Timed out" and exit 27. */
  timeoutSeconds?: number;
  /** request: what the request carries and the response must carry back (v5). */
  correlationData?: Buffer;
  retainAsPublished: boolean;
  /** -D publish ... (besides response-topic and correlation-data), sent with every request or response. */
  publishProperties: PropertyBag;
  output: OutputPlan;
  /** v5 receive-maximum (src/mqtt/subscribe.ts). */
  receiveMaximum: number;
  /** -M: QoS 1/2 messages awaiting acknowledgement at once (--respond: responses; a request is one message). */
  maxInflight: number;
  warnings: string[];
}

export interface PlanContext {
  protocolVersion: 3 | 4 | 5;
  /** The topic of a `-L mqtt://host/topic` URL, used when -t is not given. */
  urlTopic?: string;
  /** Random bytes (tests pass fixed ones). */
  random?: (size: number) => Buffer;
}

export function planRr(args: RrArgs, context: PlanContext): RrPlan {
  const v5 = context.protocolVersion === 5;
  const respond = Boolean(args.respond);
  const random = context.random ?? randomBytes;
  const warnings: string[] = [];
  const properties = parseProperties(args.property as string[] | undefined);
  const { responseTopic: propertyResponseTopic, correlationData: propertyCorrelation, ...publishProperties } = properties.publish ?? {};

  // The topic
  const topicText = args.topic ?? context.urlTopic;
  if (topicText === undefined || topicText === '') {
    throw new UsageError(respond
      ? 'No request topic: give -t FILTER to answer requests on, e.g. mq rr --respond -t svc/echo -m pong.'
      : 'No request topic: give -t TOPIC, e.g. mq rr -t svc/time -m now.');
  }
  const topicFlag = args.topic !== undefined ? '-t' : '-L';
  if (respond) checkFilter(topicText, 'request filter', topicFlag);
  else checkPublishTopic(topicText, 'publish topic', topicFlag);

  // The response topic: -e, or -D publish response-topic (the same thing)
  if (args.responseTopic !== undefined && propertyResponseTopic !== undefined && args.responseTopic !== propertyResponseTopic) {
    throw new UsageError('-e and -D publish response-topic name different response topics; give one.');
  }
  let responseTopic = args.responseTopic ?? (propertyResponseTopic as string | undefined);
  if (responseTopic !== undefined) checkPublishTopic(responseTopic, 'response topic', '-e');
  if (responseTopic !== undefined) {
    // Under MQTT 3.1.1 (no no-local) a client receives its own publishes: it would take its request
    // for the response, or answer its own answers for ever.
    if (!respond && responseTopic === topicText) {
      throw new UsageError(`The response topic must differ from the request topic (both are '${topicText}').`);
    }
    if (respond && topicMatches(topicText, responseTopic)) {
      throw new UsageError(`The responses on '${responseTopic}' (-e) would arrive as new requests on '${topicText}' (-t): use a response topic outside the filter.`);
    }
  }
  let responseTopicGenerated = false;
  if (!respond && responseTopic === undefined) {
    if (!v5) {
      throw new UsageError('MQTT 3.1.1 requests carry no response topic: give -e TOPIC (and let the responder know it), or use MQTT v5 (-V 5).');
    }
    responseTopic = `mq/rr/${random(8).toString('hex')}`;
    responseTopicGenerated = true;
  }

  // The payload
  const sourceFlag = oneSource(givenSources(args, [[args.exec, '--exec']]), {
    none: respond
      ? 'No response given: use -m TEXT, -f FILE, -s (stdin), -n (empty) or --exec COMMAND (its output answers each request).'
      : 'No request message given: use -m TEXT, -f FILE, -s (all of stdin) or -n (an empty message).',
  });
  let source: PayloadSource;
  if (sourceFlag !== '--exec') source = messageSource(sourceFlag, args);
  else {
    if (!respond) throw new UsageError('--exec answers requests: use it with --respond.');
    if (String(args.exec).trim() === '') throw new UsageError('--exec needs a command, e.g. --exec "date -u".');
    source = { kind: 'exec', command: String(args.exec) };
  }

  // Correlation data: --correlation-data, -D publish correlation-data, or random
  if (args.correlationData !== undefined && propertyCorrelation !== undefined && !Buffer.from(args.correlationData).equals(Buffer.from(propertyCorrelation as Buffer))) {
    throw new UsageError('--correlation-data and -D publish correlation-data differ; give one.');
  }
  let correlationData: Buffer | undefined;
  if (respond) {
    if (args.correlationData !== undefined || propertyCorrelation !== undefined) {
      throw new UsageError('--respond sends back the correlation data of each request; --correlation-data is for requests.');
    }
  } else if (v5) {
    correlationData = args.correlationData !== undefined ? Buffer.from(args.correlationData, 'utf8')
      : propertyCorrelation !== undefined ? Buffer.from(propertyCorrelation as Buffer)
      : Buffer.from(random(16).toString('hex'));
  } else if (args.correlationData !== undefined) {
    warnings.push('--correlation-data needs MQTT v5; with MQTT 3.1.1 the request carries no properties, so every message on the response topic is taken as the response.');
  }
  if (!v5 && Object.keys(publishProperties).length > 0) {
    throw new UsageError('-D publish properties need MQTT v5, but -V asks for an older version.');
  }

  const qos = args.qos === undefined ? 0 : parseQos(args.qos);
  const count = args.C !== undefined ? parseWholeNumber(args.C, '-C', respond ? 'number of requests to answer' : 'number of responses to wait for', 1) : respond ? undefined : 1;
  const timeoutSeconds = args.W !== undefined ? parseSeconds(args.W) : undefined;
  const maxInflight = args.M === undefined ? DEFAULT_MAX_INFLIGHT : parseWholeNumber(String(args.M), '-M', 'number of messages in flight', 1, 65535);
  if (args.retainAsPublished && !v5) warnings.push('--retain-as-published is an MQTT v5 subscription option and has no effect with MQTT 3.x.');

  return {
    mode: respond ? 'respond' : 'request',
    topic: topicText,
    ...(responseTopic !== undefined ? { responseTopic } : {}),
    responseTopicGenerated,
    source,
    qos,
    ...(count !== undefined ? { count } : {}),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    ...(correlationData ? { correlationData } : {}),
    retainAsPublished: Boolean(args.retainAsPublished),
    publishProperties,
    output: planOutput(args),
    receiveMaximum: receiveMaximum(count),
    maxInflight,
    warnings,
  };
}

