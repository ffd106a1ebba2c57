/**
 * `mq pub`: check the flags, load the message, connect through the factory, publish, wait for
 * every acknowledgement, disconnect. The command module only declares flags and calls runPub.
 */
import { reasonText } from '../connection/errors.js';
import type { Context } from '../context.js';
import { InterruptedError, RefusedError, UnacknowledgedError, UsageError } from '../errors.js';
import { LineTooLongError, lineChunks, readLines } from '../input/lines.js';
import { parseJsonLine, type LineDefaults } from '../input/ndjson.js';
import { decodePayload, MAX_REMAINING_LENGTH, payloadSizeProblem } from '../input/payload.js';
import { loadPayload } from '../input/whole.js';
import type { OutgoingMessage } from '../mqtt/message.js';
import { checkPayloadSize, finalTopics, resolvePubPlan, type PubArgs, type PubPlan } from './options.js';
import { BadLines } from './bad-lines.js';
import { encodeJson, type Encoder } from './encode.js';
import { Publisher, type PublishClient, type Rejection } from './publisher.js';

/** How long an interrupted pub still waits for outstanding acknowledgements. */
export const INTERRUPT_GRACE_MS = 2000;
/** Refusals printed one by one before they are only counted. */
const MAX_REJECTIONS_SHOWN = 20;

export async function runPub(args: PubArgs, ctx: Context): Promise<void> {
  const { ui } = ctx;
  const plan = resolvePubPlan(args, process.cwd());
  for (const warning of plan.warnings) ui.warn(warning);

  const connectionArgs = { ...args, ...(plan.propertyTokens ? { property: plan.propertyTokens } : {}) };
  // --replay: the recording is opened (and looked through for v5 properties) before connecting.
  const replayModule = plan.replay ? await import('./replay.js') : undefined;
  const recording = plan.replay ? await replayModule!.openRecording(plan.replay, ctx.io) : undefined;
  // A recording with v5 properties means v5 unless -V says otherwise, as -D does. A replay keeps
  // its gaps only with TCP_NODELAY: Nagle would hold a message back until the last one's ACK
  // (up to the peer's 40 ms delayed ACK).
  const prepared = await ctx.connect(connectionArgs, recording ? { nodelay: true, ...(recording.needsV5 ? { protocolVersion: 5 } : {}) } : undefined);
  const topics = finalTopics(plan, prepared.settings.topic);
  const v5 = prepared.settings.protocolVersion === 5;
  if (plan.properties && !v5) {
    throw new UsageError('PUBLISH properties (-D publish, --content-type, --user-property, ...) need MQTT v5, but -V asks for an older version.');
  }
  // Everything that can be wrong with the input is found before connecting (mosquitto reads -f and -s first too).
  const codecs = plan.encode ? await import('../codecs/use.js') : undefined;
  const encoder: Encoder | undefined = plan.encode ? { codec: await codecs!.loadEncoder(plan.encode), isSchemaMismatch: codecs!.isSchemaMismatch } : undefined;
  const what = plan.source.kind === 'file' ? `-f ${plan.source.path}` : 'The message';
  const loaded = await loadPayload(plan.source, plan.encoding, ctx.io);
  // --encode: the JSON input becomes one payload per topic (Sparkplug counts seq per topic).
  const payloads = loaded && encoder ? topics.map((topic) => encodeOrThrow(encoder, loaded, topic, what)) : undefined;
  const payload = payloads?.[0] ?? loaded;
  if (payloads) payloads.forEach((bytes, i) => checkPayloadSize([topics[i]!], bytes.length, plan.qos, what));
  else if (payload) checkPayloadSize(topics, payload.length, plan.qos, what);

  const lineMode = plan.source.kind === 'lines';
  const connection = await prepared.connect({ reconnect: lineMode });
  // MQTT.js calls its debug logger several times per packet even when it is off (-d traces through
  // the factory's packet events instead).
  connection.client.log = () => {};

  let rejectionsShown = 0;
  let firstRejection: Rejection | undefined;
  const publisher = new Publisher(connection.client as unknown as PublishClient, {
    maxInflight: plan.maxInflight,
    batchQos0: !ui.debugEnabled,
    onRejected(rejection) {
      firstRejection ??= rejection;
      if (rejectionsShown++ < MAX_REJECTIONS_SHOWN) {
        ui.error(`Publish to '${rejection.topic}' refused: ${reasonText(rejection.reasonCode)} (reason code ${rejection.reasonCode})` +
          `${rejection.reasonString ? `: ${rejection.reasonString}` : ''}.`);
      }
    },
  });

  // QoS 0 lines read while the connection was down are not sent: say so once it is back.
  let droppedReported = 0;
  const reportDropped = () => {
    const { dropped } = publisher.counts();
    if (dropped > droppedReported) ui.warn(`${dropped - droppedReported} QoS 0 message(s) read while disconnected were not sent.`);
    droppedReported = dropped;
  };
  connection.client.on('connect', reportDropped);

  const replayer = plan.replay ? new replayModule!.Replayer({ ...plan, replay: plan.replay }, recording!, publisher, v5, ui, encoder) : undefined;
  const stopProgress = replayer ? await replayer.progress() : () => {};

  const stop = new AbortController();
  let interruptedBy: string | undefined;
  const interrupted = ctx.interrupted().then((signal) => { interruptedBy = signal; stop.abort(); });

  try {
    const aliasMaximum = publisher.topicAliasMaximum();
    if (plan.properties?.topicAlias !== undefined && plan.properties.topicAlias > aliasMaximum) {
      throw new UsageError(`topic-alias ${plan.properties.topicAlias} is more than the broker accepts (topic-alias-maximum ${aliasMaximum}).`);
    }
    const work = replayer
      ? replayer.run(stop.signal)
      : lineMode
      ? publishLines(plan, topics, v5, publisher, ctx, stop.signal, encoder)
      : publishRepeated(plan, topics, payloads ?? topics.map(() => payload!), publisher, stop.signal,
        // --repeat with --encode: each round encodes again, so Sparkplug's filled-in seq and timestamp move on.
        payloads && plan.repeat > 1 ? (topic) => encodeOrThrow(encoder!, loaded!, topic, what) : undefined);
    // After an interrupt the work may still be waiting for a slot; it ends once abandon() frees it.
    work.catch(() => {});
    await Promise.race([work, connection.failed, interrupted]);
    if (interruptedBy === undefined) await Promise.race([publisher.idle(), connection.failed, interrupted]);
    if (interruptedBy !== undefined) {
      await within(INTERRUPT_GRACE_MS, Promise.race([publisher.idle(), connection.failed]));
      publisher.abandon();
    }
  } catch (error) {
    stop.abort();
    publisher.abandon();
    publisher.flush();
    await connection.close();
    stopProgress();
    replayer?.report();
    throw error;
  } finally {
    stopProgress();
    publisher.dispose();
  }
  await connection.close();
  reportDropped();
  replayer?.report();
  if (replayer && interruptedBy !== undefined) {
    // How far it got: every line up to this one was acknowledged (QoS 1/2) or written (QoS 0).
    throw new InterruptedError(`Interrupted (${interruptedBy}): stopped after line ${replayer.resumeLine}; resume with --skip ${replayer.resumeLine}.`);
  }

  const counts = publisher.counts();
  const unacknowledged = counts.unacknowledged + counts.inflight;
  if (interruptedBy !== undefined && unacknowledged > 0) {
    throw new InterruptedError(`Interrupted (${interruptedBy}): ${unacknowledged} message(s) were not acknowledged by the broker.`);
  }
  if (firstRejection) {
    // Each refusal was printed as it came; past MAX_REJECTIONS_SHOWN one line counts them all.
    const counted = rejectionsShown > MAX_REJECTIONS_SHOWN;
    throw new RefusedError(
      firstRejection.reasonCode,
      counted ? `${counts.rejected} messages were refused by the broker (the first ${MAX_REJECTIONS_SHOWN} are shown above).` : `${counts.rejected} message(s) were refused by the broker.`,
      { reported: !counted },
    );
  }
  if (unacknowledged > 0) throw new UnacknowledgedError(unacknowledged);
}


/** Wait for the promise, but at most `ms`: true when it settled in time. The timer never outlives it. */
async function within(ms: number, promise: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => { timer = setTimeout(resolve, ms, false); });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** -m, -f, -s, -n: the message to every topic, --repeat times, --repeat-delay after each completed round. */
async function publishRepeated(
  plan: PubPlan, topics: readonly string[], payloads: readonly Buffer[], publisher: Publisher, signal: AbortSignal, reencode?: (topic: string) => Buffer,
): Promise<void> {
  const messages: OutgoingMessage[] = topics.map((topic, i) => ({
    topic, payload: payloads[i]!, qos: plan.qos, retain: plan.retain, ...(plan.properties ? { properties: plan.properties } : {}),
  }));
  for (let round = 0; round < plan.repeat && !signal.aborted; round++) {
    if (round > 0 && reencode) for (const message of messages) message.payload = reencode(message.topic);
    for (const message of messages) {
      const wait = publisher.send(message);
      if (wait) await wait;
      if (signal.aborted) return;
    }
    if (plan.repeatDelayMs > 0 && round < plan.repeat - 1) {
      await publisher.idle();
      await delay(plan.repeatDelayMs, signal);
    }
  }
}

/** -m, -f, -s with --encode: the payload, or a UsageError naming what does not fit. */
function encodeOrThrow(encoder: Encoder, text: Buffer, topic: string, what: string): Buffer {
  const result = encodeJson(encoder, text, undefined, topic);
  if (typeof result === 'string') throw new UsageError(`${what} ${result}.`);
  return result;
}

/** -l: one message per line as lines arrive; reading pauses while the window is full. */
async function publishLines(plan: PubPlan, topics: readonly string[], v5: boolean, publisher: Publisher, ctx: Context, signal: AbortSignal, encoder?: Encoder): Promise<void> {
  const bad = new BadLines(plan.onError, ctx.ui);
  const reject = (lineNumber: number, problem: string) => bad.reject(lineNumber, problem);
  const sendEach = async (messages: OutgoingMessage[]): Promise<void> => {
    for (const message of messages) {
      const wait = publisher.send(message);
      if (wait) await wait;
    }
  };

  const topicBytes = topics.map((t) => Buffer.byteLength(t));
  const maxTopicBytes = Math.max(0, ...topicBytes);
  const { qos, retain, encoding } = plan;
  const properties = plan.properties;
  const single = topics.length === 1 ? topics[0]! : undefined;
  const lineDefaults: LineDefaults = { topics, qos, retain, encoding, v5, ...(properties ? { properties } : {}), ...(encoder ? { keepPayloadValue: true } : {}) };
  const aliasMaximum = publisher.topicAliasMaximum();

  const onTextLine = (line: Buffer, lineNumber: number) => {
    let payload = line;
    if (encoder) {
      // One JSON document per line; blank lines carry nothing.
      if (line.toString('latin1').trim() === '') return undefined;
      if (single === undefined) {
        const encoded: OutgoingMessage[] = [];
        for (const topic of topics) {
          const bytes = encodeJson(encoder, line, undefined, topic);
          if (typeof bytes === 'string') return reject(lineNumber, `it ${bytes}`);
          encoded.push({ topic, payload: bytes, qos, retain, ...(properties ? { properties } : {}) });
        }
        return sendEach(encoded);
      }
      const bytes = encodeJson(encoder, line, undefined, single);
      if (typeof bytes === 'string') return reject(lineNumber, `it ${bytes}`);
      payload = bytes;
    } else if (encoding !== 'utf8') {
      const decodedLine = decodePayload(line, encoding);
      if (typeof decodedLine === 'string') return reject(lineNumber, decodedLine);
      payload = decodedLine;
    }
    if (payload.length > MAX_REMAINING_LENGTH - 4 - maxTopicBytes) {
      const problem = payloadSizeProblem(maxTopicBytes, payload.length, qos);
      if (problem) return reject(lineNumber, problem);
    }
    if (single !== undefined) {
      return publisher.send(properties ? { topic: single, payload, qos, retain, properties } : { topic: single, payload, qos, retain });
    }
    return sendEach(topics.map((topic) => ({ topic, payload, qos, retain, ...(properties ? { properties } : {}) })));
  };

  const onJsonLine = (line: Buffer, lineNumber: number) => {
    // Blank lines carry nothing in NDJSON.
    if (line.length === 0 || (line.length === 1 && line[0] === 0x0d) || line.toString('latin1').trim() === '') return undefined;
    const parsed = parseJsonLine(line, lineDefaults);
    if (typeof parsed === 'string') return reject(lineNumber, parsed);
    const alias = parsed.properties?.topicAlias;
    if (alias !== undefined && alias > aliasMaximum) {
      return reject(lineNumber, `topic-alias ${alias} is more than the broker accepts (topic-alias-maximum ${aliasMaximum})`);
    }
    if (encoder) {
      const encoded: OutgoingMessage[] = [];
      for (const topic of parsed.topics) {
        const bytes = encodeJson(encoder, undefined, parsed.payloadValue, topic);
        if (typeof bytes === 'string') return reject(lineNumber, `the payload ${bytes}`);
        encoded.push({ topic, payload: bytes, qos: parsed.qos, retain: parsed.retain, ...(parsed.properties ? { properties: parsed.properties } : {}) });
      }
      return sendEach(encoded);
    }
    if (parsed.topics.length === 1) {
      const message: OutgoingMessage = { topic: parsed.topics[0]!, payload: parsed.payload, qos: parsed.qos, retain: parsed.retain };
      if (parsed.properties) message.properties = parsed.properties;
      return publisher.send(message);
    }
    return sendEach(parsed.topics.map((topic) => ({
      topic, payload: parsed.payload, qos: parsed.qos, retain: parsed.retain, ...(parsed.properties ? { properties: parsed.properties } : {}),
    })));
  };

  const maxLineBytes = encoding === 'utf8' && plan.lineFormat === 'text' ? MAX_REMAINING_LENGTH : MAX_REMAINING_LENGTH * 2;
  try {
    await readLines(lineChunks(ctx.io.stdin as AsyncIterable<Buffer> & { fd?: number }), plan.lineFormat === 'json' ? onJsonLine : onTextLine, { signal, maxLineBytes });
  } catch (error) {
    if (error instanceof LineTooLongError) {
      await publisher.idle();
      throw new UsageError(`Line ${error.lineNumber} of stdin is longer than an MQTT message can hold (${error.limit} bytes); nothing after it was published.`);
    }
    throw error;
  }
  // What was sent before a bad line still gets its acknowledgement before we exit.
  if (bad.stoppedAt !== undefined) await publisher.idle();
  bad.finish();
}
