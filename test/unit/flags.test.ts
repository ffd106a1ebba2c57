import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import yargs, { type Argv } from 'yargs';
import { withMessageOptions } from '../../src/input/sources.ts';
import { withSubscribeOptions } from '../../src/mqtt/subscribe.ts';

/** The keys yargs knows, in the order they were declared, and the help text of each. */
function declared(y: Argv): { keys: string[]; describe: Record<string, string | undefined> } {
  const internals = y as unknown as {
    getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> };
    getInternalMethods(): { getUsageInstance(): { getDescriptions(): Record<string, string | undefined> } };
  };
  const aliases = new Set(Object.values(internals.getOptions().alias).flat());
  const keys = Object.keys(internals.getOptions().key).filter((k) => !aliases.has(k) && !/[a-z][A-Z]/.test(k) && k !== 'help' && k !== 'version');
  return { keys, describe: internals.getInternalMethods().getUsageInstance().getDescriptions() };
}

describe('flag families: one definition, worded by the command, in its order', () => {
  const cases: [name: string, build: () => Argv, keys: string[], argv: string[], parsed: Record<string, unknown>][] = [
    ['pub: every message flag',
      () => withMessageOptions(yargs([]), 'Message:', { message: 'M', file: 'F', 'stdin-file': 'S', 'stdin-line': 'L', 'null-message': 'N' }),
      ['message', 'file', 'stdin-file', 'stdin-line', 'null-message'], ['-m', 'hi', '-l'], { message: 'hi', stdinLine: true }],
    ['rr: no -l',
      () => withMessageOptions(yargs([]), 'Request:', { message: 'M', file: 'F', 'stdin-file': 'S', 'null-message': 'N' }),
      ['message', 'file', 'stdin-file', 'null-message'], ['-f', 'x', '-n'], { file: 'x', nullMessage: true }],
    ['sub: -C -W -E -R',
      () => withSubscribeOptions(yargs([]), 'Subscribe:', { C: 'c', W: 'w', E: 'e', R: 'r' }),
      ['C', 'W', 'E', 'R'], ['-C', '3', '-W', '1.5', '-E', '-R'], { C: '3', W: '1.5', E: true, R: true }],
    ['rr: -C with its default, no -E',
      () => withSubscribeOptions(yargs([]), 'Request:', { C: { describe: 'c', defaultDescription: '1' }, W: 'w', R: 'r', 'retain-as-published': 'rap' }),
      ['C', 'W', 'R', 'retain-as-published'], ['--retain-as-published'], { retainAsPublished: true }],
    ['declared in the order the command gives',
      () => withSubscribeOptions(yargs([]), 'G', { R: 'r', C: 'c' }),
      ['R', 'C'], ['-C', '07'], { C: '07' }],
  ];
  for (const [name, build, keys, argv, parsed] of cases) {
    test(name, () => {
      const y = build();
      assert.deepEqual(declared(y).keys, keys);
      const args = y.parseSync(argv) as Record<string, unknown>;
      for (const [key, value] of Object.entries(parsed)) assert.deepEqual(args[key], value, key);
    });
  }
  test("each command's own text", () => {
    const y = withMessageOptions(yargs([]), 'G', { message: 'The request text' });
    assert.equal(declared(y).describe.message, 'The request text');
  });
});
