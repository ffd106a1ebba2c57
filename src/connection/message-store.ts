/**
 * MQTT.js's bookkeeping for QoS 1/2 messages in flight, without JavaScript Maps or Sets.
 *
 * Its default outgoing Store (a Map) and UniqueMessageIdProvider (a Set) add and delete an entry per
 * message. When V8 rehashes a Map or Set it leaves the old table pointing at the new one, with its
 * entries still in it. Once one table is in the old generation, every later table (and the packets
 * they hold) stays reachable from it for the young-generation collector, so all of them are promoted
 * and only a full collection frees them: `pub -l -q 1` promoted about 170 bytes per message and
 * peaked at 120-135 MB RSS. Arrays indexed by message id are updated in place: the packets die
 * young. A reconnect resends in the order the packets were stored, as MQTT.js's Store.
 */
import { Readable } from 'node:stream';
import type { IClientOptions, IStore } from 'mqtt';

type IMessageIdProvider = NonNullable<IClientOptions['messageIdProvider']>;

type StoredPacket = Parameters<IStore['put']>[0];
type DoneCallback = Parameters<IStore['put']>[1];
type PacketCallback = Parameters<IStore['get']>[1];

const MAX_MESSAGE_ID = 65535;

/** Message ids per page of the store. */
const PAGE_SIZE = 256;

/** The packets of PAGE_SIZE consecutive message ids, and when each was stored (a running count). */
interface Page {
  packets: (StoredPacket | undefined)[];
  stored: Float64Array;
  count: number;
}

/**
 * The outgoing store: packets awaiting their acknowledgement, by message id, in pages of 256 ids
 * that exist only while one of their ids is in flight. Ids count up, so a page is dropped soon after
 * its last packet is acknowledged: a client holds a few KB, not an array for all 65,535 ids (bench
 * runs thousands of clients).
 */
export class MessageStore implements IStore {
  private pages: (Page | undefined)[] = new Array<Page | undefined>(Math.ceil((MAX_MESSAGE_ID + 1) / PAGE_SIZE)).fill(undefined);
  private count = 0;
  private puts = 0;

  put(packet: StoredPacket, cb: DoneCallback): this {
    const id = packet.messageId ?? 0;
    const index = Math.floor(id / PAGE_SIZE);
    const page = (this.pages[index] ??= { packets: new Array<StoredPacket | undefined>(PAGE_SIZE).fill(undefined), stored: new Float64Array(PAGE_SIZE), count: 0 });
    const slot = id % PAGE_SIZE;
    if (page.packets[slot] === undefined) {
      page.count++;
      this.count++;
    }
    page.packets[slot] = packet;
    page.stored[slot] = this.puts++;
    cb?.();
    return this;
  }

  get(packet: { messageId?: number }, cb: PacketCallback): this {
    const id = packet.messageId ?? 0;
    const stored = this.pages[Math.floor(id / PAGE_SIZE)]?.packets[id % PAGE_SIZE];
    if (stored) cb(undefined, stored);
    else cb?.(new Error('missing packet'));
    return this;
  }

  del(packet: { messageId?: number }, cb: PacketCallback): this {
    const id = packet.messageId ?? 0;
    const index = Math.floor(id / PAGE_SIZE);
    const page = this.pages[index];
    const stored = page?.packets[id % PAGE_SIZE];
    if (page && stored) {
      page.packets[id % PAGE_SIZE] = undefined;
      this.count--;
      if (--page.count === 0) this.pages[index] = undefined;
      cb(undefined, stored);
    } else {
      cb?.(new Error('missing packet'));
    }
    return this;
  }

  /** The stored packets, oldest first (MQTT.js resends them after a reconnect). */
  createStream(): ReturnType<IStore['createStream']> {
    const entries: { packet: StoredPacket; stored: number }[] = [];
    if (this.count > 0) {
      for (const page of this.pages) {
        if (page === undefined) continue;
        page.packets.forEach((packet, slot) => { if (packet !== undefined) entries.push({ packet, stored: page.stored[slot]! }); });
      }
      entries.sort((a, b) => a.stored - b.stored);
    }
    let next = 0;
    const stream = new Readable({
      objectMode: true,
      read() {
        this.push(next < entries.length ? entries[next++]!.packet : null);
      },
    });
    // MQTT.js types it as readable-stream's Readable; it only reads, listens and destroys.
    return stream as unknown as ReturnType<IStore['createStream']>;
  }

  /** MQTT.js closes its stores when the client ends; what was in flight is dropped (as its clean Store does). */
  close(cb: DoneCallback): void {
    this.pages.fill(undefined);
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
