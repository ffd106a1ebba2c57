import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { planRr, type PlanContext, type RrArgs } from '../../src/rr/options.ts';
import { UsageError } from '../../src/errors.ts';

// Deterministic "random" bytes: 0x00, 0x01, ...
const random = (size: number) => Buffer.from(Array.from({ length: size }, (_, i) => i));
const v5: PlanContext = { protocolVersion: 5, random };
const v311: PlanContext = { protocolVersion: 4, random };

describe('planRr: requests', () => {
  test('defaults: v5, made-up response topic, random hex correlation data, -C 1, QoS 0', () => {
    const plan = planRr({ topic: 'svc/time', message: 'now' }, v5);
    assert.equal(plan.mode, 'request');
    assert.equal(plan.topic, 'svc/time');
    assert.equal(plan.responseTopic, 'mq/rr/0001020304050607');
    assert.equal(plan.responseTopicGenerated, true);
    assert.deepEqual(plan.correlationData, Buffer.from('000102030405060708090a0b0c0d0e0f'));
    assert.deepEqual(plan.source, { kind: 'message', payload: Buffer.from('now') });
    assert.equal(plan.count, 1);
    assert.equal(plan.qos, 0);
    assert.equal(plan.receiveMaximum, 1);
    assert.equal(plan.timeoutSeconds, undefined);
    assert.deepEqual(plan.output, { verbose: false, eol: true, pretty: false, json: false });
  });

  const cases: [name: string, args: RrArgs, context: PlanContext, check: (plan: ReturnType<typeof planRr>) => void][] = [
    ['-e names the response topic', { topic: 't', responseTopic: 'me/replies', nullMessage: true }, v5,
      (p) => { assert.equal(p.responseTopic, 'me/replies'); assert.equal(p.responseTopicGenerated, false); assert.deepEqual(p.source, { kind: 'null' }); }],
    ['-D publish response-topic is the same as -e', { topic: 't', message: 'x', property: ['publish', 'response-topic', 'r/1'] }, v5,
      (p) => assert.equal(p.responseTopic, 'r/1')],
    ['--correlation-data is sent as given', { topic: 't', message: 'x', correlationData: 'req-42' }, v5,
      (p) => assert.deepEqual(p.correlationData, Buffer.from('req-42'))],
    ['-D publish correlation-data too', { topic: 't', message: 'x', property: ['publish', 'correlation-data', 'abc'] }, v5,
      (p) => assert.deepEqual(p.correlationData, Buffer.from('abc'))],
    ['other -D publish properties go with the request', { topic: 't', message: 'x', property: ['publish', 'content-type', 'text/plain'] }, v5,
      (p) => assert.deepEqual(p.publishProperties, { contentType: 'text/plain' })],
    ['-f and -s', { topic: 't', file: 'req.json' }, v5, (p) => assert.deepEqual(p.source, { kind: 'file', path: 'req.json' })],
    ['-s', { topic: 't', stdinFile: true }, v5, (p) => assert.deepEqual(p.source, { kind: 'stdin' })],
    ['the topic of an -L URL', { message: 'x' }, { ...v5, urlTopic: 'from/url' }, (p) => assert.equal(p.topic, 'from/url')],
    ['-t wins over the URL topic', { topic: 't', message: 'x' }, { ...v5, urlTopic: 'from/url' }, (p) => assert.equal(p.topic, 't')],
    ['-C 3 waits for 3 responses; receive-maximum 3', { topic: 't', message: 'x', C: '3' }, v5, (p) => { assert.equal(p.count, 3); assert.equal(p.receiveMaximum, 3); }],
    ['-C 50: receive-maximum stays 20', { topic: 't', message: 'x', C: '50' }, v5, (p) => assert.equal(p.receiveMaximum, 20)],
    ['-W 2.5 and -q 2', { topic: 't', message: 'x', W: '2.5', qos: '2' }, v5, (p) => { assert.equal(p.timeoutSeconds, 2.5); assert.equal(p.qos, 2); }],
    ['MQTT 3.1.1 with -e: no correlation data', { topic: 't', message: 'x', responseTopic: 'r' }, v311,
      (p) => { assert.equal(p.correlationData, undefined); assert.equal(p.responseTopic, 'r'); }],
    ['MQTT 3.1.1 and --correlation-data: a warning', { topic: 't', message: 'x', responseTopic: 'r', correlationData: 'c' }, v311,
      (p) => assert.equal(p.warnings.length, 1)],
    ['output flags as mq sub', { topic: 't', message: 'x', verbose: true, N: true, F: '%t %p', pretty: true, utc: true }, v5,
      (p) => assert.deepEqual(p.output, { verbose: true, eol: false, format: '%t %p', pretty: true, json: false, timezone: 'utc' })],
    ['--json and --encoding', { topic: 't', message: 'x', encoding: 'HEX' }, v5, (p) => assert.equal(p.output.encoding, 'hex')],
  ];
  for (const [name, args, context, check] of cases) test(name, () => check(planRr(args, context)));
});

describe('planRr: responder', () => {
  const cases: [name: string, args: RrArgs, context: PlanContext, check: (plan: ReturnType<typeof planRr>) => void][] = [
    ['--respond -t with a wildcard filter, no limit', { respond: true, topic: 'svc/+/ask', message: 'pong' }, v5,
      (p) => { assert.equal(p.mode, 'respond'); assert.equal(p.topic, 'svc/+/ask'); assert.equal(p.count, undefined); assert.equal(p.correlationData, undefined); assert.equal(p.responseTopic, undefined); assert.equal(p.receiveMaximum, 20); }],
    ['--exec', { respond: true, topic: 'svc/#', exec: 'tr a-z A-Z' }, v5, (p) => assert.deepEqual(p.source, { kind: 'exec', command: 'tr a-z A-Z' })],
    ['-e answers requests that name no response topic', { respond: true, topic: 'svc', message: 'ok', responseTopic: 'replies' }, v311,
      (p) => assert.equal(p.responseTopic, 'replies')],
    ['-C 2 answers two requests', { respond: true, topic: 'svc', nullMessage: true, C: '2' }, v5, (p) => assert.equal(p.count, 2)],
  ];
  for (const [name, args, context, check] of cases) test(name, () => check(planRr(args, context)));
});

describe('planRr: mistakes are one-line usage errors', () => {
  const cases: [args: RrArgs, context: PlanContext, message: string][] = [
    [{ message: 'x' }, v5, 'No request topic: give -t TOPIC, e.g. mq rr -t svc/time -m now.'],
    [{ respond: true, message: 'x' }, v5, 'No request topic: give -t FILTER to answer requests on, e.g. mq rr --respond -t svc/echo -m pong.'],
    [{ topic: 'a/+', message: 'x' }, v5, "Invalid publish topic 'a/+' (-t): it contains '+' or '#', which are only allowed in subscriptions."],
    [{ topic: 'a', responseTopic: 'r/#', message: 'x' }, v5, "Invalid response topic 'r/#' (-e): it contains '+' or '#', which are only allowed in subscriptions."],
    [{ topic: 'a', responseTopic: '', message: 'x' }, v5, "Invalid response topic '' (-e): it is empty."],
    [{ respond: true, topic: 'a/#/b', message: 'x' }, v5, "Invalid request filter 'a/#/b' (-t): '#' must be a whole level and the last one (e.g. a/#)."],
    [{ topic: 'a' }, v5, 'No request message given: use -m TEXT, -f FILE, -s (all of stdin) or -n (an empty message).'],
    [{ topic: 'a', respond: true }, v5, 'No response given: use -m TEXT, -f FILE, -s (stdin), -n (empty) or --exec COMMAND (its output answers each request).'],
    [{ topic: 'a', message: 'x', file: 'f' }, v5, 'Only one message source at a time, but -m and -f were given.'],
    [{ topic: 'a', stdinFile: true, nullMessage: true }, v5, 'Only one message source at a time, but -s and -n were given.'],
    [{ topic: 'a', exec: 'date' }, v5, '--exec answers requests: use it with --respond.'],
    [{ topic: 'a', respond: true, exec: ' ' }, v5, '--exec needs a command, e.g. --exec "date -u".'],
    [{ topic: 'a', message: 'x' }, v311, 'MQTT 3.1.1 requests carry no response topic: give -e TOPIC (and let the responder know it), or use MQTT v5 (-V 5).'],
    [{ topic: 'a', message: 'x', qos: '3' }, v5, 'Invalid QoS "3" (-q): use 0, 1 or 2.'],
    [{ topic: 'a', message: 'x', C: '0' }, v5, 'Invalid number of responses to wait for "0" (-C): it must be a whole number, at least 1.'],
    [{ topic: 'a', message: 'x', W: '0' }, v5, 'Invalid timeout "0" (-W): it must be a number of seconds greater than 0.'],
    [{ topic: 'a', message: 'x', W: 'soon' }, v5, 'Invalid timeout "soon" (-W): it must be a number of seconds greater than 0.'],
    [{ topic: 'a/b', message: 'x', responseTopic: 'a/b' }, v5, "The response topic must differ from the request topic (both are 'a/b')."],
    [{ respond: true, topic: 'svc/#', message: 'x', responseTopic: 'svc/replies' }, v311, "The responses on 'svc/replies' (-e) would arrive as new requests on 'svc/#' (-t): use a response topic outside the filter."],
    [{ topic: 'a', message: 'x', responseTopic: 'r1', property: ['publish', 'response-topic', 'r2'] }, v5, '-e and -D publish response-topic name different response topics; give one.'],
    [{ topic: 'a', respond: true, message: 'x', correlationData: 'c' }, v5, '--respond sends back the correlation data of each request; --correlation-data is for requests.'],
    [{ topic: 'a', message: 'x', F: '%t', json: true }, v5, '-F and --json both choose the output format; give only one.'],
    [{ topic: 'a', message: 'x', encoding: 'b32' }, v5, 'Invalid --encoding "b32": use hex or base64.'],
    [{ topic: 'a', message: 'x', responseTopic: 'r', property: ['publish', 'content-type', 'x'] }, v311, '-D publish properties need MQTT v5, but -V asks for an older version.'],
  ];
  for (const [args, context, message] of cases) {
    test(message, () => assert.throws(() => planRr(args, context), (error: unknown) => error instanceof UsageError && error.message === message && error.exitCode === 1));
  }
});
