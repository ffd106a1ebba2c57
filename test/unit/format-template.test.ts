// -F: every conversion, flag, width/precision, escape and strftime field, as exact bytes.
// Expected values were checked against the real mosquitto_sub 2.0.11 except where 2.1 differs
// on purpose (marked [2.1]): %x with a width, hex separators, %f/%d, the blank of %0NC.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createFormatter, validateFormat } from '../../src/output/format.js';
import type { ReceivedMessage } from '../../src/output/message.js';
import { UsageError } from '../../src/errors.js';

// 2026-11-25T20:39:39.906873Z, a Wednesday
const T = Date.UTC(2026, 10, 25, 20, 39, 39) + 906.873;

function message(overrides: Partial<ReceivedMessage> = {}): ReceivedMessage {
  return {
    topic: '02/sub/format/test',
    payload: Buffer.from('message'),
    qos: 1,
    retain: true,
    dup: false,
    mid: 42,
    receivedAt: T,
    ...overrides,
  };
}

function render(format: string, msg: ReceivedMessage = message(), extra: { eol?: boolean; pretty?: boolean } = {}) {
  const errors: string[] = [];
  const out = createFormatter({
    verbose: false,
    eol: extra.eol ?? false,
    format,
    pretty: extra.pretty ?? false,
    json: false,
    timezone: 'utc',
    onError: (m) => errors.push(m),
  })(msg);
  return { out, errors };
}

function expectText(format: string, expected: string | Buffer, msg?: ReceivedMessage) {
  const { out } = render(format, msg);
  const want = typeof expected === 'string' ? Buffer.from(expected, 'utf8') : expected;
  assert.deepEqual(out, want, `${format}: got ${JSON.stringify(out.toString('latin1'))}, want ${JSON.stringify(want.toString('latin1'))}`);
}

const V5 = {
  topicAlias: 3,
  contentType: 'text/plain',
  correlationData: Buffer.from([0x00, 0x01, 0xff]),
  messageExpiryInterval: 4294967295,
  payloadFormatIndicator: true,
  userProperties: { name1: 'value1', name2: ['value2', 'value3'] },
  responseTopic: 'reply/here',
  subscriptionIdentifier: [5, 9],
};

describe('-F conversions on topic 02/sub/format/test, payload "message", QoS 1, mid 42, retained', () => {
  const cases: Array<[string, string]> = [
    // upstream test/client/02-subscribe-format.py
    ['%2C', '  '],
    ['%02l', '07'],
    ['%-2l', '7 '],
    ['%-12p', 'message     '],
    ['%20t', '  02/sub/format/test'],
    ['%10.10t', '02/sub/for'],
    ['%-20.10t', '02/sub/for          '],
    // topic: printf %s, the 0 flag is ignored
    ['%t', '02/sub/format/test'],
    ['%.0t|', '|'],
    ['%.3t', '02/'],
    ['%-10.3t|', '02/       |'],
    ['%030t', '            02/sub/format/test'],
    // payload: truncated to the width, padded to it; precision ignored
    ['%p', 'message'],
    ['%5p', 'messa'],
    ['%05p', 'messa'],
    ['%012p', '00000message'],
    ['%12p', '     message'],
    ['%10.3p', '   message'],
    ['%-012p|', 'message     |'],
    ['%-p|', 'message       |'], // printf("%*s", -7, ""): seven spaces, as mosquitto_sub prints
    // hex
    ['%x', '6d657373616765'],
    ['%X', '6D657373616765'],
    ['%18x', '    6d657373616765'], // [2.1] 2.0.11 prints 12 spaces + 6d6573
    ['%4x', '6d657373'], // [2.1] 4 bytes; 2.0.11 prints 6d65
    ['%018X', '00006D657373616765'],
    ['%-18x|', '6d657373616765    |'],
    ['%-x|', '6d657373616765       |'],
    ['%.2:x', '6d:65:73:73:61:67:65'], // [2.1] separators
    ['%.2x', '6d 65 73 73 61 67 65'],
    ['%.1x', '6 d 6 5 7 3 7 3 6 1 6 7 6 5'],
    ['%.4-X', '6D65-7373-6167-65'],
    ['%.3|x', '6d6|573|736|167|65'],
    ['%.0x', '6d657373616765'],
    ['%18.2:x', '  :  :6d:65:73:73:61:67:65'],
    // integers
    ['%l', '7'],
    ['%5l', '    7'],
    ['%-5l|', '7    |'],
    ['%05l', '00007'],
    ['%-05l|', '7    |'],
    ['%m', '42'],
    ['%5m', '   42'],
    ['%05m', '00042'],
    ['%q', '1'],
    ['%5q', '1'],
    ['%r', '1'],
    ['%05r', '1'],
    // literals
    ['%%', '%'],
    ['%5%', '%'],
    ['100%% @@ home', '100% @ home'],
    ['a%tb', 'a02/sub/format/testb'],
    ['ünï %l ✓', 'ünï 7 ✓'],
    // time (UTC here)
    ['%I', '2026-11-25T20:39:39+0000'],
    ['%.4I', '2026'],
    ['%26I|', '  2026-11-25T20:39:39+0000|'],
    ['%U', '1795639179.906873000'],
    ['%5U', '1795639179.906873000'],
    ['@Y-@m-@d @H:@M:@S.@N @z @@ @s', '2026-11-25 20:39:39.906873000 +0000 @ 1795639179'],
    ['@a @A @b @B @h @j @e @u @w @C @y', 'Wed Wednesday Nov November Nov 329 25 3 3 20 26'],
    ['@c|@D|@x|@X|@T|@R|@r', 'Wed Nov 25 20:39:39 2026|11/25/26|11/25/26|20:39:39|20:39:39|20:39|08:39:39 PM'],
    ['@F @G @g @V @U @W @I @l @k @p @P @Z', '2026-11-25 2026 26 48 47 47 08  8 20 PM pm UTC'],
    ['@n@t@%', '\n\t%'],
    ['@q|@E|@O|@+|@ |@5|@1|@_', '%q|%E|%O|%+|% |   %5|%1|%_'],
  ];
  for (const [format, expected] of cases) {
    test(JSON.stringify(format), () => expectText(format, expected));
  }
});

describe('-F escapes', () => {
  test('every escape is one byte', () => {
    expectText('\\\\|\\0|\\a|\\e|\\n|\\r|\\t|\\v', Buffer.from([0x5c, 0x7c, 0x00, 0x7c, 0x07, 0x7c, 0x1b, 0x7c, 0x0a, 0x7c, 0x0d, 0x7c, 0x09, 0x7c, 0x0b]));
  });
  test('escapes mix with conversions', () => {
    expectText('%t\\t%l\\0', Buffer.from('02/sub/format/test\t7\0', 'latin1'));
  });
});

describe('-F v5 properties', () => {
  const absent: Array<[string, string]> = [
    ['%A|%C|%D|%E|%F|%P|%R|%S', '|||||||'],
    ['%5A|%5C|%5D|%5E|%5F|%5P|%5R|%5S', '     |     ||     |     |||     '],
    ['%05A|%05C|%05E|%05F|%05R|%05S', '00000|00000|00000|00000||00000'], // [2.1] %05C pads with 0
    ['%-3A|', '   |'],
  ];
  for (const [format, expected] of absent) {
    test(`absent: ${format}`, () => expectText(format, expected));
  }
  const present: Array<[string, string | Buffer]> = [
    ['%A', '3'],
    ['%04A', '0003'],
    ['%-4A|', '3   |'],
    ['%C', 'text/plain'],
    ['%.4C', 'text'],
    ['%12C', '  text/plain'],
    ['%-12C|', 'text/plain  |'],
    ['%D', Buffer.from([0x00, 0x01, 0xff])],
    ['%E', '-1'], // uint32 through an int, as mosquitto
    ['%5E', '   -1'],
    ['%05E', '-0001'],
    ['%F', '1'],
    ['%P', 'name1:value1 name2:value2 name2:value3'],
    ['%R', 'reply/here'],
    ['%-12R|', 'reply/here  |'],
    ['%.5R', 'reply'],
    ['%S', '5'],
    ['%03S', '005'],
  ];
  for (const [format, expected] of present) {
    test(`present: ${format}`, () => expectText(format, expected, message({ properties: V5 })));
  }
  test('upstream %P and %E', () => {
    const properties = { userProperties: { name1: 'value1', name2: 'value2', name3: 'value3', name4: 'value4' }, messageExpiryInterval: 3600 };
    expectText('%P', 'name1:value1 name2:value2 name3:value3 name4:value4', message({ properties }));
    expectText('%E', '3600', message({ properties }));
  });
  test('payload-format-indicator 0 prints 0, not blank', () => {
    expectText('%F', '0', message({ properties: { payloadFormatIndicator: false } }));
  });
});

describe('-F binary, empty and multi-line payloads', () => {
  const binary = Buffer.from([0x61, 0x00, 0x62, 0xff, 0x0a]);
  test('%p writes raw bytes, NUL and 0xff kept', () => expectText('%p', binary, message({ payload: binary })));
  test('%x / %X', () => {
    expectText('%x', '610062ff0a', message({ payload: binary }));
    expectText('%X', '610062FF0A', message({ payload: binary }));
  });
  test('%l counts bytes', () => expectText('%l', '5', message({ payload: binary })));
  test('empty payload', () => {
    expectText('[%p][%x][%l][%5p][%-3x]', '[][][0][     ][   ]', message({ payload: Buffer.alloc(0) }));
  });
  test('multi-line payload is not changed', () => {
    expectText('<%p>', '<line1\nline2\r\n>', message({ payload: Buffer.from('line1\nline2\r\n') }));
  });
  test('%t and %p count bytes, not characters', () => {
    expectText('%.2t|%3p|%6t|', Buffer.from('é|éa| ééa|'), message({ topic: 'ééa', payload: Buffer.from('éab') }));
  });
});

describe('-F %f and %d [2.1]', () => {
  const float = (v: number) => { const b = Buffer.alloc(4); b.writeFloatLE(v); return b; };
  const double = (v: number) => { const b = Buffer.alloc(8); b.writeDoubleLE(v); return b; };
  const cases: Array<[string, Buffer, string]> = [
    ['%f', float(1.5), '1.500000'],
    ['%.2f', float(1.5), '1.50'],
    ['%8.3f', float(1.5), '   1.500'],
    ['%-8.1f|', float(1.5), '1.5     |'],
    ['%08.2f', float(-1.5), '-0001.50'],
    ['%.0f', float(2.5), '2'], // glibc rounds half to even
    ['%.0f', float(3.5), '4'],
    ['%.1f', float(0.1), '0.1'],
    ['%.10f', float(0.1), '0.1000000015'],
    ['%d', double(Math.PI), '3.141593'],
    ['%.2d', double(-0.125), '-0.12'],
    ['%.2d', double(0.375), '0.38'],
    ['%d', double(1e21), '1000000000000000000000.000000'],
    ['%d', double(-0), '-0.000000'],
    ['%d', double(Infinity), 'inf'],
    ['%06d', double(-Infinity), '  -inf'],
    ['%d', double(NaN), 'nan'],
  ];
  for (const [format, payload, expected] of cases) {
    test(`${format} of ${payload.toString('hex')}`, () => expectText(format, expected, message({ payload })));
  }
  test('a payload of the wrong size prints nothing and reports it', () => {
    const { out, errors } = render('[%f][%d]', message({ topic: 'num', payload: Buffer.from('abc') }));
    assert.equal(out.toString(), '[][]');
    assert.deepEqual(errors, [
      '%f needs a 4-byte payload (a float), but the message on topic num has 3 bytes.',
      '%d needs a 8-byte payload (a double), but the message on topic num has 3 bytes.',
    ]);
  });
});

describe('-F and -N', () => {
  test('a newline follows the format unless -N', () => {
    assert.equal(render('%t %p', message(), { eol: true }).out.toString(), '02/sub/format/test message\n');
    assert.equal(render('%t %p', message(), { eol: false }).out.toString(), '02/sub/format/test message');
  });
  test('the format is used for every message (compiled once)', () => {
    const format = createFormatter({ verbose: true, eol: true, format: '%t=%p', pretty: false, json: false });
    assert.equal(format(message({ topic: 'a', payload: Buffer.from('1') })).toString(), 'a=1\n');
    assert.equal(format(message({ topic: 'b', payload: Buffer.from('22') })).toString(), 'b=22\n');
  });
});

describe('validateFormat', () => {
  const bad: Array<[string, RegExp]> = [
    ['%', /^Incomplete format specifier "%"/],
    ['abc%0', /^Incomplete format specifier "%0"/],
    ['%-', /^Incomplete format specifier "%-"/],
    ['%1', /^Incomplete format specifier "%1"/],
    ['%.', /^Incomplete format specifier "%."/],
    ['%.1', /^Incomplete format specifier "%.1"/],
    ['%-0', /^Incomplete format specifier "%-0"/],
    ['%.2:', /^Incomplete format specifier "%.2:"/],
    ['%Z', /^Invalid format specifier '%Z'/],
    ['%5.2.3t', /^Invalid format specifier '%5.2.3'/],
    ['%0-5p', /^Invalid format specifier '%0-5'/],
    ['x%é', /^Invalid format specifier '%é'/],
    ['@', /^Incomplete format specifier "@"/],
    ['\\', /^Incomplete escape specifier/],
    ['\\q', /^Invalid escape specifier '\\q'/],
    ['%99999p', /^Field width or precision too large/],
  ];
  for (const [format, pattern] of bad) {
    test(`rejects ${JSON.stringify(format)}`, () => {
      assert.throws(() => validateFormat(format), (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, pattern);
        assert.ok(error.message.includes(JSON.stringify(format)), error.message);
        return true;
      });
    });
  }
  test('createFormatter rejects the same formats', () => {
    assert.throws(() => createFormatter({ verbose: false, eol: true, format: '%Z', pretty: false, json: false }), UsageError);
  });
  const good = ['%t', '%-05p', '%-10.3t', '%.2:x', '%5-t', '% x', '%f', '%d', '%%', '@@', '@Q', '\\e[1m%t\\e[0m', '%j %J', 'plain text', ''];
  for (const format of good) {
    test(`accepts ${JSON.stringify(format)}`, () => validateFormat(format));
  }
});
