import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import mqttPacket from 'mqtt-packet';
import { buildPasswordTable, decideLogin, type PasswordTable } from '../../src/broker/auth.ts';
import {
  connectedLine, disconnectedLine, formatAddress, printable, refusedLine, subscribedLine, timestamp,
  willLine, type ConnectInfo,
} from '../../src/broker/log.ts';
import { parseMosquittoConf } from '../../src/broker/mosquitto-conf.ts';
import { connackV3 } from '../../src/broker/packets.ts';
import { isLoopback, listenerUrl, parsePort, resolveBrokerSettings } from '../../src/broker/settings.ts';
import { checkStringsOf, isTopicName, isWellFormedMqttString, type MqttPacketParser } from '../../src/broker/strings.ts';
import { ConfigError, UsageError } from '../../src/errors.ts';
import { parsePasswordFile, toFileString } from '../../src/passwd/lines.ts';

// Known answers from mosquitto's test suite and the reference (password "test" for both).
const SHA512_TEST = '$6$njERlZMi/7DzNB9E$iiavfuXvUm8iyDZArTy7smTxh07GXXOrOsqxfW6gkOYVXHGk+W+i/8d3xDxrMwEPygEBhoA8A/gjQC0N2M4Lkw==';
const PBKDF2_TEST = '$7$101$AAECAwQFBgcICQoL$mgBlssWhuKbbsDyLVPe9d97XFx3ypLOHAsl3u+r3nEjPBdlHNVKLU0zo8aBhREGoXwJ+YU68Mh5/iP2FvHGLWg==';

describe('parsePort', () => {
  const ok: [string | number, number][] = [['1883', 1883], [8883, 8883], ['0', 0], [' 65535 ', 65535], ['1', 1]];
  for (const [input, expected] of ok) test(`accepts ${JSON.stringify(input)}`, () => assert.equal(parsePort(input, '-p'), expected));
  const bad = ['65536', '-1', 'abc', '', '1.5', '0x10', '18 83'];
  for (const input of bad) {
    test(`refuses ${JSON.stringify(input)}`, () => {
      assert.throws(() => parsePort(input, '--ws-port'), (e: unknown) =>
        e instanceof UsageError && e.message === `Invalid port "${input.trim()}" in --ws-port: use a number from 1 to 65535 (0 picks a free port).`);
    });
  }
});

describe('resolveBrokerSettings from flags', () => {
  test('defaults: 127.0.0.1:1883, anonymous on, quiet', () => {
    assert.deepEqual(resolveBrokerSettings({}), {
      listeners: [{ kind: 'mqtt', host: '127.0.0.1', port: 1883, origin: '-p' }],
      allowAnonymous: true,
      logTypes: [],
      limits: { maxPacketSize: 0, maxInflightMessages: 20, connectTimeoutMs: 10_000 },
    });
  });
  test('a password file turns anonymous access off unless --allow-anonymous', () => {
    assert.equal(resolveBrokerSettings({ passwordFile: 'pw' }).allowAnonymous, false);
    assert.equal(resolveBrokerSettings({ passwordFile: 'pw', allowAnonymous: true }).allowAnonymous, true);
    assert.equal(resolveBrokerSettings({ allowAnonymous: false }).allowAnonymous, false);
  });
  test('--cert/--key add a TLS listener on 8883; --cafile requires client certificates', () => {
    const s = resolveBrokerSettings({ host: '0.0.0.0', port: '1884', cert: 'c.pem', key: 'k.pem', cafile: 'ca.pem', wsPort: '9001', verbose: true });
    assert.deepEqual(s.listeners, [
      { kind: 'mqtt', host: '0.0.0.0', port: 1884, origin: '-p' },
      { kind: 'mqtts', host: '0.0.0.0', port: 8883, origin: '--tls-port', tls: { certFile: 'c.pem', keyFile: 'k.pem', caFile: 'ca.pem', requireCertificate: true } },
      { kind: 'ws', host: '0.0.0.0', port: 9001, origin: '--ws-port' },
    ]);
    assert.deepEqual(s.logTypes, ['error', 'warning', 'notice', 'information', 'subscribe', 'unsubscribe']);
    assert.deepEqual(resolveBrokerSettings({ cert: 'c', key: 'k', tlsPort: '1' }).listeners[1]!.tls, { certFile: 'c', keyFile: 'k', requireCertificate: false });
  });
  test('--host * and [::1] are normalized', () => {
    assert.equal(resolveBrokerSettings({ host: '*' }).listeners[0]!.host, undefined);
    assert.equal(resolveBrokerSettings({ host: '[::1]' }).listeners[0]!.host, '::1');
  });
  const errors: [string, Parameters<typeof resolveBrokerSettings>[0], string][] = [
    ['cert without key', { cert: 'c' }, '--cert needs --key: give both the server certificate and its private key.'],
    ['key without cert', { key: 'k' }, '--key needs --cert: give both the server certificate and its private key.'],
    ['tls-port without cert', { tlsPort: '8883' }, '--tls-port needs --cert and --key: the TLS listener needs a server certificate and its private key.'],
    ['cafile without cert', { cafile: 'ca' }, '--cafile needs --cert and --key: the TLS listener needs a server certificate and its private key.'],
    ['same port twice', { port: '1883', wsPort: '1883' }, '--ws-port and -p both ask for port 1883: give each listener its own port.'],
    ['empty host', { host: ' ' }, '--host is empty: give an address to listen on, e.g. 127.0.0.1 or 0.0.0.0.'],
  ];
  for (const [name, args, message] of errors) {
    test(`refuses ${name}`, () => {
      assert.throws(() => resolveBrokerSettings(args), (e: unknown) => e instanceof UsageError && e.message === message);
    });
  }
  test('port 0 may repeat (each listener gets its own free port)', () => {
    assert.equal(resolveBrokerSettings({ port: '0', wsPort: '0' }).listeners.length, 2);
  });
});

describe('resolveBrokerSettings with a mosquitto.conf', () => {
  const conf = (text: string) => parseMosquittoConf(text, 'm.conf');
  test('listeners come from the file; without allow_anonymous it refuses anonymous clients (mosquitto 2.0)', () => {
    const s = resolveBrokerSettings({}, conf('listener 1884 127.0.0.1\npassword_file pw\n'));
    assert.deepEqual(s, { listeners: [{ kind: 'mqtt', host: '127.0.0.1', port: 1884, origin: 'm.conf:1' }], passwordFile: 'pw', allowAnonymous: false, logTypes: [],
      limits: { maxPacketSize: 0, maxInflightMessages: 20, connectTimeoutMs: 10_000 } });
    assert.equal(resolveBrokerSettings({}, conf('listener 1884\n')).allowAnonymous, false);
    assert.equal(resolveBrokerSettings({}, conf('listener 1884\nallow_anonymous true\n')).allowAnonymous, true);
  });
  test('no listener: local-only default on 1883 with anonymous access on', () => {
    const s = resolveBrokerSettings({}, conf('# nothing\n'));
    assert.deepEqual(s.listeners, [{ kind: 'mqtt', host: '127.0.0.1', port: 1883, origin: 'm.conf (no listener: the default)' }]);
    assert.equal(s.allowAnonymous, true);
  });
  test('flags win for the password file and anonymous access', () => {
    const s = resolveBrokerSettings({ passwordFile: 'other', allowAnonymous: true }, conf('listener 1884\npassword_file pw\nallow_anonymous false\n'));
    assert.equal(s.passwordFile, 'other');
    assert.equal(s.allowAnonymous, true);
  });
  test("log_type lines turn logging on without -v; --log-type and -v add to them", () => {
    const file = conf('listener 1884\nlog_type error\nlog_type notice\n');
    assert.deepEqual(resolveBrokerSettings({}, file).logTypes, ['error', 'notice']);
    assert.deepEqual(resolveBrokerSettings({ logType: ['debug'] }, file).logTypes, ['error', 'notice', 'debug']);
    assert.deepEqual(resolveBrokerSettings({ logType: ['none', 'debug'] }, file).logTypes, ['debug']);
    assert.deepEqual(resolveBrokerSettings({ verbose: true }, file).logTypes, ['error', 'warning', 'notice', 'information', 'subscribe', 'unsubscribe']);
    assert.deepEqual(resolveBrokerSettings({ logType: ['all'] }).logTypes, ['error', 'warning', 'notice', 'information', 'subscribe', 'unsubscribe', 'debug']);
  });
  test('listener flags cannot be mixed with -c', () => {
    assert.throws(() => resolveBrokerSettings({ port: '1', wsPort: '2' }, conf('listener 1884\n')), (e: unknown) =>
      e instanceof UsageError && e.message === '-p, --ws-port cannot be combined with -c: the listeners come from m.conf. Edit its "listener" lines, or drop -c.');
  });
});

describe('limits: max_connections, max_packet_size, max_inflight_messages, connect timeout', () => {
  const conf = (text: string) => parseMosquittoConf(text, 'm.conf');
  const cases: [string, Parameters<typeof resolveBrokerSettings>[0], string | undefined, { limits: object; maxConnections: (number | undefined)[] }][] = [
    ['flags', { maxConnections: '5', maxPacketSize: '1024', maxInflightMessages: '0', connectTimeout: '2' }, undefined,
      { limits: { maxPacketSize: 1024, maxInflightMessages: 0, connectTimeoutMs: 2000 }, maxConnections: [5] }],
    ['-1 connections means no limit', { maxConnections: '-1' }, undefined,
      { limits: { maxPacketSize: 0, maxInflightMessages: 20, connectTimeoutMs: 10_000 }, maxConnections: [undefined] }],
    ['the file, max_connections per listener', {}, 'max_packet_size 2048\nmax_inflight_messages 5\nlistener 1884\nmax_connections 3\nlistener 1885\n',
      { limits: { maxPacketSize: 2048, maxInflightMessages: 5, connectTimeoutMs: 10_000 }, maxConnections: [3, undefined] }],
    ['flags win over the file', { maxConnections: '7', maxInflightMessages: '9' }, 'max_inflight_messages 5\nlistener 1884\nmax_connections 3\nlistener 1885\n',
      { limits: { maxPacketSize: 0, maxInflightMessages: 9, connectTimeoutMs: 10_000 }, maxConnections: [7, 7] }],
    ['max_connections -1 in the file', {}, 'listener 1884\nmax_connections -1\n',
      { limits: { maxPacketSize: 0, maxInflightMessages: 20, connectTimeoutMs: 10_000 }, maxConnections: [undefined] }],
  ];
  for (const [name, args, text, expected] of cases) {
    test(name, () => {
      const s = resolveBrokerSettings(args, text === undefined ? undefined : conf(text));
      assert.deepEqual({ limits: s.limits, maxConnections: s.listeners.map((l) => l.maxConnections) }, expected);
    });
  }
  const errors: [Parameters<typeof resolveBrokerSettings>[0], string][] = [
    [{ maxPacketSize: '10' }, 'Invalid value "10" for --max-packet-size: give a size in bytes, at least 20 (0 = no limit).'],
    [{ maxPacketSize: '1k' }, 'Invalid value "1k" for --max-packet-size: give a size in bytes, at least 20 (0 = no limit).'],
    [{ maxInflightMessages: '70000' }, 'Invalid value "70000" for --max-inflight-messages: give a number from 0 (no limit) to 65535.'],
    [{ maxConnections: '-2' }, 'Invalid value "-2" for --max-connections: give a number of connections (-1 = no limit).'],
    [{ connectTimeout: '0' }, 'Invalid value "0" for --connect-timeout: give a number of seconds from 1 to 3600.'],
  ];
  for (const [args, message] of errors) {
    test(`refuses ${JSON.stringify(args)}`, () => {
      assert.throws(() => resolveBrokerSettings(args), (e: unknown) => e instanceof UsageError && e.message === message);
    });
  }
  const confErrors: [string, string][] = [
    ['max_packet_size 5\n', 'm.conf:1: max_packet_size must be 0 (no limit) or at least 20 bytes, not 5.'],
    ['max_inflight_messages lots\n', 'm.conf:1: max_inflight_messages must be a whole number from 0 to 65535, not "lots".'],
    ['listener 1884\nmax_connections -5\n', 'm.conf:2: max_connections must be a whole number from -1 to 1000000, not "-5".'],
  ];
  for (const [text, message] of confErrors) {
    test(`the file: ${message}`, () => {
      assert.throws(() => conf(text), (e: unknown) => e instanceof ConfigError && e.message === message);
    });
  }
});

describe('parseMosquittoConf', () => {
  test('listeners with protocol, TLS files and the default listener from port', () => {
    const text = [
      '# mosquitto.conf',
      'port 1883',
      'persistence true',
      '',
      'listener 8883 127.0.0.1',
      'certfile /etc/tls/server.crt',
      'keyfile  /etc/tls/my key.pem',
      'cafile /etc/tls/ca.crt',
      'require_certificate true',
      'listener 9001',
      'protocol websockets',
      'allow_anonymous false',
      'password_file /etc/mosquitto/passwd',
      'log_dest stderr',
    ].join('\n');
    assert.deepEqual(parseMosquittoConf(text, 'm.conf'), {
      file: 'm.conf',
      listeners: [
        { kind: 'mqtt', port: 1883, origin: 'm.conf:2' },
        { kind: 'mqtts', host: '127.0.0.1', port: 8883, origin: 'm.conf:5', tls: { certFile: '/etc/tls/server.crt', keyFile: '/etc/tls/my key.pem', caFile: '/etc/tls/ca.crt', requireCertificate: true } },
        { kind: 'ws', port: 9001, origin: 'm.conf:10' },
      ],
      allowAnonymous: false,
      passwordFile: '/etc/mosquitto/passwd',
      logTypes: [],
      warnings: ['m.conf: mq broker ignores persistence (line 3), log_dest (line 14).'],
    });
  });
  test('websockets with TLS is wss; CRLF lines; bind_address', () => {
    const parsed = parseMosquittoConf('listener 8081\r\nprotocol websockets\r\ncertfile c\r\nkeyfile k\r\nbind_address ::1\r\n', 'w.conf');
    assert.deepEqual(parsed.listeners, [{ kind: 'wss', host: '::1', port: 8081, origin: 'w.conf:1', tls: { certFile: 'c', keyFile: 'k', requireCertificate: false } }]);
    assert.deepEqual(parsed.warnings, []);
  });
  test('log_type lines in order; websockets and internal are accepted and select nothing, as mq broker has no such lines', () => {
    const parsed = parseMosquittoConf('log_type error\nlog_type websockets\nlog_type none\nlog_type all\nlog_type internal\nlog_type subscribe  unsubscribe\n', 'l.conf');
    assert.deepEqual(parsed.logTypes, ['error', 'none', 'all', 'subscribe']);
    assert.deepEqual(parsed.warnings, ['l.conf:6: log_type takes one type; "unsubscribe" is ignored, as mosquitto does. Give each type a line of its own.']);
  });
  test('cafile on a plain listener is reported, not silently dropped', () => {
    assert.deepEqual(parseMosquittoConf('listener 1\ncafile ca\n', 'x').warnings, ['x:1: cafile is ignored on a listener without certfile and keyfile.']);
  });
  const errors: [string, string][] = [
    ['listener abc\n', 'm.conf:1: invalid port "abc": use a number from 1 to 65535.'],
    ['listener 70000\n', 'm.conf:1: invalid port "70000": use a number from 1 to 65535.'],
    ['listener\n', 'm.conf:1: "listener" needs a value.'],
    ['listener 0 /tmp/mqtt.sock\n', 'm.conf:1: unix socket listeners are not supported by mq broker; use a TCP port.'],
    ['allow_anonymous yes\n', 'm.conf:1: allow_anonymous must be true or false, not "yes".'],
    ['listener 1\nprotocol http\n', 'm.conf:2: protocol must be mqtt or websockets, not "http".'],
    ['listener 1\nlistener 1\n', 'm.conf:2: port 1 is already used by the listener on line 1.'],
    ['listener 1\ncertfile c\n', 'm.conf:1: the listener has certfile but no keyfile; TLS needs both.'],
    ['listener 1\ncertfile c\nkeyfile k\nrequire_certificate true\n', 'm.conf:1: require_certificate true needs a cafile to check client certificates against.'],
    ['log_type verbose\n', 'm.conf:1: invalid log_type "verbose": use none, error, warning, notice, information, subscribe, unsubscribe, debug or all.'],
    ['log_type\n', 'm.conf:1: "log_type" needs a value.'],
  ];
  for (const [text, message] of errors) {
    test(`refuses ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseMosquittoConf(text, 'm.conf'), (e: unknown) => e instanceof ConfigError && e.message === message);
    });
  }
});

describe('password table and login decisions (mosquitto 2.0 rules)', () => {
  const table = buildPasswordTable(parsePasswordFile(`# users\ntest:${SHA512_TEST}\nroger:${PBKDF2_TEST}\nplain:secret\ntest:${PBKDF2_TEST}\n`), 'pw');
  test('the table keeps the first entry and reports lines it cannot use', () => {
    assert.deepEqual([...table.users.keys()], ['test', 'roger', 'plain']);
    assert.deepEqual(table.warnings, [
      'pw:4: user "plain" has no $6$, $7$ or $argon2id$ hash, so cannot log in; set a password with mq passwd pw plain.',
      'pw:5: user "test" appears again; the first entry is used.',
    ]);
  });
  const pw = (text: string) => Buffer.from(text);
  const cases: [name: string, policy: { table?: PasswordTable; allowAnonymous: boolean }, username: string | undefined, password: string | undefined, expected: string][] = [
    ['$6$ right password', { table, allowAnonymous: false }, 'test', 'test', 'ok'],
    ['$6$ wrong password', { table, allowAnonymous: false }, 'test', 'Test', 'wrong password'],
    ['$7$ right password', { table, allowAnonymous: false }, 'roger', 'test', 'ok'],
    ['$7$ wrong password', { table, allowAnonymous: false }, 'roger', 'tes', 'wrong password'],
    ['plaintext entry never matches', { table, allowAnonymous: false }, 'plain', 'secret', 'wrong password'],
    ['unknown user', { table, allowAnonymous: false }, 'eve', 'test', 'unknown user'],
    ['unknown user even with anonymous access on', { table, allowAnonymous: true }, 'eve', 'test', 'unknown user'],
    ['user without password', { table, allowAnonymous: true }, 'test', undefined, 'no password given'],
    ['anonymous, access off', { table, allowAnonymous: false }, undefined, undefined, 'no username, and anonymous access is off'],
    ['anonymous, access on', { table, allowAnonymous: true }, undefined, undefined, 'ok'],
    ['no file, anonymous on: any username', { allowAnonymous: true }, 'anyone', 'x', 'ok'],
    ['no file, anonymous off', { allowAnonymous: false }, 'anyone', 'x', 'anonymous access is off and there is no password file'],
  ];
  for (const [name, policy, username, password, expected] of cases) {
    test(name, async () => {
      const decision = await decideLogin(policy, { username, password: password === undefined ? undefined : pw(password) });
      assert.equal(decision.ok ? 'ok' : decision.reason, expected);
    });
  }
  test('UTF-8 usernames match the bytes in the file', async () => {
    const utf8 = buildPasswordTable(parsePasswordFile(toFileString(`jürgen:${SHA512_TEST}\n`)), 'pw');
    assert.deepEqual(await decideLogin({ table: utf8, allowAnonymous: false }, { username: 'jürgen', password: pw('test') }), { ok: true });
  });
});

describe('-v log lines', () => {
  const info: ConnectInfo = { clientId: 'subber', address: '127.0.0.1:48854', protocolVersion: 4, clean: true, keepalive: 60, username: 'alice' };
  const lines: [string, string][] = [
    [connectedLine(info), "New client connected from 127.0.0.1:48854 as subber (p2, c1, k60, u'alice')."],
    [connectedLine({ ...info, protocolVersion: 3, clean: false, keepalive: 0, username: undefined }), 'New client connected from 127.0.0.1:48854 as subber (p1, c0, k0).'],
    [refusedLine({ ...info, clientId: '' }, 'wrong password', 5), "Client <unknown> from 127.0.0.1:48854 (p2, c1, k60, u'alice') refused, not authorised: wrong password (CONNACK 5)."],
    [refusedLine({ ...info, protocolVersion: 5 }, 'wrong password', 135), "Client subber from 127.0.0.1:48854 (p5, c1, k60, u'alice') refused, not authorised: wrong password (CONNACK 135)."],
    [willLine('c1', { topic: 'w', bytes: 3, qos: 1, retain: true }), "Will message specified by c1 (3 bytes) (r1, q1) on 'w'."],
    [disconnectedLine('c1', { kind: 'disconnect' }), 'Client c1 disconnected.'],
    [disconnectedLine('c1', { kind: 'closed' }), 'Client c1 closed its connection.'],
    [disconnectedLine('c1', { kind: 'timeout' }), 'Client c1 has exceeded timeout, disconnecting.'],
    [disconnectedLine('c1', { kind: 'error', message: 'read ECONNRESET' }), 'Socket error on client c1, disconnecting: read ECONNRESET.'],
    [disconnectedLine('c1', { kind: 'takeover' }), 'Client c1 already connected, closing old connection.'],
    [disconnectedLine('c1', { kind: 'revoked', reason: 'unknown user' }), 'Client c1 disconnected, not authorised: unknown user after the password file was reloaded.'],
    [disconnectedLine('c1', { kind: 'shutdown' }), 'Client c1 disconnected: the broker is shutting down.'],
    [subscribedLine('c1', 'a/#', 2), "Client c1 subscribed to 'a/#' (QoS 2)."],
    [printable('evil\nNew client connected\u0000'), 'evil\\x0aNew client connected\\x00'],
    [formatAddress('::ffff:127.0.0.1', 5000), '127.0.0.1:5000'],
    [formatAddress('::1', 5000), '[::1]:5000'],
    [formatAddress(undefined, undefined), 'unknown address'],
    [timestamp(1_795_698_149_999), '1795698149: '],
    [listenerUrl('ws', '::1', 9001), 'ws://[::1]:9001'],
    [listenerUrl('mqtts', undefined, 8883), 'mqtts://0.0.0.0:8883'],
  ];
  lines.forEach(([actual, expected], i) => test(`line ${i + 1}: ${expected}`, () => assert.equal(actual, expected)));
  test('isLoopback', () => {
    assert.deepEqual(['127.0.0.1', '127.1.2.3', '::1', 'localhost', '0.0.0.0', '::', undefined, '192.168.1.2'].map(isLoopback),
      [true, true, true, true, false, false, false, false]);
  });
});

describe('CONNACK bytes', () => {
  test('v3.1.1 identifier rejected', () => assert.deepEqual([...connackV3(2)], [0x20, 0x02, 0x00, 0x02]));
});

describe('MQTT strings [MQTT-1.5.3-1, 1.5.3-2]', () => {
  const bytes = (...values: number[]) => Buffer.from(values);
  test('well-formed UTF-8 without U+0000 passes, U+FFFD itself included', () => {
    for (const text of ['', 'a/b', 'ü€𝄞', '\uFFFD']) assert.equal(isWellFormedMqttString(Buffer.from(text)), true, text);
  });
  test('ill-formed UTF-8, surrogates, overlong forms and U+0000 do not', () => {
    for (const bad of [bytes(0xc3, 0x28), bytes(0xed, 0xa0, 0x80), bytes(0xc0, 0x80), bytes(0xff), bytes(0x61, 0x00), bytes(0xf0, 0x90, 0x80)]) {
      assert.equal(isWellFormedMqttString(bad), false, bad.toString('hex'));
    }
  });
  test('topic names: not empty, no wildcards', () => {
    assert.equal(isTopicName('a/b'), true);
    for (const bad of ['', '+', 'a/#', 'a/+/b']) assert.equal(isTopicName(bad), false, bad);
  });

  // mqtt-packet's private parser API is what checkStringsOf hooks: this fails if an update changes it.
  const parse = (frame: Buffer) => {
    const parser = mqttPacket.parser();
    const seen: { packets: string[]; illFormed: string[] } = { packets: [], illFormed: [] };
    checkStringsOf(parser as unknown as MqttPacketParser, (error) => seen.illFormed.push(error.message));
    parser.on('packet', (packet: { topic?: string }) => seen.packets.push(packet.topic ?? ''));
    parser.parse(frame);
    return seen;
  };
  const publish = (topic: Buffer) => Buffer.concat([bytes(0x30, topic.length + 3, 0, topic.length), topic, bytes(0x78)]);
  test('a parser with checkStringsOf emits a PUBLISH with a good topic, and stops at a bad one', () => {
    assert.deepEqual(parse(publish(Buffer.from('a/ü'))), { packets: ['a/ü'], illFormed: [] });
    assert.deepEqual(parse(publish(bytes(0x61, 0xed, 0xa0, 0x80))), { packets: [], illFormed: ['a string is not well-formed UTF-8 or holds U+0000'] });
  });
  test('the packet after a bad one in the same read is not emitted either', () => {
    const seen = parse(Buffer.concat([publish(bytes(0x61, 0x00)), publish(Buffer.from('next'))]));
    assert.deepEqual(seen, { packets: [], illFormed: ['a string is not well-formed UTF-8 or holds U+0000'] });
  });
});
