/**
 * The publishing engine: hands messages to MQTT.js with a bounded window of QoS 1/2 messages
 * awaiting their PUBACK/PUBCOMP, and waits on the socket when it is backed up. `send` returns a
 * promise only when the caller must wait, so the reader pauses exactly while the window is full
 * and memory stays bounded by the window, whatever the input size.
 */
import mqttPacket from 'mqtt-packet';
import type { OutgoingMessage } from '../mqtt/message.js';

/** The part of MQTT.js's MqttClient the engine uses (a fake in unit tests). */
export interface PublishClient {
  readonly connected: boolean;
  stream: DrainableStream;
  connackPacket?: { properties?: { receiveMaximum?: number; topicAliasMaximum?: number } };
  options: { protocolVersion?: number };
  outgoing: Record<number, { cmd: string } | undefined>;
  publish(topic: string, payload: Buffer, options: PublishOptions, callback?: AckCallback): unknown;
  removeOutgoingMessage(messageId: number): unknown;
  on(event: 'connect' | 'close', listener: () => void): unknown;
  off(event: 'connect' | 'close', listener: () => void): unknown;
}

export interface DrainableStream {
  writableNeedDrain?: boolean;
  destroyed?: boolean;
  write(chunk: Buffer): boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  removeListener(event: 'drain' | 'close', listener: () => void): unknown;
}

export interface PublishOptions {
  qos: 0 | 1 | 2;
  retain: boolean;
  properties?: Record<string, unknown>;
}

/**
 * Told once a message is done with (`pub --replay` tracks how far it got): a QoS 0 message when it
 * was written (true) or dropped while disconnected (false), a QoS 1/2 message when the broker
 * answered (true, also for a refusal) or never will (false).
 */
export type SentCallback = (answered: boolean) => void;

type AckCallback = (error?: Error & { code?: unknown }, packet?: { properties?: { reasonString?: string } }) => void;

/** A QoS 1/2 message the broker answered with a reason code >= 128 (v5). */
export interface Rejection {
  topic: string;
  reasonCode: number;
  reasonString?: string;
}

export interface PublisherOptions {
  /** -M: QoS 1/2 messages awaiting acknowledgement at most (the broker's receive-maximum may lower it). */
  maxInflight: number;
  onRejected?(rejection: Rejection): void;
  /**
   * Encode QoS 0 messages without properties ourselves and write them in slabs (default on). Off
   * for -d, which traces the packets MQTT.js sends.
   */
  batchQos0?: boolean;
}

const GENERATE_V4 = { protocolVersion: 4 };
const GENERATE_V5 = { protocolVersion: 5 };
const NO_PROPERTIES = {};

/** Slab for batched QoS 0 packets; written when full or at the end of the tick. */
const SLAB_BYTES = 64 * 1024;

export interface PublishCounts {
  /** QoS 0 messages written to the socket. */
  written: number;
  /** QoS 1/2 messages the broker acknowledged with success. */
  acknowledged: number;
  /** QoS 1/2 messages the broker refused (reason code >= 128). */
  rejected: number;
  /** QoS 1/2 messages that will never be acknowledged (connection closed or given up). */
  unacknowledged: number;
  /** QoS 0 messages that arrived while disconnected, so were not sent. */
  dropped: number;
  /** QoS 1/2 messages awaiting their acknowledgement now. */
  inflight: number;
}

const PLAIN_OPTIONS: readonly PublishOptions[] = [0, 1, 2].flatMap((qos) => [false, true].map((retain) => ({ qos: qos as 0 | 1 | 2, retain })));

export class Publisher {
  private inflight = 0;
  private written = 0;
  private acknowledged = 0;
  private rejected = 0;
  private unacknowledged = 0;
  private dropped = 0;
  private window: number;
  private slotWaiter: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];
  /** Topic aliases established on the current connection: alias -> topic. */
  private aliases = new Map<number, string>();
  private readonly onConnect = () => { this.window = this.effectiveWindow(); this.wake(); };
  private readonly onClose = () => { this.aliases.clear(); this.slab = undefined; this.slabUsed = 0; };
  /** Batched QoS 0 packets not yet handed to the socket. */
  private slab: Buffer | undefined;
  private slabUsed = 0;
  private flushScheduled = false;
  private readonly flushSoon = () => { this.flushScheduled = false; this.flush(); };

  constructor(private readonly client: PublishClient, private readonly options: PublisherOptions) {
    this.window = this.effectiveWindow();
    client.on('connect', this.onConnect);
    client.on('close', this.onClose);
  }

  /** -M, lowered to the receive-maximum a v5 broker announced (sending more is a protocol error). */
  private effectiveWindow(): number {
    const receiveMaximum = this.client.connackPacket?.properties?.receiveMaximum;
    return receiveMaximum !== undefined && receiveMaximum > 0 ? Math.min(this.options.maxInflight, receiveMaximum) : this.options.maxInflight;
  }

  /** The highest topic alias the broker accepts (0: none). */
  topicAliasMaximum(): number {
    return this.client.connackPacket?.properties?.topicAliasMaximum ?? 0;
  }

  /**
   * Publish one message. Returns undefined when the caller may send the next one at once, or a
   * promise that settles when it may (a free slot in the window, or a drained socket).
   */
  send(message: OutgoingMessage, done?: SentCallback): Promise<void> | undefined {
    const { client } = this;
    let topic = message.topic;
    const properties = message.properties as Record<string, unknown> | undefined;
    const alias = message.properties?.topicAlias;
    if (alias !== undefined && client.connected) {
      // The first message with an alias carries the topic; later ones only the alias (as mosquitto_pub).
      if (this.aliases.get(alias) === topic) topic = '';
      else this.aliases.set(alias, topic);
    }
    // MQTT.js copies the options, so the common ones (no properties) are made once.
    const options = properties ? { qos: message.qos, retain: message.retain, properties } : PLAIN_OPTIONS[message.qos * 2 + (message.retain ? 1 : 0)]!;

    if (message.qos === 0) {
      // MQTT.js would queue it without bound while offline; QoS 0 means "at most once": count it instead.
      if (!client.connected) {
        this.dropped++;
        done?.(false);
        return undefined;
      }
      this.written++;
      done?.(true);
      if (!properties && this.options.batchQos0 !== false) return this.batch(topic, message.payload, message.retain);
      this.flush();
      client.publish(topic, message.payload, options);
      return client.stream.writableNeedDrain ? this.drained() : undefined;
    }

    // Whatever was batched goes out first: the broker sees the messages in the order they came.
    this.flush();
    this.inflight++;
    const originalTopic = message.topic;
    client.publish(topic, message.payload, options, (error, packet) => this.settle(originalTopic, error, packet, done));
    if (this.inflight >= this.window) return this.slot();
    if (client.connected && client.stream.writableNeedDrain) return this.drained();
    return undefined;
  }

  /**
   * Append a QoS 0 PUBLISH to the slab; write the slab when half full, else at the end of this tick.
   * The packet is encoded by mqtt-packet (MQTT.js's encoder); only the socket writes are batched.
   */
  private batch(topic: string, payload: Buffer, retain: boolean): Promise<void> | undefined {
    const v5 = this.client.options.protocolVersion === 5;
    const packet = mqttPacket.generate(
      v5 ? { cmd: 'publish', topic, payload, qos: 0, retain, dup: false, properties: NO_PROPERTIES } : { cmd: 'publish', topic, payload, qos: 0, retain, dup: false },
      v5 ? GENERATE_V5 : GENERATE_V4,
    );
    if (this.slab && this.slabUsed + packet.length > this.slab.length) this.flush();
    if (!this.slab) {
      this.slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, packet.length));
      this.slabUsed = 0;
    }
    this.slabUsed += packet.copy(this.slab, this.slabUsed);
    if (this.slabUsed >= SLAB_BYTES / 2) {
      this.flush();
      if (this.client.stream.writableNeedDrain) return this.drained();
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flushSoon);
    }
    return undefined;
  }


  /** Hand the batched QoS 0 packets to the socket (a new slab is used after: the socket owns this one). */
  flush(): void {
    const { slab, slabUsed } = this;
    if (!slab || slabUsed === 0) return;
    this.slab = undefined;
    this.slabUsed = 0;
    const stream = this.client.stream;
    if (this.client.connected && !stream.destroyed) stream.write(slab.subarray(0, slabUsed));
  }

  private settle(topic: string, error: (Error & { code?: unknown }) | undefined, packet: { properties?: { reasonString?: string } } | undefined, done: SentCallback | undefined): void {
    this.inflight--;
    if (!error) {
      this.acknowledged++;
      done?.(true);
    } else if (typeof error.code === 'number' && error.code >= 128) {
      this.rejected++;
      done?.(true);
      const rejection: Rejection = { topic, reasonCode: error.code };
      const reasonString = packet?.properties?.reasonString;
      if (reasonString) rejection.reasonString = reasonString;
      this.options.onRejected?.(rejection);
    } else {
      this.unacknowledged++;
      done?.(false);
    }
    this.wake();
  }

  private wake(): void {
    if (this.slotWaiter && this.inflight < this.window) {
      const resolve = this.slotWaiter;
      this.slotWaiter = undefined;
      resolve();
    }
    if (this.inflight === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private slot(): Promise<void> {
    return new Promise((resolve) => { this.slotWaiter = resolve; });
  }

  /** Resolves when the socket drained, or closed (then `connected` is false and QoS 0 is counted as dropped). */
  private drained(): Promise<void> {
    const stream = this.client.stream;
    return new Promise((resolve) => {
      const done = () => {
        stream.removeListener('drain', done);
        stream.removeListener('close', done);
        resolve();
      };
      stream.once('drain', done);
      stream.once('close', done);
    });
  }

  /** Resolves when no QoS 1/2 message awaits its acknowledgement. */
  idle(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => { this.idleWaiters.push(resolve); });
  }

  /**
   * Stop waiting for the acknowledgements still outstanding (after an interrupt): they count as
   * unacknowledged, and MQTT.js forgets them so a DISCONNECT can go out at once.
   */
  abandon(): void {
    for (const [id, entry] of Object.entries(this.client.outgoing)) {
      if (entry && entry.cmd !== 'subscribe' && entry.cmd !== 'unsubscribe') this.client.removeOutgoingMessage(Number(id));
    }
  }

  counts(): PublishCounts {
    return {
      written: this.written,
      acknowledged: this.acknowledged,
      rejected: this.rejected,
      unacknowledged: this.unacknowledged,
      dropped: this.dropped,
      inflight: this.inflight,
    };
  }

  dispose(): void {
    this.flush();
    this.client.off('connect', this.onConnect);
    this.client.off('close', this.onClose);
  }
}
