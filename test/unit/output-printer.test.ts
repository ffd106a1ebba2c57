import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import { MqError, TimeoutError } from '../../src/errors.js';
import { toReceived } from '../../src/output/message.js';
import { createOutputWriter, createPrinter } from '../../src/output/printer.js';
import type { Ui } from '../../src/ui.js';

/** A writable that records writes and can be told to report backpressure or fail. */
class FakeStream extends EventEmitter {
  writes: Buffer[] = [];
  full = false;
  failWith?: NodeJS.ErrnoException;
  callbacks: ((error?: Error | null) => void)[] = [];
  write(data: Buffer, cb: (error?: Error | null) => void): boolean {
    this.writes.push(Buffer.from(data));
    if (this.failWith) {
      const error = this.failWith;
      process.nextTick(() => { cb(error); this.emit('error', error); });
      return false;
    }
    this.callbacks.push(cb);
    return !this.full;
  }
  confirm() {
    for (const cb of this.callbacks.splice(0)) cb();
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('output writer', () => {
  test('batch mode: one write per event-loop turn, bytes in order', async () => {
    const stream = new FakeStream();
    const writer = createOutputWriter(stream as unknown as NodeJS.WritableStream, { batch: true, onClosed: () => assert.fail('closed') });
    writer.write(Buffer.from('a\n'));
    writer.write(Buffer.from('b\n'));
    writer.write(Buffer.alloc(0));
    assert.equal(stream.writes.length, 0);
    await tick();
    assert.deepEqual(stream.writes.map(String), ['a\nb\n']);
    writer.write(Buffer.from('c\n'));
    const flushed = writer.flush();
    assert.deepEqual(stream.writes.map(String), ['a\nb\n', 'c\n']);
    let done = false;
    void flushed.then(() => { done = true; });
    await tick();
    assert.equal(done, false, 'flush waits for the stream to confirm');
    stream.confirm();
    await flushed;
  });
  test('batch mode: flushes at once when the batch is full', () => {
    const stream = new FakeStream();
    const writer = createOutputWriter(stream as unknown as NodeJS.WritableStream, { batch: true, batchBytes: 4, onClosed: () => {} });
    writer.write(Buffer.from('ab'));
    assert.equal(stream.writes.length, 0);
    writer.write(Buffer.from('cd'));
    assert.deepEqual(stream.writes.map(String), ['abcd']);
  });
  test('terminal mode: every message written at once', () => {
    const stream = new FakeStream();
    const writer = createOutputWriter(stream as unknown as NodeJS.WritableStream, { batch: false, onClosed: () => {} });
    writer.write(Buffer.from('a\n'));
    writer.write(Buffer.from('b\n'));
    assert.deepEqual(stream.writes.map(String), ['a\n', 'b\n']);
  });
  test('backpressure: pressure on, then off at drain', () => {
    const stream = new FakeStream();
    const pressure: boolean[] = [];
    const writer = createOutputWriter(stream as unknown as NodeJS.WritableStream, { batch: false, onClosed: () => {}, onPressure: (full) => pressure.push(full) });
    stream.full = true;
    writer.write(Buffer.from('a'));
    writer.write(Buffer.from('b'));
    assert.deepEqual(pressure, [true]);
    stream.full = false;
    stream.emit('drain');
    assert.deepEqual(pressure, [true, false]);
  });
  test('EPIPE: reported once, later writes dropped, flush resolves', async () => {
    const stream = new FakeStream();
    const closed: string[] = [];
    const writer = createOutputWriter(stream as unknown as NodeJS.WritableStream, { batch: false, onClosed: (error) => closed.push(error.code!) });
    stream.failWith = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    writer.write(Buffer.from('a'));
    await tick();
    assert.deepEqual(closed, ['EPIPE']);
    assert.equal(writer.closed, true);
    writer.write(Buffer.from('b'));
    assert.equal(stream.writes.length, 1);
    await writer.flush();
  });
  test('a stream that throws from write() (synchronous files) is closed, not crashed', async () => {
    const closed: string[] = [];
    const stream = Object.assign(new EventEmitter(), {
      write() { throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }); },
    });
    const writer = createOutputWriter(stream as unknown as NodeJS.WritableStream, { batch: false, onClosed: (error) => closed.push(error.code!) });
    writer.write(Buffer.from('a'));
    assert.deepEqual(closed, ['ENOSPC']);
    await writer.flush();
  });
});

describe('printer: what sub and rr print, and how stdout ends', () => {
  const plain = { verbose: false, eol: true, pretty: false, json: false };
  const said: string[] = [];
  const ui = { info: (m: string) => said.push(`info ${m}`), error: (m: string) => said.push(`error ${m}`) } as unknown as Ui;

  test('each message formatted as the output flags say', () => {
    const stream = new FakeStream();
    const printer = createPrinter(stream as unknown as NodeJS.WritableStream, { output: { ...plain, verbose: true }, ui, batch: false, onClosed: () => assert.fail('closed') });
    printer.print(toReceived('a/b', Buffer.from('hi'), { qos: 0, retain: false, dup: false }));
    assert.deepEqual(stream.writes.map(String), ['a/b hi\n']);
  });

  const endings: [name: string, code: string, expected: string | undefined][] = [
    ['the reader went away (EPIPE): a normal end', 'EPIPE', undefined],
    ['a full disk: an error to end with', 'ENOSPC', 'Cannot write to standard output: ENOSPC.'],
    ['a closed descriptor', 'EBADF', 'Cannot write to standard output: EBADF.'],
  ];
  for (const [name, code, expected] of endings) {
    test(name, async () => {
      const stream = new FakeStream();
      const closed: (MqError | undefined)[] = [];
      const printer = createPrinter(stream as unknown as NodeJS.WritableStream, { output: plain, ui, batch: true, onClosed: (error) => closed.push(error) });
      stream.failWith = Object.assign(new Error(code), { code });
      printer.print(toReceived('t', Buffer.from('x'), { qos: 0, retain: false, dup: false }));
      await printer.flush();
      await tick();
      assert.equal(closed.length, 1);
      if (expected === undefined) assert.equal(closed[0], undefined);
      else assert.ok(closed[0] instanceof MqError && closed[0].exitCode === 1 && closed[0].message === expected);
    });
  }

  test('-W: "Timed out" is said at once; the error ends with 27 and prints nothing more', () => {
    said.length = 0;
    const printer = createPrinter(new FakeStream() as unknown as NodeJS.WritableStream, { output: plain, ui, batch: false, onClosed: () => {} });
    const error = printer.timedOut();
    assert.deepEqual(said, ['info Timed out']);
    assert.ok(error instanceof TimeoutError && error.exitCode === 27 && error.reported);
  });
});
