import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandOptionsFile, parseOptionsFile } from '../../src/connection/options-file.ts';

test('parseOptionsFile: the value is the rest of the line, spaces kept; comments and CR dropped', () => {
  assert.deepEqual(parseOptionsFile('# comment\n-h broker\r\n\n  -m hello world  \n--retain\n-t a b\n'), [
    '-h', 'broker', '-m', 'hello world  ', '--retain', '-t', 'a b',
  ]);
});

test('expandOptionsFile: file options go right after the command, before the command line', async () => {
  const read = async () => '-p 1999\n-t from/file\n';
  assert.deepEqual(await expandOptionsFile(['sub', '-o', 'f', '-t', 'cli'], read), ['sub', '-p', '1999', '-t', 'from/file', '-t', 'cli']);
  assert.deepEqual(await expandOptionsFile(['pub', '-m', 'x'], read), ['pub', '-m', 'x']);
  await assert.rejects(expandOptionsFile(['pub', '-o', 'a', '-o', 'b'], read), /Duplicate -o argument given/);
  await assert.rejects(expandOptionsFile(['pub', '-o'], read), /-o argument given but no options file specified/);
  await assert.rejects(expandOptionsFile(['pub', '-o', 'missing'], async () => { throw Object.assign(new Error('x'), { code: 'ENOENT' }); }), /Cannot read options file missing \(-o\): ENOENT\./);
});
