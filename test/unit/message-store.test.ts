import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageIds, MessageStore } from '../../src/connection/message-store.ts';

describe('MessageIds: count up from 1 as mosquitto does, wrap after 65535, skip ids in flight', () => {
  test('1, 2, 3 ... and an acknowledged id is not reused until the count comes round', () => {
    const ids = new MessageIds();
    assert.deepEqual([ids.allocate(), ids.allocate(), ids.allocate()], [1, 2, 3]);
    ids.deallocate(1);
    assert.deepEqual([ids.allocate(), ids.getLastAllocated()], [4, 4]);
  });

  test('after 65535 comes 1; ids still in flight are skipped', () => {
    const ids = new MessageIds();
    for (let i = 1; i <= 65533; i++) ids.allocate();
    for (let id = 3; id <= 65533; id++) ids.deallocate(id);
    assert.deepEqual([ids.allocate(), ids.allocate(), ids.allocate()], [65534, 65535, 3], '1 and 2 are still in flight');
  });

  test('all 65535 in flight: no id (null); one acknowledged: exactly that one', () => {
    const ids = new MessageIds();
    for (let i = 1; i <= 65535; i++) assert.equal(ids.allocate(), i);
    assert.equal(ids.allocate(), null);
    ids.deallocate(777);
    assert.equal(ids.allocate(), 777);
  });

  test('register (packets stored before a reconnect) takes free ids only; clear frees all but keeps counting', () => {
    const ids = new MessageIds();
    assert.deepEqual([ids.register(5), ids.register(5), ids.register(0), ids.register(65536)], [true, false, false, false]);
    assert.deepEqual([ids.allocate(), ids.allocate(), ids.allocate(), ids.allocate(), ids.allocate()], [1, 2, 3, 4, 6]);
    ids.clear();
    assert.deepEqual([ids.allocate(), ids.register(6)], [7, true]);
  });
});

describe('MessageStore: packets in flight by id, resent in the order stored', () => {
  const packet = (messageId: number) => ({ cmd: 'publish' as const, topic: `t/${messageId}`, payload: Buffer.from('x'), qos: 1 as const, retain: false, dup: false, messageId });
  const stream = (store: MessageStore) => new Promise<number[]>((resolve, reject) => {
    const out: number[] = [];
    const s = store.createStream() as unknown as NodeJS.ReadableStream;
    s.on('data', (p: { messageId: number }) => out.push(p.messageId));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
  const call = (fn: (cb: (error?: Error, p?: unknown) => void) => void) => new Promise<[Error | undefined, unknown]>((resolve) => fn((error, p) => resolve([error, p])));

  test('put, get, del; a missing id is an error, as in MQTT.js', async () => {
    const store = new MessageStore();
    store.put(packet(3) as never, () => {});
    assert.deepEqual(await call((cb) => store.get({ messageId: 3 }, cb as never)), [undefined, packet(3)]);
    assert.deepEqual(await call((cb) => store.del({ messageId: 3 }, cb as never)), [undefined, packet(3)]);
    const [missing] = await call((cb) => store.get({ messageId: 3 }, cb as never));
    assert.equal(missing?.message, 'missing packet');
    const [missingDel] = await call((cb) => store.del({ messageId: 3 }, cb as never));
    assert.equal(missingDel?.message, 'missing packet');
  });

  test('createStream gives the packets in the order they were stored, not by id', async () => {
    const store = new MessageStore();
    for (const id of [65535, 1, 2, 40]) store.put(packet(id) as never, () => {});
    store.del({ messageId: 2 }, () => {});
    store.put(packet(2) as never, () => {});
    assert.deepEqual(await stream(store), [65535, 1, 40, 2]);
  });

  test('a page of ids exists only while one of its ids is in flight (thousands of bench clients each hold one store)', async () => {
    const store = new MessageStore();
    const pages = () => (store as unknown as { pages: unknown[] }).pages.filter((page) => page !== undefined).length;
    for (const id of [255, 256, 257]) store.put(packet(id) as never, () => {});
    assert.equal(pages(), 2);
    store.del({ messageId: 255 }, () => {});
    assert.equal(pages(), 1);
    assert.deepEqual(await stream(store), [256, 257]);
    for (const id of [256, 257]) store.del({ messageId: id }, () => {});
    assert.equal(pages(), 0);
  });

  test('close empties it', async () => {
    const store = new MessageStore();
    store.put(packet(9) as never, () => {});
    await new Promise<void>((resolve) => store.close(() => resolve()));
    assert.deepEqual(await stream(store), []);
  });
});
