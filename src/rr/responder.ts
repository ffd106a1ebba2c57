/**
 * `mq rr --respond`: answer every request on a filter, one at a time and in order, with a fixed
 * payload or a command's output, on the response topic the request names, carrying its
 * correlation data back.
 */
import type { IClientPublishOptions, IPublishPacket } from 'mqtt';
import type { Connection } from '../connection/connect.js';
import { MqError, RefusedError } from '../errors.js';
import { MessageGate } from '../mqtt/gate.js';
import { publishTopicProblem } from '../mqtt/topic.js';
import { MAX_REMAINING_LENGTH } from '../input/payload.js';
import { publish, subscribe } from './common.js';
import { toReceived } from '../output/message.js';
import { createPrinter } from '../output/printer.js';
import { runCommand } from './exec.js';
import type { RrPlan } from './options.js';
import type { SessionIo } from './requester.js';

export interface ResponderIo extends SessionIo {
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  cwd: string;
}

interface Request {
  topic: string;
  payload: Buffer;
  packet: IPublishPacket;
}

/** Requests waiting while one is answered: reading from the broker pauses above HIGH, resumes below LOW. */
const QUEUE_HIGH = 100;
const QUEUE_LOW = 10;
/** How long an interrupted responder still finishes the request in hand. */
const INTERRUPT_GRACE_MS = 2000;

export async function runResponder(plan: RrPlan, fixedPayload: Buffer | undefined, connection: Connection, io: ResponderIo): Promise<void> {
  const { client, settings, session } = connection;
  const { ui } = io;
  const v5 = settings.protocolVersion === 5;

  let resolveOutcome!: (error: MqError | undefined) => void;
  const outcome = new Promise<MqError | undefined>((resolve) => { resolveOutcome = resolve; });
  let done = false;
  const stopCommand = new AbortController();
  const finish = (error?: unknown) => {
    if (done) return;
    done = true;
    resolveOutcome(error === undefined || error instanceof MqError ? error : new MqError(String(error instanceof Error ? error.message : error)));
  };

  // Once stdout's reader went away nothing pending matters: the connection is closed at once.
  let stdoutGone = false;
  const printer = createPrinter(io.stdout, { output: plan.output, ...(io.color ? { color: io.color } : {}), ui, batch: false, onClosed: (error) => {
    stdoutGone = true;
    finish(error);
  } });
  let answered = 0;
  let warnedNoResponseTopic = false;

  /** Print the request, make the response and hand it to MQTT.js; false when it is not answered. */
  const answer = async (request: Request): Promise<void> => {
    if (!(await respond(request))) started--;
  };
  const respond = async ({ topic, payload, packet }: Request): Promise<boolean> => {
    const properties = (packet.properties ?? {}) as { responseTopic?: string; correlationData?: Buffer };
    const responseTopic = properties.responseTopic ?? plan.responseTopic;
    if (responseTopic === undefined) {
      if (!warnedNoResponseTopic) {
        ui.warn(`A request on '${topic}' names no response topic, so it is not answered${v5 ? '' : ' (MQTT 3.1.1 has no response-topic property: give -e TOPIC to answer such requests)'}.`);
        warnedNoResponseTopic = true;
      }
      return false;
    }
    const problem = publishTopicProblem(responseTopic);
    if (problem) {
      ui.warn(`Not answering the request on '${topic}': its response topic '${responseTopic}' is not valid (${problem}).`);
      return false;
    }
    printer.print(toReceived(topic, payload, packet));

    let response = fixedPayload;
    if (plan.source.kind === 'exec') {
      const result = await runCommand(plan.source.command, {
        input: payload,
        env: { ...io.env, MQ_RR_TOPIC: topic, MQ_RR_RESPONSE_TOPIC: responseTopic },
        cwd: io.cwd,
        stderr: io.stderr,
        maxBytes: MAX_REMAINING_LENGTH - 2 - Buffer.byteLength(responseTopic) - 2,
        signal: stopCommand.signal,
      });
      if (!result.ok) {
        if (!done) ui.warn(`--exec: ${result.reason} for the request on '${topic}'; no response sent.`);
        return false;
      }
      response = result.stdout;
    }
    const options: IClientPublishOptions = { qos: plan.qos };
    if (v5) {
      const responseProperties = {
        ...(plan.publishProperties as IClientPublishOptions['properties']),
        ...(properties.correlationData !== undefined ? { correlationData: properties.correlationData } : {}),
      };
      if (Object.keys(responseProperties).length > 0) options.properties = responseProperties;
    }
    // Up to -M responses wait for their PUBACK/PUBCOMP at once; the next request is taken meanwhile.
    const sent = publish(client, responseTopic, response!, options, 'The response').then(() => {
      answered++;
      ui.debug(`Answered the request on '${topic}' on '${responseTopic}'.`);
      if (plan.count !== undefined && answered >= plan.count) finish();
    }, (error: unknown) => {
      started--; // not answered: another request may take its place under -C
      // A refused response topic is that requester's problem; keep answering the others.
      if (error instanceof RefusedError) ui.warn(error.message);
      else throw error;
    }).catch(finish).finally(() => {
      unacknowledged.delete(sent);
      pump();
    });
    unacknowledged.add(sent);
    return true;
  };

  // One request at a time, in the order they arrived; at most -M responses unacknowledged, and
  // with -C no more requests taken than it asks to answer.
  const queue: Request[] = [];
  const unacknowledged = new Set<Promise<void>>();
  let started = 0;
  // A full queue holds further requests (unacknowledged) at the gate until it runs low again.
  const gate = new MessageGate();
  gate.attach(client);
  let paused = false;
  let current: Promise<void> | undefined;
  const pump = () => {
    if (current || done || unacknowledged.size >= plan.maxInflight) return;
    if (plan.count !== undefined && started >= plan.count) return;
    const next = queue.shift();
    if (!next) return;
    if (paused && queue.length < QUEUE_LOW) {
      paused = false;
      gate.open();
    }
    started++;
    current = answer(next).catch(finish).finally(() => {
      current = undefined;
      pump();
    });
  };
  client.on('message', (topic: string, payload: Buffer, packet: IPublishPacket) => {
    if (done) return;
    if (packet.retain && !plan.retainAsPublished) {
      ui.debug(`Ignored a retained request on '${topic}' (it was sent before this responder started).`);
      return;
    }
    queue.push({ topic, payload, packet });
    if (!paused && queue.length >= QUEUE_HIGH) {
      paused = true;
      gate.close();
    }
    pump();
  });

  const timer = plan.timeoutSeconds !== undefined ? setTimeout(() => finish(printer.timedOut()), plan.timeoutSeconds * 1000) : undefined;
  void io.interrupted.then(() => finish());
  connection.failed.catch(finish);

  subscribe(client, plan.topic, { qos: plan.qos, v5, retainAsPublished: plan.retainAsPublished, ...(session.properties.subscribe ? { properties: session.properties.subscribe } : {}) }, 'the request filter')
    .then(() => ui.info(`Answering requests on '${plan.topic}'. Ctrl-C stops.`))
    .catch(finish);

  const error = await outcome;
  if (timer) clearTimeout(timer);
  if ((current || unacknowledged.size > 0) && !stdoutGone) {
    // Finish the request in hand and the responses on their way, but not forever.
    let grace: NodeJS.Timeout | undefined;
    const inHand = Promise.all([current, ...unacknowledged]);
    await Promise.race([inHand, new Promise<void>((resolve) => { grace = setTimeout(resolve, INTERRUPT_GRACE_MS); })]);
    clearTimeout(grace);
  }
  stopCommand.abort();
  await connection.close(undefined, { quick: stdoutGone });
  await printer.flush();
  if (error) throw error;
}
