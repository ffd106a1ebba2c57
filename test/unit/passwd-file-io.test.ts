import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, lstatSync, symlinkSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { editPasswordFile, lockFile, readPasswordFile } from '../../src/passwd/file.js';
import { entryLine, setUser } from '../../src/passwd/lines.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mq-passwd-io-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const add = (user: string, hash = 'h') => (lines: ReturnType<typeof entryLine>[] | undefined) => setUser(lines ?? [], user, hash).lines;
const isRoot = process.getuid?.() === 0;

/** A pid that is certainly not running: a child that already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('editPasswordFile', () => {
  test('a new file is created 0600 whatever the umask, with a trailing newline', async () => {
    const file = path.join(tempDir(), 'passwd');
    const old = process.umask(0);
    try {
      const outcome = await editPasswordFile(file, add('alice'), { create: true });
      assert.deepEqual(outcome, { target: file, created: true, changed: true, mode: 0o600 });
    } finally {
      process.umask(old);
    }
    assert.equal(statSync(file).mode & 0o7777, 0o600);
    assert.equal(readFileSync(file, 'utf8'), 'alice:h\n');
  });

  test('a missing file without create is an error naming it, and nothing is created', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'passwd');
    await assert.rejects(editPasswordFile(file, add('a')), {
      message: `Unable to open password file ${file}. No such file or directory.`,
      hint: 'Use -c to create it.',
    });
    assert.deepEqual(readdirSync(dir), []);
  });

  test('replaces atomically: new inode, mode kept, comments kept, no temp or lock left', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'passwd');
    writeFileSync(file, '# users\na:1\n\n# end');
    chmodSync(file, 0o640);
    const before = statSync(file);
    const outcome = await editPasswordFile(file, add('b'));
    assert.deepEqual(outcome, { target: file, created: false, changed: true, mode: 0o640 });
    const now = statSync(file);
    assert.notEqual(now.ino, before.ino, 'the file must be replaced by rename, not rewritten in place');
    assert.equal(now.mode & 0o7777, 0o640);
    assert.equal(readFileSync(file, 'utf8'), '# users\na:1\n\n# end\nb:h\n');
    assert.deepEqual(readdirSync(dir), ['passwd']);
  });

  test('an unchanged result is not written', async () => {
    const file = path.join(tempDir(), 'passwd');
    writeFileSync(file, 'a:1\n');
    const before = statSync(file).ino;
    const outcome = await editPasswordFile(file, (lines) => lines!);
    assert.equal(outcome.changed, false);
    assert.equal(statSync(file).ino, before);
  });

  test('bytes that are not UTF-8 survive an edit', async () => {
    const file = path.join(tempDir(), 'passwd');
    const original = Buffer.from([0x78, 0xff, 0x3a, 0x31, 0x0a, 0x23, 0xe9, 0x0a]);
    writeFileSync(file, original);
    await editPasswordFile(file, add('b'));
    assert.deepEqual(readFileSync(file), Buffer.concat([original, Buffer.from('b:h\n')]));
  });

  test('when the edit throws, the file, the directory and the lock are as before', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'passwd');
    writeFileSync(file, 'a:1\n');
    await assert.rejects(editPasswordFile(file, () => { throw new Error('nope'); }), { message: 'nope' });
    assert.equal(readFileSync(file, 'utf8'), 'a:1\n');
    assert.deepEqual(readdirSync(dir), ['passwd']);
    await editPasswordFile(file, add('b'));
    assert.equal(readFileSync(file, 'utf8'), 'a:1\nb:h\n');
  });

  test('a symlink is followed: the target is replaced, the link stays a link', async () => {
    const dir = tempDir();
    const target = path.join(dir, 'real');
    const link = path.join(dir, 'link');
    writeFileSync(target, 'a:1\n');
    symlinkSync('real', link);
    const outcome = await editPasswordFile(link, add('b'));
    assert.equal(outcome.target, target);
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(readFileSync(target, 'utf8'), 'a:1\nb:h\n');
  });

  test('a dangling symlink with create makes its target', async () => {
    const dir = tempDir();
    symlinkSync('made', path.join(dir, 'link'));
    await editPasswordFile(path.join(dir, 'link'), add('a'), { create: true });
    assert.ok(lstatSync(path.join(dir, 'link')).isSymbolicLink());
    assert.equal(readFileSync(path.join(dir, 'made'), 'utf8'), 'a:h\n');
  });

  test('a directory is refused', async () => {
    const dir = tempDir();
    await assert.rejects(editPasswordFile(dir, add('a')), { message: `Unable to open password file ${dir}. Is a directory.` });
  });

  test('a missing directory with create names the file', async () => {
    const file = path.join(tempDir(), 'no', 'passwd');
    await assert.rejects(editPasswordFile(file, add('a'), { create: true }), {
      message: `Unable to lock password file ${file}: cannot create ${file}.lock. No such file or directory.`,
    });
  });

  test('20 concurrent edits of one file all land', async () => {
    const file = path.join(tempDir(), 'passwd');
    writeFileSync(file, '# team\n');
    await Promise.all(Array.from({ length: 20 }, (_, i) => editPasswordFile(file, add(`user${i}`))));
    const users = readFileSync(file, 'utf8').split('\n').filter((line) => line.startsWith('user')).sort();
    assert.deepEqual(users, Array.from({ length: 20 }, (_, i) => `user${i}:h`).sort());
    assert.ok(readFileSync(file, 'utf8').startsWith('# team\n'));
  });

  test('owner and group are kept (root only: needs chown)', { skip: !isRoot && 'needs root' }, async () => {
    const file = path.join(tempDir(), 'passwd');
    writeFileSync(file, 'a:1\n');
    chownSync(file, 4321, 4322);
    await editPasswordFile(file, add('b'));
    const info = statSync(file);
    assert.deepEqual([info.uid, info.gid], [4321, 4322]);
  });

  test('a read-only file is not replaced (non-root only)', { skip: isRoot && 'root may write anything' }, async () => {
    const file = path.join(tempDir(), 'passwd');
    writeFileSync(file, 'a:1\n');
    chmodSync(file, 0o400);
    await assert.rejects(editPasswordFile(file, add('b')), { message: `Unable to open password file ${file}. Permission denied.` });
    assert.equal(readFileSync(file, 'utf8'), 'a:1\n');
  });
});

describe('lockFile', () => {
  test('a lock held by a live process makes others wait, then time out with its pid', async () => {
    const file = path.join(tempDir(), 'passwd');
    const release = await lockFile(file);
    await assert.rejects(lockFile(file, { timeoutMs: 150 }), {
      message: `Password file ${file} is locked by another process (pid ${process.pid} on ${hostname()}).`,
      hint: `Try again; if no mq passwd is running, delete ${file}.lock.`,
    });
    await release();
    assert.equal(existsSync(`${file}.lock`), false);
    const again = await lockFile(file, { timeoutMs: 150 });
    await again();
  });

  test('a waiting edit goes ahead as soon as the lock is released', async () => {
    const file = path.join(tempDir(), 'passwd');
    writeFileSync(file, '');
    const release = await lockFile(file);
    const waiting = editPasswordFile(file, add('late'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(readFileSync(file, 'utf8'), '', 'must not write while the lock is held');
    await release();
    await waiting;
    assert.equal(readFileSync(file, 'utf8'), 'late:h\n');
  });

  test('the lock of a dead process on this host is broken at once', async () => {
    const file = path.join(tempDir(), 'passwd');
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: deadPid(), host: hostname(), token: 'old' }));
    const release = await lockFile(file, { timeoutMs: 100 });
    assert.equal(JSON.parse(readFileSync(`${file}.lock`, 'utf8')).pid, process.pid);
    await release();
  });

  test('an unreadable lock is broken only once it is old', async () => {
    const file = path.join(tempDir(), 'passwd');
    writeFileSync(`${file}.lock`, '');
    await assert.rejects(lockFile(file, { timeoutMs: 100 }), { message: `Password file ${file} is locked by another process.` });
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    const release = await lockFile(file, { timeoutMs: 100 });
    await release();
  });

  test('a lock of another host is judged by its age', async () => {
    const file = path.join(tempDir(), 'passwd');
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: 1, host: 'elsewhere.invalid', token: 't' }));
    await assert.rejects(lockFile(file, { timeoutMs: 100 }), { message: `Password file ${file} is locked by another process (pid 1 on elsewhere.invalid).` });
  });

  test('release does not remove a lock that is no longer ours', async () => {
    const file = path.join(tempDir(), 'passwd');
    const release = await lockFile(file);
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), token: 'someone else' }));
    await release();
    assert.equal(existsSync(`${file}.lock`), true);
  });
});

describe('readPasswordFile', () => {
  test('names the file when it cannot be read', async () => {
    const file = path.join(tempDir(), 'missing');
    await assert.rejects(readPasswordFile(file), { message: `Unable to open password file ${file}. No such file or directory.` });
  });
});
