/**
 * mosquitto 2.1 client options mq adds: TLS-PSK, --no-tls, -S (SRV), mosquitto's default options
 * file as a layer of its own. Pure parts as tables.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConnection, type ResolveInput } from '../../src/connection/resolve.ts';
import { clientOptions } from '../../src/connection/session.ts';
import { pskBytes } from '../../src/connection/settings.ts';
import { toMqError } from '../../src/connection/errors.ts';
import { applySrv, chooseSrv, srvQuery, type SrvRecord } from '../../src/connection/srv.ts';
import {
  defaultOptionsFilePath, defaultWords, insertAfterCommand, parseOptionLines, readDefaultOptions, splitDefaultOptions,
} from '../../src/connection/options-file.ts';
import { describeSource, settingsReport } from '../../src/connection/report.ts';
import { ConnectionError, TlsError } from '../../src/errors.ts';
import { parsePskFile } from '../../src/broker/psk.ts';
import { resolveBrokerSettings } from '../../src/broker/settings.ts';

const input = (over: Partial<ResolveInput> = {}): ResolveInput => ({ flags: {}, env: {}, ...over });
const FILE = '/home/u/.config/mosquitto_sub';

describe('TLS-PSK', () => {
  test('--psk turns TLS on (port 8883) and needs --psk-identity; the key is hex', () => {
    const { settings, sources } = resolveConnection(input({ flags: { psk: 'DEADbeef', pskIdentity: 'dev1' } }));
    assert.deepEqual([settings.transport, settings.port, settings.psk, settings.pskIdentity], ['mqtts', 8883, 'DEADbeef', 'dev1']);
    assert.deepEqual(sources.transport, { kind: 'flag', flag: '--psk' });
    assert.throws(() => resolveConnection(input({ flags: { psk: 'abcd' } })), /--psk-identity is required with --psk/);
    assert.throws(() => resolveConnection(input({ flags: { psk: 'xyz', pskIdentity: 'a' } })), /Invalid pre-shared key in --psk: give it as hex digits/);
    assert.throws(() => resolveConnection(input({ env: { psk: '12 34', pskIdentity: 'a' } })), /Invalid pre-shared key in MQ_PSK/);
    assert.throws(() => resolveConnection(input({ flags: { psk: 'a'.repeat(1026), pskIdentity: 'a' } })), /too long: at most 512 bytes/);
  });
  test('a PSK with a CA is refused, as in mosquitto; the message says where a non-flag value came from', () => {
    assert.throws(() => resolveConnection(input({ flags: { psk: 'ab', pskIdentity: 'a', cafile: 'ca.pem' } })),
      { message: 'Only one of --psk or --cafile/--capath may be used at once.' });
    assert.throws(() => resolveConnection(input({ flags: { psk: 'ab', pskIdentity: 'a' }, rc: { layer: { capath: '/etc/ssl' }, file: '/p/.mqrc' } })),
      { message: 'Only one of --psk or --cafile/--capath may be used at once (--capath comes from /p/.mqrc).' });
  });
  test('the key is read as mosquitto reads it: an odd number of digits gets a leading 0', () => {
    assert.deepEqual([...pskBytes('0a0b')], [0x0a, 0x0b]);
    assert.deepEqual([...pskBytes('abc')], [0x0a, 0xbc]);
    assert.deepEqual([...pskBytes('00ff')], [0x00, 0xff]);
  });
  test('the MQTT.js options carry a pskCallback with key and identity, PSK ciphers unless --ciphers says otherwise', () => {
    const { settings } = resolveConnection(input({ flags: { psk: '1a2b', pskIdentity: 'dev1', host: '127.0.0.1' } }));
    const options = clientOptions(settings, { clientId: '', clean: true, properties: {} }) as Record<string, unknown>;
    const callback = options.pskCallback as () => { psk: Buffer; identity: string };
    assert.deepEqual(callback(), { psk: Buffer.from([0x1a, 0x2b]), identity: 'dev1' });
    assert.equal(options.ciphers, 'PSK');
    const own = resolveConnection(input({ flags: { psk: '1a2b', pskIdentity: 'dev1', ciphers: 'PSK-AES128-CBC-SHA' } }));
    assert.equal((clientOptions(own.settings, { clientId: '', clean: true, properties: {} }) as Record<string, unknown>).ciphers, 'PSK-AES128-CBC-SHA');
  });
  test('the key is redacted in mq config; a refused handshake is a TLS error (exit 8) in plain words', () => {
    const resolved = resolveConnection(input({ env: { psk: '1a2b', pskIdentity: 'dev1' } }));
    assert.deepEqual(settingsReport(resolved).filter((r) => r.key.startsWith('psk')).map((r) => [r.key, r.value, describeSource(r.source)]),
      [['psk', '********', 'env MQ_PSK'], ['pskIdentity', 'dev1', 'env MQ_PSK_IDENTITY']]);
    const error = toMqError(Object.assign(new Error('C0:error:0A000417:SSL routines:ssl3_read_bytes:sslv3 alert illegal parameter:../ssl/record/rec_layer_s3.c:1601:SSL alert number 47'),
      { code: 'ERR_SSL_SSLV3_ALERT_ILLEGAL_PARAMETER' }), resolved.settings);
    assert.ok(error instanceof TlsError);
    assert.equal(error.exitCode, 8);
    assert.equal(error.message, 'TLS-PSK: the handshake with localhost:8883 failed: the broker does not know the identity "dev1" or holds another key for it (TLS alert: illegal parameter).');
  });
});

describe('--no-tls', () => {
  const cases: [string, Partial<ResolveInput>, string, number][] = [
    ['a CA from the rc file', { rc: { layer: { cafile: 'ca.pem' }, file: '/p/.mqrc' } }, 'mqtt', 1883],
    ['an mqtts:// URL from MQ_URL', { env: { url: 'mqtts://b.example' } }, 'mqtt', 1883],
    ['port 8883 given', { flags: { port: '8883' } }, 'mqtt', 8883],
    ['a wss:// URL', { flags: { url: 'wss://b.example:443' } }, 'ws', 443],
    ['a PSK (no identity needed then)', { env: { psk: 'abcd' } }, 'mqtt', 1883],
  ];
  for (const [what, over, transport, port] of cases) {
    test(`undoes TLS from ${what}`, () => {
      const resolved = resolveConnection(input({ ...over, flags: { ...over.flags, noTls: true } }));
      assert.deepEqual([resolved.settings.transport, resolved.settings.port, resolved.sources.transport], [transport, port, { kind: 'flag', flag: '--no-tls' }]);
    });
  }
  test('in the options file it undoes TLS turned on there too', () => {
    const resolved = resolveConnection(input({ optionsFile: { layer: { cafile: 'ca.pem', noTls: true }, file: FILE } }));
    assert.deepEqual([resolved.settings.transport, resolved.sources.transport], ['mqtt', { kind: 'options-file', file: FILE }]);
  });
});

describe('mosquitto\'s default options file', () => {
  test('where: $XDG_CONFIG_HOME/mosquitto_<client>, else $HOME/.config/mosquitto_<client>', () => {
    assert.equal(defaultOptionsFilePath('sub', { XDG_CONFIG_HOME: '/x', HOME: '/h' }), '/x/mosquitto_sub');
    assert.equal(defaultOptionsFilePath('pub', { HOME: '/h' }), '/h/.config/mosquitto_pub');
    assert.equal(defaultOptionsFilePath('rr', { XDG_CONFIG_HOME: '', HOME: '/h' }), '/h/.config/mosquitto_rr');
    assert.equal(defaultOptionsFilePath('rr', {}), undefined);
  });
  test('connection settings make a layer; everything else goes before the command line', () => {
    const lines = parseOptionLines('# defaults\n-h broker.example\n--port 1999\n-v\n-t a/b\n--insecure\n-L mqtt://u@c.example/t\n--no-tls\n-c\n-q 1\n--psk abcd\n');
    assert.deepEqual(splitDefaultOptions(lines, FILE), {
      file: FILE,
      layer: { host: 'broker.example', port: '1999', insecure: true, url: 'mqtt://u@c.example/t', noTls: true, psk: 'abcd' },
      lines: [{ option: '-v' }, { option: '-t', value: 'a/b' }, { option: '-c' }, { option: '-q', value: '1' }],
    });
    assert.throws(() => splitDefaultOptions(parseOptionLines('-h\n'), FILE), { message: `${FILE}: -h needs a value on the same line (-h VALUE).` });
  });
  test('its layer sits below MQ_* and the rc file, above the defaults; its values name the file', () => {
    const optionsFile = { layer: { host: 'file.example', port: '1999', keepalive: '30', username: 'fu' }, file: FILE };
    const resolved = resolveConnection(input({ env: { host: 'env.example' }, rc: { layer: { port: 1998 }, file: '/p/.mqrc' }, optionsFile }));
    assert.deepEqual([resolved.settings.host, resolved.settings.port, resolved.settings.keepalive, resolved.settings.username], ['env.example', 1998, 30, 'fu']);
    assert.deepEqual([resolved.sources.keepalive, resolved.sources.username], [{ kind: 'options-file', file: FILE }, { kind: 'options-file', file: FILE }]);
    assert.equal(describeSource(resolved.sources.keepalive!), `options file ${FILE}`);
    assert.throws(() => resolveConnection(input({ optionsFile: { layer: { keepalive: '2' }, file: FILE } })), /Invalid keepalive "2" in \/home\/u\/.config\/mosquitto_sub \(-k\)/);
  });
  test('reading: a missing file is none; MQ_NO_MOSQUITTO_DEFAULTS skips it; an unreadable one is an error', async () => {
    const env = { HOME: '/h' };
    const missing = async () => { throw Object.assign(new Error('no'), { code: 'ENOENT' }); };
    assert.equal(await readDefaultOptions('sub', env, missing), undefined);
    assert.deepEqual(await readDefaultOptions('sub', env, async () => '-t x\n'), { file: '/h/.config/mosquitto_sub', layer: {}, lines: [{ option: '-t', value: 'x' }] });
    assert.equal(await readDefaultOptions('sub', { ...env, MQ_NO_MOSQUITTO_DEFAULTS: '1' }, async () => '-t x\n'), undefined);
    await assert.rejects(readDefaultOptions('sub', env, async () => { throw Object.assign(new Error('no'), { code: 'EACCES' }); }),
      { message: "Cannot read mosquitto's options file /h/.config/mosquitto_sub: EACCES. MQ_NO_MOSQUITTO_DEFAULTS=1 skips it." });
  });
  test("mosquitto's semantics: a repeatable option adds (sub's -t, -T, -U; -D), any other the command line gives again replaces the file's", () => {
    const lines = parseOptionLines('-t file/a\n-q 1\n-v\n-T file/x\n-m from file\n');
    assert.deepEqual(defaultWords(lines, ['sub', '-t', 'cli', '--qos=2', '--filter-out', 'y'], 'sub'), ['-t', 'file/a', '-v', '-T', 'file/x', '-m', 'from file']);
    assert.deepEqual(defaultWords(lines, ['pub', '--topic', 'cli', '-q', '0', '-m', 'x'], 'pub'), ['-v', '-T', 'file/x']);
    assert.deepEqual(defaultWords(lines, ['pub'], 'pub'), ['-t', 'file/a', '-q', '1', '-v', '-T', 'file/x', '-m', 'from file']);
  });
  test('its words go right after the command', () => {
    assert.deepEqual(insertAfterCommand(['sub', '-t', 'cli'], ['-t', 'file', '-v']), ['sub', '-t', 'file', '-v', '-t', 'cli']);
    assert.deepEqual(insertAfterCommand(['--quiet', 'pub', '-m', 'x'], ['-q', '1']), ['--quiet', 'pub', '-q', '1', '-m', 'x']);
  });
});

describe('-S: SRV lookup', () => {
  test('the query: _secure-mqtt with TLS, else _mqtt', () => {
    assert.equal(srvQuery({ host: 'example.com', transport: 'mqtt' }), '_mqtt._tcp.example.com');
    assert.equal(srvQuery({ host: 'example.com.', transport: 'mqtts' }), '_secure-mqtt._tcp.example.com');
    assert.equal(srvQuery({ host: 'example.com', transport: 'wss' }), '_secure-mqtt._tcp.example.com');
  });
  const r = (name: string, priority: number, weight: number): SrvRecord => ({ name, port: 1883, priority, weight });
  test('RFC 2782: the lowest priority; weight 0 first in the running sum; the first whose sum reaches the pick', () => {
    const records = [r('backup', 20, 100), r('a', 10, 60), r('b', 10, 20), r('zero', 10, 0)];
    // Order within priority 10: zero (0), a (60), b (80); the pick is floor(random * 81).
    const pick = (random: number) => chooseSrv(records, () => random)?.name;
    assert.equal(pick(0), 'zero');
    assert.equal(pick(1.5 / 81), 'a');
    assert.equal(pick(60 / 81), 'a');
    assert.equal(pick(61 / 81), 'b');
    assert.equal(pick(0.999), 'b');
    assert.equal(chooseSrv([r('only', 5, 0)])?.name, 'only');
    assert.equal(chooseSrv([]), undefined);
  });
  test('the weights share the choices out as RFC 2782 says: picks 0..sum, so 3:1 weights give 4 of 5 and 1 of 5', () => {
    const counts: Record<string, number> = { a: 0, b: 0 };
    for (let i = 0; i < 5000; i++) counts[chooseSrv([r('a', 1, 3), r('b', 1, 1)], () => i / 5000)!.name]! += 1;
    assert.deepEqual(counts, { a: 4000, b: 1000 });
  });
  test('the chosen target replaces host and port, with the query as their source; no record is one line naming the query', async () => {
    const resolved = resolveConnection(input({ flags: { host: 'example.com', srv: true } }));
    await applySrv(resolved, async () => [{ name: 'mqtt1.example.com.', port: 1999, priority: 0, weight: 0 }]);
    assert.deepEqual([resolved.settings.host, resolved.settings.port, resolved.sources.host], ['mqtt1.example.com', 1999, { kind: 'srv', query: '_mqtt._tcp.example.com' }]);
    const none = resolveConnection(input({ flags: { host: 'example.com', srv: true, cafile: 'ca.pem' } }));
    const nodata = async () => { throw Object.assign(new Error('queryNoData'), { code: 'ENODATA' }); };
    await assert.rejects(applySrv(none, nodata), (error: unknown) => error instanceof ConnectionError && error.exitCode === 1 &&
      error.message === '-S: no SRV record for _secure-mqtt._tcp.example.com.');
    await assert.rejects(applySrv(none, async () => [{ name: '.', port: 0, priority: 0, weight: 0 }]),
      { message: '-S: its record says the service is not offered there for _secure-mqtt._tcp.example.com.' });
  });
});

describe('mq broker --psk-file', () => {
  test("mosquitto's psk_file: identity:hexkey per line, # comments; a bad line is named", () => {
    const table = parsePskFile('# keys\ndev1:00c0ffee\n\nother:abc\n', 'psk.txt');
    assert.deepEqual([...table].map(([id, key]) => [id, key.toString('hex')]), [['dev1', '00c0ffee'], ['other', '0abc']]);
    assert.throws(() => parsePskFile('dev1:00c0ffee\nnokey\n', 'psk.txt'), { message: "psk.txt:2: expected identity:key with the key in hex digits, as in mosquitto's psk_file." });
    assert.throws(() => parsePskFile('dev1:xyz\n', 'psk.txt'), /psk.txt:1:/);
  });
  test('a PSK-only TLS listener on --tls-port, or PSK beside the certificate; --psk-hint needs the file', () => {
    const alone = resolveBrokerSettings({ pskFile: 'psk.txt', pskHint: 'h', tlsPort: '18883' });
    assert.deepEqual(alone.listeners.map((l) => [l.kind, l.port, l.psk, l.tls]), [['mqtt', 1883, undefined, undefined], ['mqtts', 18883, { file: 'psk.txt', hint: 'h' }, undefined]]);
    const both = resolveBrokerSettings({ pskFile: 'psk.txt', cert: 'c.pem', key: 'k.pem' });
    assert.deepEqual(both.listeners.map((l) => [l.kind, l.port, l.psk?.file, l.tls?.certFile]), [['mqtt', 1883, undefined, undefined], ['mqtts', 8883, 'psk.txt', 'c.pem']]);
    assert.throws(() => resolveBrokerSettings({ pskHint: 'h' }), { message: '--psk-hint needs --psk-file: the hint names the keys of that file.' });
  });
});
