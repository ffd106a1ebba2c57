import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, startBroker, type Broker } from './helpers/broker.ts';
import { runMq, tempDir } from './helpers/run.ts';

/** The broker that saw a client with this id connect (mosquitto and mq broker log "... as <id> ..."). */
function sawClient(broker: Broker, id: string): boolean {
  return broker.log().includes(` as ${id} `);
}

describe('layers reach the broker they name (two brokers)', () => {
  let a: Broker;
  let b: Broker;
  before(async () => { [a, b] = await Promise.all([startBroker(), startBroker()]); });
  after(async () => { await Promise.all([a.stop(), b.stop()]); });

  const check = async (id: string, options: Parameters<typeof runMq>[1], args: string[] = []) => {
    const r = await runMq(['config', '--check', '-i', id, ...args], options);
    assert.equal(r.code, 0, r.stderr);
    return r;
  };

  test('rc file in the cwd, then MQ_PORT over it, then -p over both', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, '.mqrc.json'), JSON.stringify({ host: '127.0.0.1', port: a.port }));
    await check('rc-only', { cwd });
    assert.ok(sawClient(a, 'rc-only') && !sawClient(b, 'rc-only'));
    await check('env-over-rc', { cwd, env: { MQ_PORT: String(b.port) } });
    assert.ok(sawClient(b, 'env-over-rc') && !sawClient(a, 'env-over-rc'));
    await check('flag-over-env', { cwd, env: { MQ_PORT: String(b.port) } }, ['-p', String(a.port)]);
    assert.ok(sawClient(a, 'flag-over-env') && !sawClient(b, 'flag-over-env'));
  });

  test('profiles: --profile, MQ_PROFILE and defaultProfile; rc found from a parent folder up to HOME', async () => {
    const home = tempDir();
    const cwd = path.join(home, 'project', 'deep');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(path.join(home, '.mqrc.yaml'), [
      'host: 127.0.0.1', `port: ${a.port}`, 'defaultProfile: second', 'profiles:', '  first:', `    port: ${a.port}`, '  second:', `    port: ${b.port}`, '',
    ].join('\n'));
    await check('default-profile', { cwd, home });
    assert.ok(sawClient(b, 'default-profile'));
    await check('named-profile', { cwd, home }, ['--profile', 'first']);
    assert.ok(sawClient(a, 'named-profile'));
    await check('env-profile', { cwd, home, env: { MQ_PROFILE: 'first' } });
    assert.ok(sawClient(a, 'env-profile'));
  });

  test('XDG config folder, MQ_URL and --config', async () => {
    const home = tempDir();
    mkdirSync(path.join(home, '.config', 'mq'), { recursive: true });
    writeFileSync(path.join(home, '.config', 'mq', 'config.json'), JSON.stringify({ host: '127.0.0.1', port: b.port }));
    await check('xdg', { home });
    assert.ok(sawClient(b, 'xdg'));
    await check('env-url', { home, env: { MQ_URL: `mqtt://127.0.0.1:${a.port}` } });
    assert.ok(sawClient(a, 'env-url'));
    const explicit = path.join(tempDir(), 'other.json');
    writeFileSync(explicit, JSON.stringify({ url: `mqtt://127.0.0.1:${a.port}` }));
    await check('explicit-config', { home }, ['--config', explicit]);
    assert.ok(sawClient(a, 'explicit-config'));
  });

  test('mq config reports each value with its source, password redacted', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, '.mqrc.json'), JSON.stringify({ host: 'rc.example', profiles: { p: { username: 'rcuser' } } }));
    const r = await runMq(['config', '--profile', 'p', '-p', '1999', '--json'], { cwd, env: { MQ_PASSWORD: 'hunter2' } });
    assert.equal(r.code, 0, r.stderr);
    const rcFile = path.join(cwd, '.mqrc.json');
    assert.deepEqual(JSON.parse(r.stdout), {
      host: { value: 'rc.example', source: { kind: 'rc', file: rcFile, profile: 'p' } },
      port: { value: 1999, source: { kind: 'flag', flag: '-p' } },
      transport: { value: 'mqtt', source: { kind: 'default' } },
      username: { value: 'rcuser', source: { kind: 'rc', file: rcFile, profile: 'p' } },
      password: { value: '********', source: { kind: 'env', name: 'MQ_PASSWORD' } },
      keepalive: { value: 60, source: { kind: 'default' } },
      protocolVersion: { value: 4, source: { kind: 'default' } },
      insecure: { value: false, source: { kind: 'default' } },
      nodelay: { value: false, source: { kind: 'default' } },
      connectTimeout: { value: 10, source: { kind: 'default' } },
    });
    const text = await runMq(['config', '--profile', 'p'], { cwd, env: { MQ_PASSWORD: 'hunter2' } });
    assert.match(text.stdout, /^host +rc\.example +rc .*\.mqrc\.json \(profile p\)$/m);
    assert.match(text.stdout, /^password +\*{8} +env MQ_PASSWORD$/m);
    assert.ok(!text.stdout.includes('hunter2') && !text.stderr.includes('hunter2'));
  });
});

test('mq config shows that -D and -x switch to MQTT v5, as the commands do', async () => {
  for (const [flag, ...rest] of [['-D', 'connect', 'receive-maximum', '10'], ['-x', '60']]) {
    const r = await runMq(['config', '--json', flag!, ...rest]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).protocolVersion, { value: 5, source: { kind: 'flag', flag } });
  }
});

describe('bad configuration: one line, exit 1', () => {
  const cases: [string, (cwd: string) => void, string[], RegExp][] = [
    ['rc file that does not parse names the file', (cwd) => writeFileSync(path.join(cwd, '.mqrc.json'), '{"host": "a",\n  "port": }\n'), [], /^Error: Could not parse rc file: .*\.mqrc\.json.*\n$/],
    ['unknown rc key', (cwd) => writeFileSync(path.join(cwd, '.mqrc.json'), '{"hots": "a"}'), [], /^Error: .*\.mqrc\.json: unknown key "hots" in the top level; did you mean "host"\?.*\n$/],
    ['unknown profile', (cwd) => writeFileSync(path.join(cwd, '.mqrc.json'), '{"profiles": {"dev": {}}}'), ['--profile', 'prod'], /^Error: Unknown profile "prod" in .*; known profiles: dev\.\n$/],
    ['profile without rc', () => {}, ['--profile', 'prod'], /^Error: Profile "prod" was asked for, but no rc file was found/],
    ['port out of range', () => {}, ['-p', '65536'], /^Error: Invalid port "65536" in -p: it must be a whole number from 1 to 65535\.\n$/],
    ['keepalive 2', () => {}, ['-k', '2'], /^Error: Invalid keepalive "2" in -k: it must be a whole number from 5 to 65535\.\n$/],
    ['bad URL', () => {}, ['-L', 'http://x'], /^Error: -L: unsupported URL scheme "http"; use mqtt, mqtts, ws or wss\.\n$/],
    ['unknown flag with a suggestion', () => {}, ['--hots', 'x'], /^Error: Unknown option: --hots\. Did you mean --host\?\n$/],
  ];
  for (const [name, setup, args, stderr] of cases) {
    test(name, async () => {
      const cwd = tempDir();
      setup(cwd);
      const r = await runMq(['config', ...args], { cwd });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, stderr);
    });
  }
  test('unknown command gets a suggestion', async () => {
    const r = await runMq(['pubb']);
    assert.deepEqual([r.code, r.stderr], [1, 'Error: Unknown command. Did you mean pub? (see mq --help)\n']);
  });
  test('an rc file holding a password that others can read draws a warning', async () => {
    const cwd = tempDir();
    const file = path.join(cwd, '.mqrc.json');
    writeFileSync(file, '{"password": "x"}');
    chmodSync(file, 0o644);
    const r = await runMq(['config'], { cwd });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, `Warning: ${file} holds a password and is readable by other users; run: chmod 600 ${file}\n`);
    chmodSync(file, 0o600);
    assert.equal((await runMq(['config'], { cwd })).stderr, '');
  });
  test('-P without a value and no terminal', async () => {
    const r = await runMq(['config', '--check', '-u', 'x', '-P']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: -P was given without a password and standard input is not a terminal/);
  });
});

describe('connecting: refusals, TLS, unreachable brokers', () => {
  let broker: Broker;
  let passwordFile: string;
  before(async () => {
    passwordFile = path.join(tempDir(), 'passwd');
    const made = await runMq(['passwd', '-c', '-b', passwordFile, 'alice', 'right']);
    assert.equal(made.code, 0, made.stderr);
    broker = await startBroker({ passwordFile, tls: true });
  });
  after(async () => { await broker.stop(); });
  const base = () => ['config', '--check', '-h', '127.0.0.1', '-p', String(broker.port)];

  test('right password connects; -P from MQ_PASSWORD and --password-file too', async () => {
    assert.equal((await runMq([...base(), '-u', 'alice', '-P', 'right'])).code, 0);
    assert.equal((await runMq([...base(), '-u', 'alice'], { env: { MQ_PASSWORD: 'right' } })).code, 0);
    const file = path.join(tempDir(), 'pw');
    writeFileSync(file, 'right\n', { mode: 0o600 });
    const r = await runMq([...base(), '-u', 'alice', '--password-file', file]);
    assert.deepEqual([r.code, r.stderr], [0, 'Connected to 127.0.0.1:' + broker.port + ' (client id assigned by the broker) and disconnected.\n']);
  });
  test('wrong password: exit 5 under 3.1.1, 135 under v5, no password in the output', async () => {
    const v311 = await runMq([...base(), '-u', 'alice', '-P', 'wrong-secret']);
    assert.equal(v311.code, 5);
    assert.match(v311.stderr, /^Error: Connection error: Connection Refused: not authorised\. Check -u and -P/);
    const v5 = await runMq([...base(), '-u', 'alice', '-P', 'wrong-secret', '-V', '5']);
    assert.equal(v5.code, 135);
    assert.match(v5.stderr, /^Error: Connection error: Not authorized \(reason code 135\)/);
    assert.ok(!(v311.stderr + v5.stderr).includes('wrong-secret'));
  });
  test('TLS with the test CA works; without it, exit 8 with a hint; hostname mismatch names --servername', async () => {
    const url = `mqtts://localhost:${broker.tlsPort}`;
    const ok = await runMq(['config', '--check', '-L', url, '--cafile', broker.tls!.caFile, '-u', 'alice', '-P', 'right']);
    assert.equal(ok.code, 0, ok.stderr);
    const untrusted = await runMq(['config', '--check', '-L', url, '-u', 'alice', '-P', 'right']);
    assert.equal(untrusted.code, 8);
    assert.match(untrusted.stderr, /^Error: TLS: the server certificate of localhost:\d+ is not trusted \(SELF_SIGNED_CERT_IN_CHAIN\)\. Give the CA that signed it with --cafile, or skip verification with --insecure\.\n$/);
    const insecure = await runMq(['config', '--check', '-L', url, '--insecure', '-u', 'alice', '-P', 'right']);
    assert.equal(insecure.code, 0, insecure.stderr);
    const mismatch = await runMq(['config', '--check', '-L', url, '--cafile', broker.tls!.caFile, '--servername', 'wrong.example', '-u', 'alice', '-P', 'right']);
    assert.equal(mismatch.code, 8);
    assert.match(mismatch.stderr, /does not match the host name "wrong\.example".*--servername/);
    const missing = await runMq(['config', '--check', '-L', url, '--cafile', '/nonexistent/ca.pem']);
    assert.deepEqual([missing.code, missing.stderr], [1, 'Error: Cannot read --cafile /nonexistent/ca.pem: no such file.\n']);
  });
  test('nothing listening: exit 1, one line naming the address', async () => {
    const port = await freePort();
    const r = await runMq(['config', '--check', '-h', '127.0.0.1', '-p', String(port)]);
    assert.deepEqual([r.code, r.stderr], [1, `Error: Connection refused by 127.0.0.1:${port}. Is a broker running on 127.0.0.1:${port}?\n`]);
  });
  test('-d traces packets on stderr without the password', async () => {
    const r = await runMq([...base(), '-u', 'alice', '-P', 'right', '-d', '-i', 'tracer']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, 'Client tracer sending CONNECT\nClient tracer received CONNACK (0)\nClient tracer sending DISCONNECT\nConnected to 127.0.0.1:' + broker.port + ' as "tracer" and disconnected.\n');
  });
});

describe('files loaded with import() or read on demand', () => {
  test('an .mqrc.mjs rc file (an ES module, loaded with import()) is read, silently', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, '.mqrc.mjs'), "export default { host: 'mjs.example', port: 1999, profiles: { p: { username: 'esm' } } };\n");
    const r = await runMq(['config', '--json', '--profile', 'p'], { cwd });
    assert.deepEqual([r.code, r.stderr], [0, '']);
    const report = JSON.parse(r.stdout) as Record<string, { value: unknown }>;
    assert.deepEqual([report.host?.value, report.port?.value, report.username?.value], ['mjs.example', 1999, 'esm']);
  });

  test('-o reads an options file (mosquitto 2.1), flags after it win', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'opts'), '-h opts.example\n-p 1884\n-u fromfile\n');
    const r = await runMq(['config', '--json', '-o', 'opts', '-u', 'fromflag'], { cwd });
    assert.deepEqual([r.code, r.stderr], [0, '']);
    const report = JSON.parse(r.stdout) as Record<string, { value: unknown }>;
    assert.deepEqual([report.host?.value, report.port?.value, report.username?.value], ['opts.example', 1884, 'fromflag']);
  });
});

test('a file where the rc search names a folder (~/.config is a file) is no rc file and no mosquitto options file', async () => {
  const home = tempDir('mq-home-');
  writeFileSync(path.join(home, '.config'), 'not a folder');
  const r = await runMq(['config', '--json', '-h', 'broker.example'], { home, cwd: home, env: { XDG_CONFIG_HOME: undefined } });
  assert.deepEqual([r.code, r.stderr], [0, '']);
  assert.equal(JSON.parse(r.stdout).host.value, 'broker.example');
  const pub = await runMq(['pub', '-p', String(await freePort()), '-t', 't', '-m', 'x'], { home, cwd: home, env: { XDG_CONFIG_HOME: undefined } });
  assert.match(pub.stderr, /^Error: .*(refused|connect)/i);
});
