/**
 * mosquitto 2.1 client options against real brokers: TLS-PSK (with the key log) on a mosquitto
 * psk_file listener, -S through a DNS server started here, --no-tls over an rc file's TLS,
 * mosquitto's default options files, -o, and rr -M.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { MOSQUITTO_BROKER, freePort, needsMosquittoClients, startBroker, startMosquitto, type Broker } from './helpers/broker.ts';
import { runMq, spawnMq, tempDir, testEnv, waitForOutput } from './helpers/run.ts';
import { spawn } from 'node:child_process';

let broker: Broker;
before(async () => { broker = await startBroker({ tls: true }); });
after(async () => { await broker?.stop(); });

/** Messages on `filter` while `action` runs, as topic payload lines. */
async function received(filter: string, action: () => Promise<unknown>): Promise<string[]> {
  const client = await mqtt.connectAsync({ host: broker.host, port: broker.port });
  const lines: string[] = [];
  client.on('message', (topic, payload) => lines.push(`${topic} ${payload.toString()}`));
  await client.subscribeAsync(filter, { qos: 1 });
  await action();
  await new Promise((resolve) => setTimeout(resolve, 200));
  await client.endAsync();
  return lines;
}

describe('TLS-PSK against mosquitto', { skip: MOSQUITTO_BROKER ? false : 'needs mosquitto: its psk_file listener' }, () => {
  let psk: Broker;
  let port: number;
  before(async () => {
    const dir = tempDir();
    port = await freePort();
    writeFileSync(path.join(dir, 'psk.txt'), 'dev1:00c0ffee1a2b3c4d\nother:1234\n');
    psk = await startMosquitto({ extraConfig: `listener ${port} 127.0.0.1\npsk_hint mq-test\npsk_file ${path.join(dir, 'psk.txt')}\nallow_anonymous true` });
  });
  after(async () => { await psk?.stop(); });

  test('the right key connects (TLS on, port given); the key log gets the session keys', async () => {
    const keylog = path.join(tempDir(), 'keys.log');
    const result = await runMq(['pub', '-h', '127.0.0.1', '-p', String(port), '--psk', '00c0ffee1a2b3c4d', '--psk-identity', 'dev1', '--tls-keylog', keylog, '-t', 'psk/t', '-m', 'over psk', '-q', '1']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(readFileSync(keylog, 'utf8'), /^CLIENT_TRAFFIC_SECRET_0 [0-9a-f]{64} [0-9a-f]{64,96}$/m);
    // MQ_PSK and MQ_PSK_IDENTITY do the same, and ps never sees the key.
    const env = await runMq(['sub', '-h', '127.0.0.1', '-p', String(port), '-t', 'psk/t', '-E'], { env: { MQ_PSK: '00c0ffee1a2b3c4d', MQ_PSK_IDENTITY: 'dev1' } });
    assert.deepEqual([env.code, env.stderr], [0, '']);
  });

  test('TLS 1.2 with a PSK cipher suite works too', async () => {
    const result = await runMq(['pub', '-h', '127.0.0.1', '-p', String(port), '--psk', '00c0ffee1a2b3c4d', '--psk-identity', 'dev1', '--tls-version', 'tlsv1.2', '-t', 'psk/t', '-m', 'x']);
    assert.equal(result.code, 0, result.stderr);
  });

  test('a wrong key, or an identity the broker does not know, fails with exit 8 in plain words', async () => {
    for (const [key, identity, alert] of [['00c0ffee1a2b3c4e', 'dev1', 'illegal parameter'], ['00c0ffee1a2b3c4d', 'nobody', 'handshake failure']] as const) {
      const result = await runMq(['pub', '-h', '127.0.0.1', '-p', String(port), '--psk', key, '--psk-identity', identity, '-t', 'psk/t', '-m', 'x']);
      assert.deepEqual([result.code, result.stdout], [8, '']);
      assert.equal(result.stderr, `Error: TLS-PSK: the handshake with 127.0.0.1:${port} failed: the broker does not know the identity "${identity}" or holds another key for it (TLS alert: ${alert}). Check --psk and --psk-identity against the broker's psk_file.\n`);
    }
  });
});

test('mq broker --psk-file: mq and mosquitto_pub connect with the key; a wrong one is refused (exit 8)', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'psk.txt');
  writeFileSync(file, '# identity:key\ndev1:00c0ffee\n');
  const [port, tlsPort] = [await freePort(), await freePort()];
  const mqBroker = spawnMq(['broker', '-p', String(port), '--tls-port', String(tlsPort), '--psk-file', file, '--psk-hint', 'mq']);
  try {
    await waitForOutput(mqBroker, 'mq broker listening on');
    const psk = ['-h', '127.0.0.1', '-p', String(tlsPort), '--psk-identity', 'dev1', '-t', 'psk/t', '-m', 'x', '-q', '1'];
    assert.deepEqual(await runMq(['pub', ...psk, '--psk', '00c0ffee']).then((r) => [r.code, r.stderr]), [0, '']);
    assert.deepEqual(await runMq(['pub', ...psk, '--psk', '00c0ffee', '--tls-version', 'tlsv1.2']).then((r) => [r.code, r.stderr]), [0, '']);
    const wrong = await runMq(['pub', ...psk, '--psk', '00c0ffef']);
    assert.equal(wrong.code, 8);
    assert.match(wrong.stderr, /^Error: TLS-PSK: the handshake with 127\.0\.0\.1:\d+ failed/);
    if (!needsMosquittoClients) {
      const code = await new Promise((resolve) => spawn('mosquitto_pub', [...psk, '--psk', '00c0ffee'], { stdio: 'ignore' }).on('exit', resolve));
      assert.equal(code, 0);
    }
  } finally {
    mqBroker.child.kill('SIGTERM');
    await mqBroker.done;
  }
});

/** A DNS server on 127.0.0.1 that answers SRV queries from a table (and NXDOMAIN otherwise). */
async function startDns(records: Record<string, { priority: number; weight: number; port: number; target: string }[]>): Promise<{ port: number; queries: string[]; close(): void }> {
  const socket: Socket = createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (query, peer) => {
    let offset = 12;
    const labels: string[] = [];
    while (query[offset]! > 0) {
      labels.push(query.subarray(offset + 1, offset + 1 + query[offset]!).toString('latin1'));
      offset += query[offset]! + 1;
    }
    const name = labels.join('.');
    const type = query.readUInt16BE(offset + 1);
    const question = query.subarray(12, offset + 5);
    queries.push(`${type === 33 ? 'SRV' : type} ${name}`);
    const answers = type === 33 ? records[name] ?? [] : [];
    const header = Buffer.alloc(12);
    header.writeUInt16BE(query.readUInt16BE(0), 0);
    header.writeUInt16BE(records[name] ? 0x8580 : 0x8583, 2); // response, authoritative; NXDOMAIN when unknown
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const encodeName = (text: string) => Buffer.concat([...text.split('.').filter(Boolean).map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')])), Buffer.from([0])]);
    const rrs = answers.map((a) => {
      const target = encodeName(a.target);
      const rr = Buffer.alloc(12 + 6);
      rr.writeUInt16BE(0xc00c, 0); // the question's name
      rr.writeUInt16BE(33, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(60, 6);
      rr.writeUInt16BE(6 + target.length, 10);
      rr.writeUInt16BE(a.priority, 12);
      rr.writeUInt16BE(a.weight, 14);
      rr.writeUInt16BE(a.port, 16);
      return Buffer.concat([rr, target]);
    });
    socket.send(Buffer.concat([header, question, ...rrs]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, queries, close: () => socket.close() };
}

describe('-S: the broker found through DNS SRV records', () => {
  let dns: Awaited<ReturnType<typeof startDns>>;
  let env: Record<string, string>;
  before(async () => {
    dns = await startDns({
      // The dead port has the worse priority: it must never be chosen.
      '_mqtt._tcp.mq.test': [{ priority: 20, weight: 0, port: 9, target: '127.0.0.1' }, { priority: 10, weight: 5, port: broker.port, target: '127.0.0.1' }],
      '_secure-mqtt._tcp.mq.test': [{ priority: 0, weight: 0, port: broker.tlsPort!, target: '127.0.0.1' }],
    });
    env = { MQ_DNS_SERVERS: `127.0.0.1:${dns.port}` };
  });
  after(() => dns?.close());

  test('_mqtt._tcp.HOST: the target and port of the best record', async () => {
    const lines = await received('srv/#', async () => {
      const result = await runMq(['pub', '-S', '-h', 'mq.test', '-t', 'srv/plain', '-m', 'found', '-q', '1'], { env });
      assert.deepEqual([result.code, result.stderr], [0, '']);
    });
    assert.deepEqual(lines, ['srv/plain found']);
    assert.ok(dns.queries.includes('SRV _mqtt._tcp.mq.test'), dns.queries.join(', '));
  });

  test('with TLS: _secure-mqtt._tcp.HOST; mq config shows the record as the source', async () => {
    const result = await runMq(['pub', '-S', '-h', 'mq.test', '--cafile', broker.tls!.caFile, '-t', 'srv/tls', '-m', 'x'], { env });
    assert.deepEqual([result.code, result.stderr], [0, '']);
    const config = await runMq(['config', '-S', '-h', 'mq.test', '--cafile', broker.tls!.caFile, '--json'], { env });
    const shown = JSON.parse(config.stdout) as Record<string, { value: unknown; source: unknown }>;
    assert.deepEqual([shown.host, shown.port], [
      { value: '127.0.0.1', source: { kind: 'srv', query: '_secure-mqtt._tcp.mq.test' } },
      { value: broker.tlsPort, source: { kind: 'srv', query: '_secure-mqtt._tcp.mq.test' } },
    ]);
  });

  test('no record: one line naming the query, exit 1', async () => {
    const result = await runMq(['sub', '-S', '-h', 'nothing.test', '-t', 'x'], { env });
    assert.deepEqual(result, {
      code: 1, signal: null, stdout: '', stdoutBytes: Buffer.alloc(0), timedOut: false,
      stderr: 'Error: -S: no SRV record for _mqtt._tcp.nothing.test. Publish an SRV record for _mqtt._tcp.nothing.test, or connect with -h and -p instead.\n',
    });
  });
});

test('--no-tls turns off the TLS an rc file profile turned on', async () => {
  const cwd = tempDir();
  writeFileSync(path.join(cwd, '.mqrc.json'), JSON.stringify({ profiles: { secure: { host: '127.0.0.1', port: broker.port, cafile: broker.tls!.caFile } } }));
  const tls = await runMq(['pub', '--profile', 'secure', '-t', 't', '-m', 'x'], { cwd });
  assert.notEqual(tls.code, 0, 'a TLS handshake with the plain listener fails');
  const plain = await runMq(['pub', '--profile', 'secure', '--no-tls', '-t', 't', '-m', 'x'], { cwd });
  assert.deepEqual([plain.code, plain.stderr], [0, '']);
});

describe("mosquitto's default options files", () => {
  /** A HOME whose ~/.config holds these files (XDG_CONFIG_HOME points there, as the helpers set it). */
  const homeWith = (files: Record<string, string>) => {
    const home = tempDir('mq-home-');
    mkdirSync(path.join(home, '.config'));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(home, '.config', name), text);
    return home;
  };

  test("sub: the file's -t adds to the command line's; its -v and connection options apply", async () => {
    const home = homeWith({ mosquitto_sub: `-h ${broker.host}\n-p ${broker.port}\n-t defaults/a\n-v\n-C 2\n` });
    const sub = spawnMq(['sub', '-t', 'defaults/b', '-d'], { home });
    await waitForOutput(sub, 'Subscribed');
    const client = await mqtt.connectAsync({ host: broker.host, port: broker.port });
    await client.publishAsync('defaults/a', 'one', { qos: 1 });
    await client.publishAsync('defaults/b', 'two', { qos: 1 });
    await client.endAsync();
    const result = await sub.done;
    assert.deepEqual([result.code, result.stdout], [0, 'defaults/a one\ndefaults/b two\n'], result.stderr);
  });

  test("pub: the command line's -t and -q replace the file's; MQ_PORT beats the file's -p", async () => {
    const home = homeWith({ mosquitto_pub: `-h ${broker.host}\n-p ${broker.port}\n-t defaults/file\n-q 2\n` });
    const lines = await received('defaults/#', async () => {
      assert.equal((await runMq(['pub', '-t', 'defaults/cli', '-m', 'replaced', '-q', '1'], { home })).code, 0);
      assert.equal((await runMq(['pub', '-m', 'from the file'], { home })).code, 0);
    });
    assert.deepEqual(lines, ['defaults/cli replaced', 'defaults/file from the file']);
    const env = await runMq(['pub', '-m', 'x'], { home, env: { MQ_PORT: '9' } });
    assert.equal(env.code, 1);
    assert.match(env.stderr, /^Error: Connection refused by 127\.0\.0\.1:9\./);
  });

  test('$XDG_CONFIG_HOME wins over HOME; MQ_NO_MOSQUITTO_DEFAULTS=1 skips the file', async () => {
    const home = homeWith({ mosquitto_rr: '-p 9\n' });
    const xdg = path.join(tempDir(), 'xdg');
    mkdirSync(xdg);
    writeFileSync(path.join(xdg, 'mosquitto_rr'), `-h ${broker.host}\n-p ${broker.port}\n-e defaults/reply\n`);
    const run = (extra: Record<string, string>) => runMq(['config', '--for', 'rr', '--json'], { home, env: { XDG_CONFIG_HOME: xdg, ...extra } });
    const shown = JSON.parse((await run({})).stdout) as Record<string, { value: unknown; source: unknown }>;
    assert.deepEqual(shown.port, { value: broker.port, source: { kind: 'options-file', file: path.join(xdg, 'mosquitto_rr') } });
    const skipped = JSON.parse((await run({ MQ_NO_MOSQUITTO_DEFAULTS: '1' })).stdout) as Record<string, { value: unknown }>;
    assert.equal(skipped.port!.value, 1883);
  });

  test('mosquitto_sub reads the same file the same way', { skip: needsMosquittoClients }, async () => {
    const home = homeWith({ mosquitto_sub: `-h ${broker.host}\n-p ${broker.port}\n-t defaults/m\n-v\n-C 1\n` });
    const env = testEnv({ home });
    // Retained, so it arrives whenever the subscription is made; -W bounds the wait.
    const client = await mqtt.connectAsync({ host: broker.host, port: broker.port });
    await client.publishAsync('defaults/n', 'n', { qos: 1, retain: true });
    const sub = spawn('mosquitto_sub', ['-t', 'defaults/n', '-W', '10'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    sub.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    const code = await new Promise((resolve) => sub.on('exit', resolve));
    await client.publishAsync('defaults/n', '', { qos: 1, retain: true });
    await client.endAsync();
    assert.deepEqual([code, out], [0, 'defaults/n n\n']);
  });
});

test('-o FILE: its options go before the command line\'s', async () => {
  const file = path.join(tempDir(), 'options');
  writeFileSync(file, `-h ${broker.host}\n-p ${broker.port}\n-t options/file\n-m hello world\n`);
  const lines = await received('options/#', async () => {
    const result = await runMq(['pub', '-o', file, '-q', '1']);
    assert.deepEqual([result.code, result.stderr], [0, '']);
  });
  assert.deepEqual(lines, ['options/file hello world']);
});

test('rr --respond -M 3 -C 4 -q 1: four requests at once all answered, then it exits 0', async () => {
  const base = ['-h', broker.host, '-p', String(broker.port), '-q', '1'];
  const responder = spawnMq(['rr', '--respond', ...base, '-t', 'svc/m', '-m', 'pong', '-M', '3', '-C', '4']);
  await waitForOutput(responder, 'Answering requests');
  const requests = await Promise.all([1, 2, 3, 4].map(() => runMq(['rr', ...base, '-t', 'svc/m', '-m', 'ping', '-M', '1', '-W', '10'])));
  assert.deepEqual(requests.map((r) => [r.code, r.stdout]), [[0, 'pong\n'], [0, 'pong\n'], [0, 'pong\n'], [0, 'pong\n']]);
  const result = await responder.done;
  assert.deepEqual([result.code, result.stdout], [0, 'ping\n'.repeat(4)], result.stderr);
});
