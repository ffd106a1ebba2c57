/**
 * Payload codecs through a real broker: `mq pub --encode X` -> broker -> `mq sub --decode X` gives the
 * same JSON back, the bytes on the wire decode with the reference library (Tahu's sparkplug-payload,
 * cbor, @msgpack/msgpack, avsc; protobuf bytes equal protoc's), Tahu-made Sparkplug payloads print
 * as JSON, one `#` subscription maps three filters to three codecs, and every bad input is one line
 * and exit 1 before connecting (the port has no broker, so a connection attempt would say so).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { freePort, startBroker, type Broker } from './helpers/broker.ts';
import { ROOT, runMq, tempDir } from './helpers/run.ts';

const require = createRequire(import.meta.url);
const FIXTURES = path.join(ROOT, 'test/fixtures/codecs');
let broker: Broker;
let ids = 0;

before(async () => { broker = await startBroker(); });
after(async () => { await broker.stop(); });

const port = () => String(broker.port);
const prefix = (name: string) => `codecs-${process.pid}-${++ids}/${name}`;

/** A working folder with the protobuf fixture in it. */
function workDir(): string {
  const dir = tempDir();
  copyFileSync(path.join(FIXTURES, 'fleet.proto'), path.join(dir, 'fleet.proto'));
  return dir;
}

async function pub(args: string[], options: { cwd?: string; input?: string } = {}): Promise<void> {
  const result = await runMq(['pub', '-p', port(), '-q', '1', '-r', ...args], options);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
}

/** Read the retained messages under `filter` (sorted lines: retained messages of several topics come in any order). */
async function sub(args: string[], count: number, options: { cwd?: string } = {}): Promise<{ lines: string[]; stderr: string; code: number | null }> {
  const result = await runMq(['sub', '-p', port(), '-C', String(count), '-W', '10', ...args], options);
  return { lines: result.stdout.split('\n').filter((l) => l !== '').sort(), stderr: result.stderr, code: result.code };
}

async function wireHex(topic: string): Promise<Buffer> {
  const { lines, code, stderr } = await sub(['-t', topic, '-F', '%x'], 1);
  assert.equal(code, 0, stderr);
  return Buffer.from(lines[0]!, 'hex');
}

const tahu = require('sparkplug-payload').get('spBv1.0') as { encodePayload(p: unknown): Uint8Array; decodePayload(b: Uint8Array): Record<string, unknown> };

describe('mq sub --decode sparkplug on payloads made by Eclipse Tahu', () => {
  test('an NBIRTH prints every metric with its name, datatype and value; NDATA aliases get their names back', async () => {
    const dir = tempDir();
    const group = prefix('g').replace(/\//g, '-');
    const ts = 1700000000000;
    writeFileSync(path.join(dir, 'nbirth.bin'), tahu.encodePayload({ timestamp: ts, seq: 0, metrics: [
      { name: 'temp', alias: 1, type: 'Float', value: 21.5, timestamp: ts },
      { name: 'count', alias: 2, type: 'Int16', value: -3, timestamp: ts },
      { name: 'label', alias: 3, type: 'String', value: 'pump', timestamp: ts },
    ] }));
    writeFileSync(path.join(dir, 'ndata.bin'), tahu.encodePayload({ timestamp: ts + 1, seq: 1, metrics: [{ alias: 2, type: 'Int16', value: -4, timestamp: ts + 1 }] }));
    await pub(['-t', `spBv1.0/${group}/NBIRTH/edge`, '-f', 'nbirth.bin'], { cwd: dir });
    const birth = `{"timestamp":${ts},"seq":0,"metrics":[{"name":"temp","alias":1,"timestamp":${ts},"datatype":"Float","value":21.5},` +
      `{"name":"count","alias":2,"timestamp":${ts},"datatype":"Int16","value":-3},{"name":"label","alias":3,"timestamp":${ts},"datatype":"String","value":"pump"}]}`;
    const one = await sub(['-t', `spBv1.0/${group}/NBIRTH/edge`, '--decode', 'sparkplug'], 1);
    assert.deepEqual(one, { lines: [birth], stderr: '', code: 0 });

    // auto: by topic. The NBIRTH comes first (retained, subscribed first), so NDATA's alias 2 is "count".
    const live = runMq(['sub', '-p', port(), '-t', `spBv1.0/${group}/NBIRTH/edge`, '-t', `spBv1.0/${group}/NDATA/edge`, '-C', '2', '-W', '10', '-v', '--decode', 'auto']);
    await new Promise((r) => setTimeout(r, 700));
    await runMq(['pub', '-p', port(), '-t', `spBv1.0/${group}/NDATA/edge`, '-f', 'ndata.bin'], { cwd: dir });
    const result = await live;
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, `spBv1.0/${group}/NBIRTH/edge ${birth}\n` +
      `spBv1.0/${group}/NDATA/edge {"timestamp":${ts + 1},"seq":1,"metrics":[{"name":"count","alias":2,"timestamp":${ts + 1},"datatype":"Int16","value":-4}]}\n`);
  });
});

describe('round trips: mq pub --encode X -> broker -> mq sub --decode X', () => {
  test('protobuf: the same JSON back, and the bytes are protoc\'s', async () => {
    const dir = workDir();
    const t = prefix('pb');
    const json = '{"vehicleId":"v-7","temp":-12.25,"odometer":"-9007199254740993","tripId":"18446744073709551615","raw":"AQL/",' +
      '"status":"FAULT","codes":[1,-2,300],"position":{"lat":52.5,"lon":13.375},"counters":{"stops":12},"parked":true}';
    await pub(['-t', t, '--encode', 'protobuf:fleet.proto:fleet.Reading', '-m', json], { cwd: dir });
    assert.deepEqual(await sub(['-t', t, '--decode', 'protobuf:fleet.proto:fleet.Reading', '-v'], 1, { cwd: dir }), { lines: [`${t} ${json}`], stderr: '', code: 0 });
    assert.deepEqual(await wireHex(t), readFileSync(path.join(FIXTURES, 'reading.bin')));
  });

  test('sparkplug: timestamp and seq filled in, seq counted per topic across -l lines; Tahu reads the bytes', async () => {
    const t = prefix('sp');
    const lines = '{"timestamp":5,"metrics":[{"name":"a","alias":1,"datatype":"Int32","value":-7}]}\n{"timestamp":6,"metrics":[{"alias":1,"datatype":"Int64","value":"-9007199254740993"}]}\n';
    const running = runMq(['sub', '-p', port(), '-t', t, '-C', '2', '-W', '10', '--decode', 'sparkplug']);
    await new Promise((r) => setTimeout(r, 700));
    const published = await runMq(['pub', '-p', port(), '-t', t, '-q', '1', '--encode', 'sparkplug', '-l'], { input: lines });
    assert.equal(published.code, 0, published.stderr);
    const result = await running;
    assert.equal(result.stdout,
      '{"timestamp":5,"seq":0,"metrics":[{"name":"a","alias":1,"datatype":"Int32","value":-7}]}\n' +
      '{"timestamp":6,"seq":1,"metrics":[{"alias":1,"datatype":"Int64","value":"-9007199254740993"}]}\n');
    // --repeat: each round is encoded again, so the filled-in seq counts on
    const repeated = runMq(['sub', '-p', port(), '-t', `${t}/r`, '-C', '3', '-W', '10', '--decode', 'sparkplug', '-F', '%p']);
    await new Promise((r) => setTimeout(r, 700));
    const again = await runMq(['pub', '-p', port(), '-t', `${t}/r`, '-q', '1', '--encode', 'sparkplug', '-m', '{"timestamp":1,"metrics":[]}', '--repeat', '3']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await repeated).stdout, '{"timestamp":1,"seq":0,"metrics":[]}\n{"timestamp":1,"seq":1,"metrics":[]}\n{"timestamp":1,"seq":2,"metrics":[]}\n');
    await pub(['-t', t, '--encode', 'sparkplug', '-m', '{"timestamp":7,"seq":9,"metrics":[{"name":"b","datatype":"Boolean","value":true}]}']);
    const decoded = tahu.decodePayload(await wireHex(t)) as { timestamp: unknown; seq: unknown; metrics: { name: string; type: string; value: unknown }[] };
    assert.deepEqual([String(decoded.timestamp), String(decoded.seq), decoded.metrics.map((m) => [m.name, m.type, m.value])], ['7', '9', [['b', 'Boolean', true]]]);
  });

  const json = '{"id":"x-1","n":-3,"big":"18446744073709551615","vals":[1.5,true,null],"nested":{"k":"v"}}';
  test('cbor: the same JSON back; the cbor library reads the bytes', async () => {
    const t = prefix('cbor');
    await pub(['-t', t, '--encode', 'cbor', '-m', json]);
    assert.deepEqual(await sub(['-t', t, '--decode', 'cbor'], 1), { lines: [json], stderr: '', code: 0 });
    assert.deepEqual(require('cbor').decodeFirstSync(await wireHex(t)), JSON.parse(json));
  });

  test('msgpack: the same JSON back; @msgpack/msgpack reads the bytes', async () => {
    const t = prefix('msgpack');
    await pub(['-t', t, '--encode', 'msgpack', '-m', json]);
    assert.deepEqual(await sub(['-t', t, '--decode', 'msgpack'], 1), { lines: [json], stderr: '', code: 0 });
    assert.deepEqual(require('@msgpack/msgpack').decode(await wireHex(t)), JSON.parse(json));
  });

  test('json: validated and re-emitted compact', async () => {
    const t = prefix('json');
    await pub(['-t', t, '--encode', 'json', '-m', ' { "a" : 1 } ']);
    assert.deepEqual(await sub(['-t', t, '--decode', 'json'], 1), { lines: ['{"a":1}'], stderr: '', code: 0 });
  });

  test('avro: the same JSON back (unions as {"type": value}); avsc reads the bytes', async () => {
    const dir = tempDir();
    const schema = { type: 'record', name: 'Reading', fields: [{ name: 'id', type: 'string' }, { name: 'temp', type: ['null', 'double'] }, { name: 'n', type: 'long' }] };
    writeFileSync(path.join(dir, 'reading.avsc'), JSON.stringify(schema));
    const t = prefix('avro');
    const value = '{"id":"a","temp":{"double":21.5},"n":27}';
    await pub(['-t', t, '--encode', 'avro:reading.avsc', '-m', value], { cwd: dir });
    assert.deepEqual(await sub(['-t', t, '--decode', 'avro:reading.avsc'], 1, { cwd: dir }), { lines: [value], stderr: '', code: 0 });
    const bytes = await wireHex(t);
    assert.deepEqual(bytes, Buffer.from('0261020000000000803540' + '36', 'hex'));
    assert.deepEqual({ ...require('avsc').Type.forSchema(schema).fromBuffer(bytes) }, { id: 'a', temp: 21.5, n: 27 });
  });

  test('NDJSON lines: each line\'s payload is encoded', async () => {
    const t = prefix('ndjson');
    const input = `${JSON.stringify({ topic: `${t}/a`, payload: { a: 1 } })}\n${JSON.stringify({ topic: `${t}/b`, payload: [1, 'x'] })}\n`;
    const result = await runMq(['pub', '-p', port(), '-q', '1', '-r', '-l', '--line-format', 'json', '--encode', 'msgpack'], { input });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await sub(['-t', `${t}/#`, '--decode', 'msgpack', '-v'], 2), { lines: [`${t}/a {"a":1}`, `${t}/b [1,"x"]`], stderr: '', code: 0 });
    assert.deepEqual(await wireHex(`${t}/a`), Buffer.from('81a16101', 'hex'));
  });
});

describe('one # subscription, three filters, three codecs', () => {
  test('each topic decodes with its own codec; unmatched topics print as they are', async () => {
    const dir = workDir();
    const t = prefix('mixed');
    await pub(['-t', `${t}/fleet/7/pb`, '--encode', 'protobuf:fleet.proto:fleet.Reading', '-m', '{"vehicleId":"v7","temp":1.5}'], { cwd: dir });
    await pub(['-t', `${t}/fleet/7/cbor`, '--encode', 'cbor', '-m', '{"c":[1]}']);
    await pub(['-t', `${t}/spBv1.0/g/NDATA/e`, '--encode', 'sparkplug', '-m', '{"timestamp":1,"seq":4,"metrics":[]}']);
    await pub(['-t', `${t}/plain`, '-m', 'hello']);
    const rules = ['--decode', `${t}/fleet/+/pb=protobuf:fleet.proto:fleet.Reading`, '--decode', `${t}/fleet/#=cbor`, '--decode', `${t}/spBv1.0/#=sparkplug`];
    const expected = [`${t}/fleet/7/cbor {"c":[1]}`, `${t}/fleet/7/pb {"vehicleId":"v7","temp":1.5}`, `${t}/plain hello`, `${t}/spBv1.0/g/NDATA/e {"timestamp":1,"seq":4,"metrics":[]}`];
    assert.deepEqual(await sub(['-t', `${t}/#`, '-v', ...rules], 4, { cwd: dir }), { lines: expected, stderr: '', code: 0 });

    // --json: the decoded payload is a JSON value; -F %j nests it; --where and --grep see the JSON
    const json = await sub(['-t', `${t}/fleet/#`, '--json', ...rules], 2, { cwd: dir });
    assert.deepEqual(json.lines.map((l) => { const o = JSON.parse(l) as Record<string, unknown>; return [o.topic, o.payload]; }),
      [[`${t}/fleet/7/cbor`, { c: [1] }], [`${t}/fleet/7/pb`, { vehicleId: 'v7', temp: 1.5 }]]);
    const format = await sub(['-t', `${t}/fleet/7/pb`, '-F', '%t %p %J', ...rules], 1, { cwd: dir });
    assert.match(format.lines[0]!, new RegExp(`^${t}/fleet/7/pb \\{"vehicleId":"v7","temp":1.5\\} \\{"tst":"[^"]+","topic":"${t}/fleet/7/pb","qos":0,"retain":true,"payloadlen":29,"payload":\\{"vehicleId":"v7","temp":1.5\\}\\}$`));
    const where = await sub(['-t', `${t}/#`, '-v', '--where', 'temp>1', ...rules], 1, { cwd: dir });
    assert.deepEqual(where, { lines: [`${t}/fleet/7/pb {"vehicleId":"v7","temp":1.5}`], stderr: '', code: 0 });
    const grep = await sub(['-t', `${t}/#`, '-v', '--grep', '"c":', ...rules], 1, { cwd: dir });
    assert.deepEqual(grep, { lines: [`${t}/fleet/7/cbor {"c":[1]}`], stderr: '', code: 0 });
  });

  test('the rc file maps filters to codecs, schema paths relative to the rc file', async () => {
    const dir = tempDir();
    const conf = path.join(dir, 'conf');
    const t = prefix('rc');
    mkdirSync(conf);
    copyFileSync(path.join(FIXTURES, 'fleet.proto'), path.join(conf, 'fleet.proto'));
    writeFileSync(path.join(dir, '.mqrc.json'), JSON.stringify({ decode: { [`${t}/pb`]: 'protobuf:conf/fleet.proto:fleet.Reading', [`${t}/c`]: 'cbor' } }));
    await pub(['-t', `${t}/pb`, '--encode', 'protobuf:conf/fleet.proto:fleet.Reading', '-m', '{"temp":2}'], { cwd: dir });
    await pub(['-t', `${t}/c`, '--encode', 'cbor', '-m', '[1]']);
    assert.deepEqual(await sub(['-t', `${t}/#`, '-v'], 2, { cwd: dir }), { lines: [`${t}/c [1]`, `${t}/pb {"temp":2}`], stderr: '', code: 0 });
    // --decode replaces the rc file's mapping
    assert.deepEqual(await sub(['-t', `${t}/c`, '-F', '%x', '--decode', 'elsewhere/#=cbor'], 1, { cwd: dir }), { lines: ['8101'], stderr: '', code: 0 });
    // a profile may have its own map
    writeFileSync(path.join(dir, '.mqrc.json'), JSON.stringify({ profiles: { plant: { decode: { [`${t}/c`]: 'json' } } } }));
    const profiled = await sub(['-t', `${t}/c`, '-F', '%x', '--profile', 'plant'], 1, { cwd: dir });
    assert.deepEqual([profiled.lines, profiled.stderr.startsWith(`Warning: The message on topic '${t}/c' does not decode as json: `)], [['8101'], true]);
    writeFileSync(path.join(dir, '.mqrc.json'), JSON.stringify({ decode: { 'a/#/b': 'cbor' } }));
    const bad = await runMq(['sub', '-p', port(), '-t', 't'], { cwd: dir });
    assert.deepEqual([bad.code, bad.stderr], [1, `Error: Invalid topic filter 'a/#/b' in "decode" in ${path.join(dir, '.mqrc.json')} 'a/#/b': '#' must be a whole level and the last one (e.g. a/#).\n`]);
  });
});

describe('a message that does not decode', () => {
  test('one warning naming the topic and reason; printed raw (-v) or as payloadHex (--json); sub goes on', async () => {
    const t = prefix('bad');
    await pub(['-t', `${t}/1`, '-m', 'not json']);
    await pub(['-t', `${t}/2`, '-m', '{"ok":true}']);
    const plain = await sub(['-t', `${t}/#`, '-v', '--decode', 'json'], 2);
    assert.deepEqual(plain, { lines: [`${t}/1 not json`, `${t}/2 {"ok":true}`], code: 0,
      stderr: `Warning: The message on topic '${t}/1' does not decode as json: Unexpected token 'o', "not json" is not valid JSON; printed undecoded.\n` });
    const json = await sub(['-t', `${t}/1`, '--json', '--decode', 'json'], 1);
    assert.match(json.lines[0]!, new RegExp(`^\\{"topic":"${t}/1","payloadHex":"6e6f74206a736f6e","qos":0,"retain":true,`));
  });

  test('messages that -T or -R drop are not decoded, so draw no warning', async () => {
    const t = prefix('dropped');
    await pub(['-t', `${t}/hidden`, '-m', 'not cbor']);
    // the retained message on the hidden topic arrives first, at the subscription; then a live one
    const running = runMq(['sub', '-p', port(), '-t', `${t}/#`, '-C', '1', '-W', '10', '-v', '-T', `${t}/hidden`, '--decode', 'cbor', '--decode-errors', 'fail']);
    await new Promise((r) => setTimeout(r, 700));
    await runMq(['pub', '-p', port(), '-t', `${t}/shown`, '--encode', 'cbor', '-m', '[1]']);
    const result = await running;
    assert.deepEqual([result.code, result.stdout, result.stderr], [0, `${t}/shown [1]\n`, '']);
  });

  test('--decode-errors fail: exit 1 with the reason', async () => {
    const t = prefix('fail');
    await pub(['-t', t, '-m', 'x']);
    const result = await runMq(['sub', '-p', port(), '-t', t, '-W', '10', '--decode', 'cbor', '--decode-errors', 'fail']);
    assert.deepEqual([result.code, result.stdout, result.stderr], [1, '', `Error: The message on topic '${t}' does not decode as cbor: Insufficient data.\n`]);
  });
});

describe('bad input: one line, exit 1, before connecting', () => {
  let closedPort: string;
  before(async () => { closedPort = String(await freePort()); });
  const cases: [string, string[], (dir: string) => void, string][] = [
    ['a .proto that does not parse', ['sub', '-t', 't', '--decode', 'protobuf:bad.proto'], (dir) => writeFileSync(path.join(dir, 'bad.proto'), 'syntax = "proto3";\nmessage A {\n  int32 x = 1\n}\n'),
      "Error: Cannot parse bad.proto, line 4: illegal token '}', ';' expected.\n"],
    ['an .avsc that does not parse', ['sub', '-t', 't', '--decode', 'x=avro:bad.avsc'], (dir) => writeFileSync(path.join(dir, 'bad.avsc'), '{"type": "record",\n "name": "R",\n "fields": [,]}'),
      'Error: Cannot parse bad.avsc, line 3: not JSON (Unexpected token \',\', ..."fields": [,]}" is not valid JSON).\n'],
    ['a missing schema file', ['pub', '-t', 't', '-m', '{}', '--encode', 'avro:none.avsc'], () => {}, 'Error: Cannot read the schema none.avsc: no such file.\n'],
    ['an unknown message type', ['sub', '-t', 't', '--decode', 'protobuf:fleet.proto:fleet.Nope'], (dir) => copyFileSync(path.join(FIXTURES, 'fleet.proto'), path.join(dir, 'fleet.proto')),
      "Error: Unknown message type 'fleet.Nope' in fleet.proto; known: fleet.Position, fleet.Reading, fleet.Ack.\n"],
    ['several message types and none named', ['pub', '-t', 't', '-m', '{}', '--encode', 'protobuf:fleet.proto'], (dir) => copyFileSync(path.join(FIXTURES, 'fleet.proto'), path.join(dir, 'fleet.proto')),
      'Error: fleet.proto defines 3 message types; name one as protobuf:fleet.proto:TYPE (known: fleet.Position, fleet.Reading, fleet.Ack).\n'],
    ['an unknown codec', ['sub', '-t', 't', '--decode', 'a/b=xml'], () => {},
      'Error: Invalid --decode \'a/b=xml\': unknown codec "xml"; use sparkplug, protobuf:FILE.proto[:package.Message], avro:FILE.avsc, cbor, msgpack or json.\n'],
    ['an unknown codec to encode', ['pub', '-t', 't', '-m', '{}', '--encode', 'yaml'], () => {},
      'Error: Invalid --encode \'yaml\': unknown codec "yaml"; use sparkplug, protobuf:FILE.proto[:package.Message], avro:FILE.avsc, cbor, msgpack or json.\n'],
    ['an invalid filter', ['sub', '-t', 't', '--decode', 'a/#/b=cbor'], () => {},
      "Error: Invalid topic filter 'a/#/b' in --decode 'a/#/b=cbor': '#' must be a whole level and the last one (e.g. a/#).\n"],
    ['a bad --decode-errors', ['sub', '-t', 't', '--decode', 'cbor', '--decode-errors', 'skip'], () => {},
      'Error: Invalid --decode-errors "skip": use warn (print the payload undecoded and go on) or fail (exit 1).\n'],
    ['-m that does not fit the schema', ['pub', '-t', 't', '--encode', 'protobuf:fleet.proto:fleet.Reading', '-m', '{"temp":"hot"}'], (dir) => copyFileSync(path.join(FIXTURES, 'fleet.proto'), path.join(dir, 'fleet.proto')),
      'Error: The message does not fit protobuf:fleet.proto:fleet.Reading: field "temp" must be a number, not "hot".\n'],
    ['-m that is not JSON', ['pub', '-t', 't', '--encode', 'cbor', '-m', '{temp'], () => {},
      'Error: The message is not JSON (Expected property name or \'}\' in JSON at position 1).\n'],
    ['--encode with --encoding', ['pub', '-t', 't', '--encode', 'cbor', '--encoding', 'hex', '-m', '00'], () => {},
      'Error: --encode and --encoding both say what the input is: --encode takes JSON, --encoding hex or base64 text; give only one.\n'],
  ];
  for (const [name, args, setup, stderr] of cases) {
    test(name, async () => {
      const dir = tempDir();
      setup(dir);
      const result = await runMq([...args, '-p', closedPort], { cwd: dir });
      assert.deepEqual([result.code, result.stdout, result.stderr], [1, '', stderr]);
    });
  }

  test('-l: the line number and the field; the lines before it were published', async () => {
    const t = prefix('lines');
    const input = '{"metrics":[]}\n{"metrics":[{"name":"x","datatype":"Int8","value":300}]}\n';
    const result = await runMq(['pub', '-p', port(), '-t', t, '-q', '1', '-r', '--encode', 'sparkplug', '-l'], { input });
    assert.deepEqual([result.code, result.stderr], [1,
      'Error: Stopped at line 2: it does not fit sparkplug: field "metrics[0].value" is out of range: 300. The lines before it were published; use --on-error skip to skip bad lines.\n']);
    const got = await sub(['-t', t, '--decode', 'sparkplug'], 1);
    assert.match(got.lines[0]!, /^\{"timestamp":\d+,"seq":0,"metrics":\[\]\}$/);
  });
});
