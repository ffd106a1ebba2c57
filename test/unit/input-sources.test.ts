import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UsageError } from '../../src/errors.ts';
import { givenSources, messageSource, oneSource, type MessageArgs, type MessageFlag } from '../../src/input/sources.ts';
import { loadPayload } from '../../src/input/whole.ts';
import type { PayloadEncoding } from '../../src/input/payload.ts';

describe('givenSources: one entry per use, in flag order', () => {
  const cases: [name: string, args: MessageArgs, expected: string[]][] = [
    ['none', {}, []],
    ['-m', { message: 'x' }, ['-m']],
    ['-m "" is still a source', { message: '' }, ['-m']],
    ['-m twice is two', { message: ['a', 'b'] }, ['-m', '-m']],
    ['a false boolean is no source', { stdinFile: false, stdinLine: false, nullMessage: false }, []],
    ['-n -n given as [true, true]', { nullMessage: [true, true] }, ['-n', '-n']],
    ['flag order whatever the typing order', { nullMessage: true, file: 'f', stdinLine: true, stdinFile: true, message: 'm' }, ['-m', '-f', '-s', '-l', '-n']],
  ];
  for (const [name, args, expected] of cases) test(name, () => assert.deepEqual(givenSources(args), expected));
  test("a command's own source comes last (rr --exec)", () => {
    assert.deepEqual(givenSources({ message: 'x' }, [['date', '--exec']]), ['-m', '--exec']);
    assert.deepEqual(givenSources({}, [[undefined, '--exec']]), []);
  });
});

describe('oneSource: exactly one, or a UsageError in the words given', () => {
  const none = 'No message given.';
  const cases: [name: string, given: string[], many: string | undefined, expected: string | RegExp][] = [
    ['one', ['-f'], undefined, '-f'],
    ['two, without advice (rr)', ['-m', '-f'], undefined, /^Only one message source at a time, but -m and -f were given\.$/],
    ['three, with advice (pub)', ['-f', '-s', '-n'], 'use exactly one of -m, -f, -s, -l or -n',
      /^Only one message source at a time, but -f and -s and -n were given: use exactly one of -m, -f, -s, -l or -n\.$/],
    ['none', [], undefined, /^No message given\.$/],
  ];
  for (const [name, given, many, expected] of cases) {
    test(name, () => {
      const problems = many === undefined ? { none } : { many, none };
      if (typeof expected === 'string') assert.equal(oneSource(given, problems), expected);
      else assert.throws(() => oneSource(given, problems), (e: unknown) => e instanceof UsageError && expected.test(e.message));
    });
  }
});

describe('messageSource: the source a flag names', () => {
  const cases: [name: string, flag: MessageFlag, args: MessageArgs, encoding: PayloadEncoding, expected: object | string][] = [
    ['-m text', '-m', { message: 'héllo' }, 'utf8', { kind: 'message', payload: Buffer.from('héllo') }],
    ['-m empty', '-m', { message: '' }, 'utf8', { kind: 'message', payload: Buffer.alloc(0) }],
    ['-m hex', '-m', { message: '00ff' }, 'hex', { kind: 'message', payload: Buffer.from([0, 255]) }],
    ['-m base64', '-m', { message: 'AP8=' }, 'base64', { kind: 'message', payload: Buffer.from([0, 255]) }],
    ['-m not hex', '-m', { message: 'zz' }, 'hex', 'Invalid -m for --encoding hex: it is not hex: use only 0-9 and a-f.'],
    ['-f', '-f', { file: 'a.bin' }, 'utf8', { kind: 'file', path: 'a.bin' }],
    ['-f without a name', '-f', { file: '' }, 'utf8', '-f needs a file name.'],
    ['-s', '-s', { stdinFile: true }, 'utf8', { kind: 'stdin' }],
    ['-l', '-l', { stdinLine: true }, 'utf8', { kind: 'lines' }],
    ['-n', '-n', { nullMessage: true }, 'utf8', { kind: 'null' }],
  ];
  for (const [name, flag, args, encoding, expected] of cases) {
    test(name, () => {
      if (typeof expected === 'string') assert.throws(() => messageSource(flag, args, encoding), (e: unknown) => e instanceof UsageError && e.message === expected);
      else assert.deepEqual(messageSource(flag, args, encoding), expected);
    });
  }
});

describe('loadPayload: the bytes of a source, before connecting', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mq-sources-'));
  writeFileSync(path.join(dir, 'hex.txt'), '00 ff\n');
  writeFileSync(path.join(dir, 'bin'), Buffer.from([1, 2, 0]));
  const io = (stdin: string) => ({ stdin: (async function* () { if (stdin) yield Buffer.from(stdin); })() as unknown as NodeJS.ReadableStream, cwd: () => dir });
  const cases: [name: string, source: Parameters<typeof loadPayload>[0], encoding: PayloadEncoding, stdin: string, expected: Buffer | undefined | string | RegExp][] = [
    ['-m as it is', { kind: 'message', payload: Buffer.from('x') }, 'utf8', '', Buffer.from('x')],
    ['-n: empty', { kind: 'null' }, 'utf8', '', Buffer.alloc(0)],
    ['-l: read later, line by line', { kind: 'lines' }, 'utf8', '', undefined],
    ['-f, relative to the working directory, binary-safe', { kind: 'file', path: 'bin' }, 'utf8', '', Buffer.from([1, 2, 0])],
    ['-f decoded', { kind: 'file', path: 'hex.txt' }, 'hex', '', Buffer.from([0, 255])],
    ['-f missing', { kind: 'file', path: 'nope' }, 'utf8', '', 'Cannot read -f nope: no such file.'],
    ['-f that does not decode', { kind: 'file', path: 'bin' }, 'base64', '', /^-f bin cannot be decoded with --encoding base64: /],
    ['-s', { kind: 'stdin' }, 'utf8', 'abc', Buffer.from('abc')],
    ['-s decoded', { kind: 'stdin' }, 'base64', 'AP8=\n', Buffer.from([0, 255])],
    ['-s that does not decode', { kind: 'stdin' }, 'hex', 'xyz', 'The input on stdin (-s) cannot be decoded with --encoding hex: it is not hex: use only 0-9 and a-f.'],
    ['-s empty', { kind: 'stdin' }, 'utf8', '', 'Zero length input on stdin (-s): nothing to send. Use -n to send an empty message.'],
  ];
  for (const [name, source, encoding, stdin, expected] of cases) {
    test(name, async () => {
      const loading = loadPayload(source, encoding, io(stdin));
      if (typeof expected === 'string') await assert.rejects(loading, (e: unknown) => e instanceof UsageError && e.message === expected);
      else if (expected instanceof RegExp) await assert.rejects(loading, (e: unknown) => e instanceof UsageError && expected.test(e.message));
      else assert.deepEqual(await loading, expected);
    });
  }
});
