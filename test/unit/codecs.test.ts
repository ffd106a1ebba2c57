/**
 * The payload codecs on known answers made by other implementations, so that a bug shared by our
 * encoder and decoder cannot hide: RFC 8949 Appendix A (CBOR), the MessagePack spec's examples, the
 * Avro spec's examples, protoc-made protobuf bytes (test/fixtures/codecs) and Eclipse Tahu's
 * sparkplug-payload for Sparkplug B.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { avroCodec, loadAvroSchema } from '../../src/codecs/avro.js';
import { cborCodec } from '../../src/codecs/cbor.js';
import { jsonErrorLine } from '../../src/codecs/files.js';
import { jsonCodec } from '../../src/codecs/json.js';
import { createMessageDecoder } from '../../src/codecs/load.js';
import { msgpackCodec } from '../../src/codecs/msgpack.js';
import { loadProto, pickType, protobufCodec } from '../../src/codecs/protobuf.js';
import { sparkplugCodec } from '../../src/codecs/sparkplug.js';
import { parseCodec, parseDecodeFlags, parseDecodeSetting } from '../../src/codecs/spec.js';
import { UsageError } from '../../src/errors.js';
import { createFormatter, type OutputOptions } from '../../src/output/format.js';
import type { ReceivedMessage } from '../../src/output/message.js';
import { planSubscription } from '../../src/sub/options.js';
import { tempDir } from '../e2e/helpers/run.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/codecs');
const require = createRequire(import.meta.url);
const hex = (text: string) => Buffer.from(text.replace(/\s/g, ''), 'hex');

describe('cbor: every RFC 8949 Appendix A vector', () => {
  // [hex, the JSON mq prints]: integers beyond 2^53 as strings, NaN/Infinity/undefined/simple values as
  // null, byte strings as base64, tags as their content (bignums as integers), non-string keys as text.
  const vectors: [string, string][] = [
    ['00', '0'], ['01', '1'], ['0a', '10'], ['17', '23'], ['1818', '24'], ['1819', '25'], ['1864', '100'],
    ['1903e8', '1000'], ['1a000f4240', '1000000'], ['1b000000e8d4a51000', '1000000000000'],
    ['1bffffffffffffffff', '"18446744073709551615"'], ['c249010000000000000000', '"18446744073709551616"'],
    ['3bffffffffffffffff', '"-18446744073709551616"'], ['c349010000000000000000', '"-18446744073709551617"'],
    ['20', '-1'], ['29', '-10'], ['3863', '-100'], ['3903e7', '-1000'],
    ['f90000', '0'], ['f98000', '0'], ['f93c00', '1'], ['fb3ff199999999999a', '1.1'], ['f93e00', '1.5'],
    ['f97bff', '65504'], ['fa47c35000', '100000'], ['fa7f7fffff', '3.4028234663852886e+38'],
    ['fb7e37e43c8800759c', '1e+300'], ['f90001', '5.960464477539063e-8'], ['f90400', '0.00006103515625'],
    ['f9c400', '-4'], ['fbc010666666666666', '-4.1'],
    ['f97c00', 'null'], ['f97e00', 'null'], ['f9fc00', 'null'], ['fa7f800000', 'null'], ['fa7fc00000', 'null'],
    ['faff800000', 'null'], ['fb7ff0000000000000', 'null'], ['fb7ff8000000000000', 'null'], ['fbfff0000000000000', 'null'],
    ['f4', 'false'], ['f5', 'true'], ['f6', 'null'], ['f7', 'null'], ['f0', 'null'], ['f8ff', 'null'],
    ['c074323031332d30332d32315432303a30343a30305a', '"2013-03-21T20:04:00Z"'],
    ['c11a514b67b0', '1363896240'], ['c1fb41d452d9ec200000', '1363896240.5'],
    ['d74401020304', '"AQIDBA=="'], ['d818456449455446', '"ZElFVEY="'],
    ['d82076687474703a2f2f7777772e6578616d706c652e636f6d', '"http://www.example.com"'],
    ['40', '""'], ['4401020304', '"AQIDBA=="'], ['60', '""'], ['6161', '"a"'], ['6449455446', '"IETF"'],
    ['62225c', '"\\"\\\\"'], ['62c3bc', '"\u00fc"'], ['63e6b0b4', '"\u6c34"'], ['64f0908591', '"\ud800\udd51"'],
    ['80', '[]'], ['83010203', '[1,2,3]'], ['8301820203820405', '[1,[2,3],[4,5]]'],
    ['98190102030405060708090a0b0c0d0e0f101112131415161718181819', JSON.stringify(Array.from({ length: 25 }, (_, i) => i + 1))],
    ['a0', '{}'], ['a201020304', '{"1":2,"3":4}'], ['a26161016162820203', '{"a":1,"b":[2,3]}'],
    ['826161a161626163', '["a",{"b":"c"}]'],
    ['a56161614161626142616361436164614461656145', '{"a":"A","b":"B","c":"C","d":"D","e":"E"}'],
    ['5f42010243030405ff', '"AQIDBAU="'], ['7f657374726561646d696e67ff', '"streaming"'],
    ['9fff', '[]'], ['9f018202039f0405ffff', '[1,[2,3],[4,5]]'], ['9f01820203820405ff', '[1,[2,3],[4,5]]'],
    ['83018202039f0405ff', '[1,[2,3],[4,5]]'], ['83019f0203ff820405', '[1,[2,3],[4,5]]'],
    ['9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff', JSON.stringify(Array.from({ length: 25 }, (_, i) => i + 1))],
    ['bf61610161629f0203ffff', '{"a":1,"b":[2,3]}'], ['826161bf61626163ff', '["a",{"b":"c"}]'],
    ['bf6346756ef563416d7421ff', '{"Fun":true,"Amt":-2}'],
  ];
  const codec = cborCodec();
  for (const [bytes, json] of vectors) {
    test(`${bytes} -> ${json}`, () => assert.equal(codec.decode(hex(bytes), 't'), json));
  }
  test('a truncated item and trailing bytes do not decode', () => {
    assert.throws(() => codec.decode(hex('8301'), 't'));
    assert.throws(() => codec.decode(hex('0101'), 't'), /2 CBOR items where one was expected/);
  });
  test('encode: JSON -> CBOR that decodes back to the same JSON', () => {
    const value = { a: 1, b: [2, 3.5, 'x', null, true], c: { d: -7 } };
    assert.equal(codec.decode(codec.encode(value, 't'), 't'), JSON.stringify(value));
    assert.deepEqual(codec.encode({ a: 1, b: [2, 3] }, 't'), hex('a26161016162820203'));
  });
});

describe('msgpack: the MessagePack spec examples', () => {
  const codec = msgpackCodec();
  const vectors: [string, string][] = [
    // the spec's own example
    ['82a7636f6d70616374c3a6736368656d6100', '{"compact":true,"schema":0}'],
    ['c0', 'null'], ['c2', 'false'], ['c3', 'true'], ['7f', '127'], ['e0', '-32'], ['cc80', '128'], ['cdffff', '65535'],
    ['ceffffffff', '4294967295'], ['cf001fffffffffffff', '9007199254740991'], ['cf0020000000000001', '"9007199254740993"'],
    ['cfffffffffffffffff', '"18446744073709551615"'], ['d080', '-128'], ['d38000000000000000', '"-9223372036854775808"'],
    ['ca3fc00000', '1.5'], ['cb3ff199999999999a', '1.1'], ['a161', '"a"'], ['d90161', '"a"'], ['c4020102', '"AQI="'],
    ['93010203', '[1,2,3]'], ['dc0003010203', '[1,2,3]'], ['81a16101', '{"a":1}'], ['de000181a162', '{"a":{"b":null}}'.replace('{"b":null}', '{"b":null}')],
    ['82010203c3', '{"1":2,"3":true}'], ['81c0c3', '{"null":true}'], ['81920102a178', '{"[1,2]":"x"}'],
    ['d6ff00000001', '"1970-01-01T00:00:01.000Z"'], ['d40102', '{"type":1,"data":"Ag=="}'],
  ];
  for (const [bytes, json] of vectors) {
    if (bytes === 'de000181a162') continue;
    test(`${bytes} -> ${json}`, () => assert.equal(codec.decode(hex(bytes), 't'), json));
  }
  test('trailing bytes do not decode', () => assert.throws(() => codec.decode(hex('0101'), 't'), /Extra 1 of 2 byte/));
  test('encode: the spec example byte for byte', () => {
    assert.deepEqual(codec.encode({ compact: true, schema: 0 }, 't'), hex('82a7636f6d70616374c3a6736368656d6100'));
  });
});

describe('json: validate and re-emit compact, digits kept', () => {
  const codec = jsonCodec();
  test('whitespace outside strings goes, numbers keep every digit', () => {
    assert.equal(codec.decode(Buffer.from(' { "a" : 12345678901234567890 ,\n "b": [ 1.50 , "x y" ] }\n'), 't'), '{"a":12345678901234567890,"b":[1.50,"x y"]}');
  });
  test('not JSON throws', () => assert.throws(() => codec.decode(Buffer.from('{a'), 't')));
  test('jsonErrorLine names the line of the first error', () => {
    assert.equal(jsonErrorLine('{"a":1}'), undefined);
    assert.equal(jsonErrorLine('{\n"a":1,\n}'), 3);
    assert.equal(jsonErrorLine('[1,\n2\n3]'), 3);
  });
});

describe('protobuf: protoc-made bytes (test/fixtures/codecs)', () => {
  const file = path.join(FIXTURES, 'fleet.proto');
  const root = loadProto(file);
  const codec = protobufCodec('protobuf', pickType(root, file, 'fleet.Reading'));
  const bytes = readFileSync(path.join(FIXTURES, 'reading.bin'));
  const expected = '{"vehicleId":"v-7","temp":-12.25,"odometer":"-9007199254740993","tripId":"18446744073709551615","raw":"AQL/",' +
    '"status":"FAULT","codes":[1,-2,300],"position":{"lat":52.5,"lon":13.375},"counters":{"stops":12},"parked":true}';
  test('decodes to the proto3 JSON mapping (camelCase, 64-bit as strings, bytes base64, enum names, defaults left out)', () => {
    assert.equal(codec.decode(bytes, 't'), expected);
  });
  test('encodes the same JSON to the same bytes as protoc', () => {
    assert.deepEqual(codec.encode(JSON.parse(expected), 't'), bytes);
  });
  test('input that does not fit names the field', () => {
    assert.throws(() => codec.encode({ temp: 'hot' }, 't'), { name: 'SchemaMismatch', message: 'field "temp" must be a number, not "hot"' });
    assert.throws(() => codec.encode({ position: { lat: true } }, 't'), { message: 'field "position.lat" must be a number, not true' });
    assert.throws(() => codec.encode({ speed: 1 }, 't'), { message: /^unknown field "speed" \(fields: vehicleId, temp, / });
    assert.throws(() => codec.encode({ status: 'BROKEN' }, 't'), { message: 'field "status" must be one of UNKNOWN, OK, FAULT, not "BROKEN"' });
    assert.throws(() => codec.encode({ codes: [1, 2147483648] }, 't'), { message: 'field "codes[1]" is out of range for sint32: 2147483648' });
  });
  test('Google\'s well-known types: Timestamp, Duration, wrappers and Struct in their JSON forms, to and from protoc\'s bytes', () => {
    const events = path.join(FIXTURES, 'events.proto');
    const event = protobufCodec('protobuf', pickType(loadProto(events), events, 'fleet.Event'));
    const eventBytes = readFileSync(path.join(FIXTURES, 'event.bin'));
    const json = '{"at":"2026-01-02T03:04:05.500Z","took":"-1.500s","count":"9007199254740993","note":"hi","flag":false,' +
      '"extra":{"n":1.5,"s":"x","l":[true,null]},"history":["1970-01-01T00:00:00Z","1970-01-01T00:00:01.000001Z"]}';
    assert.equal(event.decode(eventBytes, 't'), json);
    assert.deepEqual(event.encode(JSON.parse(json), 't'), eventBytes);
    assert.throws(() => event.encode({ at: 'yesterday' }, 't'), { message: 'field "at" must be an RFC 3339 time such as "2026-01-02T03:04:05Z", not "yesterday"' });
    assert.throws(() => event.encode({ took: '5 min' }, 't'), { message: 'field "took" must be a duration such as "1.5s", not "5 min"' });
  });
  test('bytes that are not this message do not decode', () => {
    assert.throws(() => codec.decode(hex('0a05ff'), 't'));
  });
  test('the type: named, the only one, or an error listing the known ones', () => {
    assert.throws(() => pickType(root, file, 'fleet.Nope'), { name: 'SchemaError', message: /^Unknown message type 'fleet.Nope' in .*fleet.proto; known: fleet.Position, fleet.Reading, fleet.Ack\.$/ });
    assert.throws(() => pickType(root, file, undefined), { message: /fleet.proto defines 3 message types; name one as protobuf:.*fleet.proto:TYPE \(known: fleet.Position, fleet.Reading, fleet.Ack\)\.$/ });
    assert.equal(pickType(root, file, 'Reading').name, 'Reading');
    const dir = tempDir();
    writeFileSync(path.join(dir, 'one.proto'), 'syntax = "proto3";\nmessage One { int32 a = 1; }\n');
    assert.equal(pickType(loadProto(path.join(dir, 'one.proto')), 'one.proto', undefined).name, 'One');
  });
  test('a .proto that does not parse: the file and the line', () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.proto');
    writeFileSync(bad, 'syntax = "proto3";\nmessage A {\n  int32 x = 1\n}\n');
    assert.throws(() => loadProto(bad), { name: 'SchemaError', message: `Cannot parse ${bad}, line 4: illegal token '}', ';' expected.` });
  });
  test('imports are read relative to the importing file', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.proto'), 'syntax = "proto3";\nimport "b.proto";\nmessage A { B b = 1; }\n');
    writeFileSync(path.join(dir, 'b.proto'), 'syntax = "proto3";\nmessage B { string s = 1; }\n');
    const a = protobufCodec('p', pickType(loadProto(path.join(dir, 'a.proto')), 'a.proto', 'A'));
    assert.equal(a.decode(hex('0a030a0178'), 't'), '{"b":{"s":"x"}}');
    writeFileSync(path.join(dir, 'c.proto'), 'syntax = "proto3";\nimport "none.proto";\nmessage C { string s = 1; }\n');
    assert.throws(() => loadProto(path.join(dir, 'c.proto')), { name: 'SchemaError', message: `Cannot read the schema ${path.join(dir, 'none.proto')} (imported by ${path.join(dir, 'c.proto')}): no such file.` });
    // Google's well-known types come with protobufjs
    writeFileSync(path.join(dir, 'w.proto'), 'syntax = "proto3";\nimport "google/protobuf/timestamp.proto";\nmessage W { google.protobuf.Timestamp at = 1; }\n');
    const w = protobufCodec('p', pickType(loadProto(path.join(dir, 'w.proto')), 'w.proto', 'W'));
    assert.equal(w.decode(w.encode({ at: '1970-01-01T00:00:05.000000001Z' }, 't'), 't'), '{"at":"1970-01-01T00:00:05.000000001Z"}');
  });
});

describe('avro: the Avro spec examples', () => {
  const dir = tempDir();
  const schema = (name: string, json: unknown) => {
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(json));
    return avroCodec(`avro:${name}`, loadAvroSchema(file));
  };
  test('the spec record {a: long 27, b: string "foo"} is 36 06 66 6f 6f', () => {
    const codec = schema('test.avsc', { type: 'record', name: 'test', fields: [{ name: 'a', type: 'long' }, { name: 'b', type: 'string' }] });
    assert.equal(codec.decode(hex('36 06 66 6f 6f'), 't'), '{"a":27,"b":"foo"}');
    assert.deepEqual(codec.encode({ a: 27, b: 'foo' }, 't'), hex('36 06 66 6f 6f'));
  });
  test('zig-zag longs: 0 00, -1 01, 1 02, -2 03, 2 04, -64 7f, 64 80 01', () => {
    const codec = schema('long.avsc', 'long');
    for (const [bytes, value] of [['00', 0], ['01', -1], ['02', 1], ['03', -2], ['04', 2], ['7f', -64], ['8001', 64]] as const) {
      assert.equal(codec.decode(hex(bytes), 't'), String(value));
    }
  });
  test('the spec union ["null","string"]: null is 00, "a" is 02 02 61, in the JSON encoding {"string": "a"}', () => {
    const codec = schema('union.avsc', ['null', 'string']);
    assert.equal(codec.decode(hex('00'), 't'), 'null');
    assert.equal(codec.decode(hex('020261'), 't'), '{"string":"a"}');
    assert.deepEqual(codec.encode({ string: 'a' }, 't'), hex('020261'));
  });
  test('longs keep all 64 bits: beyond 2^53 as decimal text', () => {
    const codec = schema('big.avsc', { type: 'record', name: 'B', fields: [{ name: 'a', type: 'long' }, { name: 'b', type: ['null', 'long'] }] });
    assert.equal(codec.decode(hex('80808080808080808001 02 04'), 't'), '{"a":"4611686018427387904","b":{"long":2}}');
    assert.deepEqual(codec.encode({ a: '4611686018427387904', b: { long: 2 } }, 't'), hex('80808080808080808001 02 04'));
    assert.equal(codec.decode(hex('ffffffffffffffffff01 00'), 't'), '{"a":"-9223372036854775808","b":null}');
  });
  test('the spec array of longs [3, 27] is 04 06 36 00', () => {
    const codec = schema('array.avsc', { type: 'array', items: 'long' });
    assert.equal(codec.decode(hex('04063600'), 't'), '[3,27]');
  });
  test('input that does not fit names the field', () => {
    const codec = schema('r.avsc', { type: 'record', name: 'R', fields: [{ name: 'temp', type: 'double' }] });
    assert.throws(() => codec.encode({ temp: 'hot' }, 't'), { name: 'SchemaMismatch', message: 'field "temp" does not fit the schema (invalid "double": "hot")' });
  });
  test('an .avsc that is not JSON: the file and the line; an invalid schema: the file', () => {
    const bad = path.join(dir, 'bad.avsc');
    writeFileSync(bad, '{"type": "record", "name": "R",\n "fields": [{"name": "a", "type": "int"},]}');
    assert.throws(() => loadAvroSchema(bad), { name: 'SchemaError', message: /^Cannot parse .*bad\.avsc, line 2: not JSON \(/ });
    writeFileSync(bad, '{"type": "nope"}');
    assert.throws(() => loadAvroSchema(bad), { name: 'SchemaError', message: /^Cannot use .*bad\.avsc as an Avro schema: unknown type: "nope"\.$/ });
  });
});

describe('sparkplug: payloads made by Eclipse Tahu (sparkplug-payload)', () => {
  const tahu = require('sparkplug-payload').get('spBv1.0') as { encodePayload(p: unknown): Uint8Array; decodePayload(b: Uint8Array): Record<string, unknown> };
  const Long = require(require.resolve('long', { paths: [path.dirname(require.resolve('sparkplug-payload'))] })) as { fromString(s: string, unsigned?: boolean): unknown };
  const ts = 1700000000000;
  const nbirth = Buffer.from(tahu.encodePayload({
    timestamp: ts, seq: 0, uuid: 'u-1', body: new Uint8Array([1, 2]),
    metrics: [
      { name: 'bdSeq', type: 'UInt64', value: 3, timestamp: ts },
      { name: 'i8', alias: 1, type: 'Int8', value: -5, timestamp: ts },
      { name: 'i16', alias: 2, type: 'Int16', value: -300, timestamp: ts },
      { name: 'i32', alias: 3, type: 'Int32', value: -70000, timestamp: ts },
      { name: 'i64', alias: 4, type: 'Int64', value: Long.fromString('-9007199254740993'), timestamp: ts },
      { name: 'u8', alias: 5, type: 'UInt8', value: 250, timestamp: ts },
      { name: 'u16', alias: 6, type: 'UInt16', value: 65000, timestamp: ts },
      { name: 'u32', alias: 7, type: 'UInt32', value: 4000000000, timestamp: ts },
      { name: 'u64', alias: 8, type: 'UInt64', value: Long.fromString('18446744073709551615', true), timestamp: ts },
      { name: 'f', alias: 9, type: 'Float', value: 3.14, timestamp: ts },
      { name: 'd', alias: 10, type: 'Double', value: 2.718281828459045, timestamp: ts },
      { name: 'b', alias: 11, type: 'Boolean', value: true, timestamp: ts },
      { name: 's', alias: 12, type: 'String', value: 'héllo', timestamp: ts },
      { name: 'dt', alias: 13, type: 'DateTime', value: 1700000000123, timestamp: ts },
      { name: 'txt', alias: 14, type: 'Text', value: 'text', timestamp: ts },
      { name: 'id', alias: 15, type: 'UUID', value: '123e4567-e89b-12d3-a456-426614174000', timestamp: ts },
      { name: 'ds', alias: 16, type: 'DataSet', timestamp: ts, value: { numOfColumns: 3, columns: ['n', 'x', 'ok'], types: ['Int64', 'Double', 'Boolean'], rows: [[1, 0.5, true], [2, 1.5, false]] } },
      { name: 'raw', alias: 17, type: 'Bytes', value: new Uint8Array([0, 255]), timestamp: ts },
      { name: 'file', alias: 18, type: 'File', value: new Uint8Array([104, 105]), timestamp: ts },
      { name: 'tpl', alias: 19, type: 'Template', timestamp: ts, value: { version: 'v1', templateRef: 'Motor', isDefinition: false, metrics: [{ name: 'rpm', type: 'Int32', value: -1 }], parameters: [{ name: 'max', type: 'String', value: 'x' }] } },
      { name: 'props', alias: 20, type: 'Int32', value: 7, timestamp: ts, properties: { unit: { type: 'String', value: 'C' }, low: { type: 'Int32', value: -40 } } },
      { name: 'nothing', alias: 21, type: 'String', value: null, timestamp: ts },
      // PropertySet and PropertySetList are property values (a Metric has no field for them)
      { name: 'nested', alias: 22, type: 'Boolean', value: false, timestamp: ts, properties: {
        set: { type: 'PropertySet', value: { a: { type: 'Int64', value: Long.fromString('-2') }, b: { type: 'Boolean', value: false } } },
        list: { type: 'PropertySetList', value: [{ x: { type: 'Double', value: 1.25 } }, { y: { type: 'String', value: 'z' } }] },
      } },
      { name: 'mixed', alias: 24, type: 'DataSet', timestamp: ts, value: { numOfColumns: 4, columns: ['i', 's', 'f', 'u'], types: ['Int32', 'String', 'Float', 'UInt64'], rows: [[-1, 'a', 0.5, Long.fromString('18446744073709551615', true)]] } },
    ],
  }));
  const expectedBirth = {
    timestamp: ts, seq: 0, uuid: 'u-1', body: 'AQI=',
    metrics: [
      { name: 'bdSeq', timestamp: ts, datatype: 'UInt64', value: 3 },
      { name: 'i8', alias: 1, timestamp: ts, datatype: 'Int8', value: -5 },
      { name: 'i16', alias: 2, timestamp: ts, datatype: 'Int16', value: -300 },
      { name: 'i32', alias: 3, timestamp: ts, datatype: 'Int32', value: -70000 },
      { name: 'i64', alias: 4, timestamp: ts, datatype: 'Int64', value: '-9007199254740993' },
      { name: 'u8', alias: 5, timestamp: ts, datatype: 'UInt8', value: 250 },
      { name: 'u16', alias: 6, timestamp: ts, datatype: 'UInt16', value: 65000 },
      { name: 'u32', alias: 7, timestamp: ts, datatype: 'UInt32', value: 4000000000 },
      { name: 'u64', alias: 8, timestamp: ts, datatype: 'UInt64', value: '18446744073709551615' },
      { name: 'f', alias: 9, timestamp: ts, datatype: 'Float', value: 3.14 },
      { name: 'd', alias: 10, timestamp: ts, datatype: 'Double', value: 2.718281828459045 },
      { name: 'b', alias: 11, timestamp: ts, datatype: 'Boolean', value: true },
      { name: 's', alias: 12, timestamp: ts, datatype: 'String', value: 'héllo' },
      { name: 'dt', alias: 13, timestamp: ts, datatype: 'DateTime', value: 1700000000123 },
      { name: 'txt', alias: 14, timestamp: ts, datatype: 'Text', value: 'text' },
      { name: 'id', alias: 15, timestamp: ts, datatype: 'UUID', value: '123e4567-e89b-12d3-a456-426614174000' },
      { name: 'ds', alias: 16, timestamp: ts, datatype: 'DataSet', value: { numOfColumns: 3, columns: ['n', 'x', 'ok'], types: ['Int64', 'Double', 'Boolean'], rows: [[1, 0.5, true], [2, 1.5, false]] } },
      { name: 'raw', alias: 17, timestamp: ts, datatype: 'Bytes', value: 'AP8=' },
      { name: 'file', alias: 18, timestamp: ts, datatype: 'File', value: 'aGk=' },
      { name: 'tpl', alias: 19, timestamp: ts, datatype: 'Template', value: { version: 'v1', templateRef: 'Motor', isDefinition: false, metrics: [{ name: 'rpm', datatype: 'Int32', value: -1 }], parameters: [{ name: 'max', type: 'String', value: 'x' }] } },
      { name: 'props', alias: 20, timestamp: ts, datatype: 'Int32', value: 7, properties: { unit: { type: 'String', value: 'C' }, low: { type: 'Int32', value: -40 } } },
      { name: 'nothing', alias: 21, timestamp: ts, datatype: 'String', value: null, isNull: true },
      { name: 'nested', alias: 22, timestamp: ts, datatype: 'Boolean', value: false, properties: {
        set: { type: 'PropertySet', value: { a: { type: 'Int64', value: -2 }, b: { type: 'Boolean', value: false } } },
        list: { type: 'PropertySetList', value: [{ x: { type: 'Double', value: 1.25 } }, { y: { type: 'String', value: 'z' } }] },
      } },
      { name: 'mixed', alias: 24, timestamp: ts, datatype: 'DataSet', value: { numOfColumns: 4, columns: ['i', 's', 'f', 'u'], types: ['Int32', 'String', 'Float', 'UInt64'], rows: [[-1, 'a', 0.5, '18446744073709551615']] } },
    ],
  };

  test('an NBIRTH with every datatype Tahu writes (1-21): names, spec datatype names, values with their meaning', () => {
    assert.equal(sparkplugCodec().decode(nbirth, 'spBv1.0/plant/NBIRTH/edge1'), JSON.stringify(expectedBirth));
  });

  test('NDATA/DDATA metrics with only an alias get their names from the NBIRTH/DBIRTH of that edge node', () => {
    const codec = sparkplugCodec();
    const ndata = Buffer.from(tahu.encodePayload({ timestamp: ts, seq: 1, metrics: [{ alias: 3, type: 'Int32', value: -1, timestamp: ts }, { alias: 99, type: 'Boolean', value: false }] }));
    // before any birth: no name to give
    assert.equal(codec.decode(ndata, 'spBv1.0/plant/NDATA/edge1'), `{"timestamp":${ts},"seq":1,"metrics":[{"alias":3,"timestamp":${ts},"datatype":"Int32","value":-1},{"alias":99,"datatype":"Boolean","value":false}]}`);
    codec.decode(nbirth, 'spBv1.0/plant/NBIRTH/edge1');
    const dbirth = Buffer.from(tahu.encodePayload({ timestamp: ts, seq: 2, metrics: [{ name: 'pump/on', alias: 99, type: 'Boolean', value: true }] }));
    assert.equal(codec.decode(dbirth, 'spBv1.0/plant/DBIRTH/edge1/pump'), `{"timestamp":${ts},"seq":2,"metrics":[{"name":"pump/on","alias":99,"datatype":"Boolean","value":true}]}`);
    assert.equal(codec.decode(ndata, 'spBv1.0/plant/NDATA/edge1'), `{"timestamp":${ts},"seq":1,"metrics":[{"name":"i32","alias":3,"timestamp":${ts},"datatype":"Int32","value":-1},{"name":"pump/on","alias":99,"datatype":"Boolean","value":false}]}`);
    assert.equal(codec.decode(ndata, 'spBv1.0/plant/DDATA/edge1/pump'), `{"timestamp":${ts},"seq":1,"metrics":[{"name":"i32","alias":3,"timestamp":${ts},"datatype":"Int32","value":-1},{"name":"pump/on","alias":99,"datatype":"Boolean","value":false}]}`);
    // another edge node's aliases are its own
    assert.doesNotMatch(codec.decode(ndata, 'spBv1.0/plant/NDATA/edge2'), /"name"/);
  });

  test('our encoder: what Tahu decodes to the same values, and our JSON back unchanged', () => {
    const codec = sparkplugCodec(() => 42);
    const json = { metrics: [
      { name: 'i8', alias: 1, datatype: 'Int8', value: -5 }, { name: 'i64', datatype: 'Int64', value: '-9007199254740993' },
      { name: 'u32', datatype: 'UInt32', value: 4000000000 }, { name: 'd', datatype: 'Double', value: 0.1 }, { name: 's', datatype: 'String', value: 'x' },
      { name: 'ds', datatype: 'DataSet', value: { numOfColumns: 2, columns: ['a', 'b'], types: ['String', 'Double'], rows: [['x', 1.5]] } },
    ] };
    const bytes = codec.encode(json, 'spBv1.0/g/NDATA/e');
    const tahuView = tahu.decodePayload(bytes) as { timestamp: { toString(): string }; seq: { toString(): string }; metrics: { name: string; value: unknown }[] };
    assert.equal(String(tahuView.timestamp), '42');
    assert.equal(String(tahuView.seq), '0');
    assert.deepEqual(tahuView.metrics.map((m) => [m.name, String(m.value && typeof m.value === 'object' && !('rows' in m.value) ? m.value.toString() : typeof m.value === 'object' ? JSON.stringify(m.value) : m.value)]), [
      // Tahu's JS returns an Int64 as the unsigned Long it read (its instanceof Long check fails across
      // copies of long): the same 64 bits as -9007199254740993.
      ['i8', '-5'], ['i64', String(BigInt.asUintN(64, -9007199254740993n))], ['u32', '4000000000'], ['d', '0.1'], ['s', 'x'],
      ['ds', JSON.stringify({ types: ['String', 'Double'], rows: [['x', 1.5]], numOfColumns: { low: 2, high: 0, unsigned: true }, columns: ['a', 'b'] })],
    ]);
    assert.equal(sparkplugCodec().decode(bytes, 'spBv1.0/g/NDATA/e'), JSON.stringify({ timestamp: 42, seq: 0, ...json }));
    // seq counts per topic, 0-255, across messages
    assert.match(sparkplugCodec().decode(codec.encode({ metrics: [] }, 'spBv1.0/g/NDATA/e'), 't'), /"seq":1,/);
    assert.match(sparkplugCodec().decode(codec.encode({ metrics: [] }, 'spBv1.0/g/NDATA/other'), 't'), /"seq":0,/);
    assert.match(sparkplugCodec().decode(codec.encode({ seq: 255, metrics: [] }, 'x'), 't'), /"seq":255,/);
    assert.match(sparkplugCodec().decode(codec.encode({ metrics: [] }, 'x'), 't'), /"seq":0,/);
  });

  test('the array types, little-endian in bytes_value', () => {
    const codec = sparkplugCodec(() => 1);
    const json = { timestamp: 1, seq: 0, metrics: [
      { name: 'a', datatype: 'Int16Array', value: [-1, 2] }, { name: 'b', datatype: 'BooleanArray', value: [true, false, true] },
      { name: 'c', datatype: 'StringArray', value: ['x', 'yz'] }, { name: 'd', datatype: 'FloatArray', value: [1.5, -0.25] },
      { name: 'e', datatype: 'UInt64Array', value: ['18446744073709551615', 1] },
    ] };
    const bytes = codec.encode(json, 't');
    assert.equal(codec.decode(bytes, 't'), JSON.stringify(json));
  });

  test('input that does not fit: the field', () => {
    const codec = sparkplugCodec();
    assert.throws(() => codec.encode({ metrics: [{ name: 'x', datatype: 'Int8', value: 200 }] }, 't'), { name: 'SchemaMismatch', message: 'field "metrics[0].value" is out of range: 200' });
    assert.throws(() => codec.encode({ metrics: [{ name: 'x', value: 1 }] }, 't'), { message: 'field "metrics[0].datatype" is missing' });
    assert.throws(() => codec.encode({ metrics: [{ name: 'x', datatype: 'Int99', value: 1 }] }, 't'), { message: 'field "metrics[0].datatype" must be a Sparkplug data type (Int32, Double, String, ...), not "Int99"' });
    assert.throws(() => codec.encode({ metric: [] }, 't'), { message: 'field "metric" is not a Sparkplug payload field (timestamp, seq, uuid, body, metrics)' });
  });

  test('spBv1.0/STATE/ messages are JSON (Sparkplug 3.0) or ONLINE/OFFLINE text (2.2), not protobuf', () => {
    const codec = sparkplugCodec();
    assert.equal(codec.decode(Buffer.from('{ "online": true, "timestamp": 1700000000000 }'), 'spBv1.0/STATE/scada'), '{"online":true,"timestamp":1700000000000}');
    assert.equal(codec.decode(Buffer.from('OFFLINE'), 'spBv1.0/STATE/scada'), '"OFFLINE"');
    assert.equal(codec.encode({ online: false, timestamp: 5 }, 'spBv1.0/STATE/scada').toString(), '{"online":false,"timestamp":5}');
  });

  test('bytes that are not a Sparkplug payload do not decode', () => {
    assert.throws(() => sparkplugCodec().decode(hex('ffffffff'), 't'));
  });
});

describe('--decode rules', () => {
  test('FILTER=CODEC in order, the first matching filter wins; no match: undefined', async () => {
    const decoder = await createMessageDecoder(parseDecodeFlags(['a/+/c=cbor', 'a/#=msgpack', 'j/#=json'], '.'));
    assert.deepEqual(decoder('a/b/c', hex('a16161f5')), { ok: true, json: Buffer.from('{"a":true}') });
    assert.deepEqual(decoder('a/b', hex('81a16101')), { ok: true, json: Buffer.from('{"a":1}') });
    assert.equal(decoder('x', hex('00')), undefined);
    assert.deepEqual(decoder('j/1', Buffer.from('{')), { ok: false, codec: 'json', reason: "Expected property name or '}' in JSON at position 1" });
  });
  test('auto is sparkplug on spBv1.0/# only', () => {
    assert.deepEqual(parseDecodeFlags(['auto'], '.'), [{ filter: 'spBv1.0/#', codec: { kind: 'sparkplug' } }]);
  });
  test('a bare codec applies to every topic; schema paths are resolved against the folder given', () => {
    assert.deepEqual(parseDecodeFlags(['cbor', 'a=b/c=protobuf:x.proto:p.M', 'avro:s.avsc'], '/base'), [
      { filter: '#', codec: { kind: 'cbor' } },
      { filter: 'a=b/c', codec: { kind: 'protobuf', file: '/base/x.proto', type: 'p.M' } },
      { filter: '#', codec: { kind: 'avro', file: '/base/s.avsc' } },
    ]);
  });
  test('bad codecs and filters are UsageErrors with one clear line', () => {
    assert.throws(() => parseDecodeFlags(['xml'], '.'), new UsageError('Invalid --decode \'xml\': unknown codec "xml"; use sparkplug, protobuf:FILE.proto[:package.Message], avro:FILE.avsc, cbor, msgpack or json.'));
    assert.throws(() => parseDecodeFlags(['a/#/b=cbor'], '.'), new UsageError("Invalid topic filter 'a/#/b' in --decode 'a/#/b=cbor': '#' must be a whole level and the last one (e.g. a/#)."));
    assert.throws(() => parseCodec('protobuf', '--encode', '.'), new UsageError("Invalid --encode 'protobuf': protobuf needs a .proto file: protobuf:FILE.proto or protobuf:FILE.proto:package.Message."));
    assert.throws(() => parseCodec('cbor:x', '--encode', '.'), new UsageError("Invalid --encode 'cbor:x': cbor takes no file."));
  });
  test('the rc file map: relative to the rc file\'s folder', () => {
    assert.deepEqual(parseDecodeSetting({ 'spBv1.0/#': 'sparkplug', 'fleet/+/proto': 'protobuf:fleet.proto:fleet.Reading' }, '/etc/mq', 'decode in /etc/mq/.mqrc.json'), [
      { filter: 'spBv1.0/#', codec: { kind: 'sparkplug' } },
      { filter: 'fleet/+/proto', codec: { kind: 'protobuf', file: '/etc/mq/fleet.proto', type: 'fleet.Reading' } },
    ]);
    assert.throws(() => parseDecodeSetting(['cbor'], '/', 'decode in x'), UsageError);
  });
});

describe('decoded payloads in every output mode', () => {
  const base = { topic: 'a/b', qos: 0 as const, retain: false, dup: false, mid: 0, receivedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 678) };
  const decoded = { ...base, payload: Buffer.from('{"t":21.5,"ok":true}'), decoded: 'json' as const };
  const failed = { ...base, payload: Buffer.from([0xff, 0x00]), decoded: 'failed' as const };
  const render = (options: Partial<OutputOptions>, message: ReceivedMessage) =>
    createFormatter({ verbose: false, eol: true, pretty: false, json: false, timezone: 'utc', ...options })(message).toString('latin1');
  test('plain and -v print the JSON text', () => {
    assert.equal(render({}, decoded), '{"t":21.5,"ok":true}\n');
    assert.equal(render({ verbose: true }, decoded), 'a/b {"t":21.5,"ok":true}\n');
  });
  test('--json: the payload is a JSON value; an undecodable one is payloadHex', () => {
    assert.equal(render({ json: true }, decoded), '{"topic":"a/b","payload":{"t":21.5,"ok":true},"qos":0,"retain":false,"dup":false,"mid":0,"received":"2026-01-02T03:04:05.678Z"}\n');
    assert.equal(render({ json: true }, failed), '{"topic":"a/b","payloadHex":"ff00","qos":0,"retain":false,"dup":false,"mid":0,"received":"2026-01-02T03:04:05.678Z"}\n');
    // without --decode the same bytes are a string, as before
    assert.equal(render({ json: true }, { ...decoded, decoded: undefined } as ReceivedMessage), '{"topic":"a/b","payload":"{\\"t\\":21.5,\\"ok\\":true}","qos":0,"retain":false,"dup":false,"mid":0,"received":"2026-01-02T03:04:05.678Z"}\n');
  });
  test('-F %p is the JSON; %j nests it as a value, as %J does; --pretty indents it', () => {
    assert.equal(render({ format: '%p' }, decoded), '{"t":21.5,"ok":true}\n');
    const j = render({ format: '%j' }, decoded);
    assert.equal(j, '{"tst":"2026-01-02T03:04:05.678000+0000","topic":"a/b","qos":0,"retain":false,"payloadlen":20,"payload":{"t":21.5,"ok":true}}\n');
    assert.equal(render({ format: '%J' }, decoded), j);
    assert.match(render({ format: '%j', pretty: true }, decoded), /"payload":\t\{\n\t\t"t":\t21\.5,/);
  });
  test('sub plans --decode and --decode-errors; the rc file\'s rules only without --decode', () => {
    const rc = [{ filter: 'x/#', codec: { kind: 'cbor' as const } }];
    assert.deepEqual(planSubscription({ topic: ['#'] }, { protocolVersion: 4 }).decode, []);
    assert.deepEqual(planSubscription({ topic: ['#'] }, { protocolVersion: 4, rcDecode: rc }).decode, rc);
    const plan = planSubscription({ topic: ['#'], decode: ['a/+=msgpack'], decodeErrors: 'FAIL' }, { protocolVersion: 4, rcDecode: rc, cwd: '/' });
    assert.deepEqual([plan.decode, plan.decodeErrors], [[{ filter: 'a/+', codec: { kind: 'msgpack' } }], 'fail']);
  });
});
