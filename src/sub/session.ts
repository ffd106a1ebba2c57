import type { ChalkInstance } from 'chalk';
import type { ClientSubscribeCallback, IClientSubscribeOptions, IPublishPacket, MqttClient } from 'mqtt';
import type { Connection } from '../connection/connect.js';
import { reasonText } from '../connection/errors.js';
import { ExitError, MqError, TimeoutError } from '../errors.js';
import { createFormatter } from '../output/format.js';
import type { ReceivedMessage } from '../output/message.js';
import type { Ui } from '../ui.js';
import { createMessageHandler, PRINT, REMOVE, STOP } from './handler.js';
import type { SubPlan } from './options.js';
import { createOutputWriter } from './writer.js';

export interface SubscriberIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  ui: Ui;
  /** Colours for stdout, given only when stdout is a terminal and colour is allowed. */
  color?: ChalkInstance;
  /** Resolves on SIGINT/SIGTERM. */
  interrupted: Promise<unknown>;
}

type SubackPacket = Parameters<ClientSubscribeCallback>[2];

/** How the subscriber ended; anything but 'ok' becomes an error after the connection is closed. */
type Outcome = { kind: 'ok'; reasonCode: number } | { kind: 'error'; error: MqError; reasonCode: number };

/** v5 DISCONNECT reason mosquitto_sub sends on a signal or -W: "Disconnect with Will Message". */
const DISCONNECT_WITH_WILL = 0x04;
/** How long a clean DISCONNECT may take before the socket is simply closed. */
const CLOSE_GRACE_MS = 3000;

function noop(): void {}

/**
 * Run a subscription on an open connection until -C, -E, --retained-only, -W, a signal, a closed
 * stdout or a failure ends it. Resolves on a normal end; rejects with the MqError to exit with.
 */
export async function runSubscriber(plan: SubPlan, connection: Connection, io: SubscriberIo): Promise<void> {
  const { client, settings, session } = connection;
  const { ui } = io;
  const v5 = settings.protocolVersion === 5;
  // mq resubscribes itself, on every connect that lost the session, and sends -U again (as mosquitto).
  client.options.resubscribe = false;
  // MQTT.js calls its debug logger several times per packet even when it is off: measurable at
  // 100 000 msg/s. -d traces packets through the factory's packet events instead.
  client.log = noop;

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

  // --- output -------------------------------------------------------------------------------
  let paused = false;
  const setPaused = (pause: boolean) => {
    paused = pause;
    const stream = client.stream as (NodeJS.ReadableStream & { isPaused?(): boolean }) | undefined;
    if (!stream) return;
    if (pause) stream.pause();
    else stream.resume();
  };
  const writer = createOutputWriter(io.stdout, {
    batch: !io.stdout.isTTY,
    onClosed(error) {
      // The reader went away (`| head -n 1`): a normal end, as for any Unix filter.
      if (error.code === 'EPIPE') finish({ kind: 'ok', reasonCode: 0 });
      else finish({ kind: 'error', error: new MqError(`Cannot write to standard output: ${error.code ?? error.message}.`), reasonCode: 0 });
    },
    onPressure: setPaused,
  });
  const format = createFormatter({ ...plan.output, ...(io.color ? { color: io.color } : {}) });

  // --- removals (--remove-retained): empty retained QoS 1 publishes, at most -M in flight ---------
  const removalQueue: string[] = [];
  let removalsInFlight = 0;
  let afterRemovals: (() => void) | undefined;
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
    if (removalsInFlight === 0 && removalQueue.length === 0 && afterRemovals) afterRemovals();
  };
  const removalsPending = () => removalsInFlight > 0 || removalQueue.length > 0;
  /** Stop handling messages; end once every removal was acknowledged. */
  const stopAfterRemovals = () => {
    stopping = true;
    if (!removalsPending()) finish({ kind: 'ok', reasonCode: 0 });
    else afterRemovals = () => finish({ kind: 'ok', reasonCode: 0 });
  };

  // --- messages ---------------------------------------------------------------------------------
  const handler = createMessageHandler({
    retainedOnly: plan.retainedOnly,
    ignoreRetained: plan.ignoreRetained,
    filterOut: plan.filterOut,
    ...(plan.payloadFilter ? { payloadFilter: plan.payloadFilter } : {}),
    removeRetained: plan.removeRetained,
    printChance: plan.printChance,
    ...(plan.count !== undefined ? { count: plan.count } : {}),
  });
  // Once we are ending, QoS 1/2 messages still arriving are not acknowledged, so a persistent
  // session (-c) gets them again next time instead of losing them. Not while one of our own
  // packets (SUBSCRIBE, UNSUBSCRIBE, a removal) waits for its ack: MQTT.js handles incoming
  // packets strictly in order, so that ack would queue behind the unanswered message.
  const outgoing = (client as unknown as { outgoing: Record<number, unknown> }).outgoing;
  const nothingOutstanding = () => removalQueue.length === 0 && Object.keys(outgoing).length === 0;
  // QoS 2 messages are handled when the PUBLISH arrives, not at PUBREL as MQTT.js would: the
  // output keeps the broker's order whatever the round-trip time. The packet id is remembered
  // until PUBREL, so a resent PUBLISH (dup) is not printed twice.
  const qos2Unreleased = new Set<number>();
  client.options.customHandleAcks = (topic, payload, packet, done) => {
    if (stopping && nothingOutstanding()) return;
    if (packet.qos === 2 && !qos2Unreleased.has(packet.messageId!)) {
      qos2Unreleased.add(packet.messageId!);
      handleMessage(topic, payload, packet);
    }
    done(0);
  };
  const onMessage = (topic: string, payload: Buffer, packet: IPublishPacket) => {
    if (packet.qos === 2) {
      qos2Unreleased.delete(packet.messageId!); // PUBREL: handled at PUBLISH already
      return;
    }
    handleMessage(topic, payload, packet);
  };
  const handleMessage = (topic: string, payload: Buffer, packet: IPublishPacket) => {
    if (stopping) return;
    const action = handler.handle(topic, payload, packet.retain);
    if (action === 0) return;
    if (action & REMOVE) {
      removalQueue.push(topic);
      pumpRemovals();
    }
    if (action & PRINT) {
      const message: ReceivedMessage = {
        topic,
        payload,
        qos: packet.qos,
        retain: packet.retain,
        dup: packet.dup,
        mid: packet.messageId ?? 0,
        receivedAt: Date.now(),
      };
      if (packet.properties) message.properties = packet.properties as Record<string, unknown>;
      writer.write(format(message));
    }
    if (action & STOP) stopAfterRemovals();
  };
  client.on('message', onMessage);

  // --- subscribe on every connect that has no session ---------------------------------------------
  const subscribeProperties = v5 ? session.properties.subscribe : undefined;
  const unsubscribeProperties = v5 ? session.properties.unsubscribe : undefined;
  const subscribeAll = (first: boolean) => {
    const pending: Promise<void>[] = [];
    if (plan.subscriptions.length > 0) {
      pending.push(new Promise((resolve) => {
        const map: Record<string, IClientSubscribeOptions> = {};
        for (const { topic, ...options } of plan.subscriptions) map[topic] = options as IClientSubscribeOptions;
        const options = subscribeProperties ? { properties: subscribeProperties as IClientSubscribeOptions['properties'] } : {};
        client.subscribe(map, options as IClientSubscribeOptions, (error, _granted, packet?: SubackPacket) => {
          // MQTT.js reports a refused filter as an error but still hands over the SUBACK.
          const codes = packet?.granted;
          if (!codes) {
            // The connection dropped before the SUBACK; the next connect subscribes again.
            if (error && !stopping) ui.debug(`SUBSCRIBE not answered: ${error.message}`);
            resolve();
            return;
          }
          reportSuback(Object.keys(map), codes.map(Number), first);
          resolve();
        });
      }));
    }
    if (plan.unsubscribe.length > 0) {
      pending.push(new Promise((resolve) => {
        const options = unsubscribeProperties ? { properties: unsubscribeProperties as never } : {};
        client.unsubscribe(plan.unsubscribe, options, () => resolve());
      }));
    }
    return Promise.all(pending);
  };
  const reportSuback = (topics: string[], codes: number[], first: boolean) => {
    ui.debug(`Subscribed: ${codes.join(', ')}`);
    let refused = 0;
    let firstRefusal = 0;
    codes.forEach((code, i) => {
      if (code < 0x80) return;
      refused++;
      firstRefusal ||= code;
      const topic = topics[i] ?? '?';
      const why = v5 ? `${reasonText(code)} (reason code ${code})` : `refused by the broker (0x${code.toString(16)})`;
      if (first || refused === codes.length) ui.warn(`Subscription to '${topic}' failed: ${why}.`);
    });
    if (refused > 0 && refused === codes.length) {
      finish({ kind: 'error', error: new ExitError(firstRefusal, 'All subscription requests were denied.'), reasonCode: 0 });
    }
  };

  let firstConnect = true;
  const onConnect = (connack: { sessionPresent?: boolean }) => {
    if (firstConnect) return;
    if (paused) setPaused(true); // a new socket starts flowing
    if (!connack.sessionPresent) {
      qos2Unreleased.clear(); // a new session: the broker reuses packet ids
      void subscribeAll(false);
    }
  };
  client.on('connect', onConnect);

  // --- ends ---------------------------------------------------------------------------------------
  let timer: NodeJS.Timeout | undefined;
  if (plan.timeoutSeconds !== undefined) {
    // mosquitto prints exactly "Timed out" (no "Error: " prefix, hidden by --quiet) and exits 27.
    timer = setTimeout(() => {
      ui.info('Timed out');
      finish({ kind: 'error', error: new ExitError(new TimeoutError().exitCode), reasonCode: DISCONNECT_WITH_WILL });
    }, plan.timeoutSeconds * 1000);
  }
  void io.interrupted.then(() => finish({ kind: 'ok', reasonCode: DISCONNECT_WITH_WILL }));
  connection.failed.catch((error: unknown) => {
    finish({ kind: 'error', error: error instanceof MqError ? error : new MqError(String(error)), reasonCode: 0 });
  });

  firstConnect = false;
  if (plan.exitAfterSubscribe) {
    // -E: messages after the SUBACK are not printed (mosquitto disconnects in its SUBACK callback).
    // Watched at the packet, because MQTT.js calls the subscribe callback only after it handled
    // the packets that followed.
    client.on('packetreceive', (packet) => { if (packet.cmd === 'suback') stopping = true; });
  }
  const subscribed = subscribeAll(true);
  if (plan.exitAfterSubscribe) void subscribed.then(() => finish({ kind: 'ok', reasonCode: 0 }));

  const result = await outcome;
  if (timer) clearTimeout(timer);
  client.off('message', onMessage);
  client.off('connect', onConnect);
  await closeConnection(connection, client, v5 ? result.reasonCode : undefined);
  await writer.flush();
  if (result.kind === 'error') throw result.error;
}

/** DISCONNECT when connected (bounded in time), otherwise just close the socket. */
async function closeConnection(connection: Connection, client: MqttClient, reasonCode: number | undefined): Promise<void> {
  if (!client.connected) {
    client.options.reconnectPeriod = 0;
    await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const closed = connection.close(reasonCode || undefined).then(() => true);
  const late = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), CLOSE_GRACE_MS); });
  const clean = await Promise.race([closed, late]);
  clearTimeout(timer);
  if (!clean) client.end(true);
}
