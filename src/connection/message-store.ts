/**
 * MQTT.js's bookkeeping for QoS 1/2 messages in flight, without JavaScript Maps or Sets.
 *
 * Its default outgoing Store (a Map) and UniqueMessageIdProvider (a Set) add and delete an entry per
 * message. When V8 rehashes a Map or Set it leaves the old table pointing at the new one, with its
 * entries still in it. Once one table is in the old generation, every later table (and the packets
 * they hold) stays reachable from it for the young-generation collector, so all of them are promoted
 * and only a full collection frees them: `pub -l -q 1` promoted about 170 bytes per message and
 * peaked at 120-135 MB RSS. Arrays of fixed length indexed by message id are updated in place: the
 * packets die young. A reconnect resends in the order the packets were stored, as MQTT.js's Store.
 */
import { Readable } from 'node:stream';
import type { IClientOptions, IStore } from 'mqtt';

type IMessageIdProvider = NonNullable<IClientOptions['messageIdProvider']>;

type StoredPacket = Parameters<IStore['put']>[0];
type DoneCallback = Parameters<IStore['put']>[1];
type PacketCallback = Parameters<IStore['get']>[1];

const MAX_MESSAGE_ID = 65535;

/** The outgoing store: packets awaiting their acknowledgement, by message id. */
export class MessageStore implements IStore {
  /** Packet by message id; full length from the start, so V8 never turns it into a hash table. */
  private packets: (StoredPacket | undefined)[] = new Array<StoredPacket | undefined>(MAX_MESSAGE_ID + 1).fill(undefined);
  /** When each packet was stored (a running count), to resend in that order. */
  private stored = new Float64Array(MAX_MESSAGE_ID + 1);
  private count = 0;
  private puts = 0;

  put(packet: StoredPacket, cb: DoneCallback): this {
    const id = packet.messageId ?? 0;
    if (this.packets[id] === undefined) this.count++;
    this.packets[id] = packet;
    this.stored[id] = this.puts++;
    cb?.();
    return this;
  }

  get(packet: { messageId?: number }, cb: PacketCallback): this {
    const stored = this.packets[packet.messageId ?? 0];
    if (stored) cb(undefined, stored);
    else cb?.(new Error('missing packet'));
    return this;
  }

  del(packet: { messageId?: number }, cb: PacketCallback): this {
    const id = packet.messageId ?? 0;
    const stored = this.packets[id];
    if (stored) {
      this.packets[id] = undefined;
      this.count--;
      cb(undefined, stored);
    } else {
      cb?.(new Error('missing packet'));
    }
    return this;
  }

  /** The stored packets, oldest first (MQTT.js resends them after a reconnect). */
  createStream(): ReturnType<IStore['createStream']> {
    const ids: number[] = [];
    if (this.count > 0) {
      for (let id = 0; id <= MAX_MESSAGE_ID; id++) if (this.packets[id] !== undefined) ids.push(id);
      ids.sort((a, b) => this.stored[a]! - this.stored[b]!);
    }
    const values = ids.map((id) => this.packets[id]!);
    let next = 0;
    const stream = new Readable({
      objectMode: true,
      read() {
        this.push(next < values.length ? values[next++] : null);
      },
    });
    // MQTT.js types it as readable-stream's Readable; it only reads, listens and destroys.
    return stream as unknown as ReturnType<IStore['createStream']>;
  }

  /** MQTT.js closes its stores when the client ends; what was in flight is dropped (as its clean Store does). */
  close(cb: DoneCallback): void {
    this.packets.fill(undefined);
    this.count = 0;
    cb?.();
  }
}

/**
 * Message ids as mosquitto's clients number them: counting up from 1, wrapping after 65535 to 1,
 * skipping ids still in flight. The ids in use are a bitmap.
 */
export class MessageIds implements IMessageIdProvider {
  private readonly used = new Uint32Array((MAX_MESSAGE_ID >> 5) + 1);
  private inUse = 0;
  private lastId: number | null = null;

  allocate(): number | null {
    if (this.inUse === MAX_MESSAGE_ID) return null;
    let id = this.lastId ?? 0;
    do id = id === MAX_MESSAGE_ID ? 1 : id + 1;
    while (this.isUsed(id));
    this.mark(id);
    this.lastId = id;
    return id;
  }

  getLastAllocated(): number | null {
    return this.lastId;
  }

  register(id: number): boolean {
    if (!(id >= 1 && id <= MAX_MESSAGE_ID) || this.isUsed(id)) return false;
    this.mark(id);
    return true;
  }

  deallocate(id: number): void {
    if (!(id >= 1 && id <= MAX_MESSAGE_ID) || !this.isUsed(id)) return;
    this.used[id >> 5] = this.used[id >> 5]! & ~(1 << (id & 31));
    this.inUse--;
  }

  clear(): void {
    this.used.fill(0);
    this.inUse = 0;
  }

  private isUsed(id: number): boolean {
    return (this.used[id >> 5]! & (1 << (id & 31))) !== 0;
  }

  private mark(id: number): void {
    this.used[id >> 5] = this.used[id >> 5]! | (1 << (id & 31));
    this.inUse++;
  }
}
