/**
 * `mq rr` asking: subscribe to the response topic, publish the request once the SUBACK is in,
 * print the response(s) carrying our correlation data, DISCONNECT.
 */
import type { ChalkInstance } from 'chalk';
import type { IClientPublishOptions, IPublishPacket } from 'mqtt';
import type { Connection } from '../connection/connect.js';
import { InterruptedError, MqError } from '../errors.js';
import type { Ui } from '../ui.js';
import { publish, subscribe } from './common.js';
import { toReceived } from '../output/message.js';
import { createPrinter } from '../output/printer.js';
import type { RrPlan } from './options.js';

/** PUBACK/PUBREC reason code: the broker accepted the message but no subscription matched it. */
const NO_MATCHING_SUBSCRIBERS = 16;

export interface SessionIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  ui: Ui;
  color?: ChalkInstance;
  interrupted: Promise<string>;
}

export async function runRequester(plan: RrPlan, payload: Buffer, connection: Connection, io: SessionIo): Promise<void> {
  const { client, settings, session } = connection;
  const { ui } = io;
  const v5 = settings.protocolVersion === 5;
  const responseTopic = plan.responseTopic!;
  const wanted = plan.count ?? 1;

  let resolveOutcome!: (error: MqError | undefined) => void;
  const outcome = new Promise<MqError | undefined>((resolve) => { resolveOutcome = resolve; });
  let done = false;
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
  let requestSent = false;
  let printed = 0;
  client.on('message', (topic: string, message: Buffer, packet: IPublishPacket) => {
    // Nothing that came before the request can answer it; retained messages are old by definition.
    if (done || !requestSent || topic !== responseTopic) return;
    if (packet.retain && !plan.retainAsPublished) {
      ui.debug(`Ignored a retained message on the response topic '${topic}'.`);
      return;
    }
    const correlation = (packet.properties as { correlationData?: Buffer } | undefined)?.correlationData;
    if (plan.correlationData && correlation !== undefined && !Buffer.from(correlation).equals(plan.correlationData)) {
      ui.debug(`Ignored a response to another request (correlation data ${JSON.stringify(Buffer.from(correlation).toString('latin1'))}).`);
      return;
    }
    printer.print(toReceived(topic, message, packet));
    printed++;
    if (printed >= wanted) finish();
  });

  const timer = plan.timeoutSeconds !== undefined ? setTimeout(() => finish(printer.timedOut()), plan.timeoutSeconds * 1000) : undefined;
  void io.interrupted.then((signal) => {
    const what = wanted === 1 ? 'the response' : `${wanted} responses (${printed} arrived)`;
    finish(new InterruptedError(`Interrupted (${signal}) before ${what}.`));
  });
  connection.failed.catch(finish);

  void (async () => {
    await subscribe(client, responseTopic, { qos: plan.qos, v5, retainAsPublished: plan.retainAsPublished, ...(session.properties.subscribe ? { properties: session.properties.subscribe } : {}) }, 'the response topic');
    if (done) return;
    const options: IClientPublishOptions = { qos: plan.qos };
    if (v5) {
      options.properties = {
        ...(plan.publishProperties as IClientPublishOptions['properties']),
        responseTopic,
        ...(plan.correlationData ? { correlationData: plan.correlationData } : {}),
      };
    }
    // A v5 broker acknowledging QoS 1/2 says "No matching subscribers" (16) when nobody got it.
    let unheard = false;
    const onAck = (packet: { cmd: string; reasonCode?: number }) => {
      if ((packet.cmd === 'puback' || packet.cmd === 'pubrec') && packet.reasonCode === NO_MATCHING_SUBSCRIBERS) unheard = true;
    };
    client.on('packetreceive', onAck);
    requestSent = true;
    ui.debug(`Sending the request to '${plan.topic}'; the response is expected on '${responseTopic}'${plan.responseTopicGenerated ? ' (made up: no -e given)' : ''}.`);
    await publish(client, plan.topic, payload, options, 'The request');
    client.off('packetreceive', onAck);
    if (unheard && printed === 0) {
      finish(new MqError(`Nobody received the request: the broker has no subscriber on '${plan.topic}' (No matching subscribers), so no response can come.`, {
        hint: 'Is the responder running and subscribed to that topic?',
      }));
    }
  })().catch(finish);

  const error = await outcome;
  if (timer) clearTimeout(timer);
  await connection.close(undefined, { quick: stdoutGone });
  await printer.flush();
  if (error) throw error;
}
