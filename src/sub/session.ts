import type { ChalkInstance } from 'chalk';
import type { ClientSubscribeCallback, IClientSubscribeOptions, IPublishPacket, MqttClient } from 'mqtt';
import type { Connection } from '../connection/connect.js';
import { subackReason } from '../connection/errors.js';
import type { Properties } from '../connection/properties.js';
import type { MessageDecoder } from '../codecs/use.js';
import { DecodeFailedError, MqError, RefusedError } from '../errors.js';
import { MessageGate } from '../mqtt/gate.js';
import { toReceived } from '../output/message.js';
import { createPrinter } from '../output/printer.js';
import { createWatchPrinter } from '../output/watch.js';
import type { Ui } from '../ui.js';
import { createMessageHandler, PRINT, REMOVE, STOP } from './handler.js';
import type { SubPlan } from './options.js';

export interface SubscriberIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  ui: Ui;
  /** Colours for stdout, given only when stdout is a terminal and colour is allowed. */
  color?: ChalkInstance;
  /** Write each message as it comes, never gathered (stdout is a file: a crash loses at most one line). */
  lineByLine?: boolean;
  /** -w: the watch board's first row; the board replaces the line-per-message printer. */
  watchHeader?: string;
  /** --decode: payloads of matching topics become JSON before filtering and printing. */
  decoder?: MessageDecoder;
}

export interface Subscriber {
  /**
   * Take over a new client before it handles any packet (ConnectOptions.onClient): a persistent
   * session's queued messages arrive right behind the CONNACK.
   */
  attach(client: MqttClient): void;
  /**
   * Subscribe and print until -C, -E, --retained-only, -W, a signal, a closed stdout or a failure
   * ends it; then DISCONNECT and flush. Resolves on a normal end; rejects with the MqError to exit with.
   */
  run(connection: Connection, interrupted: Promise<unknown>): Promise<void>;
}

type SubackPacket = Parameters<ClientSubscribeCallback>[2];

/**
 * How the subscriber ended; an error is thrown after the connection is closed. `quick`: stdout's
 * reader went away, so nothing pending matters (Connection.close).
 */
type Outcome = ({ kind: 'ok' } | { kind: 'error'; error: MqError }) & { reasonCode: number; quick?: boolean };

/** v5 DISCONNECT reason mosquitto_sub sends on a signal or -W: "Disconnect with Will Message". */
const DISCONNECT_WITH_WILL = 0x04;

function noop(): void {}

export function createSubscriber(plan: SubPlan, io: SubscriberIo): Subscriber {
  const { ui } = io;
  let client!: MqttClient;

  let resolveOutcome!: (outcome: Outcome) => void;
  const outcome = new Promise<Outcome>((resolve) => { resolveOutcome = resolve; });
  let stopping = false; // no more messages are handled
  let finished = false;
  const finish = (result: Outcome) => {
    stopping = true;
    if (finished) return;
    finished = true;
    resolveOutcome(result);
  };

  // --- output ---------------------------------------------------------------------------------
  // While stdout cannot take more, no further message is handled (nor acknowledged): see MessageGate.
  const gate = new MessageGate();
  const setPaused = (pause: boolean) => {
    if (pause) gate.close();
    else gate.open();
  };
  const onClosed = (error: MqError | undefined) =>
    finish(error ? { kind: 'error', error, reasonCode: 0, quick: true } : { kind: 'ok', reasonCode: 0, quick: true });
  const printer = io.watchHeader !== undefined ? createWatchPrinter(io.stdout, { output: plan.output, ui, header: io.watchHeader, onClosed }) : createPrinter(io.stdout, {
    output: plan.output,
    ...(io.color ? { color: io.color } : {}),
    ui,
    batch: !io.stdout.isTTY && !io.lineByLine,
    onClosed,
    onPressure: setPaused,
  });

  // --- removals (--remove-retained): empty retained QoS 1 publishes, at most -M in flight -------
  const removalQueue: string[] = [];
  let removalsInFlight = 0;
  let afterRemovals: (() => void) | undefined;
  const removalsPending = () => removalsInFlight > 0 || removalQueue.length > 0;
  const pumpRemovals = () => {
    while (removalsInFlight < plan.maxInflight && removalQueue.length > 0) {
      const topic = removalQueue.shift()!;
      removalsInFlight++;
      client.publish(topic, Buffer.alloc(0), { qos: 1, retain: true }, (error) => {
        removalsInFlight--;
        if (error) ui.warn(`Could not remove the retained message on '${topic}': ${error.message}`);
        pumpRemovals();
      });
    }
    if (!removalsPending() && afterRemovals) afterRemovals();
  };
  /** Stop handling messages; end once every removal was acknowledged. */
  const stopAfterRemovals = () => {
    stopping = true;
    if (!removalsPending()) finish({ kind: 'ok', reasonCode: 0 });
    else afterRemovals = () => finish({ kind: 'ok', reasonCode: 0 });
  };

  // --- messages -------------------------------------------------------------------------------
  const handler = createMessageHandler({
    retainedOnly: plan.retainedOnly,
    ignoreRetained: plan.ignoreRetained,
    filterOut: plan.filterOut,
    ...(plan.payloadFilter ? { payloadFilter: plan.payloadFilter } : {}),
    removeRetained: plan.removeRetained,
    printChance: plan.printChance,
    ...(plan.count !== undefined ? { count: plan.count } : {}),
  });
  const { decoder } = io;
  const handleMessage = (topic: string, raw: Buffer, packet: IPublishPacket) => {
    if (stopping) return;
    let payload = raw;
    let decoded: 'json' | 'failed' | undefined;
    // Messages that -R, -T or --retained-only drop anyway are not decoded (nor warned about).
    if (decoder !== undefined && raw.length > 0 && !handler.skips(topic, packet.retain)) {
      const result = decoder(topic, raw);
      if (result?.ok) {
        payload = result.json;
        decoded = 'json';
      } else if (result) {
        const problem = `The message on topic '${topic}' does not decode as ${result.codec}: ${result.reason}`;
        if (plan.decodeErrors === 'fail') {
          finish({ kind: 'error', error: new DecodeFailedError(`${problem}.`), reasonCode: 0 });
          return;
        }
        ui.warn(`${problem}; printed undecoded.`);
        decoded = 'failed';
      }
    }
    const action = handler.handle(topic, payload, packet.retain);
    if (action === 0) return;
    if (action & REMOVE) {
      removalQueue.push(topic);
      pumpRemovals();
    }
    if (action & PRINT) {
      const message = toReceived(topic, payload, packet);
      if (decoded !== undefined) message.decoded = decoded;
      printer.print(message);
    }
    if (action & STOP) stopAfterRemovals();
  };

  // -E: SUBACK (and UNSUBACK for -U) seen as packets. MQTT.js calls the subscribe callback only
  // after it handled the packets behind it, too late to keep those from being printed.
  let controlAcksDue = (plan.subscriptions.length > 0 ? 1 : 0) + (plan.unsubscribe.length > 0 ? 1 : 0);
  const qos2Unreleased = new Set<number>();

  // MQTT.js handles the packets of one socket read a tick apart, and mqtt-packet uncorks after each
  // PUBACK/PUBREC: one write(2) per acknowledgement. Corked until the event loop's check phase, the
  // acknowledgements of a whole read go out in one write (QoS 1 sub -v: 24,400 -> 26,800 msg/s).
  let corked: MqttClient['stream'] | undefined;
  const releaseAcks = () => {
    corked!.uncork();
    corked = undefined;
  };
  const holdAcks = (stream: MqttClient['stream']) => {
    if (corked !== undefined) return;
    corked = stream;
    stream.cork();
    setImmediate(releaseAcks);
  };

  const attach = (c: MqttClient) => {
    client = c;
    // mq resubscribes itself, on every connect that lost the session, and sends -U again.
    client.options.resubscribe = false;
    // MQTT.js calls its debug logger several times per packet even when it is off: measurable at
    // 100 000 msg/s. -d traces packets through the factory's packet events instead.
    client.log = noop;
    // Once we are ending, QoS 1/2 messages still arriving are not acknowledged, so a persistent
    // session (-c) gets them again next time instead of losing them. Not while removals wait for
    // their PUBACKs: MQTT.js handles incoming packets strictly in order, and those acks would
    // queue behind the unanswered message; nor with -E before its acks arrived.
    // QoS 2 messages are handled when the PUBLISH arrives, not at PUBREL as MQTT.js would: the
    // output keeps the broker's order whatever the round-trip time. The packet id is remembered
    // until PUBREL, so a resent PUBLISH (dup) is not printed twice.
    client.options.customHandleAcks = (topic, payload, packet, done) => {
      if (stopping && !removalsPending() && controlAcksDue === 0) return;
      holdAcks(client.stream);
      if (packet.qos === 2 && !qos2Unreleased.has(packet.messageId!)) {
        qos2Unreleased.add(packet.messageId!);
        handleMessage(topic, payload, packet);
      }
      gate.pass(() => done(0));
    };
    gate.attach(client);
    client.on('message', (topic: string, payload: Buffer, packet: IPublishPacket) => {
      if (packet.qos === 2) {
        qos2Unreleased.delete(packet.messageId!); // PUBREL: handled at PUBLISH already
        return;
      }
      handleMessage(topic, payload, packet);
    });
    if (plan.exitAfterSubscribe) {
      client.on('packetreceive', (packet) => {
        if (packet.cmd !== 'suback' && packet.cmd !== 'unsuback') return;
        stopping = true;
        if (controlAcksDue > 0) controlAcksDue--;
      });
    } else {
      controlAcksDue = 0;
    }
  };

  const run = async (connection: Connection, interrupted: Promise<unknown>) => {
    const { settings, session } = connection;
    const v5 = settings.protocolVersion === 5;

    const onConnect = (connack: { sessionPresent?: boolean }) => {
      if (!connack.sessionPresent) {
        qos2Unreleased.clear(); // a new session: the broker reuses packet ids
        void subscribeAll(client, plan, v5 ? session.properties : {}, ui, false, finish);
      }
    };
    client.on('connect', onConnect);

    let timer: NodeJS.Timeout | undefined;
    if (plan.timeoutSeconds !== undefined) {
      timer = setTimeout(() => finish({ kind: 'error', error: printer.timedOut(), reasonCode: DISCONNECT_WITH_WILL }), plan.timeoutSeconds * 1000);
    }
    void interrupted.then(() => finish({ kind: 'ok', reasonCode: DISCONNECT_WITH_WILL }));
    connection.failed.catch((error: unknown) => {
      finish({ kind: 'error', error: error instanceof MqError ? error : new MqError(String(error)), reasonCode: 0 });
    });

    if (!finished) {
      const subscribed = subscribeAll(client, plan, v5 ? session.properties : {}, ui, true, finish);
      if (plan.exitAfterSubscribe) void subscribed.then(() => finish({ kind: 'ok', reasonCode: 0 }));
    }

    const result = await outcome;
    if (timer) clearTimeout(timer);
    client.off('connect', onConnect);
    await connection.close(v5 && result.reasonCode ? result.reasonCode : undefined, { quick: result.quick ?? false });
    await printer.flush();
    if (result.kind === 'error') throw result.error;
  };

  return { attach, run };
}

/** SUBSCRIBE every -t, then UNSUBSCRIBE every -U (as mosquitto, on every connect without a session). */
function subscribeAll(
  client: MqttClient,
  plan: SubPlan,
  properties: Properties,
  ui: Ui,
  first: boolean,
  finish: (outcome: Outcome) => void,
): Promise<unknown> {
  const v5 = client.options.protocolVersion === 5;
  const pending: Promise<void>[] = [];
  if (plan.subscriptions.length > 0) {
    pending.push(new Promise((resolve) => {
      const map: Record<string, IClientSubscribeOptions> = {};
      for (const { topic, ...options } of plan.subscriptions) map[topic] = options as IClientSubscribeOptions;
      const topics = Object.keys(map);
      const options = properties.subscribe ? { properties: properties.subscribe as IClientSubscribeOptions['properties'] } : {};
      client.subscribe(map, options as IClientSubscribeOptions, (error, _granted, packet?: SubackPacket) => {
        // MQTT.js reports a refused filter as an error but still hands over the SUBACK.
        const codes = packet?.granted;
        if (!codes) {
          // The connection dropped before the SUBACK; the next connect subscribes again.
          if (error) ui.debug(`SUBSCRIBE not answered: ${error.message}`);
        } else {
          reportSuback(topics, packet!.messageId ?? 0, codes.map(Number), v5, ui, first, finish);
        }
        resolve();
      });
    }));
  }
  if (plan.unsubscribe.length > 0) {
    pending.push(new Promise((resolve) => {
      const options = properties.unsubscribe ? { properties: properties.unsubscribe as never } : {};
      client.unsubscribe(plan.unsubscribe, options, () => resolve());
    }));
  }
  return Promise.all(pending);
}

/** Each refused filter on stderr (after a reconnect only when all are refused); all refused ends it. */
function reportSuback(topics: string[], mid: number, codes: number[], v5: boolean, ui: Ui, first: boolean, finish: (outcome: Outcome) => void): void {
  ui.debug(`Subscribed (mid: ${mid}): ${codes.join(', ')}`); // mosquitto_sub -d prints this
  const refused = codes.filter((code) => code >= 0x80);
  if (refused.length === 0) return;
  const all = refused.length === codes.length;
  if (first || all) {
    codes.forEach((code, i) => {
      if (code < 0x80) return;
      ui.warn(`Subscription to '${topics[i] ?? '?'}' failed: ${subackReason(code, v5)}.`);
    });
  }
  // mosquitto prints this and exits 0; mq exits with the (first) refusal code.
  if (all) finish({ kind: 'error', error: new RefusedError(refused[0]!, 'All subscription requests were denied.'), reasonCode: 0 });
}

