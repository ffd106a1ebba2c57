import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readEnv } from '../../src/connection/env.ts';
import { resolveConnection, type ResolveInput } from '../../src/connection/resolve.ts';
import { parseUrl, redactUrl } from '../../src/connection/url.ts';
import { rcCandidates, selectProfile } from '../../src/connection/rc.ts';
import path from 'node:path';
import { parseProperties } from '../../src/connection/properties.ts';
import { refusal, toMqError } from '../../src/connection/errors.ts';
import { parseSessionExpiry, sessionOptions, clientOptions } from '../../src/connection/session.ts';
import { describePacket } from '../../src/connection/trace.ts';
import { settingsReport, describeSource } from '../../src/connection/report.ts';
import { flagsLayer, holdsSecret } from '../../src/connection/options.ts';
import { SETTINGS } from '../../src/connection/settings.ts';
import { ConfigError } from '../../src/errors.ts';

const input = (over: Partial<ResolveInput> = {}): ResolveInput => ({ flags: {}, env: {}, ...over });

describe('resolveConnection: precedence flag > env > rc > default, for every layered key', () => {
  const cases: [key: string, flag: unknown, env: unknown, rc: unknown, expectFlag: unknown, expectEnv: unknown, expectRc: unknown, expectDefault: unknown][] = [
    ['host', 'f.example', 'e.example', 'r.example', 'f.example', 'e.example', 'r.example', 'localhost'],
    ['port', '1001', '1002', 1003, 1001, 1002, 1003, 1883],
    ['username', 'fu', 'eu', 'ru', 'fu', 'eu', 'ru', undefined],
    ['password', 'fp', 'ep', 'rp', 'fp', 'ep', 'rp', undefined],
    ['clientId', 'fi', 'ei', 'ri', 'fi', 'ei', 'ri', undefined],
    ['idPrefix', 'fx', 'ex', 'rx', 'fx', 'ex', 'rx', undefined],
    ['keepalive', '11', '12', 13, 11, 12, 13, 60],
    ['protocolVersion', '5', 'mqttv31', '311', 5, 3, 4, 4],
    ['insecure', true, 'true', false, true, true, false, false],
    ['connectTimeout', '3', '4', 5, 3, 4, 5, 10],
    ['proxy', 'socks5h://f', 'socks5h://e', 'socks5h://r', 'socks5h://f', 'socks5h://e', 'socks5h://r', undefined],
  ];
  for (const [key, flag, env, rc, expectFlag, expectEnv, expectRc, expectDefault] of cases) {
    test(key, () => {
      const rcLayer = { layer: { [key]: rc }, file: '/x/.mqrc.json' };
      const all = resolveConnection(input({ flags: { [key]: flag }, env: { [key]: env }, rc: rcLayer }));
      assert.deepEqual([(all.settings as any)[key], all.sources[key as 'host']?.kind], [expectFlag, 'flag']);
      const envOnly = resolveConnection(input({ env: { [key]: env }, rc: rcLayer }));
      assert.deepEqual([(envOnly.settings as any)[key], envOnly.sources[key as 'host']?.kind], [expectEnv, 'env']);
      const rcOnly = resolveConnection(input({ rc: rcLayer }));
      assert.deepEqual([(rcOnly.settings as any)[key], rcOnly.sources[key as 'host']?.kind], [expectRc, 'rc']);
      const none = resolveConnection(input());
      assert.equal((none.settings as any)[key], expectDefault);
    });
  }

  test('a URL expands inside its own layer; that layer\'s explicit fields win; lower layers fill the rest', () => {
    const r = resolveConnection(input({
      flags: { url: 'mqtts://alice:s%40cret@broker.example:8884/sensors/1', port: '9999' },
      env: { username: 'bob', keepalive: '30' },
    }));
    assert.equal(r.settings.transport, 'mqtts');
    assert.equal(r.settings.host, 'broker.example');
    assert.equal(r.settings.port, 9999);
    assert.equal(r.settings.username, 'alice');
    assert.equal(r.settings.password, 's@cret');
    assert.equal(r.settings.topic, 'sensors/1');
    assert.equal(r.settings.keepalive, 30);
    assert.deepEqual(r.sources.host, { kind: 'flag', flag: '-L' });
    assert.deepEqual(r.sources.port, { kind: 'flag', flag: '-p' });
    assert.deepEqual(r.sources.keepalive, { kind: 'env', name: 'MQ_KEEPALIVE' });
  });

  test('MQ_URL is reported as the source of what it set', () => {
    const r = resolveConnection(input({ env: { url: 'mqtt://e.example:1999' }, flags: { host: 'f.example' } }));
    assert.equal(r.settings.host, 'f.example');
    assert.equal(r.settings.port, 1999);
    assert.deepEqual(r.sources.port, { kind: 'env', name: 'MQ_URL' });
  });

  test('TLS defaults: a CA, a capath or port 8883 turn TLS on; the default port follows the transport', () => {
    const table: [ResolveInput['flags'], string, number][] = [
      [{}, 'mqtt', 1883],
      [{ cafile: '/ca.pem' }, 'mqtts', 8883],
      [{ capath: '/certs' }, 'mqtts', 8883],
      [{ port: '8883' }, 'mqtts', 8883],
      [{ ws: true }, 'ws', 1883],
      [{ ws: true, cafile: '/ca.pem' }, 'wss', 8883],
      [{ url: 'wss://h' }, 'wss', 8883],
      [{ url: 'ws://h:9001' }, 'ws', 9001],
      [{ url: 'mqtt://h', cafile: '/ca.pem' }, 'mqtt', 1883],
    ];
    for (const [flags, transport, port] of table) {
      const r = resolveConnection(input({ flags }));
      assert.deepEqual([r.settings.transport, r.settings.port], [transport, port], JSON.stringify(flags));
    }
  });

  test('rc profile is recorded in the source; command defaults and -D forcing v5', () => {
    const r = resolveConnection(input({ rc: { layer: { host: 'p.example' }, file: '/h/.mqrc', profile: 'prod' }, defaults: { protocolVersion: 5 } }));
    assert.deepEqual(r.sources.host, { kind: 'rc', file: '/h/.mqrc', profile: 'prod' });
    assert.equal(r.settings.protocolVersion, 5);
    assert.equal(describeSource(r.sources.host!), 'rc /h/.mqrc (profile prod)');
    assert.equal(resolveConnection(input({ forceV5: '-D' })).settings.protocolVersion, 5);
    assert.equal(resolveConnection(input({ forceV5: '-x', flags: { protocolVersion: '311' } })).settings.protocolVersion, 4);
  });

  test('bad values name the setting and where it came from', () => {
    const table: [ResolveInput, RegExp][] = [
      [input({ flags: { port: '70000' } }), /Invalid port "70000" in -p: it must be a whole number from 1 to 65535\./],
      [input({ flags: { port: 'abc' } }), /Invalid port "abc" in -p/],
      [input({ env: { port: '0' } }), /Invalid port "0" in MQ_PORT/],
      [input({ flags: { keepalive: '2' } }), /Invalid keepalive "2" in -k: it must be a whole number from 5 to 65535\./],
      [input({ flags: { protocolVersion: '6' } }), /Invalid protocol version "6" in -V: use 31, 311 or 5/],
      [input({ rc: { layer: { port: 'x' }, file: '/r/.mqrc', profile: 'p' } }), /Invalid port "x" in \/r\/\.mqrc \(profile "p"\), key "port"/],
      [input({ flags: { url: 'http://x' } }), /-L: unsupported URL scheme "http"; use mqtt, mqtts, ws or wss\./],
      [input({ env: { url: 'nonsense' } }), /MQ_URL: "nonsense" is not a URL/],
      [input({ flags: { cert: '/c.pem' } }), /--cert was given without --key/],
      [input({ flags: { insecure: 'maybe' } }), /--insecure must be true or false/],
    ];
    for (const [given, message] of table) {
      assert.throws(() => resolveConnection(given), (e: unknown) => e instanceof ConfigError && message.test(e.message), message.source);
    }
  });
});

describe('readEnv', () => {
  test('maps every MQ_* variable; empty ones count as unset', () => {
    const env = readEnv({
      MQ_HOST: 'h', MQ_PORT: '1', MQ_USERNAME: 'u', MQ_PASSWORD: 'p', MQ_CLIENT_ID: 'c', MQ_URL: 'mqtt://x', MQ_PROFILE: 'prod',
      MQ_CONFIG: '/c.json', MQ_CAFILE: '/ca', MQ_CERT: '/cert', MQ_KEY: '/key', MQ_CAPATH: '/capath', MQ_WS: '1', MQ_KEEPALIVE: '',
      OTHER: 'x',
    });
    assert.deepEqual(env, {
      layer: { host: 'h', port: '1', username: 'u', password: 'p', clientId: 'c', url: 'mqtt://x', cafile: '/ca', cert: '/cert', key: '/key', capath: '/capath', ws: true },
      profile: 'prod',
      config: '/c.json',
    });
    assert.deepEqual(readEnv({}), { layer: {} });
  });
});

describe('parseUrl', () => {
  const table: [string, object][] = [
    ['mqtt://h', { protocol: 'mqtt', host: 'h' }],
    ['MQTTS://h:8884/a/b', { protocol: 'mqtts', host: 'h', port: 8884, topic: 'a/b' }],
    ['mqtt://u:p@h/t', { protocol: 'mqtt', host: 'h', username: 'u', password: 'p', topic: 't' }],
    ['mqtt://u@h', { protocol: 'mqtt', host: 'h', username: 'u' }],
    ['mqtt://[::1]:1884/t', { protocol: 'mqtt', host: '::1', port: 1884, topic: 't' }],
    ['ws://h:9001/x/#', { protocol: 'ws', host: 'h', port: 9001, topic: 'x/#' }],
    ['mqtt://u%3Ax:p%2Fw@h', { protocol: 'mqtt', host: 'h', username: 'u:x', password: 'p/w' }],
  ];
  for (const [url, expected] of table) test(url, () => assert.deepEqual(parseUrl(url), expected));
  test('rejections', () => {
    assert.throws(() => parseUrl('mqtt://'), /names no host/);
    assert.throws(() => parseUrl('mqtt://h:0'), /Invalid port "0" in -L/);
    assert.throws(() => parseUrl('h:1883'), /is not a URL/);
  });
  test('redactUrl hides the password only', () => {
    assert.equal(redactUrl('mqtt://u:secret@h:1/t'), 'mqtt://u:***@h:1/t');
    assert.equal(redactUrl('mqtt://u@h'), 'mqtt://u@h');
  });
});

describe('rc profiles and validation', () => {
  const rc = { host: 'top', port: 1, profiles: { prod: { host: 'prod.example', username: 'p' }, dev: { port: 2 } }, defaultProfile: 'dev' };
  test('explicit profile over top level; defaultProfile otherwise', () => {
    assert.deepEqual(selectProfile(rc, '/f', 'prod'), { layer: { host: 'prod.example', port: 1, username: 'p' }, profile: 'prod' });
    assert.deepEqual(selectProfile(rc, '/f'), { layer: { host: 'top', port: 2 }, profile: 'dev' });
    assert.deepEqual(selectProfile({ host: 'a' }, '/f'), { layer: { host: 'a' } });
  });
  test('a profile\'s URL wins over the top level\'s host, port, credentials and ws (the documented prod example)', () => {
    const docs = { host: 'localhost', port: 1884, username: 'dev', ws: true, keepalive: 30,
      profiles: { prod: { url: 'mqtts://broker.example.com', username: 'ops' }, creds: { url: 'mqtt://u:p@b.example:1999/t' } } };
    assert.deepEqual(selectProfile(docs, '/f', 'prod'),
      { layer: { port: 1884, keepalive: 30, url: 'mqtts://broker.example.com', username: 'ops' }, profile: 'prod' });
    assert.deepEqual(selectProfile(docs, '/f', 'creds'), { layer: { keepalive: 30, url: 'mqtt://u:p@b.example:1999/t' }, profile: 'creds' });
    const resolved = resolveConnection(input({ rc: { layer: selectProfile(docs, '/f', 'prod').layer, file: '/f', profile: 'prod' } }));
    assert.deepEqual([resolved.settings.host, resolved.settings.transport, resolved.settings.username], ['broker.example.com', 'mqtts', 'ops']);
  });
  test('errors name the file, the key or profile', () => {
    assert.throws(() => selectProfile(rc, '/f', 'staging'), /Unknown profile "staging" in \/f; known profiles: prod, dev\./);
    assert.throws(() => selectProfile({ hots: 'x' }, '/f'), /\/f: unknown key "hots" in the top level; did you mean "host"\?/);
    assert.throws(() => selectProfile({ profiles: { a: { prot: 1 } } }, '/f'), /unknown key "prot" in profile "a"; did you mean "port"\?/);
    assert.throws(() => selectProfile([1], '/f'), /must hold an object/);
    assert.throws(() => selectProfile({ defaultProfile: 'x' }, '/f'), /Unknown profile "x" \(its defaultProfile\) in \/f; it defines no profiles/);
  });
});

describe('-D properties', () => {
  test('groups by command in MQTT.js shape; user properties repeat', () => {
    assert.deepEqual(parseProperties([
      'publish', 'content-type', 'text/plain', 'PUBLISH', 'User-Property', 'k', 'v1', 'publish', 'user-property', 'k', 'v2',
      'connect', 'session-expiry-interval', '60', 'publish', 'payload-format-indicator', '1', 'publish', 'correlation-data', 'abc',
    ]), {
      publish: { contentType: 'text/plain', userProperties: { k: ['v1', 'v2'] }, payloadFormatIndicator: true, correlationData: Buffer.from('abc') },
      connect: { sessionExpiryInterval: 60 },
    });
  });
  test('errors', () => {
    assert.throws(() => parseProperties(['publish', 'content-type']), /-D needs a command, a property name and a value/);
    assert.throws(() => parseProperties(['nope', 'content-type', 'x']), /invalid command "nope"/);
    assert.throws(() => parseProperties(['publish', 'colour', 'x']), /invalid property name "colour"/);
    assert.throws(() => parseProperties(['publish', 'subscription-identifier', '1']), /subscription-identifier property not allowed for publish/);
    assert.throws(() => parseProperties(['publish', 'topic-alias', '70000']), /out of range for property topic-alias \(0-65535\)/);
  });
});

describe('errors map to mosquitto exit codes', () => {
  test('CONNACK refusals keep the reason code and mosquitto\'s words', () => {
    assert.equal(refusal(5, 4).message, 'Connection error: Connection Refused: not authorised.');
    assert.equal(refusal(5, 4).exitCode, 5);
    assert.equal(refusal(135, 5).message, 'Connection error: Not authorized (reason code 135)');
    assert.equal(refusal(135, 5).exitCode, 135);
  });
  test('socket errors become one actionable line', () => {
    const settings = resolveConnection(input()).settings;
    const refused = toMqError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), settings);
    assert.equal(refused.message + ' ' + refused.hint, 'Connection refused by localhost:1883. Is a broker running on localhost:1883? Start one with: npx mq broker');
    assert.equal(toMqError(Object.assign(new Error('x'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), settings).exitCode, 8);
    assert.match(toMqError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }), settings).message, /cannot resolve host "localhost"/);
    assert.equal(toMqError(Object.assign(new Error('Not authorized'), { code: 135 }), { ...settings, protocolVersion: 5 }).exitCode, 135);
  });
});

describe('session options (client id, clean session, will)', () => {
  const resolved = (flags: ResolveInput['flags'] = {}) => resolveConnection(input({ flags }));
  test('client id: empty for the broker to assign, prefix + pid, mosq- for v3.1', () => {
    assert.equal(sessionOptions({}, resolved(), {}, { pid: 42 }).clientId, '');
    assert.equal(sessionOptions({ idPrefix: 'p-' }, resolved({ idPrefix: 'p-' }), {}, { pid: 42 }).clientId, 'p-42');
    assert.match(sessionOptions({}, resolved({ protocolVersion: '31' }), {}, { pid: 42 }).clientId, /^mosq-[a-zA-Z0-9]{18}$/);
    const envId = resolveConnection(input({ flags: { idPrefix: 'f-' }, env: { clientId: 'env-id' } }));
    assert.equal(sessionOptions({ idPrefix: 'f-' }, envId, {}, { pid: 7 }).clientId, 'f-7');
  });
  test('mosquitto\'s checks', () => {
    assert.throws(() => sessionOptions({ id: '' }, resolved({ clientId: '' }), {}, { pid: 1 }), /Invalid client id/);
    assert.throws(() => sessionOptions({ id: 'a', idPrefix: 'b' }, resolved({ clientId: 'a', idPrefix: 'b' }), {}, { pid: 1 }), /-i and -I cannot be used together/);
    assert.throws(() => sessionOptions({ disableCleanSession: true }, resolved(), {}, { pid: 1 }), /must provide a client id \(-i\) if you are using the -c option/);
    assert.throws(() => sessionOptions({ disableCleanSession: true }, resolved({ protocolVersion: '5' }), {}, { pid: 1 }), /infinite session expiry interval/);
    assert.throws(() => sessionOptions({ willPayload: 'x' }, resolved(), {}, { pid: 1 }), /Will payload given, but no will topic given/);
    assert.throws(() => sessionOptions({ willTopic: 'a/#' }, resolved(), {}, { pid: 1 }), /Invalid will topic 'a\/#'/);
    assert.throws(() => sessionOptions({ willTopic: 'a', willQos: '3' }, resolved(), {}, { pid: 1 }), /Invalid will QoS 3/);
    assert.throws(() => sessionOptions({ pw: 'x' }, resolved({ password: 'x' }), {}, { pid: 1 }), /password was given without a username/);
  });
  test('v5 -c sends an infinite expiry; receive-maximum and will reach the CONNECT', () => {
    const r = resolved({ protocolVersion: '5', clientId: 'me' });
    const session = sessionOptions({ id: 'me', disableCleanSession: true, willTopic: 'w', willPayload: 'bye', willQos: '1', willRetain: true }, r, {}, { pid: 1, receiveMaximum: 20 });
    const options = clientOptions(r.settings, session);
    assert.equal(options.clean, false);
    assert.deepEqual(options.properties, { sessionExpiryInterval: 0xffffffff, receiveMaximum: 20 });
    assert.deepEqual(options.will, { topic: 'w', payload: Buffer.from('bye'), qos: 1, retain: true });
    assert.equal(options.protocolId, 'MQTT');
    assert.equal(clientOptions(resolved({ protocolVersion: '31' }).settings, session).protocolId, 'MQIsdp');
  });
  test('-x parses like strtol(…, 0)', () => {
    const table: [string, number][] = [['60', 60], ['0x10', 16], ['010', 8], ['-1', 0xffffffff], ['∞', 0xffffffff], ['0', 0]];
    for (const [text, value] of table) assert.equal(parseSessionExpiry(text), value);
    assert.throws(() => parseSessionExpiry('soon'), /not a number/);
    assert.throws(() => parseSessionExpiry('4294967296'), /out of range/);
  });
});

describe('-d trace lines (mosquitto wording, no credentials)', () => {
  test('packets', () => {
    const table: [Parameters<typeof describePacket>, string[]][] = [
      [['send', { cmd: 'connect' }, ''], ['Client (null) sending CONNECT']],
      [['receive', { cmd: 'connack', returnCode: 0 }, ''], ['Client (null) received CONNACK (0)']],
      [['send', { cmd: 'publish', messageId: 3, qos: 1, retain: true, dup: false, topic: 't', payload: Buffer.from('hello') }, 'id'], ["Client id sending PUBLISH (d0, q1, r1, m3, 't', ... (5 bytes))"]],
      [['receive', { cmd: 'puback', messageId: 3, reasonCode: 0 }, 'id'], ['Client id received PUBACK (Mid: 3, RC:0)']],
      [['send', { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/#', qos: 1 }, { topic: 'b', qos: 0, nl: true, rh: 2 }] }, 'id'],
        ['Client id sending SUBSCRIBE (Mid: 1, Topic: a/#, QoS: 1, Options: 0x00)', 'Client id sending SUBSCRIBE (Mid: 1, Topic: b, QoS: 0, Options: 0x24)']],
      [['receive', { cmd: 'disconnect', reasonCode: 142 }, 'id'], ['Received DISCONNECT (142)']],
    ];
    for (const [args, lines] of table) assert.deepEqual(describePacket(...args), lines);
  });
});

test('settingsReport redacts the password', () => {
  const rows = settingsReport(resolveConnection(input({ flags: { username: 'u', password: 'hunter2' } })));
  assert.deepEqual(rows.find((r) => r.key === 'password'), { key: 'password', value: '********', source: { kind: 'flag', flag: '-P' } });
  assert.ok(!JSON.stringify(rows).includes('hunter2'));
});

describe('the connection table: flags, flag layer and ps redaction come from one row per setting', () => {
  test('flagsLayer puts each parsed flag under its setting key; -P without a value is left to the prompt', () => {
    assert.deepEqual(flagsLayer({ host: 'h', pw: 's3', id: 'me', A: '10.0.0.1', tlsAlpn: 'mqtt', protocolVersion: '5', url: 'mqtt://x', ws: true }), {
      url: 'mqtt://x', ws: true, host: 'h', port: undefined, unix: undefined, username: undefined, password: 's3', clientId: 'me',
      idPrefix: undefined, keepalive: undefined, protocolVersion: '5', bindAddress: '10.0.0.1', nodelay: undefined, srv: undefined, proxy: undefined,
      connectTimeout: undefined, cafile: undefined, capath: undefined, cert: undefined, key: undefined, insecure: undefined,
      tlsVersion: undefined, ciphers: undefined, alpn: 'mqtt', servername: undefined, tlsKeylog: undefined, psk: undefined, pskIdentity: undefined,
      noTls: undefined,
    });
    assert.equal(flagsLayer({ pw: '' }).password, undefined);
  });
  test('every setting has a label, and the env names are the MQ_ names docs/configuration.md lists', () => {
    assert.deepEqual(SETTINGS.map((s) => [s.key, s.flag, s.env ?? null]), [
      ['host', '-h', 'MQ_HOST'], ['port', '-p', 'MQ_PORT'], ['transport', '-L/--ws', null], ['unix', '--unix', 'MQ_UNIX'],
      ['username', '-u', 'MQ_USERNAME'], ['password', '-P', 'MQ_PASSWORD'], ['clientId', '-i', 'MQ_CLIENT_ID'],
      ['idPrefix', '-I', 'MQ_ID_PREFIX'], ['keepalive', '-k', 'MQ_KEEPALIVE'], ['protocolVersion', '-V', 'MQ_PROTOCOL_VERSION'],
      ['bindAddress', '-A', null], ['nodelay', '--nodelay', null], ['srv', '-S', 'MQ_SRV'], ['proxy', '--proxy', 'MQ_PROXY'],
      ['connectTimeout', '--connect-timeout', 'MQ_CONNECT_TIMEOUT'], ['cafile', '--cafile', 'MQ_CAFILE'], ['capath', '--capath', 'MQ_CAPATH'],
      ['cert', '--cert', 'MQ_CERT'], ['key', '--key', 'MQ_KEY'], ['insecure', '--insecure', 'MQ_INSECURE'], ['tlsVersion', '--tls-version', null],
      ['ciphers', '--ciphers', null], ['alpn', '--tls-alpn', null], ['servername', '--servername', null], ['tlsKeylog', '--tls-keylog', null],
      ['psk', '--psk', 'MQ_PSK'], ['pskIdentity', '--psk-identity', 'MQ_PSK_IDENTITY'], ['topic', '-L', null],
    ]);
  });
  const commandLines: [string[], boolean][] = [
    [['pub', '-t', 't', '-m', 'x'], false],
    [['pub', '-P', 'secret', '-t', 't'], true],
    [['pub', '-Psecret'], true],
    [['pub', '--pw', 'secret'], true],
    [['pub', '--pw=secret'], true],
    [['pub', '-L', 'mqtt://alice:secret@host/t', '-m', 'x'], true],
    [['sub', '--url=mqtts://alice:secret@host:8883/t'], true],
    [['sub', '-L', 'mqtt://alice@host/t'], false],
    [['sub', '-L', 'mqtt://host:1883/t'], false],
    [['pub', '-t', 'a:b@c', '-m', 'x'], false],
    [['pub', '--password-file', 'pw.txt'], false],
    [['pub', '-p', '1883'], false],
    [['sub', '--psk', '1a2b3c', '--psk-identity', 'dev1', '-t', 't'], true],
    [['sub', '--psk=1a2b3c', '-t', 't'], true],
    [['sub', '--psk-identity', 'dev1', '-t', 't'], false],
  ];
  for (const [argv, hidden] of commandLines) {
    test(`${hidden ? 'hides' : 'shows'} mq ${argv.join(' ')}`, () => assert.equal(holdsSecret(argv), hidden));
  }
});

describe('rcCandidates: the files cosmiconfig would read, for the stat pass that skips loading it', () => {
  test('meta config in the cwd; every search place from the cwd up to HOME; then the global folder', () => {
    const { meta, search } = rcCandidates('/home/u/proj/sub', '/home/u', '/home/u/.config/mq');
    assert.deepEqual(meta.slice(0, 3), ['/home/u/proj/sub/package.json', '/home/u/proj/sub/package.yaml', '/home/u/proj/sub/.config/config.json']);
    const dirs = [...new Set(search.map((f) => f.replace(/\/(package\.json|\.mqrc.*|\.config\/mqrc.*|mq\.config\..*|config(\..*)?)$/, '')))];
    assert.deepEqual(dirs, ['/home/u/proj/sub', '/home/u/proj', '/home/u', '/home/u/.config/mq']);
    assert.equal(search.length, 3 * 15 + 8);
    assert.equal(search[0], '/home/u/proj/sub/package.json');
    assert.equal(search.at(-1), '/home/u/.config/mq/config.mjs');
  });
  test('outside HOME the search goes up to the root', () => {
    const { search } = rcCandidates('/srv/app', '/home/u', '/home/u/.config/mq');
    assert.deepEqual([...new Set(search.slice(0, -8).map((f) => path.dirname(f).replace(/\/\.config$/, '') || '/'))], ['/srv/app', '/srv', '/']);
  });
});
