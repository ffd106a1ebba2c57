/**
 * The mosquitto 2.1 options mq adds, in-process: the usage and configuration errors they can give
 * (one line, exit 1, before anything connects), and what mq config shows of them.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInProcess } from './helpers.ts';

const cases: [argv: string[], stderr: string][] = [
  [['pub', '-t', 't', '-m', 'x', '--psk', 'abcd'], 'Error: --psk-identity is required with --psk: the broker looks the key up by that identity.\n'],
  [['pub', '-t', 't', '-m', 'x', '--psk', 'not-hex', '--psk-identity', 'me'], 'Error: Invalid pre-shared key in --psk: give it as hex digits (0-9, a-f), e.g. --psk 1a2b3c4d.\n'],
  [['sub', '-t', 't', '--psk', 'abcd', '--psk-identity', 'me', '--cafile', 'ca.pem'], 'Error: Only one of --psk or --cafile/--capath may be used at once.\n'],
  [['sub', '-t', 't', '-S', '--unix', '/tmp/mq.sock'], 'Error: -S looks up a host name; it cannot be used with --unix.\n'],
  [['rr', '-t', 't', '-m', 'x', '-M', '0'], 'Error: Invalid number of messages in flight "0" (-M): it must be a whole number from 1 to 65535.\n'],
  [['rr', '--respond', '-t', 't', '-m', 'x', '-M', 'many'], 'Error: Invalid number of messages in flight "many" (-M): it must be a whole number from 1 to 65535.\n'],
];

for (const [argv, stderr] of cases) {
  test(`mq ${argv.join(' ')} -> exit 1`, async () => {
    // MQ_HOST points at nothing that listens: a case that got as far as connecting would fail differently.
    const result = await runInProcess(argv, { env: { MQ_HOST: '127.0.0.1', MQ_PORT: '9' } });
    assert.deepEqual(result, { code: 1, stdout: '', stderr });
  });
}

test('MQ_PSK is redacted by mq config, and --no-tls shows as the source of the transport', async () => {
  const result = await runInProcess(['config', '--json', '--no-tls'], { env: { MQ_PSK: '1a2b3c', MQ_PSK_IDENTITY: 'dev1' } });
  assert.equal(result.code, 0, result.stderr);
  const shown = JSON.parse(result.stdout) as Record<string, { value: unknown; source: unknown }>;
  assert.deepEqual(shown.psk, { value: '********', source: { kind: 'env', name: 'MQ_PSK' } });
  assert.deepEqual(shown.transport, { value: 'mqtt', source: { kind: 'flag', flag: '--no-tls' } });
  assert.deepEqual(shown.port, { value: 1883, source: { kind: 'default' } });
  assert.ok(!result.stdout.includes('1a2b3c'));
});

/** A folder for XDG_CONFIG_HOME holding mosquitto's default options files. */
function configHome(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mq-xdg-'));
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

test('mq config --for sub names mosquitto_sub as the source of what it sets; plain mq config points at it', async () => {
  const xdg = configHome({ mosquitto_sub: '-h file.example\n-p 1999\n-t a/#\n-v\n-k 30\n' });
  const env = { XDG_CONFIG_HOME: xdg, MQ_PORT: '1884' };
  const file = path.join(xdg, 'mosquitto_sub');
  const forSub = await runInProcess(['config', '--for', 'sub'], { env });
  assert.equal(forSub.code, 0, forSub.stderr);
  const rows = Object.fromEntries(forSub.stdout.trim().split('\n').map((line) => { const [key, value, ...source] = line.split(/\s+/); return [key, [value, source.join(' ')]]; }));
  assert.deepEqual(rows.host, ['file.example', `options file ${file}`]);
  assert.deepEqual(rows.port, ['1884', 'env MQ_PORT']);
  assert.deepEqual(rows.keepalive, ['30', `options file ${file}`]);
  const plain = await runInProcess(['config'], { env });
  assert.equal(plain.code, 0);
  assert.equal(plain.stderr, `mq sub also reads ${file}; mq config --for sub shows what it sets.\n`);
  assert.match(plain.stdout, /^host +localhost +default$/m);
  // MQ_NO_MOSQUITTO_DEFAULTS=1: neither reads it.
  const skipped = await runInProcess(['config', '--for', 'sub'], { env: { ...env, MQ_NO_MOSQUITTO_DEFAULTS: '1' } });
  assert.match(skipped.stdout, /^host +localhost +default$/m);
  assert.equal((await runInProcess(['config'], { env: { ...env, MQ_NO_MOSQUITTO_DEFAULTS: '1' } })).stderr, '');
});

test('mq config --for rr resolves as rr does: MQTT v5 unless told otherwise', async () => {
  const result = await runInProcess(['config', '--for', 'rr'], { env: { XDG_CONFIG_HOME: configHome({}) } });
  assert.match(result.stdout, /^protocolVersion +5 +default$/m);
});

test('an option mq does not know in a default options file is named with the file', async () => {
  const xdg = configHome({ mosquitto_pub: '-t t\n--frobnicate\n' });
  const result = await runInProcess(['pub', '-m', 'x'], { env: { XDG_CONFIG_HOME: xdg } });
  assert.deepEqual(result, {
    code: 1, stdout: '',
    stderr: `Error: Unknown option: --frobnicate in ${path.join(xdg, 'mosquitto_pub')}, mosquitto's default options for mq pub (MQ_NO_MOSQUITTO_DEFAULTS=1 skips that file).\n`,
  });
});
