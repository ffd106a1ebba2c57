import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { createMessageHandler, PRINT, REMOVE, STOP, type HandlingRules } from '../../src/sub/handler.js';
import { planSubscription, type SubArgs } from '../../src/sub/options.js';
import { compilePayloadFilter, evaluateWhere, parseWhere } from '../../src/sub/payload-filter.js';

const v311 = { protocolVersion: 4 as const };
const v5 = { protocolVersion: 5 as const };

describe('planSubscription: bad input is one clear UsageError', () => {
  const cases: [string, SubArgs, RegExp][] = [
    ['no topic', {}, /^No topic to subscribe to: give one or more -t TOPIC/],
    ['a/#/b', { topic: ['a/#/b'] }, /^Invalid subscription topic 'a\/#\/b' \(-t\): '#' must be a whole level and the last one/],
    ['a+', { topic: ['a+'] }, /^Invalid subscription topic 'a\+' \(-t\): '\+' must be a whole level/],
    ['bad -T', { topic: ['a'], filterOut: ['x/#/y'] }, /^Invalid filter topic 'x\/#\/y' \(-T\)/],
    ['bad -U', { topic: ['a'], unsubscribe: ['u+'] }, /^Invalid unsubscribe topic 'u\+' \(-U\)/],
    ['-C 0', { topic: ['a'], C: '0' }, /^Invalid message count "0" \(-C\): it must be a whole number, at least 1\.$/],
    ['-C -3', { topic: ['a'], C: '-3' }, /^Invalid message count "-3" \(-C\)/],
    ['-C x', { topic: ['a'], C: 'x' }, /^Invalid message count "x" \(-C\)/],
    ['-C 1.5', { topic: ['a'], C: '1.5' }, /^Invalid message count "1.5" \(-C\)/],
    ['-W 0', { topic: ['a'], W: '0' }, /^Invalid timeout "0" \(-W\): it must be a number of seconds greater than 0\.$/],
    ['-W abc', { topic: ['a'], W: 'abc' }, /^Invalid timeout "abc" \(-W\)/],
    ['-q 3', { topic: ['a'], qos: '3' }, /^Invalid QoS "3" \(-q\): use 0, 1 or 2\.$/],
    ['-q x', { topic: ['a'], qos: 'x' }, /^Invalid QoS "x" \(-q\)/],
    ['-M 0', { topic: ['a'], M: '0' }, /^Invalid maximum inflight messages "0" \(-M\)/],
    ['-R with --retained-only', { topic: ['a'], R: true, retainedOnly: true }, /^Combining '-R' and '--retained-only' makes no sense/],
    ['--random-filter 0', { topic: ['a'], randomFilter: '0' }, /^Invalid --random-filter chance "0": it must be a percentage from 0\.1 to 100\.$/],
    ['--random-filter 101', { topic: ['a'], randomFilter: '101' }, /^Invalid --random-filter chance "101"/],
    ['--random-filter x', { topic: ['a'], randomFilter: 'x' }, /^Invalid --random-filter chance "x"/],
    ['--retain-handling 3', { topic: ['a'], retainHandling: '3' }, /^Invalid --retain-handling "3": use 0/],
    ['--encoding utf8', { topic: ['a'], encoding: 'utf8' }, /^Invalid --encoding "utf8": use hex or base64\.$/],
    ['-F with --json', { topic: ['a'], F: '%t', json: true }, /^-F and --json both choose the output format/],
    ['--encoding with -F', { topic: ['a'], F: '%t', encoding: 'hex' }, /^--encoding applies to the plain and -v output/],
    ['--grep (', { topic: ['a'], grep: '(' }, /^Invalid --grep regular expression: "\(" is not valid: Unterminated group\.$/],
    ['--where no op', { topic: ['a'], where: ['temp!30'] }, /^Invalid --where 'temp!30': unknown operator/],
    ['--where > bool', { topic: ['a'], where: ['ok>true'] }, /^Invalid --where 'ok>true': > compares numbers or strings/],
    ['--where bad regex', { topic: ['a'], where: ['a=~['] }, /^Invalid --where 'a=~\[': the regular expression "\[" is not valid/],
  ];
  for (const [name, args, message] of cases) {
    test(name, () => {
      assert.throws(() => planSubscription(args, v311), (error: unknown) => {
        assert.ok(error instanceof UsageError, `UsageError, got ${String(error)}`);
        assert.equal(error.exitCode, 1);
        assert.match(error.message, message);
        assert.ok(!error.message.includes('\n'), 'one line');
        return true;
      });
    });
  }
});

describe('planSubscription: good input', () => {
  test('defaults', () => {
    const plan = planSubscription({ topic: ['a/#'] }, v311);
    assert.deepEqual(plan.subscriptions, [{ topic: 'a/#', qos: 0 }]);
    assert.equal(plan.qos, 0);
    assert.equal(plan.count, undefined);
    assert.equal(plan.timeoutSeconds, undefined);
    assert.equal(plan.printChance, 1);
    assert.equal(plan.maxInflight, 20);
    assert.equal(plan.receiveMaximum, 20);
    assert.deepEqual(plan.output, { verbose: false, eol: true, pretty: false, json: false });
    assert.deepEqual(plan.warnings, []);
  });
  test('repeated -t, deduplicated, URL topic added, QoS for all', () => {
    const plan = planSubscription({ topic: ['a', 'b', 'a'], qos: '2' }, { ...v311, urlTopic: 'c/+' });
    assert.deepEqual(plan.subscriptions, [{ topic: 'a', qos: 2 }, { topic: 'b', qos: 2 }, { topic: 'c/+', qos: 2 }]);
  });
  test('-U alone is allowed (mosquitto 2.1)', () => {
    const plan = planSubscription({ unsubscribe: ['old/#'] }, v311);
    assert.deepEqual(plan.subscriptions, []);
    assert.deepEqual(plan.unsubscribe, ['old/#']);
  });
  test('-C below 20 sets receive-maximum, as mosquitto', () => {
    assert.equal(planSubscription({ topic: ['a'], C: '5' }, v5).receiveMaximum, 5);
    assert.equal(planSubscription({ topic: ['a'], C: '19' }, v5).receiveMaximum, 19);
    assert.equal(planSubscription({ topic: ['a'], C: '20' }, v5).receiveMaximum, 20);
    assert.equal(planSubscription({ topic: ['a'], C: '500' }, v5).count, 500);
  });
  test('-W takes fractions', () => assert.equal(planSubscription({ topic: ['a'], W: '0.5' }, v311).timeoutSeconds, 0.5));
  test('--random-filter is a percentage', () => assert.equal(planSubscription({ topic: ['a'], randomFilter: '12.5' }, v311).printChance, 0.125));
  test('v5 subscription options', () => {
    const plan = planSubscription({ topic: ['a'], qos: '1', noLocal: true, retainAsPublished: true, retainHandling: '1' }, v5);
    assert.deepEqual(plan.subscriptions, [{ topic: 'a', qos: 1, nl: true, rap: true, rh: 1 }]);
  });
  test('-R under v5 asks for retain handling 2 unless --retain-handling says otherwise', () => {
    assert.equal(planSubscription({ topic: ['a'], R: true }, v5).subscriptions[0]!.rh, 2);
    assert.equal(planSubscription({ topic: ['a'], R: true, retainHandling: '0' }, v5).subscriptions[0]!.rh, 0);
    assert.equal(planSubscription({ topic: ['a'] }, v5).subscriptions[0]!.rh, 0);
  });
  test('v5-only options under 3.1.1 warn and are left out', () => {
    const plan = planSubscription({ topic: ['a'], noLocal: true, retainHandling: '2' }, v311);
    assert.deepEqual(plan.subscriptions, [{ topic: 'a', qos: 0 }]);
    assert.deepEqual(plan.warnings, [
      '--no-local is an MQTT v5 subscription option and has no effect with MQTT 3.x; add -V 5 to use it.',
      '--retain-handling is an MQTT v5 subscription option and has no effect with MQTT 3.x; add -V 5 to use it.',
    ]);
  });
  test('output options', () => {
    const plan = planSubscription({ topic: ['a'], verbose: true, N: true, pretty: true, encoding: 'HEX', utc: true }, v311);
    assert.deepEqual(plan.output, { verbose: true, eol: false, pretty: true, json: false, encoding: 'hex', timezone: 'utc' });
    assert.equal(planSubscription({ topic: ['a'], F: '%t %p' }, v311).output.format, '%t %p');
  });
});

function run(rules: Partial<HandlingRules>, messages: [string, string, boolean][]): number[] {
  const handler = createMessageHandler({
    retainedOnly: false, ignoreRetained: false, filterOut: [], removeRetained: false, printChance: 1, ...rules,
  });
  return messages.map(([topic, payload, retain]) => handler.handle(topic, Buffer.from(payload), retain));
}

describe('message handling order (mosquitto_sub my_message_callback)', () => {
  const R = true;
  const F = false;
  test('default: print everything', () => {
    assert.deepEqual(run({}, [['a', 'x', R], ['b', 'y', F]]), [PRINT, PRINT]);
  });
  test('-C 2: retained messages count; stop at the second; then ignore', () => {
    assert.deepEqual(run({ count: 2 }, [['a', '1', R], ['a', '2', F], ['a', '3', F]]), [PRINT, PRINT | STOP, 0]);
  });
  test('-R: retained ignored and not counted', () => {
    assert.deepEqual(run({ ignoreRetained: true, count: 1 }, [['a', '1', R], ['a', '2', F]]), [0, PRINT | STOP]);
  });
  test('--retained-only: print retained, stop at the first fresh one without printing it', () => {
    assert.deepEqual(run({ retainedOnly: true }, [['a', '1', R], ['b', '2', R], ['c', '3', F], ['d', '4', R]]), [PRINT, PRINT, STOP, 0]);
  });
  test('--retained-only checks before -T: a filtered fresh message still stops', () => {
    assert.deepEqual(run({ retainedOnly: true, filterOut: ['x/#'] }, [['x/1', '1', F]]), [STOP]);
  });
  test('-T: filtered messages are not counted and not removed', () => {
    assert.deepEqual(run({ filterOut: ['x/#', '+/secret'], count: 2, removeRetained: true }, [
      ['x/1', '1', R], ['a/secret', '2', F], ['a/1', '3', R], ['a/2', '4', F], ['a/3', '5', F],
    ]), [0, 0, PRINT | REMOVE, PRINT | STOP, 0]);
  });
  test('--remove-retained: retained messages only; -R ignores them before any removal', () => {
    assert.deepEqual(run({ removeRetained: true }, [['a', '1', R], ['a', '2', F]]), [PRINT | REMOVE, PRINT]);
    assert.deepEqual(run({ removeRetained: true, ignoreRetained: true }, [['a', '1', R]]), [0]);
  });
  test('--remove-retained with --retained-only: remove each, stop at the first fresh one', () => {
    assert.deepEqual(run({ removeRetained: true, retainedOnly: true }, [['a', '1', R], ['b', '2', R], ['a', '', F]]), [PRINT | REMOVE, PRINT | REMOVE, STOP]);
  });
  test('--remove-retained with -C 1: remove, print and stop together', () => {
    assert.deepEqual(run({ removeRetained: true, count: 1 }, [['a', '1', R]]), [PRINT | REMOVE | STOP]);
  });
  test('--random-filter: skipped messages still count for -C', () => {
    const draws = [0.9, 0.1, 0.7];
    assert.deepEqual(run({ printChance: 0.5, count: 3, random: () => draws.shift()! }, [['a', '1', F], ['a', '2', F], ['a', '3', F]]), [0, PRINT, STOP]);
  });
  test('--random-filter with --remove-retained still removes', () => {
    assert.deepEqual(run({ printChance: 0.5, removeRetained: true, random: () => 0.99 }, [['a', '1', R]]), [REMOVE]);
  });
  test('payload filter: misses are not counted, printed or removed', () => {
    const payloadFilter = compilePayloadFilter({ grep: 'alarm' })!;
    assert.deepEqual(run({ payloadFilter, count: 1, removeRetained: true }, [['a', 'ok', R], ['a', 'ALARM', F], ['a', 'fire alarm', F]]), [0, 0, PRINT | STOP]);
  });
  test('handled counts what -C counts', () => {
    const handler = createMessageHandler({ retainedOnly: false, ignoreRetained: true, filterOut: [], removeRetained: false, printChance: 1 });
    handler.handle('a', Buffer.from('x'), true);
    handler.handle('a', Buffer.from('x'), false);
    assert.equal(handler.handled, 1);
    assert.equal(handler.stopped, false);
  });
});

describe('--grep', () => {
  const cases: [string, string, boolean][] = [
    ['alarm', 'fire alarm!', true],
    ['alarm', 'ALARM', false],
    ['(?i)alarm', 'ALARM', true],
    ['^temp=\\d+$', 'temp=31', true],
    ['^temp=\\d+$', 'temp=31\n', false],
    ['é', 'café', true],
    ['', '', true],
  ];
  for (const [pattern, payload, expected] of cases) {
    test(`${pattern} on ${JSON.stringify(payload)}`, () => assert.equal(compilePayloadFilter({ grep: pattern })!(Buffer.from(payload)), expected));
  }
  test('binary payloads are searched as UTF-8 text', () => {
    assert.equal(compilePayloadFilter({ grep: 'ok' })!(Buffer.from([0, 0xff, 0x6f, 0x6b])), true);
  });
  test('no filter at all', () => assert.equal(compilePayloadFilter({}), undefined));
});

describe('--where', () => {
  test('parse', () => {
    assert.deepEqual(parseWhere('temp>30'), { path: ['temp'], operator: '>', value: 30, text: '30' });
    assert.deepEqual(parseWhere(' a.b[0].c >= -1.5 '), { path: ['a', 'b', '0', 'c'], operator: '>=', value: -1.5, text: '-1.5' });
    assert.deepEqual(parseWhere('/a~1b/c~0d==x'), { path: ['a/b', 'c~d'], operator: '==', value: 'x', text: 'x' });
    assert.deepEqual(parseWhere('status=alarm'), { path: ['status'], operator: '==', value: 'alarm', text: 'alarm' });
    assert.deepEqual(parseWhere('name=="42"'), { path: ['name'], operator: '==', value: '42', text: '"42"' });
    assert.deepEqual(parseWhere('>30'), { path: [], operator: '>', value: 30, text: '30' });
    assert.deepEqual(parseWhere('a.b'), { path: ['a', 'b'], operator: 'exists' });
    assert.equal(parseWhere('id=~^dev-\\d+$').regex!.source, '^dev-\\d+$');
  });
  const doc = { temp: 31.5, status: 'alarm', id: '42', n: 7, ok: true, nothing: null, tags: ['a', 'b'], nested: { deep: [{ v: 3 }] }, 'a/b': 1, s: '12' };
  const cases: [string, boolean][] = [
    ['temp>30', true], ['temp>31.5', false], ['temp>=31.5', true], ['temp<32', true], ['temp<=31', false],
    ['status==alarm', true], ['status=alarm', true], ['status!=alarm', false], ['status==ok', false],
    ['status=="alarm"', true], ['id==42', true], ['id=="42"', true], ['n==7', true], ['n=="7"', false],
    ['ok==true', true], ['ok==false', false], ['nothing==null', true], ['missing==null', false], ['missing!=x', true],
    ['tags[1]==b', true], ['tags.0==a', true], ['/tags/1==b', true], ['tags==["a","b"]', true],
    ['nested.deep[0].v>2', true], ['/nested/deep/0/v<3', false], ['/a~1b==1', true],
    ['s>5', true], ['s>100', false], ['status>aaa', true], ['status<aaa', false], ['temp>abc', false],
    ['status=~^al', true], ['status=~^x', false], ['n=~^7$', true],
    ['tags', true], ['missing', false], ['nothing', true],
  ];
  for (const [expression, expected] of cases) {
    test(`${expression} -> ${expected}`, () => assert.equal(evaluateWhere(parseWhere(expression), doc), expected));
  }
  test('the whole payload: a bare JSON number', () => {
    const filter = compilePayloadFilter({ where: ['>30'] })!;
    assert.deepEqual(['31', '29', '"x"', 'not json', ''].map((p) => filter(Buffer.from(p))), [true, false, false, false, false]);
  });
  test('several --where must all hold, together with --grep', () => {
    const filter = compilePayloadFilter({ grep: 'kitchen', where: ['temp>30', 'status==alarm'] })!;
    assert.equal(filter(Buffer.from('{"room":"kitchen","temp":35,"status":"alarm"}')), true);
    assert.equal(filter(Buffer.from('{"room":"hall","temp":35,"status":"alarm"}')), false);
    assert.equal(filter(Buffer.from('{"room":"kitchen","temp":25,"status":"alarm"}')), false);
    assert.equal(filter(Buffer.from('{"room":"kitchen","temp":35}')), false);
  });
});
