import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { parsePasswdArgv, planPasswd, type PasswdPlan } from '../../src/passwd/args.js';
import { readSecretLines } from '../../src/passwd/input.js';

const plan = (line: string[]) => planPasswd(parsePasswdArgv(line));
const pbkdf2 = { algorithm: 'sha512-pbkdf2' };

describe('mq passwd arguments: accepted', () => {
  const cases: { argv: string[]; plan: PasswdPlan }[] = [
    { argv: ['f', 'u'], plan: { mode: 'set', file: 'f', username: 'u', create: false, hash: pbkdf2, warnings: [] } as PasswdPlan },
    { argv: ['-c', 'f', 'u'], plan: { mode: 'set', file: 'f', username: 'u', create: true, hash: pbkdf2, warnings: [] } as PasswdPlan },
    // -c ignores extra arguments, as mosquitto_passwd does.
    { argv: ['-c', 'f', 'u', 'ignored'], plan: { mode: 'set', file: 'f', username: 'u', create: true, hash: pbkdf2, warnings: [] } as PasswdPlan },
    { argv: ['-b', 'f', 'u', 'pw'], plan: { mode: 'set', file: 'f', username: 'u', password: 'pw', create: false, hash: pbkdf2, warnings: [] } as PasswdPlan },
    { argv: ['-c', '-b', 'f', 'u', 'pw'], plan: { mode: 'set', file: 'f', username: 'u', password: 'pw', create: true, hash: pbkdf2, warnings: [] } as PasswdPlan },
    // Options end at the first non-option: these passwords are taken literally.
    { argv: ['-b', 'f', 'u', '-c'], plan: { mode: 'set', file: 'f', username: 'u', password: '-c', create: false, hash: pbkdf2, warnings: [] } as PasswdPlan },
    { argv: ['-b', 'f', 'u', '-secret'], plan: { mode: 'set', file: 'f', username: 'u', password: '-secret', create: false, hash: pbkdf2, warnings: [] } as PasswdPlan },
    { argv: ['-b', 'f', 'u', '--check'], plan: { mode: 'set', file: 'f', username: 'u', password: '--check', create: false, hash: pbkdf2, warnings: [] } as PasswdPlan },
    { argv: ['-b', 'f', '007', '0123'], plan: { mode: 'set', file: 'f', username: '007', password: '0123', create: false, hash: pbkdf2, warnings: [] } as PasswdPlan },
    { argv: ['-b', '--', '-f', 'u', 'pw'], plan: { mode: 'set', file: '-f', username: 'u', password: 'pw', create: false, hash: pbkdf2, warnings: [] } as PasswdPlan },
    { argv: ['-H', 'sha512', 'f', 'u'], plan: { mode: 'set', file: 'f', username: 'u', create: false, hash: { algorithm: 'sha512' }, warnings: [] } as PasswdPlan },
    { argv: ['--hash=argon2id', 'f', 'u'], plan: { mode: 'set', file: 'f', username: 'u', create: false, hash: { algorithm: 'argon2id' }, warnings: [] } as PasswdPlan },
    { argv: ['-I', '5000', 'f', 'u'], plan: { mode: 'set', file: 'f', username: 'u', create: false, hash: { algorithm: 'sha512-pbkdf2', iterations: 5000 }, warnings: [] } as PasswdPlan },
    { argv: ['--iterations', '7', '-H', 'sha512-pbkdf2', 'f', 'u'], plan: { mode: 'set', file: 'f', username: 'u', create: false, hash: { algorithm: 'sha512-pbkdf2', iterations: 7 }, warnings: [] } as PasswdPlan },
    {
      argv: ['-H', 'sha512', '-I', '5', 'f', 'u'],
      plan: { mode: 'set', file: 'f', username: 'u', create: false, hash: { algorithm: 'sha512' }, warnings: ['-I only applies to -H sha512-pbkdf2; ignored for sha512.'] } as PasswdPlan,
    },
    { argv: ['-D', 'f', 'u'], plan: { mode: 'delete', file: 'f', username: 'u', warnings: [] } },
    { argv: ['-D', 'f', 'u', 'extra'], plan: { mode: 'delete', file: 'f', username: 'u', warnings: [] } },
    { argv: ['-U', 'f'], plan: { mode: 'upgrade', file: 'f', hash: { algorithm: 'sha512-pbkdf2' }, warnings: [] } as PasswdPlan },
    { argv: ['--check', 'f', 'u'], plan: { mode: 'check', file: 'f', username: 'u', warnings: [] } },
    { argv: ['--check', '-b', 'f', 'u', 'pw'], plan: { mode: 'check', file: 'f', username: 'u', password: 'pw', warnings: [] } },
    { argv: ['-d', '--quiet', 'f', 'ünïcødé user'], plan: { mode: 'set', file: 'f', username: 'ünïcødé user', create: false, hash: pbkdf2, warnings: [] } as PasswdPlan },
  ];
  for (const { argv, plan: expected } of cases) {
    test(argv.join(' '), () => assert.deepEqual(plan(argv), expected));
  }
});

describe('mq passwd arguments: refused (mosquitto_passwd texts where it has them)', () => {
  const cases: { argv: string[]; message: string; exitCode?: number }[] = [
    { argv: [], message: 'Give the password file and the username.' },
    { argv: ['f'], message: 'Give the username after the password file.' },
    { argv: ['f', 'u', 'pw'], message: 'Too many arguments: to give the password on the command line, add -b.' },
    { argv: ['-b', 'f', 'u'], message: '-b needs exactly three arguments: password file, username and password.' },
    { argv: ['-b', 'f', 'u', 'a', 'b'], message: '-b needs exactly three arguments: password file, username and password.' },
    { argv: ['-H'], message: '-H argument given but not enough other arguments.' },
    { argv: ['-H', 'md5', 'f', 'u'], message: "Unknown hash type 'md5': use sha512-pbkdf2 (the default), sha512 or argon2id." },
    { argv: ['-H', 'argon2', 'f', 'u'], message: "Unknown hash type 'argon2': use sha512-pbkdf2 (the default), sha512 or argon2id." },
    { argv: ['-I'], message: '-I argument given but not enough other arguments.' },
    { argv: ['-I', '0', 'f', 'u'], message: 'Number of iterations must be > 0.' },
    { argv: ['-I', '-5', 'f', 'u'], message: 'Number of iterations must be > 0.' },
    { argv: ['-I', 'many', 'f', 'u'], message: 'Number of iterations must be > 0.' },
    { argv: ['-I', '2147483648', 'f', 'u'], message: 'Number of iterations must be at most 2147483647 (the broker reads it as an int).' },
    { argv: ['-c', '-D', 'f', 'u'], message: '-c and -D cannot be used together.' },
    { argv: ['-c', '-U', 'f'], message: '-c and -U cannot be used together.' },
    { argv: ['-D', '-U', 'f'], message: '-D and -U cannot be used together.' },
    { argv: ['-b', '-D', 'f', 'u'], message: '-b and -D cannot be used together.' },
    { argv: ['-b', '-U', 'f'], message: '-b and -U cannot be used together.' },
    { argv: ['--check', '-c', 'f', 'u'], message: '--check and -c cannot be used together.' },
    { argv: ['--check', '-D', 'f', 'u'], message: '--check and -D cannot be used together.' },
    { argv: ['-c', '-b', 'f', 'u'], message: '-c argument given but password file, username, or password missing.' },
    { argv: ['-c', 'f'], message: '-c argument given but password file or username missing.' },
    { argv: ['-D', 'f'], message: '-D argument given but password file or username missing.' },
    { argv: ['-U'], message: '-U argument given but password file missing.' },
    { argv: ['-U', 'f', 'u'], message: '-U argument given but password file missing.' },
    { argv: ['-cb', 'f', 'u', 'p'], message: 'Unknown option: -cb.' },
    { argv: ['-x', 'f', 'u'], message: 'Unknown option: -x.' },
    { argv: ['f', 'a:b'], message: "Username must not contain the ':' character." },
    { argv: ['f', 'a\tb'], message: 'Username must not contain control characters.' },
    { argv: ['f', 'a\u007fb'], message: 'Username must not contain control characters.' },
    { argv: ['-D', 'f', 'a\nb'], message: 'Username must not contain control characters.' },
    { argv: ['f', 'x'.repeat(65536)], message: 'Username must be less than 65536 characters long.' },
    { argv: ['f', 'é'.repeat(32768)], message: 'Username must be less than 65536 characters long.' },
    { argv: ['f', ''], message: 'Username must not be empty.' },
    { argv: ['f', '#admin'], message: "Username must not start with '#': the broker reads that line as a comment." },
    { argv: ['f', ' admin'], message: 'Username must not start or end with a space or tab: the broker trims them.' },
    { argv: ['-b', 'f', 'u', ''], message: 'Empty password.' },
    { argv: ['-b', 'f', 'u', 'x'.repeat(65536)], message: 'Password must be less than 65536 characters long.' },
  ];
  for (const { argv, message } of cases) {
    test(`${argv.join(' ').slice(0, 60) || '(nothing)'} -> ${message}`, () => {
      assert.throws(() => plan(argv), (error: Error & { exitCode: number }) => {
        assert.equal(error.message, message);
        assert.equal(error.exitCode, 1);
        return true;
      });
    });
  }

  test('the longest allowed username and password pass', () => {
    assert.equal((plan(['-b', 'f', 'x'.repeat(65535), 'y'.repeat(65535)]) as { username: string }).username.length, 65535);
  });

  test('hints point at the help, and never echo a password', () => {
    assert.throws(() => plan(['-b', 'f', 'u', 'a', 'hunter2']), (error: Error & { hint?: string }) => {
      assert.equal(error.hint, 'See mq passwd --help.');
      assert.doesNotMatch(`${error.message} ${error.hint}`, /hunter2/);
      return true;
    });
  });
});

describe('readSecretLines', () => {
  const cases: { name: string; chunks: (string | Buffer)[]; count: number; lines: string[] }[] = [
    { name: 'two lines', chunks: ['pw\npw\n'], count: 2, lines: ['pw', 'pw'] },
    { name: 'CR LF stripped', chunks: ['pw\r\npw\r\n'], count: 2, lines: ['pw', 'pw'] },
    { name: 'split across chunks', chunks: ['p', 'w\np', 'w', '\n'], count: 2, lines: ['pw', 'pw'] },
    { name: 'last line without newline', chunks: ['a\nb'], count: 2, lines: ['a', 'b'] },
    { name: 'stops after count', chunks: ['a\nb\nc\n'], count: 1, lines: ['a'] },
    { name: 'input ends early', chunks: ['only\n'], count: 2, lines: ['only'] },
    { name: 'empty input', chunks: [], count: 2, lines: [] },
    { name: 'empty line is an empty password', chunks: ['\n\n'], count: 2, lines: ['', ''] },
    { name: 'leading and inner blanks kept', chunks: [' a b \n'], count: 1, lines: [' a b '] },
  ];
  for (const { name, chunks, count, lines } of cases) {
    test(name, async () => {
      const read = await readSecretLines(Readable.from(chunks.map((c) => Buffer.from(c))), count);
      assert.deepEqual(read.map((line) => line.toString('utf8')), lines);
    });
  }

  test('bytes are returned as they are', async () => {
    const read = await readSecretLines(Readable.from([Buffer.from([0xff, 0xfe, 0x0a])]), 1);
    assert.deepEqual(read, [Buffer.from([0xff, 0xfe])]);
  });

  test('a line longer than any password is refused without reading it all', async () => {
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled++;
        this.push(Buffer.alloc(16384, 0x61));
      },
    });
    await assert.rejects(readSecretLines(endless, 2), { message: 'Password must be less than 65536 characters long.' });
    assert.ok(pulled < 10, `read ${pulled} chunks`);
    endless.destroy();
  });
});
