/**
 * --tls-keylog FILE: the TLS session keys in NSS key log format, appended to a 0600 file, with a
 * warning; over mqtts:// and wss://.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, makeTlsMaterial, startBroker, startMqBroker, type Broker } from './helpers/broker.ts';
import { runMq, tempDir } from './helpers/run.ts';

let broker: Broker;
before(async () => { broker = await startBroker({ tls: true }); });
after(async () => { await broker.stop(); });

const keylogLines = (text: string) => text.split('\n').filter(Boolean).map((line) => line.split(' ')[0]);

test('mqtts: TLS 1.3 traffic secrets are appended to a new 0600 file, and stderr warns what it holds', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'keys.log');
  const args = ['pub', '-h', '127.0.0.1', '-p', String(broker.tlsPort), '--cafile', broker.tls!.caFile, '--tls-keylog', file, '-t', 'k', '-m', 'x'];
  const first = await runMq(args);
  assert.deepEqual([first.code, first.stderr], [0, `Warning: ${file} receives this session's TLS keys: whoever reads it can decrypt the traffic.\n`]);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const labels = keylogLines(readFileSync(file, 'utf8'));
  assert.ok(labels.includes('CLIENT_TRAFFIC_SECRET_0'), labels.join(','));
  assert.ok(labels.includes('SERVER_HANDSHAKE_TRAFFIC_SECRET'), labels.join(','));
  assert.match(readFileSync(file, 'utf8'), /^CLIENT_TRAFFIC_SECRET_0 [0-9a-f]{64} [0-9a-f]{64,96}$/m);
  // A second connection appends.
  assert.equal((await runMq(args)).code, 0);
  assert.equal(keylogLines(readFileSync(file, 'utf8')).filter((l) => l === 'CLIENT_TRAFFIC_SECRET_0').length, 2);
});

test('a key log file that others can read draws the chmod hint; without TLS the flag is ignored with a warning', async () => {
  const file = path.join(tempDir(), 'keys.log');
  writeFileSync(file, '', { mode: 0o644 });
  const tls = await runMq(['pub', '-h', '127.0.0.1', '-p', String(broker.tlsPort), '--cafile', broker.tls!.caFile, '--tls-keylog', file, '-t', 'k', '-m', 'x']);
  assert.deepEqual([tls.code, tls.stderr], [0, `Warning: ${file} receives this session's TLS keys: whoever reads it can decrypt the traffic. It is readable by other users; run: chmod 600 ${file}\n`]);
  const plain = await runMq(['pub', '-h', '127.0.0.1', '-p', String(broker.port), '--tls-keylog', file, '-t', 'k', '-m', 'x']);
  assert.deepEqual([plain.code, plain.stderr], [0, `Warning: --tls-keylog ${file} is ignored: this connection does not use TLS.\n`]);
});

test('wss: the keys of the TLS connection under the WebSocket are logged too', async () => {
  const material = makeTlsMaterial();
  const port = await freePort();
  const wss = await startMqBroker({ extraConfig: `listener ${port} 127.0.0.1\nprotocol websockets\ncertfile ${material.certFile}\nkeyfile ${material.keyFile}` });
  try {
    const file = path.join(tempDir(), 'keys.log');
    const result = await runMq(['pub', '-L', `wss://127.0.0.1:${port}/k`, '--cafile', material.caFile, '--tls-keylog', file, '-m', 'x']);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(keylogLines(readFileSync(file, 'utf8')).includes('CLIENT_TRAFFIC_SECRET_0'));
  } finally {
    await wss.stop();
  }
});
