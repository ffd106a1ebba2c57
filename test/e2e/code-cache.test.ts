import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startBroker, waitFor, type Broker } from './helpers/broker.ts';
import { runMq, spawnMq, tempDir } from './helpers/run.ts';

/**
 * mq keeps V8's compiled code of its bundle in ~/.cache/mq (src/code-cache.ts). These tests check
 * that the cache is written once per command, reused, replaced when V8 rejects it, and never
 * changes what mq does or fails a run when it cannot be written.
 */

let broker: Broker;
before(async () => { broker = await startBroker(); });
after(async () => { await broker.stop(); });

const cacheFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.v8cache')).sort();
const config = ['config', '--json', '-h', 'broker.example', '-p', '1884', '-u', 'ada'];

test('the first run of a command writes its cache (0600 in a 0700 directory); later runs reuse it unchanged', async () => {
  const home = tempDir('mq-home-');
  const first = await runMq(config, { home });
  assert.equal(first.code, 0, first.stderr);
  const dir = path.join(home, '.cache', 'mq');
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  const [file, ...rest] = cacheFiles(dir);
  assert.deepEqual(rest, []);
  assert.match(file!, /^run-cli-config-\d+\.\d+\.\d+[^-]*-v\d+\.\d+\.\d+-\d+-\d+\.v8cache$/);
  const written = statSync(path.join(dir, file!));
  assert.equal(written.mode & 0o777, 0o600);
  assert.ok(written.size > 10_000, `cache of ${written.size} bytes`);

  const second = await runMq(config, { home });
  assert.deepEqual([second.code, second.stdout, second.stderr], [0, first.stdout, first.stderr]);
  const reused = statSync(path.join(dir, file!));
  assert.deepEqual([reused.ino, reused.mtimeMs], [written.ino, written.mtimeMs], 'an accepted cache is not written again');

  // Another command compiles other code, so it gets its own file.
  const help = await runMq(['--help'], { home });
  assert.equal(help.code, 0);
  assert.deepEqual(cacheFiles(dir), [file, file!.replace('-config-', '-other-')].sort());
});

test('a cache V8 rejects (damaged) is ignored and replaced, with the same output', async () => {
  const home = tempDir('mq-home-');
  const reference = await runMq(config, { home });
  const dir = path.join(home, '.cache', 'mq');
  const [file] = cacheFiles(dir);
  const damaged = Buffer.alloc(4096, 0x5a);
  writeFileSync(path.join(dir, file!), damaged);

  const run = await runMq(config, { home });
  assert.deepEqual([run.code, run.stdout, run.stderr], [0, reference.stdout, reference.stderr]);
  const replaced = readFileSync(path.join(dir, file!));
  assert.notDeepEqual(replaced, damaged);
  assert.ok(replaced.length > 10_000);
});

test('XDG_CACHE_HOME is honoured; an unwritable cache location costs nothing but the speed-up', async () => {
  const xdg = tempDir('mq-xdg-');
  const home = tempDir('mq-home-');
  const withXdg = await runMq(config, { home, env: { XDG_CACHE_HOME: xdg } });
  assert.equal(withXdg.code, 0, withXdg.stderr);
  assert.equal(cacheFiles(path.join(xdg, 'mq')).length, 1);
  assert.deepEqual(readdirSync(home).filter((f) => f === '.cache'), []);

  // ~/.cache is a file, so ~/.cache/mq cannot be made.
  const blocked = tempDir('mq-home-');
  writeFileSync(path.join(blocked, '.cache'), 'not a directory');
  const run = await runMq(config, { home: blocked });
  assert.deepEqual([run.code, run.stdout, run.stderr], [0, withXdg.stdout.replace(xdg, blocked), withXdg.stderr]);
});

test('pub and sub run from a warm cache exactly as from a cold one', async () => {
  const home = tempDir('mq-home-');
  mkdirSync(path.join(home, '.cache'));
  const net = ['-h', '127.0.0.1', '-p', String(broker.port)];
  for (const round of ['cold', 'warm']) {
    const topic = `cache/${round}`;
    const id = `cache-${round}-${process.pid}`;
    const sub = spawnMq(['sub', ...net, '-i', id, '-t', topic, '-q', '1', '-C', '1', '-v'], { home });
    await waitFor(() => broker.log().includes(`Sending SUBACK to ${id}\n`), 10_000, () => `${round} sub did not subscribe: ${sub.stderr()}`);
    const pub = await runMq(['pub', ...net, '-t', topic, '-q', '1', '-m', `${round} message`], { home });
    assert.equal(pub.code, 0, pub.stderr);
    const got = await sub.done;
    assert.deepEqual([got.code, got.stdout, got.stderr], [0, `${topic} ${round} message\n`, '']);
  }
  assert.deepEqual(cacheFiles(path.join(home, '.cache', 'mq')).map((f) => f.split('-')[2]), ['pub', 'sub']);
});

test('writing a cache removes the caches not written for 30 days (an old build\'s); newer ones stay', async () => {
  const home = tempDir('mq-home-');
  const dir = path.join(home, '.cache', 'mq');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const day = 24 * 3600 * 1000;
  const aged = (name: string, days: number) => {
    const file = path.join(dir, name);
    writeFileSync(file, 'old build', { mode: 0o600 });
    const when = new Date(Date.now() - days * day);
    utimesSync(file, when, when);
  };
  aged('run-cli-pub-0.0.9-v20.0.0-1000-1.v8cache', 31);
  aged('run-cli-config-0.0.9-v20.0.0-1000-1.v8cache.123.tmp', 40);
  aged('run-cli-sub-0.0.9-v20.0.0-1000-1.v8cache', 29);
  aged('notes.txt', 90);
  const run = await runMq(config, { home });
  assert.equal(run.code, 0, run.stderr);
  const written = /^run-cli-config-(?!0\.0\.9-).*\.v8cache$/;
  const left = readdirSync(dir).sort();
  assert.equal(left.filter((name) => written.test(name)).length, 1, left.join(', '));
  assert.deepEqual(left.filter((name) => !written.test(name)), ['notes.txt', 'run-cli-sub-0.0.9-v20.0.0-1000-1.v8cache']);
});
