import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { UsageError } from '../../src/errors.ts';
import { parseJsonLine, parseJsonProperties, type LineDefaults } from '../../src/input/ndjson.ts';
import { finalTopics, resolvePubPlan, type PubArgs } from '../../src/pub/options.ts';
import { checkPublishTopic } from '../../src/mqtt/topic.ts';
import { decodePayload, MAX_REMAINING_LENGTH, payloadSizeProblem } from '../../src/input/payload.ts';
import { Publisher, type PublishClient, type PublishOptions } from '../../src/pub/publisher.ts';

describe('resolvePubPlan: every usage error is one clear line', () => {
  const bad: [string, PubArgs, string][] = [
    ['no message source', { topic: ['t'] }, 'No message given: use -m TEXT, -f FILE, -s (all of stdin), -l (one message per stdin line), -n (an empty message) or --replay FILE (a recording).'],
    ['two sources', { topic: ['t'], message: 'x', stdinLine: true }, 'Only one message source at a time, but -m and -l were given: use exactly one of -m, -f, -s, -l, -n or --replay.'],
    ['three sources', { topic: ['t'], file: 'f', stdinFile: true, nullMessage: true }, 'Only one message source at a time, but -f and -s and -n were given: use exactly one of -m, -f, -s, -l, -n or --replay.'],
    ['+ in the topic', { topic: ['a/+'], message: 'x' }, "Invalid publish topic 'a/+' (-t): it contains '+' or '#', which are only allowed in subscriptions."],
    ['# in the second topic', { topic: ['ok', 'a/#'], message: 'x' }, "Invalid publish topic 'a/#' (-t): it contains '+' or '#', which are only allowed in subscriptions."],
    ['empty topic', { topic: [''], message: 'x' }, "Invalid publish topic '' (-t): it is empty."],
    ['NUL in the topic', { topic: ['a\u0000b'], message: 'x' }, "Invalid publish topic 'a\u0000b' (-t): it contains a NUL character."],
    ['invalid UTF-8 in the topic (arrives as U+FFFD)', { topic: ['a\uFFFDb'], message: 'x' }, "Invalid publish topic 'a\uFFFDb' (-t): it is not valid UTF-8 (it contains U+FFFD)."],
    ['a tab in the topic (mosquitto: malformed UTF-8)', { topic: ['a\tb'], message: 'x' }, "Invalid publish topic 'a\tb' (-t): it contains U+0009, a control character or non-character MQTT brokers refuse."],
    ['a C1 control in the topic', { topic: ['a\u0085'], message: 'x' }, "Invalid publish topic 'a\u0085' (-t): it contains U+0085, a control character or non-character MQTT brokers refuse."],
    ['a non-character in the topic', { topic: ['a\u{1FFFF}'], message: 'x' }, "Invalid publish topic 'a\u{1FFFF}' (-t): it contains U+1FFFF, a control character or non-character MQTT brokers refuse."],
    ['a lone surrogate in the topic', { topic: ['a\uD800'], message: 'x' }, "Invalid publish topic 'a\uD800' (-t): it is not valid UTF-8."],
    ['QoS 3', { topic: ['t'], message: 'x', qos: '3' }, 'Invalid QoS "3" (-q): use 0, 1 or 2.'],
    ['QoS not a number', { topic: ['t'], message: 'x', qos: 'x' }, 'Invalid QoS "x" (-q): use 0, 1 or 2.'],
    ['--repeat 0', { topic: ['t'], message: 'x', repeat: '0' }, 'Invalid repeat count "0" (--repeat): it must be a whole number, at least 1.'],
    ['--repeat 1.5', { topic: ['t'], message: 'x', repeat: '1.5' }, 'Invalid repeat count "1.5" (--repeat): it must be a whole number, at least 1.'],
    ['--repeat-delay -1', { topic: ['t'], message: 'x', repeatDelay: '-1' }, 'Invalid --repeat-delay "-1": give seconds, 0 or more (e.g. 0.5).'],
    ['-M 0', { topic: ['t'], message: 'x', M: '0' }, 'Invalid number of messages in flight "0" (-M): it must be a whole number from 1 to 65535.'],
    ['-M 65536', { topic: ['t'], message: 'x', M: '65536' }, 'Invalid number of messages in flight "65536" (-M): it must be a whole number from 1 to 65535.'],
    ['bad hex in -m', { topic: ['t'], message: '0g', encoding: 'hex' }, 'Invalid -m for --encoding hex: it is not hex: use only 0-9 and a-f.'],
    ['odd hex in -m', { topic: ['t'], message: 'abc', encoding: 'hex' }, 'Invalid -m for --encoding hex: it is not hex: an odd number of digits (3).'],
    ['bad base64 in -m', { topic: ['t'], message: 'a$b=', encoding: 'base64' }, 'Invalid -m for --encoding base64: it is not base64: use only A-Z, a-z, 0-9, +, / (or -, _) and = at the end.'],
    ['unknown encoding', { topic: ['t'], message: 'x', encoding: 'rot13' }, '--encoding: unknown encoding "rot13"; use hex or base64 (or utf8 for plain text).'],
    ['--encoding with -n', { topic: ['t'], nullMessage: true, encoding: 'hex' }, '--encoding has nothing to decode with -n; use it with -m, -f, -s or -l.'],
    ['--line-format without -l', { topic: ['t'], message: 'x', lineFormat: 'json' }, '--line-format applies to -l (one message per line).'],
    ['unknown --line-format', { topic: ['t'], stdinLine: true, lineFormat: 'xml' }, 'Invalid --line-format "xml": use text or json.'],
    ['--on-error without -l', { topic: ['t'], message: 'x', onError: 'skip' }, '--on-error applies to -l (what to do with a line that cannot be published).'],
    ['unknown --on-error', { topic: ['t'], stdinLine: true, onError: 'retry' }, 'Invalid --on-error "retry": use stop or skip.'],
    ['--user-property without =', { topic: ['t'], message: 'x', userProperty: ['site'] }, 'Invalid --user-property "site": write it as name=value.'],
    ['topic alias 0', { topic: ['t'], message: 'x', topicAlias: '0' }, 'Invalid topic-alias 0: a topic alias is a number from 1 to 65535.'],
    ['response topic with a wildcard', { topic: ['t'], message: 'x', responseTopic: 'r/#' }, "Invalid response topic 'r/#': it contains '+' or '#', which are only allowed in subscriptions."],
    ['-D with an unknown property', { topic: ['t'], message: 'x', property: ['publish', 'colour', 'red'] }, '-D: invalid property name "colour" (known: payload-format-indicator, message-expiry-interval, content-type, response-topic, correlation-data, subscription-identifier, session-expiry-interval, authentication-method, authentication-data, request-problem-information, will-delay-interval, request-response-information, receive-maximum, topic-alias-maximum, topic-alias, maximum-packet-size, user-property).'],
    ['message expiry out of range', { topic: ['t'], message: 'x', messageExpiry: '-5' }, '-D: property value "-5" out of range for property message-expiry-interval (0-4294967295).'],
  ];
  for (const [name, args, message] of bad) {
    test(name, () => assert.throws(() => resolvePubPlan(args), (e: unknown) => e instanceof UsageError && e.exitCode === 1 && e.message === message));
  }
});

describe('resolvePubPlan: what the flags mean', () => {
  test('defaults: QoS 0, no retain, once, window 20', () => {
    const plan = resolvePubPlan({ topic: ['t'], message: 'hello' });
    assert.deepEqual(plan, {
      source: { kind: 'message', payload: Buffer.from('hello') }, topics: ['t'], qos: 0, retain: false, repeat: 1, repeatDelayMs: 0,
      maxInflight: 20, encoding: 'utf8', lineFormat: 'text', onError: 'stop', warnings: [],
    });
  });
  test('every source kind', () => {
    assert.deepEqual(resolvePubPlan({ topic: ['t'], file: 'a.bin' }).source, { kind: 'file', path: 'a.bin' });
    assert.deepEqual(resolvePubPlan({ topic: ['t'], stdinFile: true }).source, { kind: 'stdin' });
    assert.deepEqual(resolvePubPlan({ topic: ['t'], stdinLine: true }).source, { kind: 'lines' });
    assert.deepEqual(resolvePubPlan({ topic: ['t'], nullMessage: true }).source, { kind: 'null' });
    assert.deepEqual(resolvePubPlan({ topic: ['t'], message: '' }).source, { kind: 'message', payload: Buffer.alloc(0) });
  });
  test('a false boolean source is no source', () => {
    assert.equal(resolvePubPlan({ topic: ['t'], message: 'x', stdinLine: false, nullMessage: false }).source.kind, 'message');
  });
  test('numbers, retain, several topics, -m decoded', () => {
    const plan = resolvePubPlan({ topic: ['a', 'b'], message: 'AP8=', encoding: 'base64', qos: '2', retain: true, repeat: '3', repeatDelay: '0.25', M: '100' });
    assert.deepEqual(plan.source, { kind: 'message', payload: Buffer.from([0, 255]) });
    assert.deepEqual([plan.topics, plan.qos, plan.retain, plan.repeat, plan.repeatDelayMs, plan.maxInflight], [['a', 'b'], 2, true, 3, 250, 100]);
  });
  test('--repeat with -l is ignored with a warning', () => {
    assert.deepEqual(resolvePubPlan({ topic: ['t'], stdinLine: true, repeat: '5' }).warnings, ['--repeat and --repeat-delay are ignored with -l: every line is published once.']);
  });
  test('long-form property flags become -D publish tokens and properties', () => {
    const plan = resolvePubPlan({
      topic: ['t'], message: 'x', contentType: 'text/plain', correlationData: 'c1', messageExpiry: '60', payloadFormatIndicator: true,
      responseTopic: 'reply/to', topicAlias: '3', userProperty: ['site=north', 'site=south', 'empty='], property: ['publish', 'user-property', 'k', 'v'],
    });
    assert.deepEqual(plan.propertyTokens, [
      'publish', 'user-property', 'k', 'v',
      'publish', 'content-type', 'text/plain', 'publish', 'correlation-data', 'c1', 'publish', 'message-expiry-interval', '60',
      'publish', 'payload-format-indicator', '1', 'publish', 'response-topic', 'reply/to', 'publish', 'topic-alias', '3',
      'publish', 'user-property', 'site', 'north', 'publish', 'user-property', 'site', 'south', 'publish', 'user-property', 'empty', '',
    ]);
    assert.deepEqual(plan.properties, {
      userProperties: { k: 'v', site: ['north', 'south'], empty: '' }, contentType: 'text/plain', correlationData: Buffer.from('c1'),
      messageExpiryInterval: 60, payloadFormatIndicator: true, responseTopic: 'reply/to', topicAlias: 3,
    });
  });
  test('-D for other packets leaves PUBLISH without properties', () => {
    const plan = resolvePubPlan({ topic: ['t'], message: 'x', property: ['connect', 'session-expiry-interval', '10'] });
    assert.equal(plan.properties, undefined);
    assert.deepEqual(plan.propertyTokens, ['connect', 'session-expiry-interval', '10']);
  });
});

describe('finalTopics', () => {
  const plan = (args: PubArgs) => resolvePubPlan({ message: 'x', ...args });
  test('-t wins over the URL topic', () => assert.deepEqual(finalTopics(plan({ topic: ['a'] }), 'url/topic'), ['a']));
  test('the URL topic when there is no -t', () => assert.deepEqual(finalTopics(plan({}), 'url/topic'), ['url/topic']));
  test('a URL topic is checked like -t', () => {
    assert.throws(() => finalTopics(plan({}), 'a/#'), { message: "Invalid publish topic 'a/#' (-L): it contains '+' or '#', which are only allowed in subscriptions." });
  });
  test('no topic at all', () => {
    assert.throws(() => finalTopics(plan({}), undefined), { message: 'No topic given: use -t TOPIC (or a URL with a topic, -L mqtt://host/TOPIC).' });
  });
  test('NDJSON lines may bring their own topics', () => {
    assert.deepEqual(finalTopics(resolvePubPlan({ stdinLine: true, lineFormat: 'json' }), undefined), []);
  });
  test('a 65535-byte topic is fine, 65536 is not', () => {
    assert.equal(checkPublishTopic('é'.repeat(32767) + 'a', 'publish topic', '-t').length, 32768);
    assert.throws(() => checkPublishTopic('é'.repeat(32768), 'publish topic', '-t'), /longer than 65535 bytes/);
  });
});

describe('decodePayload', () => {
  const ok: [string, 'hex' | 'base64' | 'utf8', number[]][] = [
    ['', 'hex', []],
    ['00ff10', 'hex', [0, 255, 16]],
    ['00 FF\n10\r\n', 'hex', [0, 255, 16]],
    ['AP8Q', 'base64', [0, 255, 16]],
    ['AP8=', 'base64', [0, 255]],
    ['AP8', 'base64', [0, 255]],
    ['AP\n8=\n', 'base64', [0, 255]],
    ['_-8', 'base64', [255, 239]],
    ['é', 'utf8', [0xc3, 0xa9]],
  ];
  for (const [text, encoding, bytes] of ok) {
    test(`${encoding} ${JSON.stringify(text)}`, () => assert.deepEqual(decodePayload(text, encoding), Buffer.from(bytes)));
  }
  const bad: [string, 'hex' | 'base64', string][] = [
    ['0', 'hex', 'it is not hex: an odd number of digits (1)'],
    ['0x00', 'hex', 'it is not hex: use only 0-9 and a-f'],
    ['A', 'base64', 'it is not base64: the length is wrong (truncated?)'],
    ['AP8Q=', 'base64', 'it is not base64: the length is wrong (truncated?)'],
    ['A=P8', 'base64', 'it is not base64: use only A-Z, a-z, 0-9, +, / (or -, _) and = at the end'],
  ];
  for (const [text, encoding, problem] of bad) {
    test(`${encoding} ${JSON.stringify(text)} is refused`, () => assert.equal(decodePayload(text, encoding), problem));
  }
  test('a Buffer line decodes the same as its text', () => assert.deepEqual(decodePayload(Buffer.from('6869\r'), 'hex'), Buffer.from('hi')));
});

describe('payloadSizeProblem', () => {
  test('the whole packet must fit in 268435455 bytes', () => {
    assert.equal(payloadSizeProblem(1, MAX_REMAINING_LENGTH - 3, 0), undefined);
    assert.equal(payloadSizeProblem(1, MAX_REMAINING_LENGTH - 2, 0), 'the payload is 268435453 bytes; an MQTT message holds at most 268435452 bytes with this topic');
    assert.equal(payloadSizeProblem(1, MAX_REMAINING_LENGTH - 5, 1), undefined);
    assert.notEqual(payloadSizeProblem(1, MAX_REMAINING_LENGTH - 4, 1), undefined);
  });
});

describe('parseJsonLine (--line-format json)', () => {
  const defaults: LineDefaults = { topics: ['default/t'], qos: 1, retain: false, encoding: 'utf8', v5: true };
  const parse = (text: string, d: Partial<LineDefaults> = {}) => parseJsonLine(Buffer.from(text), { ...defaults, ...d });

  test('every field', () => {
    assert.deepEqual(parse('{"topic":"a/b","payload":"hi","qos":2,"retain":true,"properties":{"content-type":"text/plain","user-property":{"k":["1","2"]}}}'), {
      topics: ['a/b'], payload: Buffer.from('hi'), qos: 2, retain: true,
      properties: { contentType: 'text/plain', userProperties: { k: ['1', '2'] } },
    });
  });
  test('defaults from the flags', () => {
    assert.deepEqual(parse('{"payload":"x"}'), { topics: ['default/t'], payload: Buffer.from('x'), qos: 1, retain: false });
    assert.deepEqual(parse('{"payload":"x"}', { topics: ['a', 'b'] }), { topics: ['a', 'b'], payload: Buffer.from('x'), qos: 1, retain: false });
  });
  test('payload kinds: JSON values are sent as JSON text, null and absent as empty', () => {
    const payload = (text: string) => (parse(text) as { payload: Buffer }).payload.toString();
    assert.equal(payload('{"payload":{"t": 21.5, "ok": true}}'), '{"t":21.5,"ok":true}');
    assert.equal(payload('{"payload":[1,2]}'), '[1,2]');
    assert.equal(payload('{"payload":42}'), '42');
    assert.equal(payload('{"payload":null}'), '');
    assert.equal(payload('{"topic":"t"}'), '');
    assert.equal(payload('{"payload":"line\\nbreak \\u00e9"}'), 'line\nbreak é');
  });
  test('binary payloads through the encoding field or --encoding', () => {
    assert.deepEqual((parse('{"payload":"00ff","encoding":"hex"}') as { payload: Buffer }).payload, Buffer.from([0, 255]));
    assert.deepEqual((parse('{"payload":"AP8="}', { encoding: 'base64' }) as { payload: Buffer }).payload, Buffer.from([0, 255]));
    assert.deepEqual((parse('{"payload":"AP8=","encoding":"utf8"}', { encoding: 'base64' }) as { payload: Buffer }).payload, Buffer.from('AP8='));
  });
  test('line properties merge over the -D ones', () => {
    const parsed = parse('{"payload":"x","properties":{"contentType":"b","messageExpiryInterval":5}}', { properties: { contentType: 'a', responseTopic: 'r' } });
    assert.deepEqual((parsed as { properties: unknown }).properties, { contentType: 'b', responseTopic: 'r', messageExpiryInterval: 5 });
  });
  test('mosquitto_sub -F %j output pipes back in: extra fields ignored, its property shapes read', () => {
    assert.deepEqual(parse('{"tst":"2024-01-01T00:00:00.000000+0000","topic":"a","qos":1,"retain":0,"payloadlen":2,"mid":7,' +
      '"properties":{"content-type":"t","subscription-identifier":3,"user-properties":[{"k":"1"},{"j":"2"},{"k":"3"}]},"payload":"hi"}'), {
      topics: ['a'], payload: Buffer.from('hi'), qos: 1, retain: false, properties: { contentType: 't', userProperties: { k: ['1', '3'], j: '2' } },
    });
  });
  test('mq sub --json output pipes back in: base64 payload and correlation data, dup and received ignored', () => {
    assert.deepEqual(parse('{"topic":"a","payload":"AP8=","encoding":"base64","qos":0,"retain":true,"dup":false,"mid":0,' +
      '"received":"2026-11-26T13:04:46.606Z","properties":{"payloadFormatIndicator":0,"correlationData":"AQI=","correlationDataEncoding":"base64","subscriptionIdentifier":[1,2]}}'), {
      topics: ['a'], payload: Buffer.from([0, 255]), qos: 0, retain: true, properties: { payloadFormatIndicator: false, correlationData: Buffer.from([1, 2]) },
    });
  });
  const bad: [string, string, Partial<LineDefaults>?][] = [
    ['{"topic":', 'not valid JSON (Unexpected end of JSON input)'],
    ['[1]', 'not a JSON object; expected {"topic": "...", "payload": "..."}'],
    ['"text"', 'not a JSON object; expected {"topic": "...", "payload": "..."}'],
    ['{"topc":"a"}', 'unknown field "topc" (known: topic, payload, qos, retain, properties, encoding)'],
    ['{"topic":7}', '"topic" must be a string'],
    ['{"topic":"a/+"}', "invalid topic 'a/+': it contains '+' or '#', which are only allowed in subscriptions"],
    ['{"topic":""}', "invalid topic '': it is empty"],
    ['{"topic":"a\\ud800"}', "invalid topic 'a\ud800': it is not valid UTF-8"],
    ['{"payload":"x"}', 'no "topic", and no -t to fall back to', { topics: [] }],
    ['{"qos":3}', 'invalid "qos" 3: use 0, 1 or 2'],
    ['{"retain":"yes"}', 'invalid "retain" "yes": use true or false'],
    ['{"payload":"zz","encoding":"hex"}', '"payload" it is not hex: use only 0-9 and a-f'],
    ['{"payload":{},"encoding":"hex"}', '"encoding" hex needs "payload" to be a string'],
    ['{"encoding":"utf16"}', '"encoding": unknown encoding "utf16"; use hex or base64 (or utf8 for plain text)'],
    ['{"properties":{"content-type":"a"}}', '"properties" need MQTT v5: add -V 5', { v5: false }],
    ['{"properties":[]}', '"properties" must be an object'],
  ];
  for (const [line, problem, d] of bad) test(`refuses ${line}`, () => assert.equal(parse(line, d), problem));
});

describe('parseJsonProperties', () => {
  test('kebab and camel names, converted', () => {
    assert.deepEqual(parseJsonProperties({
      'correlation-data': 'id-1', payloadFormatIndicator: 1, 'response-topic': 'r/1', topicAlias: 2, 'user-properties': { n: 1, b: true },
    }), { correlationData: Buffer.from('id-1'), payloadFormatIndicator: true, responseTopic: 'r/1', topicAlias: 2, userProperties: { n: '1', b: 'true' } });
  });
  const bad: [Record<string, unknown>, string][] = [
    [{ colour: 'red' }, 'unknown property "colour" (known: content-type, correlation-data, message-expiry-interval, payload-format-indicator, response-topic, topic-alias, user-property, user-properties)'],
    [{ 'content-type': 5 }, 'property "content-type" must be a string'],
    [{ 'message-expiry-interval': -1 }, 'property "message-expiry-interval" must be a whole number from 0 to 4294967295'],
    [{ 'topic-alias': 0 }, 'property "topic-alias" must be a whole number from 1 to 65535'],
    [{ 'payload-format-indicator': 'yes' }, 'property "payload-format-indicator" must be true or false (or 1 or 0)'],
    [{ 'response-topic': 'a/#' }, "property \"response-topic\" 'a/#' is not a valid topic: it contains '+' or '#', which are only allowed in subscriptions"],
    [{ 'user-property': 'x' }, 'property "user-property": must be an object of names to values, e.g. {"site": "north"}, or a list of such objects'],
    [{ correlationData: '!', correlationDataEncoding: 'base64' }, 'property "correlationData": it is not base64: use only A-Z, a-z, 0-9, +, / (or -, _) and = at the end'],
    [{ correlationDataEncoding: 'hex' }, '"correlationDataEncoding" must be "base64" or "utf8"'],
    [{ 'user-property': { a: {} } }, 'property "user-property": the value of "a" must be a string (or a list of strings)'],
    [{ 'correlation-data': 'x'.repeat(65536) }, 'property "correlation-data" is longer than 65535 bytes'],
  ];
  for (const [value, problem] of bad) test(`refuses ${JSON.stringify(value).slice(0, 60)}`, () => assert.equal(parseJsonProperties(value), problem));
});

/** A stand-in for MQTT.js: records publishes; acks are delivered by the test. */
class FakeClient extends EventEmitter implements PublishClient {
  connected = true;
  options = { protocolVersion: 4 };
  written: Buffer[] = [];
  stream = Object.assign(new EventEmitter(), { writableNeedDrain: false, write: (chunk: Buffer) => { this.written.push(Buffer.from(chunk)); return true; } });
  connackPacket: PublishClient['connackPacket'] = {};
  outgoing: Record<number, { cmd: string; cb: (error?: Error & { code?: unknown }, packet?: unknown) => void } | undefined> = {};
  sent: { topic: string; payload: string; options: PublishOptions }[] = [];
  private nextId = 1;
  publish(topic: string, payload: Buffer, options: PublishOptions, callback?: (error?: Error & { code?: unknown }, packet?: unknown) => void) {
    this.sent.push({ topic, payload: payload.toString(), options });
    if (options.qos > 0) this.outgoing[this.nextId++] = { cmd: 'publish', cb: callback! };
    return this;
  }
  ack(id: number, error?: Error & { code?: unknown }, packet?: unknown) {
    const entry = this.outgoing[id]!;
    delete this.outgoing[id];
    entry.cb(error, packet);
  }
  removeOutgoingMessage(id: number) {
    this.ack(id, new Error('Message removed'));
    return this;
  }
}

const message = (n: number, qos: 0 | 1 | 2 = 1) => ({ topic: 't', payload: Buffer.from(String(n)), qos, retain: false });

describe('Publisher: the in-flight window', () => {
  test('sends at once until the window is full, then waits for an ack', async () => {
    const client = new FakeClient();
    const publisher = new Publisher(client, { maxInflight: 3 });
    assert.equal(publisher.send(message(1)), undefined);
    assert.equal(publisher.send(message(2)), undefined);
    const wait = publisher.send(message(3));
    assert.ok(wait instanceof Promise, 'the third fills the window');
    let resolved = false;
    void wait.then(() => { resolved = true; });
    await new Promise((r) => setImmediate(r));
    assert.equal(resolved, false);
    client.ack(1);
    await new Promise((r) => setImmediate(r));
    assert.equal(resolved, true);
    assert.deepEqual(publisher.counts(), { written: 0, acknowledged: 1, rejected: 0, unacknowledged: 0, dropped: 0, inflight: 2 });
  });

  test('a v5 receive-maximum lowers the window', () => {
    const client = new FakeClient();
    client.connackPacket = { properties: { receiveMaximum: 2 } };
    const publisher = new Publisher(client, { maxInflight: 20 });
    assert.equal(publisher.send(message(1)), undefined);
    assert.ok(publisher.send(message(2)) instanceof Promise);
  });

  test('idle() waits for the last acknowledgement', async () => {
    const client = new FakeClient();
    const publisher = new Publisher(client, { maxInflight: 10 });
    publisher.send(message(1));
    publisher.send(message(2));
    let idle = false;
    void publisher.idle().then(() => { idle = true; });
    client.ack(1);
    await new Promise((r) => setImmediate(r));
    assert.equal(idle, false);
    client.ack(2);
    await new Promise((r) => setImmediate(r));
    assert.equal(idle, true);
  });

  test('a reason code >= 128 is a rejection with its topic', () => {
    const client = new FakeClient();
    const rejections: unknown[] = [];
    const publisher = new Publisher(client, { maxInflight: 10, onRejected: (r) => rejections.push(r) });
    publisher.send({ ...message(1), topic: 'secret/x' });
    client.ack(1, Object.assign(new Error('Publish error: Not authorized'), { code: 135 }), { properties: { reasonString: 'ACL' } });
    assert.deepEqual(rejections, [{ topic: 'secret/x', reasonCode: 135, reasonString: 'ACL' }]);
    assert.equal(publisher.counts().rejected, 1);
  });

  test('abandon() counts what is still outstanding as unacknowledged', async () => {
    const client = new FakeClient();
    const publisher = new Publisher(client, { maxInflight: 10 });
    publisher.send(message(1));
    publisher.send(message(2));
    client.ack(1);
    publisher.abandon();
    await publisher.idle();
    assert.deepEqual(publisher.counts(), { written: 0, acknowledged: 1, rejected: 0, unacknowledged: 1, dropped: 0, inflight: 0 });
  });
});

describe('Publisher: QoS 0', () => {
  test('written while connected, counted as dropped while not', () => {
    const client = new FakeClient();
    const publisher = new Publisher(client, { maxInflight: 1, batchQos0: false });
    assert.equal(publisher.send(message(1, 0)), undefined);
    assert.equal(publisher.send(message(2, 0)), undefined, 'QoS 0 does not use the window');
    client.connected = false;
    assert.equal(publisher.send(message(3, 0)), undefined);
    assert.deepEqual(client.sent.map((s) => s.payload), ['1', '2']);
    assert.deepEqual(publisher.counts(), { written: 2, acknowledged: 0, rejected: 0, unacknowledged: 0, dropped: 1, inflight: 0 });
  });

  test('waits for the socket to drain when it is backed up, or to close', async () => {
    const client = new FakeClient();
    const publisher = new Publisher(client, { maxInflight: 1, batchQos0: false });
    client.stream.writableNeedDrain = true;
    const wait = publisher.send(message(1, 0));
    assert.ok(wait instanceof Promise);
    client.stream.emit('drain');
    await wait;
    const second = publisher.send(message(2, 0))!;
    client.stream.emit('close');
    await second;
    assert.equal(client.stream.listenerCount('drain'), 0);
    assert.equal(client.stream.listenerCount('close'), 0);
  });
});

describe('Publisher: batched QoS 0 packets', () => {
  test('encoded in order into one write at the end of the tick, exactly as MQTT would frame them', async () => {
    const client = new FakeClient();
    const publisher = new Publisher(client, { maxInflight: 1 });
    publisher.send({ topic: 'a/b', payload: Buffer.from('hi'), qos: 0, retain: false });
    publisher.send({ topic: 'a/b', payload: Buffer.alloc(0), qos: 0, retain: true });
    publisher.send({ topic: 'é', payload: Buffer.alloc(200, 1), qos: 0, retain: false });
    assert.equal(client.written.length, 0, 'nothing written before the tick ends');
    await new Promise((r) => process.nextTick(r));
    assert.equal(client.written.length, 1);
    assert.deepEqual(client.written[0], Buffer.concat([
      Buffer.from([0x30, 7, 0, 3]), Buffer.from('a/bhi'),
      Buffer.from([0x31, 5, 0, 3]), Buffer.from('a/b'),
      Buffer.from([0x30, 0xcc, 0x01, 0, 2]), Buffer.from('é'), Buffer.alloc(200, 1),
    ]));
    assert.deepEqual(client.sent, [], 'MQTT.js was not involved');
    assert.equal(publisher.counts().written, 3);
  });

  test('MQTT v5: an empty property length after the topic', async () => {
    const client = new FakeClient();
    client.options.protocolVersion = 5;
    const publisher = new Publisher(client, { maxInflight: 1 });
    publisher.send({ topic: 't', payload: Buffer.from('x'), qos: 0, retain: false });
    publisher.flush();
    assert.deepEqual(client.written, [Buffer.from([0x30, 5, 0, 1, 0x74, 0, 0x78])]);
  });

  test('a QoS 1 message or one with properties first flushes what was batched, keeping the order', () => {
    const client = new FakeClient();
    const order: string[] = [];
    client.stream.write = (chunk: Buffer) => { order.push(`batch ${chunk.length}`); return true; };
    const publish = client.publish.bind(client);
    client.publish = (topic, payload, options, callback) => { order.push(`mqtt.js qos${options.qos}`); return publish(topic, payload, options, callback); };
    const publisher = new Publisher(client, { maxInflight: 10 });
    publisher.send(message(1, 0));
    publisher.send(message(2, 1));
    publisher.send(message(3, 0));
    publisher.send({ ...message(4, 0), properties: { contentType: 'x' } });
    assert.deepEqual(order, ['batch 6', 'mqtt.js qos1', 'batch 6', 'mqtt.js qos0']);
  });

  test('a full half slab is written at once, and a backed-up socket pauses the sender', async () => {
    const client = new FakeClient();
    const publisher = new Publisher(client, { maxInflight: 1 });
    const big = { topic: 't', payload: Buffer.alloc(20_000), qos: 0 as const, retain: false };
    assert.equal(publisher.send(big), undefined);
    client.stream.writableNeedDrain = true;
    const wait = publisher.send(big);
    assert.ok(wait instanceof Promise, 'the slab was written and the socket needs to drain');
    assert.equal(client.written.length, 1);
    assert.equal(client.written[0]!.length, 2 * (1 + 3 + 2 + 1 + 20_000));
    client.stream.emit('drain');
    await wait;
  });

  test('nothing is written once the connection is gone; the batch is dropped with it', async () => {
    const client = new FakeClient();
    const publisher = new Publisher(client, { maxInflight: 1 });
    publisher.send(message(1, 0));
    client.connected = false;
    client.emit('close');
    await new Promise((r) => process.nextTick(r));
    assert.deepEqual(client.written, []);
  });
});

describe('Publisher: topic aliases', () => {
  test('the first message carries the topic, later ones only the alias, again after a reconnect', () => {
    const client = new FakeClient();
    const publisher = new Publisher(client, { maxInflight: 10 });
    const aliased = { ...message(1, 0), topic: 'long/topic', properties: { topicAlias: 1 } };
    publisher.send(aliased);
    publisher.send(aliased);
    publisher.send({ ...aliased, topic: 'other/topic' });
    client.emit('close');
    publisher.send({ ...aliased, topic: 'other/topic' });
    assert.deepEqual(client.sent.map((s) => s.topic), ['long/topic', '', 'other/topic', 'other/topic']);
    assert.deepEqual(client.sent.map((s) => s.options.properties), [{ topicAlias: 1 }, { topicAlias: 1 }, { topicAlias: 1 }, { topicAlias: 1 }]);
  });
});
