import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './helpers/broker.ts';
import { MQ, tempDir, testEnv } from './helpers/run.ts';

/**
 * The bundled packages whose code ran during `mq ...args`, from V8's precise coverage of the run
 * (NODE_V8_COVERAGE: every function called at least once, so nothing is missed as a sampling profiler
 * can miss a short one): esbuild names each bundled CommonJS module's wrapper after its path
 * (`node_modules/mqtt/build/index.js`).
 */
function packagesThatRan(args: string[], cwd = tempDir()): Set<string> {
  const dir = tempDir('mq-cov-');
  spawnSync(process.execPath, [MQ, ...args], { env: { ...testEnv({ home: cwd }), NODE_V8_COVERAGE: dir }, cwd, input: '' });
  const coverage = JSON.parse(readFileSync(path.join(dir, readdirSync(dir)[0]!), 'utf8')) as
    { result: { functions: { functionName: string; ranges: { count: number }[] }[] }[] };
  const packages = coverage.result.flatMap((script) => script.functions)
    .filter((fn) => fn.ranges[0]!.count > 0)
    .map((fn) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(fn.functionName)?.[1]);
  return new Set(packages.filter((name) => name !== undefined));
}

test('mq --help, mq pub --help and mq passwd never load MQTT.js; mq pub does', async () => {
  for (const args of [['--help'], ['pub', '--help'], ['passwd', '-c', '-b', path.join(tempDir(), 'pw'), 'u', 'p']]) {
    const ran = packagesThatRan(args);
    assert.ok(!ran.has('mqtt') && !ran.has('mqtt-packet'), `mq ${args.join(' ')} loaded MQTT.js: ${[...ran].join(', ')}`);
  }
  // The control: a network command does load it, so the check above can fail.
  const ran = packagesThatRan(['pub', '-p', String(await freePort()), '-t', 't', '-m', 'x']);
  assert.ok(ran.has('mqtt') && ran.has('mqtt-packet'), [...ran].join(', '));
});

test('mq --help and a command\'s --help measure their text without loading string-width (all printable ASCII)', () => {
  for (const args of [['--help'], ['pub', '--help'], ['sub', '--help'], ['bench', 'pub', '--help']]) {
    const ran = packagesThatRan(args);
    assert.ok(ran.has('yargs') && !ran.has('string-width'), `mq ${args.join(' ')}: ${[...ran].join(', ')}`);
  }
});

test('without an rc file cosmiconfig is not loaded (a pass of stat calls finds none); with one it is', async () => {
  const port = String(await freePort());
  const bare = tempDir();
  // A package.json without an "mq" key is not an rc file either.
  writeFileSync(path.join(bare, 'package.json'), '{"name":"app"}');
  assert.ok(!packagesThatRan(['pub', '-p', port, '-t', 't', '-m', 'x'], bare).has('cosmiconfig'));
  for (const [file, content] of [['.mqrc.json', '{"host":"127.0.0.1"}'], ['package.json', '{"name":"app","mq":{"host":"127.0.0.1"}}']]) {
    const dir = tempDir();
    writeFileSync(path.join(dir, file!), content!);
    assert.ok(packagesThatRan(['pub', '-p', port, '-t', 't', '-m', 'x'], dir).has('cosmiconfig'), `${file} should load cosmiconfig`);
  }
});

test('with output to pipes chalk is not loaded; with FORCE_COLOR it is', async () => {
  const port = String(await freePort());
  assert.ok(!packagesThatRan(['pub', '-p', port, '-t', 't', '-m', 'x']).has('chalk'));
  const dir = tempDir('mq-cov-');
  const coloured = spawnSync(process.execPath, [MQ, 'pub', '-p', port, '-t', 't', '-m', 'x'], { env: { ...testEnv(), NO_COLOR: undefined, FORCE_COLOR: '1', NODE_V8_COVERAGE: dir }, cwd: tempDir(), input: '', encoding: 'utf8' });
  assert.match(readFileSync(path.join(dir, readdirSync(dir)[0]!), 'utf8'), /"functionName":"node_modules\/chalk\//);
  assert.ok(coloured.stderr.startsWith('\u001b[31mError: \u001b[39m'), JSON.stringify(coloured.stderr));
});

test('mq sub without --decode never reads dist/codecs.cjs; --decode cbor loads the CBOR library and no other codec', async () => {
  const port = String(await freePort());
  const codecPackages = ['protobufjs', 'cbor', 'avsc', '@msgpack/msgpack', 'nofilter'];
  const plain = packagesThatRan(['sub', '-p', port, '-t', 't', '-v']);
  assert.deepEqual(codecPackages.filter((name) => plain.has(name)), [], [...plain].join(', '));
  const cbor = packagesThatRan(['sub', '-p', port, '-t', 't', '--decode', 'cbor']);
  assert.deepEqual(codecPackages.filter((name) => cbor.has(name)), ['cbor', 'nofilter'], [...cbor].join(', '));
});

test('mq lists no directory from the working directory up (yargs looks for its package.json from the bundle)', async () => {
  // A preload records every directory listing the process asks for.
  const dir = tempDir('mq-readdir-');
  const log = path.join(dir, 'readdir.log');
  const preload = path.join(dir, 'record-readdir.cjs');
  writeFileSync(preload, `const fs = require('node:fs');
const seen = [];
for (const name of ['readdirSync', 'readdir', 'opendirSync', 'opendir']) {
  const real = fs[name];
  fs[name] = function (dir, ...rest) { seen.push(String(dir)); return real.call(this, dir, ...rest); };
}
process.on('exit', () => fs.writeFileSync(${JSON.stringify(log)}, seen.join('\\n')));
`);
  const cwd = tempDir();
  const ancestors = (start: string) => [start, ...(path.dirname(start) === start ? [] : ancestors(path.dirname(start)))];
  const port = String(await freePort());
  for (const args of [['pub', '-p', port, '-t', 't', '-m', 'x'], ['--help'], ['sub', '--help']]) {
    spawnSync(process.execPath, ['--require', preload, MQ, ...args], { env: testEnv({ home: cwd }), cwd, input: '' });
    const listed = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((entry) => path.resolve(cwd, entry));
    assert.deepEqual(listed.filter((entry) => ancestors(cwd).includes(entry)), [], `mq ${args.join(' ')} listed: ${listed.join(', ')}`);
    // The control: the preload does see yargs' lookup (from dist/, beside the bundle).
    assert.ok(listed.includes(path.join(path.dirname(MQ), '..', 'dist')), listed.join(', '));
  }
});
