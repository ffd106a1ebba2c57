// Default, -v, -N, --encoding, colour and --json output as exact bytes (default/-v/-N checked
// against mosquitto_sub 2.0.11: an empty payload prints nothing, or `topic (null)` with -v).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Chalk } from 'chalk';
import { createFormatter, type OutputOptions } from '../../src/output/format.js';
import { receivedNow, type ReceivedMessage } from '../../src/output/message.js';

const T = Date.UTC(2026, 10, 25, 20, 39, 39) + 906.873;

function message(overrides: Partial<ReceivedMessage> = {}): ReceivedMessage {
  return { topic: 't/a', payload: Buffer.from('hello'), qos: 0, retain: false, dup: false, mid: 0, receivedAt: T, ...overrides };
}

const plain: OutputOptions = { verbose: false, eol: true, pretty: false, json: false };

function out(options: Partial<OutputOptions>, msg: ReceivedMessage): Buffer {
  return createFormatter({ ...plain, ...options })(msg);
}

const binary = Buffer.from([0x61, 0x00, 0x62, 0xff, 0x0a]);

describe('default, -v and -N', () => {
  const cases: Array<[string, Partial<OutputOptions>, Partial<ReceivedMessage>, Buffer]> = [
    ['default', {}, {}, Buffer.from('hello\n')],
    ['default, empty payload prints nothing', {}, { payload: Buffer.alloc(0) }, Buffer.alloc(0)],
    ['default -N', { eol: false }, {}, Buffer.from('hello')],
    ['default -N, empty', { eol: false }, { payload: Buffer.alloc(0) }, Buffer.alloc(0)],
    ['default, binary kept', {}, { payload: binary }, Buffer.concat([binary, Buffer.from('\n')])],
    ['default, multi-line', {}, { payload: Buffer.from('a\nb\n') }, Buffer.from('a\nb\n\n')],
    ['-v', { verbose: true }, {}, Buffer.from('t/a hello\n')],
    ['-v, empty payload', { verbose: true }, { payload: Buffer.alloc(0) }, Buffer.from('t/a (null)\n')],
    ['-v -N', { verbose: true, eol: false }, {}, Buffer.from('t/a hello')],
    ['-v -N, empty prints nothing', { verbose: true, eol: false }, { payload: Buffer.alloc(0) }, Buffer.alloc(0)],
    ['-v, binary (published with -s: a\\0b\\n)', { verbose: true }, { topic: 't/a', payload: Buffer.from('a\0b\n', 'latin1') }, Buffer.from('t/a a\0b\n\n', 'latin1')],
    ['-v, UTF-8 topic', { verbose: true }, { topic: 'capteurs/température', payload: Buffer.from('21°') }, Buffer.from('capteurs/température 21°\n')],
    ['-v, topic with spaces', { verbose: true }, { topic: 'a b/c' }, Buffer.from('a b/c hello\n')],
    ['-F overrides -v', { verbose: true, format: '%p' }, {}, Buffer.from('hello\n')],
    ['--pretty alone changes nothing', { verbose: true, pretty: true }, {}, Buffer.from('t/a hello\n')],
  ];
  for (const [name, options, overrides, expected] of cases) {
    test(name, () => assert.deepEqual(out(options, message(overrides)), expected));
  }
});

describe('--encoding', () => {
  const cases: Array<[string, Partial<OutputOptions>, Partial<ReceivedMessage>, string]> = [
    ['hex', { encoding: 'hex' }, { payload: binary }, '610062ff0a\n'],
    ['base64', { encoding: 'base64' }, { payload: binary }, 'YQBi/wo=\n'],
    ['hex -v', { encoding: 'hex', verbose: true }, { payload: binary }, 't/a 610062ff0a\n'],
    ['base64 -v -N', { encoding: 'base64', verbose: true, eol: false }, { payload: binary }, 't/a YQBi/wo='],
    ['hex of text', { encoding: 'hex' }, {}, '68656c6c6f\n'],
    ['empty, default: nothing', { encoding: 'hex' }, { payload: Buffer.alloc(0) }, ''],
    ['empty, -v: (null)', { encoding: 'base64', verbose: true }, { payload: Buffer.alloc(0) }, 't/a (null)\n'],
  ];
  for (const [name, options, overrides, expected] of cases) {
    test(name, () => assert.equal(out(options, message(overrides)).toString('latin1'), expected));
  }
  test('-F ignores --encoding', () => assert.equal(out({ encoding: 'hex', format: '%p' }, message()).toString(), 'hello\n'));
});

describe('colour', () => {
  const color = new Chalk({ level: 1 });
  test('-v: the topic is cyan, the payload untouched', () => {
    assert.equal(out({ verbose: true, color }, message()).toString(), '\x1b[36mt/a\x1b[39m hello\n');
  });
  test('-v: (null) is dim', () => {
    assert.equal(out({ verbose: true, color }, message({ payload: Buffer.alloc(0) })).toString(), '\x1b[36mt/a\x1b[39m \x1b[2m(null)\x1b[22m\n');
  });
  test('binary payload bytes are not altered by colour', () => {
    assert.deepEqual(out({ verbose: true, color, eol: false }, message({ payload: binary })), Buffer.concat([Buffer.from('\x1b[36mt/a\x1b[39m '), binary]));
  });
  test('a colour instance at level 0 prints no ANSI', () => {
    assert.equal(out({ verbose: true, color: new Chalk({ level: 0 }) }, message()).toString(), 't/a hello\n');
  });
  test('default mode, -F and --json never carry ANSI', () => {
    assert.equal(out({ color }, message()).toString(), 'hello\n');
    assert.equal(out({ color, format: '%t %p' }, message()).toString(), 't/a hello\n');
    assert.doesNotMatch(out({ color, json: true }, message()).toString(), /\x1b/);
  });
});

describe('--json (NDJSON)', () => {
  const received = '2026-11-25T20:39:39.906Z';
  const json = (msg: ReceivedMessage, options: Partial<OutputOptions> = {}) => out({ json: true, ...options }, msg).toString('utf8');

  test('a text message: field order, one line, newline-terminated', () => {
    assert.equal(json(message()), `{"topic":"t/a","payload":"hello","qos":0,"retain":false,"dup":false,"mid":0,"received":"${received}"}\n`);
  });
  test('QoS 2, retained, dup, mid', () => {
    assert.equal(
      json(message({ qos: 2, retain: true, dup: true, mid: 65535 })),
      `{"topic":"t/a","payload":"hello","qos":2,"retain":true,"dup":true,"mid":65535,"received":"${received}"}\n`,
    );
  });
  test('invalid UTF-8 is base64 with "encoding":"base64", losslessly', () => {
    const line = json(message({ payload: binary }));
    assert.equal(line, `{"topic":"t/a","payload":"YQBi/wo=","encoding":"base64","qos":0,"retain":false,"dup":false,"mid":0,"received":"${received}"}\n`);
    const parsed = JSON.parse(line);
    assert.deepEqual(Buffer.from(parsed.payload, 'base64'), binary);
  });
  test('valid UTF-8 with NUL, control characters, quotes and newlines round-trips as text', () => {
    const text = 'a\u0000b\n"c"\\\t\u001f é ✓ \u{1f600}';
    const line = json(message({ payload: Buffer.from(text, 'utf8') }));
    assert.equal(line.split('\n').length, 2, 'one line');
    const parsed = JSON.parse(line);
    assert.equal(parsed.payload, text);
    assert.equal(parsed.encoding, undefined);
  });
  test('a UTF-8 BOM is kept', () => {
    assert.equal(JSON.parse(json(message({ payload: Buffer.from([0xef, 0xbb, 0xbf, 0x78]) }))).payload, '\ufeffx');
  });
  test('empty payload is an empty string', () => {
    assert.equal(JSON.parse(json(message({ payload: Buffer.alloc(0) }))).payload, '');
  });
  test('v5 properties', () => {
    const properties = {
      payloadFormatIndicator: true,
      messageExpiryInterval: 60,
      topicAlias: 2,
      contentType: 'application/json',
      responseTopic: 'reply/to',
      correlationData: Buffer.from('req-1'),
      subscriptionIdentifier: 7,
      userProperties: { a: '1', b: ['2', '3'] },
    };
    assert.equal(
      json(message({ properties })),
      `{"topic":"t/a","payload":"hello","qos":0,"retain":false,"dup":false,"mid":0,"received":"${received}","properties":` +
        '{"payloadFormatIndicator":1,"messageExpiryInterval":60,"topicAlias":2,"contentType":"application/json","responseTopic":"reply/to",' +
        '"correlationData":"req-1","subscriptionIdentifier":7,"userProperties":{"a":"1","b":["2","3"]}}}\n',
    );
  });
  test('binary correlation data is base64; several subscription identifiers are an array', () => {
    const parsed = JSON.parse(json(message({ properties: { correlationData: Buffer.from([0xff, 0x00]), subscriptionIdentifier: [1, 2] } })));
    assert.deepEqual(parsed.properties, { correlationData: '/wA=', correlationDataEncoding: 'base64', subscriptionIdentifier: [1, 2] });
  });
  test('--json ignores -N, -F, -v and --encoding (it is always one object per line)', () => {
    assert.equal(json(message(), { eol: false, format: '%t', verbose: true, encoding: 'hex' }), json(message()));
  });
});

describe('receivedNow', () => {
  test('is within a few ms of Date.now() and carries a sub-millisecond part', () => {
    const values = Array.from({ length: 2000 }, () => {
      const before = Date.now();
      const now = receivedNow();
      const after = Date.now();
      assert.ok(now >= before - 2 && now <= after + 2, `${before} <= ${now} <= ${after}`);
      return now;
    });
    assert.ok(values.some((v) => !Number.isInteger(v)), 'some values have a fraction');
    for (let i = 1; i < values.length; i++) assert.ok(values[i]! >= values[i - 1]! - 2, 'roughly monotonic');
  });
  test('feeds @N and %U with microsecond digits', () => {
    const f = createFormatter({ ...plain, format: '@N %U', timezone: 'utc' });
    const text = f(message({ receivedAt: 1795639179000.123 })).toString();
    assert.equal(text, '000123000 1795639179.000123000\n');
  });
});
