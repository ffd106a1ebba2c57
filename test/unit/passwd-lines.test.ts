import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deleteUser,
  fromFileString,
  parsePasswordFile,
  serializePasswordFile,
  setUser,
  toFileString,
  type PasswordFileLine,
} from '../../src/passwd/lines.js';

const H1 = '$7$101$AAECAwQFBgcICQoL$mgBlssWhuKbbsDyLVPe9d97XFx3ypLOHAsl3u+r3nEjPBdlHNVKLU0zo8aBhREGoXwJ+YU68Mh5/iP2FvHGLWg==';
const NEW = '$7$101$NEWNEWNEWNEWNEWN$hash';

describe('parsePasswordFile', () => {
  const cases: { name: string; text: string; lines: PasswordFileLine[] }[] = [
    { name: 'empty file', text: '', lines: [] },
    {
      name: 'entries, comment, blank',
      text: `alice:${H1}\n# staff\n\nbob:x\n`,
      lines: [
        { kind: 'entry', username: 'alice', hash: H1, raw: `alice:${H1}`, eol: '\n' },
        { kind: 'other', raw: '# staff', eol: '\n' },
        { kind: 'other', raw: '', eol: '\n' },
        { kind: 'entry', username: 'bob', hash: 'x', raw: 'bob:x', eol: '\n' },
      ],
    },
    {
      name: 'last line without newline',
      text: 'a:1\nb:2',
      lines: [
        { kind: 'entry', username: 'a', hash: '1', raw: 'a:1', eol: '\n' },
        { kind: 'entry', username: 'b', hash: '2', raw: 'b:2', eol: '' },
      ],
    },
    {
      name: 'CRLF kept apart from the text',
      text: 'a:1\r\n#c\r\n',
      lines: [
        { kind: 'entry', username: 'a', hash: '1', raw: 'a:1', eol: '\r\n' },
        { kind: 'other', raw: '#c', eol: '\r\n' },
      ],
    },
    {
      name: 'blanks around fields are trimmed (broker: misc__trimblanks)',
      text: ' a b \t: hash \n',
      lines: [{ kind: 'entry', username: 'a b', hash: 'hash', raw: ' a b \t: hash ', eol: '\n' }],
    },
    {
      name: 'not entries: no colon, comment with colon, empty username',
      text: 'nocolon\n#x:y\n  :z\n',
      lines: [
        { kind: 'other', raw: 'nocolon', eol: '\n' },
        { kind: 'other', raw: '#x:y', eol: '\n' },
        { kind: 'other', raw: '  :z', eol: '\n' },
      ],
    },
    {
      name: 'an indented # is not a comment for the broker',
      text: ' #a:b\n',
      lines: [{ kind: 'entry', username: '#a', hash: 'b', raw: ' #a:b', eol: '\n' }],
    },
    {
      name: 'a lone CR inside a line is content',
      text: 'a:b\rc\n',
      lines: [{ kind: 'entry', username: 'a', hash: 'b\rc', raw: 'a:b\rc', eol: '\n' }],
    },
  ];
  for (const { name, text, lines } of cases) {
    test(name, () => {
      assert.deepEqual(parsePasswordFile(text), lines);
      assert.equal(serializePasswordFile(parsePasswordFile(text)), text);
    });
  }

  test('round trip is byte exact for any bytes (file strings are latin1)', () => {
    const bytes = Buffer.from([0x6a, 0xc3, 0xbc, 0x3a, 0x78, 0x0a, 0xff, 0xfe, 0x0d, 0x0a, 0x23, 0x0d, 0x0d, 0x0a, 0x00, 0x3a, 0x01]);
    const text = bytes.toString('latin1');
    assert.deepEqual(Buffer.from(serializePasswordFile(parsePasswordFile(text)), 'latin1'), bytes);
    assert.equal((parsePasswordFile(text)[0] as { username: string }).username, toFileString('jü'));
    assert.equal(fromFileString(toFileString('jürgen ✓')), 'jürgen ✓');
  });
});

describe('setUser', () => {
  const cases: { name: string; before: string; user: string; after: string; added: boolean }[] = [
    { name: 'empty file', before: '', user: 'a', after: `a:${NEW}\n`, added: true },
    { name: 'append after the last entry', before: 'a:1\n', user: 'b', after: `a:1\nb:${NEW}\n`, added: true },
    { name: 'last line without newline gets one first', before: 'a:1', user: 'b', after: `a:1\nb:${NEW}\n`, added: true },
    { name: 'last line a comment without newline', before: 'a:1\n# end', user: 'b', after: `a:1\n# end\nb:${NEW}\n`, added: true },
    {
      name: 'comments and blank lines before and after survive (mosquitto_passwd drops everything after them)',
      before: '# users\n\na:1\n# more\n\nb:2\n',
      user: 'c',
      after: `# users\n\na:1\n# more\n\nb:2\nc:${NEW}\n`,
      added: true,
    },
    {
      name: 'update after a comment replaces in place',
      before: '# users\na:1\n\n# b\nb:2\nc:3\n',
      user: 'b',
      after: `# users\na:1\n\n# b\nb:${NEW}\nc:3\n`,
      added: false,
    },
    { name: 'every duplicate line is updated', before: 'b:1\na:2\nb:3\n', user: 'b', after: `b:${NEW}\na:2\nb:${NEW}\n`, added: false },
    { name: 'CRLF file stays CRLF', before: 'a:1\r\n#x\r\n', user: 'b', after: `a:1\r\n#x\r\nb:${NEW}\r\n`, added: true },
    { name: 'CRLF file without final newline', before: 'a:1\r\nc:2', user: 'b', after: `a:1\r\nc:2\r\nb:${NEW}\r\n`, added: true },
    { name: 'a trimmed username matches, its line is normalised', before: ' b :old\n', user: 'b', after: `b:${NEW}\n`, added: false },
    { name: 'a commented-out user is not the user', before: '#b:old\n', user: 'b', after: `#b:old\nb:${NEW}\n`, added: true },
    { name: 'prefix is not a match', before: 'bob:1\n', user: 'bo', after: `bob:1\nbo:${NEW}\n`, added: true },
  ];
  for (const { name, before, user, after, added } of cases) {
    test(name, () => {
      const result = setUser(parsePasswordFile(before), user, NEW);
      assert.equal(serializePasswordFile(result.lines), after);
      assert.equal(result.added, added);
    });
  }
});

describe('deleteUser', () => {
  const cases: { name: string; before: string; user: string; after: string; removed: number }[] = [
    { name: 'middle user, comments kept', before: '# x\na:1\n\nb:2\nc:3\n', user: 'b', after: '# x\na:1\n\nc:3\n', removed: 1 },
    { name: 'every duplicate', before: 'b:1\na:2\nb:3', user: 'b', after: 'a:2\n', removed: 2 },
    { name: 'missing user changes nothing', before: 'a:1\n#b:2\n', user: 'b', after: 'a:1\n#b:2\n', removed: 0 },
    { name: 'last line without newline', before: 'a:1\nb:2', user: 'b', after: 'a:1\n', removed: 1 },
  ];
  for (const { name, before, user, after, removed } of cases) {
    test(name, () => {
      const result = deleteUser(parsePasswordFile(before), user);
      assert.equal(serializePasswordFile(result.lines), after);
      assert.equal(result.removed, removed);
    });
  }
});
