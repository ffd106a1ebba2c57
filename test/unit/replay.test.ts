import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.ts';
import { lineHasProperties, parseJsonLine, parseRecordedTime, type LineDefaults } from '../../src/input/ndjson.ts';
import { resolvePubPlan, type PubArgs } from '../../src/pub/options.ts';
import { applyRewrite, Lateness, parseRewrite, parseSpeed, replayTopic, ResumePoint, Schedule } from '../../src/pub/replay-plan.ts';
import { recordArgs } from '../../src/sub/options.ts';

const usage = (message: string) => (e: unknown) => e instanceof UsageError && e.exitCode === 1 && e.message === message;

describe('parseRecordedTime', () => {
  const cases: [string, number | undefined][] = [
    ['2026-11-25T20:39:39.906Z', Date.UTC(2026, 10, 25, 20, 39, 39, 906)],
    ['2026-11-25T20:39:39Z', Date.UTC(2026, 10, 25, 20, 39, 39)],
    ['2026-11-25T20:39:39.906873+0000', Date.UTC(2026, 10, 25, 20, 39, 39, 906) + 0.873],
    ['2026-11-25T21:39:39.5+01:00', Date.UTC(2026, 10, 25, 20, 39, 39, 500)],
    ['2026-11-25T19:39:39.5-0100', Date.UTC(2026, 10, 25, 20, 39, 39, 500)],
    ['2026-11-25T20:39:39.906873Z+0000', Date.UTC(2026, 10, 25, 20, 39, 39, 906) + 0.873], // mosquitto_sub 2.0.11's %j
    ['2026-11-25 20:39:39.906Z', Date.UTC(2026, 10, 25, 20, 39, 39, 906)],
    ['2026-02-30T00:00:00Z', undefined],
    ['2026-11-25T24:00:00Z', undefined],
    ['2026-11-25T20:39:39', undefined],
    ['yesterday', undefined],
    ['', undefined],
  ];
  for (const [text, expected] of cases) {
    test(JSON.stringify(text), () => {
      const got = parseRecordedTime(text);
      if (expected === undefined) assert.equal(got, undefined);
      else assert.ok(got !== undefined && Math.abs(got - expected) < 1e-6, `${got} != ${expected}`);
    });
  }
});

test('parseRecordedTime: one second of lines parsed through the cached prefix, and a bad one after them', () => {
  const base = Date.UTC(2026, 10, 25, 20, 39, 39);
  for (const ms of [0, 1, 999, 5, 500]) assert.equal(parseRecordedTime(`2026-11-25T20:39:39.${String(ms).padStart(3, '0')}Z`), base + ms);
  assert.equal(parseRecordedTime('2026-11-25T20:39:40.001Z'), base + 1001);
  assert.equal(parseRecordedTime('2026-11-25T20:39:40.0x1Z'), undefined);
  assert.equal(parseRecordedTime('2026-11-25T20:39:40.-01Z'), undefined);
  assert.equal(parseRecordedTime('2026-11-25T20:39:40.002Z'), base + 1002);
});

describe('parseJsonLine with timed (--replay): the same parser as -l, the time required', () => {
  const defaults: LineDefaults = { topics: [], qos: 0, retain: false, encoding: 'utf8', v5: true, timed: true };
  const parse = (text: string) => parseJsonLine(Buffer.from(text), defaults);
  test('an mq sub --json line', () => {
    assert.deepEqual(parse('{"topic":"a","payload":"AP8=","encoding":"base64","qos":2,"retain":true,"dup":false,"mid":3,"received":"2026-11-26T13:04:46.606Z","properties":{"messageExpiryInterval":97}}'), {
      topics: ['a'], payload: Buffer.from([0, 255]), qos: 2, retain: true, properties: { messageExpiryInterval: 97 }, time: Date.UTC(2026, 10, 26, 13, 4, 46, 606),
    });
  });
  test('a mosquitto_sub -F %j line: its tst', () => {
    const parsed = parse('{"tst":"2026-11-26T13:04:46.606000+0000","topic":"a","qos":0,"retain":0,"payloadlen":1,"payload":"x"}');
    assert.equal(typeof parsed === 'string' ? parsed : parsed.time, Date.UTC(2026, 10, 26, 13, 4, 46, 606));
  });
  const bad: [string, string][] = [
    ['{"topic":"a","payload":"x"}', 'no "received" time: not a recording line (record with mq sub --record or mq sub --json)'],
    ['{"topic":"a","received":"soon"}', 'invalid "received" "soon": expected an RFC 3339 time such as "2026-11-25T20:39:39.906Z"'],
    ['{"topic":"a","received":1764162286606}', 'invalid "received" 1764162286606: expected an RFC 3339 time such as "2026-11-25T20:39:39.906Z"'],
    ['{"payload":"x","received":"2026-11-26T13:04:46.606Z"}', 'no "topic", and no -t to fall back to'],
    ['hello', 'not valid JSON (Unexpected token \'h\', "hello" is not valid JSON)'],
  ];
  for (const [line, problem] of bad) test(`refused: ${line}`, () => assert.equal(parse(line), problem));
  test('without timed (-l), "received" stays ignored, even when it is not a time', () => {
    assert.deepEqual(parseJsonLine(Buffer.from('{"topic":"a","received":"soon"}'), { ...defaults, timed: false }), { topics: ['a'], payload: Buffer.alloc(0), qos: 0, retain: false });
  });
});

describe('lineHasProperties: when a recording means MQTT v5', () => {
  const cases: [string, boolean][] = [
    ['{"topic":"a","payload":"x","received":"2026-11-26T13:04:46.606Z"}', false],
    ['{"topic":"a","properties":{"userProperties":{"k":"v"}}}', true],
    ['{"topic":"a","properties":{"contentType":"x"}}', true],
    ['{"topic":"a","properties":{"subscriptionIdentifier":1}}', false],
    ['{"topic":"a","properties":{"topicAlias":3}}', false],
    ['{"topic":"a","payload":"\\"properties\\""}', false],
    ['not json "properties"', false],
  ];
  for (const [line, expected] of cases) test(line, () => assert.equal(lineHasProperties(Buffer.from(line)), expected));
});

describe('parseSpeed', () => {
  for (const [text, value] of [['1', 1], ['2', 2], ['0.5', 0.5], ['.25', 0.25], ['0', 0], [' 3 ', 3]] as const) {
    test(`${text} -> ${value}`, () => assert.equal(parseSpeed(text), value));
  }
  for (const text of ['-1', 'fast', '', '1e3', 'Infinity', 'NaN', '2x']) {
    test(`refused: ${JSON.stringify(text)}`, () => assert.throws(() => parseSpeed(text),
      usage(`Invalid --speed "${text}": give a factor, 0 or more (1 = as recorded, 2 = twice as fast, 0 = as fast as the broker takes them).`)));
  }
});

describe('--rewrite FROM=TO', () => {
  const cases: [rule: string, topic: string, result: string | undefined][] = [
    ['rec/#=rw/#', 'rec/x/y', 'rw/x/y'],
    ['rec/#=rw/#', 'rec', 'rw'],
    ['rec/#=rw/#', 'record/x', undefined],
    ['rec/#=rw/#', 'other/rec/x', undefined],
    ['rec/#=#', 'rec/x/y', 'x/y'],
    ['#=replay/#', 'a/b', 'replay/a/b'],
    ['rec/#=fixed', 'rec/x/y', 'fixed'],
    ['a/b=c', 'a/b', 'c'],
    ['a/b=c', 'a/b/c', undefined],
    ['a/+/c=x/+/y', 'a/1/c', 'x/1/y'],
    ['+/+/#=+/#', 'a/b/c/d', 'a/c/d'],
    ['a/+=b', 'a/1', 'b'],
    ['a/+=b', 'a', undefined],
    ['a//b=c', 'a//b', 'c'],
    ['a//b=c', 'a/b', undefined],
    ['a//#=c/#', 'a//b', 'c/b'],
  ];
  for (const [text, topic, result] of cases) {
    test(`${text}: ${topic} -> ${String(result)}`, () => assert.equal(applyRewrite(parseRewrite(text), topic), result));
  }
  const bad: [string, string][] = [
    ['rec', "Invalid --rewrite \"rec\": write it as FROM=TO, e.g. 'rec/#=replay/#'."],
    ['a/#/b=c', "Invalid --rewrite \"a/#/b=c\": FROM 'a/#/b' is not a valid topic filter: '#' must be a whole level and the last one (e.g. a/#)."],
    ['=c', "Invalid --rewrite \"=c\": FROM '' is not a valid topic filter: it is empty."],
    ['a=', 'Invalid --rewrite "a=": TO is empty.'],
    ['a=b/#', "Invalid --rewrite \"a=b/#\": TO ends in '#' but FROM does not: there is nothing for it to stand for."],
    ['a/#=b/#/c', "Invalid --rewrite \"a/#=b/#/c\": in TO, '#' must be the whole last level (e.g. replay/#)."],
    ['a/+=b/+/+', "Invalid --rewrite \"a/+=b/+/+\": TO has 2 '+' but FROM has only 1 to fill them."],
    ['a/+=b+', "Invalid --rewrite \"a/+=b+\": in TO, '+' must be a whole level (e.g. replay/+/x)."],
    ['$share/g/a=b', 'Invalid --rewrite "$share/g/a=b": FROM is matched against topics, so it cannot be a shared subscription.'],
  ];
  for (const [text, message] of bad) test(`refused: ${text}`, () => assert.throws(() => parseRewrite(text), usage(message)));
});

describe('replayTopic: the first matching rewrite, then the prefix', () => {
  const rules = { rewrites: [parseRewrite('rec/a/#=one/#'), parseRewrite('rec/#=two/#')], prefix: '' };
  const cases: [prefix: string, topic: string, expected: ReturnType<typeof replayTopic>][] = [
    ['', 'rec/a/x', { topic: 'one/x' }],
    ['', 'rec/b/x', { topic: 'two/b/x' }],
    ['', 'zzz', { topic: 'zzz' }],
    ['replay/', 'rec/a/x', { topic: 'replay/one/x' }],
    ['replay/', 'zzz', { topic: 'replay/zzz' }],
  ];
  for (const [prefix, topic, expected] of cases) test(`${prefix}${topic}`, () => assert.deepEqual(replayTopic({ ...rules, prefix }, topic), expected));
  test('a rule that empties the topic is a problem for that line', () => {
    assert.deepEqual(replayTopic({ rewrites: [parseRewrite('rec/#=#')], prefix: '' }, 'rec'),
      { problem: "topic 'rec' becomes '', which is not a valid topic: it is empty" });
  });
});

describe('Schedule: gaps kept from the start, scaled by --speed', () => {
  test('speed 1: due = start + recorded offset, whenever due() is asked', () => {
    const s = new Schedule(1);
    assert.equal(s.due(1000, 50), 50);
    assert.equal(s.due(1000, 51), 50);
    assert.equal(s.due(1050, 52), 100);
    // A late caller does not move the rest of the schedule.
    assert.equal(s.due(1250, 400), 300);
    assert.equal(s.due(1300, 401), 350);
    assert.equal(s.position, 300);
  });
  test('speed 2 halves the gaps, 0.5 doubles them', () => {
    const fast = new Schedule(2);
    assert.deepEqual([0, 50, 250].map((t) => fast.due(t, 10)), [10, 35, 135]);
    const slow = new Schedule(0.5);
    assert.deepEqual([0, 50, 250].map((t) => slow.due(t, 10)), [10, 110, 510]);
  });
  test('speed 0: everything is due at once', () => {
    const s = new Schedule(0);
    assert.deepEqual([0, 50, 250].map((t, i) => s.due(t, i)), [0, 1, 2]);
  });
  test('times going backwards are due at once, and counted', () => {
    const s = new Schedule(1);
    assert.deepEqual([100, 200, 150, 120, 300].map((t) => s.due(t, 0)), [0, 100, 100, 100, 200]);
    assert.equal(s.backwards, 2);
  });
  test('--loop: the next round starts where the last one ended', () => {
    const s = new Schedule(1);
    assert.deepEqual([10, 20, 40].map((t) => s.due(t, 0)), [0, 10, 30]);
    s.nextRound();
    assert.deepEqual([10, 20, 40].map((t) => s.due(t, 5)), [30, 40, 60]);
    assert.equal(s.backwards, 0);
  });
});

describe('ResumePoint: the last line done with everything before it', () => {
  test('in order', () => {
    const r = new ResumePoint();
    assert.equal(r.line, 0);
    const a = r.start(1);
    const b = r.start(2);
    r.finish(a);
    assert.equal(r.line, 1);
    r.finish(b);
    assert.equal(r.line, 2);
  });
  test('out of order: a QoS 1 ack overtakes a QoS 2 one', () => {
    const r = new ResumePoint();
    const a = r.start(1);
    const b = r.start(2);
    const c = r.start(3);
    r.finish(c);
    assert.equal(r.line, 0);
    r.finish(a);
    assert.equal(r.line, 1);
    r.finish(b);
    assert.equal(r.line, 3);
  });
  test('--skip is where it starts; lines without a message pass', () => {
    const r = new ResumePoint(10);
    assert.equal(r.line, 10);
    const a = r.start(11);
    r.pass(12);
    assert.equal(r.line, 10);
    r.finish(a);
    assert.equal(r.line, 12);
  });
  test('never acknowledged: it stays before that line', () => {
    const r = new ResumePoint();
    r.start(1);
    const b = r.start(2);
    r.finish(b);
    assert.equal(r.line, 0);
  });
  test('many lines (compaction keeps the tickets valid)', () => {
    const r = new ResumePoint();
    const tickets = Array.from({ length: 5000 }, (_, i) => r.start(i + 1));
    for (const t of tickets.slice(0, 4000)) r.finish(t);
    assert.equal(r.line, 4000);
    const more = r.start(5001);
    for (const t of tickets.slice(4000).reverse()) r.finish(t);
    assert.equal(r.line, 5000);
    r.finish(more);
    assert.equal(r.line, 5001);
  });
});

test('Lateness: early counts as on time; percentiles to 10 µs', () => {
  const l = new Lateness();
  assert.equal(l.percentile(0.5), 0);
  for (const ms of [-1, 0, 1, 3]) l.add(ms);
  assert.equal(l.count, 4);
  assert.equal(l.mean, 1);
  assert.equal(l.max, 3);
  assert.equal(l.percentile(0.5), 0.01);
  assert.ok(Math.abs(l.percentile(0.75) - 1.01) < 1e-9);
  assert.equal(l.percentile(1), 3);
  const many = new Lateness();
  for (let i = 1; i <= 1000; i++) many.add(i / 100); // 0.01 .. 10 ms
  assert.ok(Math.abs(many.percentile(0.5) - 5) <= 0.011, String(many.percentile(0.5)));
  assert.ok(Math.abs(many.percentile(0.99) - 9.9) <= 0.011, String(many.percentile(0.99)));
  many.add(500);
  assert.equal(many.max, 500);
  assert.equal(many.percentile(1), 500);
});

describe('resolvePubPlan with --replay', () => {
  test('the plan', () => {
    const plan = resolvePubPlan({ replay: 'rec.ndjson', speed: '2', loop: '3', skip: '4', topicPrefix: 'r/', rewrite: ['a/#=b/#'], noRetain: true, qos: '1' });
    assert.equal(plan.lineFormat, 'json');
    assert.deepEqual(plan.source, { kind: 'lines' });
    assert.deepEqual(plan.replay, {
      path: 'rec.ndjson', speed: 2, loop: 3, skip: 4, noRetain: true, qos: 1,
      rules: { prefix: 'r/', rewrites: [{ text: 'a/#=b/#', from: ['a', '#'], to: ['b', '#'] }] },
    });
  });
  test('defaults: speed 1, once, from the start, recorded QoS', () => {
    assert.deepEqual(resolvePubPlan({ replay: '-' }).replay, { path: '-', speed: 1, loop: 1, skip: 0, noRetain: false, rules: { prefix: '', rewrites: [] } });
  });
  const bad: [string, PubArgs, string][] = [
    ['with another source', { replay: 'r', message: 'x' }, 'Only one message source at a time, but -m and --replay were given: use exactly one of -m, -f, -s, -l, -n or --replay.'],
    ['twice', { replay: ['a', 'b'] }, 'Only one message source at a time, but --replay and --replay were given: use exactly one of -m, -f, -s, -l, -n or --replay.'],
    ['-t', { replay: 'r', topic: ['t'] }, '-t cannot be used with --replay: each message goes to the topic it was recorded on; change topics with --topic-prefix P or --rewrite FROM=TO.'],
    ['-r', { replay: 'r', retain: true }, '-r cannot be used with --replay: each message keeps its recorded retain flag (--no-retain clears them).'],
    ['negative speed', { replay: 'r', speed: '-2' }, 'Invalid --speed "-2": give a factor, 0 or more (1 = as recorded, 2 = twice as fast, 0 = as fast as the broker takes them).'],
    ['speed not a number', { replay: 'r', speed: 'fast' }, 'Invalid --speed "fast": give a factor, 0 or more (1 = as recorded, 2 = twice as fast, 0 = as fast as the broker takes them).'],
    ['--loop -1', { replay: 'r', loop: '-1' }, 'Invalid loop count "-1" (--loop): it must be a whole number, at least 0.'],
    ['--skip x', { replay: 'r', skip: 'x' }, 'Invalid line count "x" (--skip): it must be a whole number, at least 0.'],
    ['--loop with stdin', { replay: '-', loop: '3' }, '--loop needs a file: stdin (--replay -) can be read only once; save the recording to a file and replay that.'],
    ['--topic-prefix with #', { replay: 'r', topicPrefix: 'a/#' }, "Invalid --topic-prefix 'a/#': it contains '+' or '#', which are only allowed in subscriptions."],
    ['--qos 3', { replay: 'r', qos: '3' }, 'Invalid QoS "3" (-q): use 0, 1 or 2.'],
    ['--repeat', { replay: 'r', repeat: '2' }, '--repeat and --repeat-delay apply to -m, -f, -s and -n; to play a recording several times use --loop N.'],
    ['--line-format', { replay: 'r', lineFormat: 'json' }, '--line-format applies to -l (one message per line).'],
    ['--speed without --replay', { topic: ['t'], message: 'x', speed: '2' }, '--speed applies to --replay FILE (playing a recording back).'],
    ['--no-retain without --replay', { topic: ['t'], stdinLine: true, noRetain: true }, '--no-retain applies to --replay FILE (playing a recording back).'],
    ['--rewrite without --replay', { topic: ['t'], message: 'x', rewrite: ['a=b'] }, '--rewrite applies to --replay FILE (playing a recording back).'],
    ['empty --replay', { replay: '' }, '--replay needs a file name, or - for stdin.'],
  ];
  for (const [name, args, message] of bad) test(`refused: ${name}`, () => assert.throws(() => resolvePubPlan(args), usage(message)));
  test('--on-error skip is allowed with --replay', () => {
    assert.equal(resolvePubPlan({ replay: 'r', onError: 'skip' }).onError, 'skip');
  });
});

describe('mq sub --record', () => {
  test('implies --json -q 2 --retain-as-published; an explicit -q wins', () => {
    assert.deepEqual(recordArgs({ record: true }), { record: true, json: true, qos: '2', retainAsPublished: true });
    assert.equal(recordArgs({ record: true, qos: '1' }).qos, '1');
    assert.deepEqual(recordArgs({ topic: ['a'] }), { topic: ['a'] });
  });
  for (const [flag, args] of [['-F', { F: '%t' }], ['-v', { verbose: true }], ['--encoding', { encoding: 'hex' }], ['-w', { watch: true }]] as const) {
    test(`refuses ${flag}`, () => assert.throws(() => recordArgs({ record: true, ...args }),
      usage(`--record writes NDJSON (--json) for mq pub --replay; ${flag} would change that: leave it out.`)));
  }
});
