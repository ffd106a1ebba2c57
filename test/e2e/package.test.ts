/**
 * The package as users get it: `npm pack` of the built checkout, installed into an empty folder and
 * globally into a temp prefix, then run from there (no node_modules of the checkout in sight).
 * The bundle carries every dependency, so the install must add mq-cli alone.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, tempDir } from './helpers/run.js';
import { waitFor } from './helpers/broker.js';

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; man: string[] };
const work = tempDir('mq-package-');
const home = path.join(work, 'home');
const cache = path.join(work, 'npm-cache');
mkdirSync(home);

/** npm and the installed mq run without the outer npm's variables (npm test sets npm_config_*) and with a temp HOME. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`, HOME: home, NO_COLOR: '1', LANG: 'C.UTF-8' };
  return env;
}

function run(command: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env: { ...cleanEnv(), ...extraEnv }, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return result;
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  assert.equal(result.status, 0, `${what} exited ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const npmFlags = ['--cache', cache, '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel', 'warn'];

describe('the packed package', { timeout: 300_000 }, () => {
  let tarball: string;
  let files: string[];
  let app: string;
  let mq: string;
  const stops: (() => void)[] = [];
  after(() => stops.forEach((stop) => stop()));

  before(() => {
    for (const built of ['dist/run-cli.cjs', 'dist/THIRD-PARTY-LICENSES', 'man/mq-sub.1']) {
      assert.ok(existsSync(path.join(ROOT, built)), `${built} is missing: run npm run build first`);
    }
    // --ignore-scripts: prepare would rebuild dist/ under the other tests' feet (npm test built it already).
    const packed = JSON.parse(ok(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work, ...npmFlags], ROOT), 'npm pack')) as [{ filename: string; files: { path: string }[] }];
    tarball = path.join(work, packed[0].filename);
    files = packed[0].files.map((f) => f.path);
    app = path.join(work, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), '{"name":"app","private":true}\n');
    ok(run('npm', ['install', '--ignore-scripts', ...npmFlags, tarball], app), 'npm install of the tarball');
    mq = path.join(app, 'node_modules', '.bin', 'mq');
  });

  test('holds the bundle, its licences, the docs and the man pages, and no source maps or install scripts', () => {
    for (const file of ['README.md', 'docs/sub.md', 'bin/mq.js', 'dist/cli.cjs', 'dist/run-cli.cjs', 'dist/codecs.cjs', 'dist/worker.js', 'dist/THIRD-PARTY-LICENSES', ...manifest.man]) {
      assert.ok(files.includes(file), `${file} is not in the tarball: ${files.join(' ')}`);
    }
    assert.deepEqual(files.filter((f) => f.endsWith('.map')), []);
    const inside = JSON.parse(spawnSync('tar', ['-xOzf', tarball, 'package/package.json'], { encoding: 'utf8' }).stdout) as Record<string, Record<string, string> | undefined>;
    assert.deepEqual(inside.dependencies ?? {}, {}, 'the bundle needs no run-time dependencies');
    for (const script of ['preinstall', 'install', 'postinstall']) assert.equal(inside.scripts?.[script], undefined, `an install script (${script}) would run on users' machines`);
  });

  test('installs mq-cli alone', () => {
    const installed = readdirSync(path.join(app, 'node_modules')).filter((name) => !name.startsWith('.'));
    assert.deepEqual(installed, ['mq-cli']);
  });

  test('mq --version and mq pub --help run from the install', () => {
    assert.equal(ok(run(mq, ['--version'], app), 'mq --version'), `${manifest.version}\n`);
    assert.match(ok(run(mq, ['pub', '--help'], app), 'mq pub --help'), /--topic/);
  });

  test('pub and sub round trip through mq broker, all from the install', async () => {
    const broker = spawn(mq, ['broker', '-p', '0'], { cwd: app, env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    stops.push(() => broker.kill('SIGKILL'));
    let log = '';
    broker.stderr.setEncoding('utf8');
    broker.stderr.on('data', (chunk: string) => { log += chunk; });
    await waitFor(() => /listening on mqtt:\/\/127\.0\.0\.1:(\d+)/.test(log) || broker.exitCode !== null, 20_000, () => `mq broker did not start:\n${log}`);
    const port = /listening on mqtt:\/\/127\.0\.0\.1:(\d+)/.exec(log)?.[1];
    assert.ok(port, `mq broker exited:\n${log}`);
    // A retained message: the subscriber gets it whenever it subscribes, so there is no race.
    ok(run(mq, ['pub', '-p', port, '-t', 'package/test', '-m', 'hello from the tarball', '-r', '-q', '1'], app), 'mq pub');
    assert.equal(ok(run(mq, ['sub', '-p', port, '-t', 'package/test', '-C', '1', '-W', '10'], app), 'mq sub'), 'hello from the tarball\n');
    // The codecs are dist/codecs.cjs, beside run-cli.cjs: --encode and --decode find it in the install.
    ok(run(mq, ['pub', '-p', port, '-t', 'package/cbor', '--encode', 'cbor', '-m', '{"a":[1,"x"]}', '-r', '-q', '1'], app), 'mq pub --encode cbor');
    assert.equal(ok(run(mq, ['sub', '-p', port, '-t', 'package/cbor', '-C', '1', '-W', '10', '--decode', 'cbor'], app), 'mq sub --decode cbor'), '{"a":[1,"x"]}\n');
    broker.kill('SIGTERM');
  });

  test('npm install -g puts mq on PATH and its man pages where man finds them, running no script of ours', () => {
    const prefix = path.join(work, 'global');
    // Without --ignore-scripts: npm runs no prepare for a tarball (patch-package is not installed, so it would fail).
    const installed = run('npm', ['install', '-g', '--prefix', prefix, ...npmFlags, tarball], work);
    ok(installed, 'npm install -g');
    assert.doesNotMatch(installed.stdout, /> mq-cli@.* prepare/);
    assert.equal(ok(run(path.join(prefix, 'bin', 'mq'), ['--version'], work), 'global mq --version'), `${manifest.version}\n`);
    const manDir = path.join(prefix, 'share', 'man');
    for (const page of manifest.man) {
      const section = page.slice(page.lastIndexOf('.') + 1);
      assert.ok(existsSync(path.join(manDir, `man${section}`, path.basename(page))), `${page} was not installed under ${manDir}`);
    }
    const man = spawnSync('man', ['-w', 'mq-sub'], { env: { ...cleanEnv(), MANPATH: manDir }, encoding: 'utf8' });
    if (man.error) return; // no man(1) here: the installed file above is what it would find
    // npm links share/man/man1/mq-sub.1 to the package's man/mq-sub.1, and man -w may name either.
    assert.equal(man.status, 0, `man -w mq-sub: ${man.stderr}`);
    assert.equal(realpathSync(man.stdout.trim()), realpathSync(path.join(manDir, 'man1', 'mq-sub.1')));
  });
});
