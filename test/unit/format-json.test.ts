// %j, %J and --pretty: field order, cJSON escaping and re-serialisation, tab layout, 2.1 shapes.
// Byte expectations were checked against mosquitto_sub 2.0.11 + cJSON 1.7.15, with 2.1's
// changes applied: `tst` without the stray Z, retain true/false, user properties as an array.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createFormatter } from '../../src/output/format.js';
import type { ReceivedMessage } from '../../src/output/message.js';
import { parseCJson, writeCJson } from '../../src/output/cjson.js';
import { ByteWriter } from '../../src/output/bytes.js';

const T = Date.UTC(2026, 10, 25, 20, 39, 39) + 906.873;
const TST = '2026-11-25T20:39:39.906873+0000';

function message(overrides: Partial<ReceivedMessage> = {}): ReceivedMessage {
  return { topic: 't/a', payload: Buffer.from('hi'), qos: 0, retain: false, dup: false, mid: 0, receivedAt: T, ...overrides };
}

function render(format: string, msg: ReceivedMessage, pretty = false) {
  const errors: string[] = [];
  const out = createFormatter({ verbose: false, eol: true, format, pretty, json: false, timezone: 'utc', onError: (m) => errors.push(m) })(msg);
  return { text: out.toString('latin1'), out, errors };
}

describe('%j', () => {
  test('key order and compact layout, QoS 0 (no mid)', () => {
    assert.equal(render('%j', message()).text, `{"tst":"${TST}","topic":"t/a","qos":0,"retain":false,"payloadlen":2,"payload":"hi"}\n`);
  });
  test('QoS 1 adds mid, retained is true', () => {
    assert.equal(
      render('%j', message({ qos: 1, mid: 7, retain: true })).text,
      `{"tst":"${TST}","topic":"t/a","qos":1,"retain":true,"payloadlen":2,"mid":7,"payload":"hi"}\n`,
    );
  });
  test('empty payload is null', () => {
    assert.equal(render('%j', message({ payload: Buffer.alloc(0) })).text, `{"tst":"${TST}","topic":"t/a","qos":0,"retain":false,"payloadlen":0,"payload":null}\n`);
  });
  test('cJSON escaping: \\b \\f \\n \\r \\t \\" \\\\, \\u00xx below 0x20, DEL / 0xff / "/" raw, cut at NUL', () => {
    const payload = Buffer.from([0x61, 0x08, 0x0c, 0x1f, 0x7f, 0xff, 0x0d, 0x0a, 0x2f, 0x22, 0x5c, 0x09, 0x01, 0x00, 0x7a, 0x7a]);
    const { out } = render('%j', message({ payload }));
    const expected = Buffer.concat([
      Buffer.from(`{"tst":"${TST}","topic":"t/a","qos":0,"retain":false,"payloadlen":16,"payload":"a\\b\\f\\u001f`),
      Buffer.from([0x7f, 0xff]),
      Buffer.from('\\r\\n/\\"\\\\\\t\\u0001"}\n'),
    ]);
    assert.deepEqual(out, expected);
  });
  test('the topic is escaped the same way', () => {
    assert.match(render('%j', message({ topic: 'a"b\\c\td' })).text, /"topic":"a\\"b\\\\c\\td"/);
  });
  test('multi-line UTF-8 payload', () => {
    assert.match(render('%j', message({ payload: Buffer.from('é\nü') })).out.toString('utf8'), /"payload":"é\\nü"}\n$/);
  });
  test('v5 properties in received order, 2.1 shapes', () => {
    const properties = {
      subscriptionIdentifier: [5, 9],
      userProperties: { k1: ['v1', 'v2'], k2: 'v3' },
      contentType: 'text/plain',
      correlationData: Buffer.from([0x63, 0x6f, 0x22, 0x00, 0x72]),
      responseTopic: 'reply/here',
      payloadFormatIndicator: true,
      messageExpiryInterval: 4294967295,
      topicAlias: 4,
    };
    assert.equal(
      render('%j', message({ properties })).text,
      `{"tst":"${TST}","topic":"t/a","qos":0,"retain":false,"payloadlen":2,"properties":{` +
        '"subscription-identifier":5,"subscription-identifier":9,' +
        '"user-properties":[{"k1":"v1"},{"k1":"v2"},{"k2":"v3"}],' +
        '"content-type":"text/plain","correlation-data":"co\\"","response-topic":"reply/here",' +
        '"payload-format-indicator":1,"message-expiry-interval":4294967295,"topic-alias":4' +
        '},"payload":"hi"}\n',
    );
  });
  test('no properties object when the message has none', () => {
    assert.doesNotMatch(render('%j', message({ properties: {} })).text, /properties/);
  });
});

describe('%J', () => {
  const reserialised: Array<[string, string]> = [
    ['27.0', '27'],
    ['1e3', '1000'],
    ['12345678901234567890', '1.2345678901234567e+19'],
    ['-0.0', '-0'],
    ['1000000000000000', '1e+15'],
    ['0.30000000000000004', '0.3'],
    ['2.98023223876953125e-08', '2.9802322387695312e-08'],
    ['5e-324', '4.94065645841247e-324'],
    ['1e400', 'null'],
    ['01', '1'],
    ['1.', '1'],
    ['-01.5e+2', '-150'],
    ['"\\u00e9\\/"', '"é/"'],
    ['"a\\u0000b"', '"a"'],
    ['"\\uZZZZx"', '""'],
    ['"\\ud83d\\ude00"', '"😀"'],
    ['"\\u001f\\u007f"', '"\\u001f\x7f"'],
    ['{"a":1,"a":2}', '{"a":1,"a":2}'],
    ['[1, {}, [], "a"]', '[1,{},[],"a"]'],
    ['  \t\n true \r\n', 'true'],
    ['\x01 1 \x1f', '1'],
    ['\xef\xbb\xbf{"x":null}', '{"x":null}'],
    ['"raw\xff\x01"', '"raw\xff\\u0001"'],
  ];
  for (const [input, expected] of reserialised) {
    test(`${JSON.stringify(input)} -> ${expected}`, () => {
      const { out, errors } = render('%J', message({ payload: Buffer.from(input, input.includes('😀') || input.includes('é') ? 'utf8' : 'latin1') }));
      const text = out.toString(expected.includes('é') || expected.includes('😀') ? 'utf8' : 'latin1');
      assert.deepEqual(errors, []);
      assert.ok(text.endsWith(`,"payload":${expected}}\n`), text);
    });
  }
  const invalid = ['nul', '1e', '-', '.5', '+1', '[1,]', '{"a":}', '"\\ud83d"', '"\\udc00"', '"abc', '"\\q"', '1 2', 'a\x00', '{"a":1}\x00', 'NaN', "'x'", '[' .repeat(1001) + ']'.repeat(1001)];
  for (const input of invalid) {
    test(`invalid ${JSON.stringify(input.slice(0, 20))}: only the newline, and an error`, () => {
      const { text, errors } = render('%J', message({ topic: 'bad/json', payload: Buffer.from(input, 'latin1') }));
      assert.equal(text, '\n');
      assert.deepEqual(errors, ['Message payload is not valid JSON on topic bad/json.']);
    });
  }
  test('the rest of the format still prints after an invalid %J', () => {
    const { text } = render('%J|%t', message({ payload: Buffer.from('nope') }));
    assert.equal(text, '|t/a\n');
  });
  test('1000 nested arrays are fine (cJSON nesting limit)', () => {
    const input = '['.repeat(1000) + ']'.repeat(1000);
    assert.ok(render('%J', message({ payload: Buffer.from(input) })).text.endsWith(`"payload":${input}}\n`));
  });
  test('empty payload is null', () => {
    assert.equal(render('%J', message({ payload: Buffer.alloc(0) })).text, `{"tst":"${TST}","topic":"t/a","qos":0,"retain":false,"payloadlen":0,"payload":null}\n`);
  });
});

describe('--pretty', () => {
  test('%j: tabs, "key":<TAB>value, closing brace alone, then the -F newline', () => {
    assert.equal(
      render('%j', message(), true).text,
      `{\n\t"tst":\t"${TST}",\n\t"topic":\t"t/a",\n\t"qos":\t0,\n\t"retain":\tfalse,\n\t"payloadlen":\t2,\n\t"payload":\t"hi"\n}\n`,
    );
  });
  test('%J: nested objects indent by depth, arrays stay inline with ", ", empty object on two lines', () => {
    const payload = Buffer.from('{"a":[{"b":1},[1,2]],"c":{},"d":[],"e":[1, 2.5, "x"]}');
    assert.equal(
      render('%J', message({ qos: 1, mid: 1, retain: true, payload }), true).text,
      '{\n' +
        `\t"tst":\t"${TST}",\n\t"topic":\t"t/a",\n\t"qos":\t1,\n\t"retain":\ttrue,\n\t"payloadlen":\t${payload.length},\n\t"mid":\t1,\n` +
        '\t"payload":\t{\n' +
        '\t\t"a":\t[{\n\t\t\t\t"b":\t1\n\t\t\t}, [1, 2]],\n' +
        '\t\t"c":\t{\n\t\t},\n' +
        '\t\t"d":\t[],\n' +
        '\t\t"e":\t[1, 2.5, "x"]\n' +
        '\t}\n' +
        '}\n',
    );
  });
  test('user properties array, pretty', () => {
    const text = render('%j', message({ properties: { userProperties: { k: 'v' } } }), true).text;
    assert.ok(text.includes('\t"properties":\t{\n\t\t"user-properties":\t[{\n\t\t\t\t"k":\t"v"\n\t\t\t}]\n\t},\n'), text);
  });
});

describe('cJSON model', () => {
  test('a top-level string, array and object print unformatted and formatted', () => {
    const cases: Array<[string, string, string]> = [
      ['"s"', '"s"', '"s"'],
      ['[]', '[]', '[]'],
      ['{}', '{}', '{\n}'],
      ['{"a":{"b":{}}}', '{"a":{"b":{}}}', '{\n\t"a":\t{\n\t\t"b":\t{\n\t\t}\n\t}\n}'],
    ];
    for (const [input, compact, pretty] of cases) {
      const value = parseCJson(Buffer.from(input));
      assert.ok(value, input);
      const w = new ByteWriter(4);
      writeCJson(w, value, false);
      assert.equal(w.take().toString(), compact);
      writeCJson(w, value, true);
      assert.equal(w.take().toString(), pretty);
    }
  });
});
