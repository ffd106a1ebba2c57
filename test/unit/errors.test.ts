import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  ConfigError,
  ConnectionError,
  ConnectionLostError,
  InterruptedError,
  MqError,
  PasswordMismatchError,
  RefusedError,
  TimeoutError,
  TlsError,
  UnacknowledgedError,
  UsageError,
  exitCodeFor,
} from '../../src/errors.ts';

describe('the exit-code table', () => {
  // The e2e tests assert these messages and codes against mosquitto's: keep them word for word.
  const table: { error: MqError; exitCode: number; message: string; reported?: true }[] = [
    { error: new MqError('x'), exitCode: 1, message: 'x' },
    { error: new UsageError('x'), exitCode: 1, message: 'x' },
    { error: new ConfigError('x'), exitCode: 1, message: 'x' },
    { error: new ConnectionError('x'), exitCode: 1, message: 'x' },
    { error: new UnacknowledgedError(3), exitCode: 1, message: '3 message(s) were not acknowledged by the broker.' },
    { error: new PasswordMismatchError(), exitCode: 2, message: 'Passwords do not match.' },
    { error: new ConnectionLostError(), exitCode: 7, message: 'The connection was lost.' },
    { error: new TlsError('x'), exitCode: 8, message: 'x' },
    { error: new TimeoutError(), exitCode: 27, message: 'Timed out', reported: true },
    { error: new InterruptedError(), exitCode: 130, message: 'Interrupted.' },
    { error: new InterruptedError('x', { reported: true }), exitCode: 130, message: 'x', reported: true },
    { error: new RefusedError(5, 'x'), exitCode: 5, message: 'x' },
    { error: new RefusedError(135, 'x', { reported: true }), exitCode: 135, message: 'x', reported: true },
    { error: new MqError('x', { exitCode: 135 }), exitCode: 135, message: 'x' },
  ];
  for (const { error, exitCode, message, reported } of table) {
    test(`${error.name} -> ${exitCode}`, () => {
      assert.equal(exitCodeFor(error), exitCode);
      assert.equal(error.message, message);
      assert.equal(error.reported, reported ?? false);
      assert.ok(error instanceof MqError);
    });
  }

  test('anything that is not an MqError exits 1', () => {
    assert.equal(exitCodeFor(new Error('x')), 1);
    assert.equal(exitCodeFor('string'), 1);
    assert.equal(exitCodeFor(undefined), 1);
  });

  test('names and hints survive', () => {
    const error = new RefusedError(135, 'x', { hint: 'h' });
    assert.equal(error.name, 'RefusedError');
    assert.equal(error.hint, 'h');
    assert.equal(error.reasonCode, 135);
  });
});

describe('errors.ts is the only place that picks an exit code', () => {
  const src = new URL('../../src/', import.meta.url).pathname;
  const files = (readdirSync(src, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts')).map((file) => join(src, file));
  // A number given as an exit code, or compared with one: name the kind of failure with a class of errors.ts instead.
  const exitCodeLiteral = /\bexitCode\s*(?::|[=!]==?)\s*\d/;

  test('src has files to scan', () => assert.ok(files.length > 20));
  for (const file of files) {
    const name = relative(src, file);
    if (name === 'errors.ts') continue;
    test(name, () => {
      const offending = readFileSync(file, 'utf8').split('\n')
        .map((line, index) => ({ line: line.trim(), number: index + 1 }))
        .filter(({ line }) => !line.startsWith('//') && !line.startsWith('*') && (line.includes('new ExitError(') || exitCodeLiteral.test(line)));
      assert.deepEqual(offending, [], `${name} picks an exit code itself; throw one of src/errors.ts's classes`);
    });
  }
});
