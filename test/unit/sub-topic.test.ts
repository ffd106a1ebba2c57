import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkFilter, checkPublishTopic, compileFilters, filterProblem, publishTopicProblem, topicMatches } from '../../src/mqtt/topic.js';
import { UsageError } from '../../src/errors.js';

describe('filterProblem', () => {
  const valid = ['a', 'a/b', '#', '+', 'a/#', 'a/+/c', '+/+', '/', 'a//b', '$SYS/#', '$share/g/a/#', 'caf\u00e9/+', 'a/+/#'];
  for (const filter of valid) {
    test(`valid: ${filter}`, () => assert.equal(filterProblem(filter), undefined));
  }
  const invalid: [string, RegExp][] = [
    ['', /empty/],
    ['a/#/b', /'#' must be a whole level and the last one/],
    ['a#', /'#' must be a whole level/],
    ['#/a', /'#' must be a whole level/],
    ['a+', /'\+' must be a whole level/],
    ['a/b+/c', /'\+' must be a whole level/],
    ['+a', /'\+' must be a whole level/],
    ['a\u0000b', /NUL/],
    ['a\ud800', /not valid UTF-8/],
    ['x'.repeat(65536), /longer than 65535 bytes/],
    ['$share/g', /group name and a filter/],
    ['$share//a', /group name and a filter/],
    ['$share/+/a', /group name and a filter/],
  ];
  for (const [filter, problem] of invalid) {
    test(`invalid: ${JSON.stringify(filter.slice(0, 20))}`, () => assert.match(filterProblem(filter) ?? '', problem));
  }
});

describe('publishTopicProblem', () => {
  const cases: [string, RegExp | undefined][] = [
    ['a/b', undefined], ['/', undefined], ['a b', undefined],
    ['', /empty/], ['a/+', /'\+' or '#'/], ['a/#', /'\+' or '#'/], ['a\u0000', /NUL/],
  ];
  for (const [topic, problem] of cases) {
    test(`${JSON.stringify(topic)}`, () => {
      const result = publishTopicProblem(topic);
      if (problem) assert.match(result ?? '', problem);
      else assert.equal(result, undefined);
    });
  }
});

describe('checkPublishTopic and checkFilter: a topic from the command line, one message shape', () => {
  const cases: [name: string, check: () => string, error: string | undefined][] = [
    ['a publish topic', () => checkPublishTopic('a/b', 'publish topic', '-t'), undefined],
    ['a filter', () => checkFilter('a/+/#', 'subscription topic', '-t'), undefined],
    ['pub -t with a wildcard', () => checkPublishTopic('a/+', 'publish topic', '-t'), "Invalid publish topic 'a/+' (-t): it contains '+' or '#', which are only allowed in subscriptions."],
    ['pub -L topic', () => checkPublishTopic('', 'publish topic', '-L'), "Invalid publish topic '' (-L): it is empty."],
    ['rr -e', () => checkPublishTopic('r/#', 'response topic', '-e'), "Invalid response topic 'r/#' (-e): it contains '+' or '#', which are only allowed in subscriptions."],
    ['invalid UTF-8 in an argument arrives as U+FFFD', () => checkPublishTopic('a\uFFFDb', 'publish topic', '-t'), "Invalid publish topic 'a\uFFFDb' (-t): it is not valid UTF-8 (it contains U+FFFD)."],
    ['U+FFFD is left to the broker in a filter', () => checkFilter('a\uFFFDb', 'subscription topic', '-t'), undefined],
    ['rr --respond -t', () => checkFilter('a/#/b', 'request filter', '-t'), "Invalid request filter 'a/#/b' (-t): '#' must be a whole level and the last one (e.g. a/#)."],
    ['sub -U', () => checkFilter('u+', 'unsubscribe topic', '-U'), "Invalid unsubscribe topic 'u+' (-U): '+' must be a whole level (e.g. a/+/c)."],
  ];
  for (const [name, check, error] of cases) {
    test(name, () => {
      if (error === undefined) assert.equal(typeof check(), 'string');
      else assert.throws(check, (e: unknown) => e instanceof UsageError && e.message === error);
    });
  }
});

describe('topicMatches', () => {
  const cases: [string, string, boolean][] = [
    ['a/b', 'a/b', true],
    ['a/b', 'a/bc', false],
    ['a/b', 'a', false],
    ['#', 'a', true],
    ['#', 'a/b/c', true],
    ['#', '/', true],
    ['#', '$SYS/x', false],
    ['+/x', '$SYS/x', false],
    ['$SYS/#', '$SYS/x', true],
    ['$SYS/+', '$SYS/x', true],
    ['a/#', 'a', true],
    ['a/#', 'a/', true],
    ['a/#', 'a/b/c', true],
    ['a/#', 'ab', false],
    ['a/#', 'b/a', false],
    ['a/+', 'a/b', true],
    ['a/+', 'a/', true],
    ['a/+', 'a', false],
    ['a/+', 'a/b/c', false],
    ['+', 'a', true],
    ['+', '', true],
    ['+', 'a/b', false],
    ['+', '/a', false],
    ['+/+', '/a', true],
    ['/+', '/a', true],
    ['a/+/c', 'a/b/c', true],
    ['a/+/c', 'a/b/d', false],
    ['a/+/c', 'a//c', true],
    ['a/+/#', 'a/b', true],
    ['a/+/#', 'a/b/c/d', true],
    ['a/+/#', 'a', false],
    ['+/b/+', 'x/b/y', true],
    ['+/b/+', 'x/bb/y', false],
    ['$share/g/a/+', 'a/b', true],
    ['$share/g/#', 'x/y', true],
  ];
  for (const [filter, topic, expected] of cases) {
    test(`${filter} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(topic)}`, () => {
      assert.equal(topicMatches(filter, topic), expected);
    });
  }
  test('compileFilters: any filter matches', () => {
    const match = compileFilters(['a/+', 'b/#', 'c']);
    assert.deepEqual(['a/x', 'b', 'b/y/z', 'c', 'c/d', 'a/x/y', 'd'].map(match), [true, true, true, true, false, false, false]);
    assert.equal(compileFilters([])('a'), false);
  });
});
