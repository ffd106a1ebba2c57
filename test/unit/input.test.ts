import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { LineTooLongError, readLines } from '../../src/input/lines.ts';
import { InputTooLargeError, readAll } from '../../src/input/whole.ts';

/** An input that yields these chunks, one per read. */
async function* chunks(...parts: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.isBuffer(part) ? part : Buffer.from(part, 'latin1');
}

async function linesOf(...parts: (string | Buffer)[]): Promise<string[]> {
  const lines: string[] = [];
  await readLines(chunks(...parts), (line) => { lines.push(line.toString('latin1')); });
  return lines;
}

describe('readLines: what a line is', () => {
  const cases: [string, (string | Buffer)[], string[]][] = [
    ['empty input: no lines', [], []],
    ['empty chunk: no lines', [''], []],
    ['one line with newline', ['a\n'], ['a']],
    ['a last line without newline is still a line', ['a\nb'], ['a', 'b']],
    ['no extra empty line after a final newline', ['a\nb\n'], ['a', 'b']],
    ['a lone newline is one empty line', ['\n'], ['']],
    ['empty lines are zero-length lines', ['a\n\n\nb\n'], ['a', '', '', 'b']],
    ['\\r is kept (CRLF input)', ['a\r\nb\r\n'], ['a\r', 'b\r']],
    ['a lone \\r is not a line end', ['a\rb\n'], ['a\rb']],
    ['a line split across chunks', ['ab', 'cd', 'ef\ngh'], ['abcdef', 'gh']],
    ['the newline alone in its chunk', ['abc', '\n', 'd'], ['abc', 'd']],
    ['a chunk ending in the newline', ['abc\n', 'def\n'], ['abc', 'def']],
    ['many lines in one chunk, a partial line carried over', ['1\n2\n3', '4\n5'], ['1', '2', '34', '5']],
    ['binary bytes pass unchanged', [Buffer.from([0, 255, 10, 128, 0])], ['\u0000\u00ff', '\u0080\u0000']],
  ];
  for (const [name, parts, expected] of cases) {
    test(name, async () => assert.deepEqual(await linesOf(...parts), expected));
  }

  test('line numbers count from 1, and the count is returned', async () => {
    const numbers: number[] = [];
    const result = await readLines(chunks('a\nb\n', 'c'), (_line, n) => { numbers.push(n); });
    assert.deepEqual(numbers, [1, 2, 3]);
    assert.deepEqual(result, { lines: 3, end: 'eof' });
  });

  test('strings from a text stream work too', async () => {
    const lines: string[] = [];
    await readLines(Readable.from(['x\ny', 'z\n'], { objectMode: true }), (line) => { lines.push(line.toString()); });
    assert.deepEqual(lines, ['x', 'yz']);
  });
});

describe('readLines: backpressure and stopping', () => {
  test('the next chunk is not read while the handler is waiting', async () => {
    let reads = 0;
    const source = (async function* () {
      for (let i = 0; i < 3; i++) {
        reads++;
        yield Buffer.from(`${i}\n`);
      }
    })();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const seen: string[] = [];
    const done = readLines(source, (line) => {
      seen.push(line.toString());
      return seen.length === 1 ? gate : undefined;
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(reads, 1, 'only the first chunk was read while the handler waits');
    assert.deepEqual(seen, ['0']);
    release();
    await done;
    assert.equal(reads, 3);
    assert.deepEqual(seen, ['0', '1', '2']);
  });

  test('a Readable stays paused with at most its buffer read ahead', async () => {
    // 1000 lines of 1 KiB pushed through a 16 KiB stream: the handler blocks at line 1.
    const line = 'x'.repeat(1023) + '\n';
    let produced = 0;
    const stream = new Readable({
      highWaterMark: 16 * 1024,
      read() {
        if (produced >= 1000) return void this.push(null);
        produced++;
        this.push(line);
      },
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let count = 0;
    const done = readLines(stream, () => (++count === 1 ? gate : undefined));
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(produced < 100, `produced ${produced} lines while paused`);
    release();
    const result = await done;
    assert.equal(result.lines, 1000);
    assert.equal(produced, 1000);
  });

  test('returning false stops reading and releases the input', async () => {
    const stream = Readable.from([Buffer.from('a\nb\nc\n'), Buffer.from('d\n')]);
    const seen: string[] = [];
    const result = await readLines(stream, (line) => { seen.push(line.toString()); return line.toString() === 'b' ? false : undefined; });
    assert.deepEqual(seen, ['a', 'b']);
    assert.deepEqual(result, { lines: 2, end: 'stopped' });
    await new Promise((r) => setImmediate(r));
    assert.equal(stream.destroyed, true);
  });

  test('an abort while waiting for input ends reading at once', async () => {
    const stream = new Readable({ read() {} }); // never produces anything
    stream.push('first\n');
    const controller = new AbortController();
    const seen: string[] = [];
    const done = readLines(stream, (line) => { seen.push(line.toString()); }, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const result = await done;
    assert.deepEqual(seen, ['first']);
    assert.equal(result.end, 'aborted');
    await new Promise((r) => setImmediate(r));
    assert.equal(stream.destroyed, true);
  });

  test('a line longer than the limit throws with its line number', async () => {
    await assert.rejects(readLines(chunks('ok\n', 'abc', 'def', 'g\n'), () => {}, { maxLineBytes: 5 }),
      (e: unknown) => e instanceof LineTooLongError && e.lineNumber === 2 && e.limit === 5);
    await assert.rejects(readLines(chunks('abcdef\n'), () => {}, { maxLineBytes: 5 }),
      (e: unknown) => e instanceof LineTooLongError && e.lineNumber === 1);
    assert.deepEqual(await linesOf('abcde\n'), ['abcde']);
  });

  test('a handler that throws stops reading and the error comes out', async () => {
    await assert.rejects(readLines(chunks('a\nb\n'), () => { throw new Error('boom'); }), /boom/);
  });
});

describe('readAll (-s)', () => {
  test('joins every chunk, binary-safe', async () => {
    assert.deepEqual(await readAll(chunks(Buffer.from([0, 1]), '', Buffer.from([255, 10])), 100), Buffer.from([0, 1, 255, 10]));
  });
  test('empty input gives an empty buffer', async () => {
    assert.equal((await readAll(chunks(), 100)).length, 0);
  });
  test('exactly the limit is fine, one byte more is refused', async () => {
    assert.equal((await readAll(chunks('12345'), 5)).length, 5);
    await assert.rejects(readAll(chunks('123', '456'), 5), (e: unknown) => e instanceof InputTooLargeError && e.limit === 5);
  });
});
