/**
 * MQTT topic names and topic filters: validation (as mosquitto's clients check them before
 * connecting) and matching. Pure, no MQTT.js.
 *
 * Shared by pub (publish topics, will topic), sub (-t, -T, -U) and rr.
 */
import { UsageError } from '../errors.js';

/** Why a publish topic is not valid, or undefined when it is. */
export function publishTopicProblem(topic: string): string | undefined {
  if (topic.length === 0) return 'it is empty';
  if (topic.includes('+') || topic.includes('#')) return "it contains '+' or '#', which are only allowed in subscriptions";
  return textProblem(topic);
}

/**
 * Check a topic given on the command line (`what` names it: 'publish topic', 'response topic').
 * Invalid UTF-8 in an argument reaches us as U+FFFD, so that character is refused too (mosquitto:
 * "Malformed UTF-8 in -t argument").
 */
export function checkPublishTopic(topic: string, what: string, flag: string): string {
  const problem = publishTopicProblem(topic) ?? (topic.includes('\uFFFD') ? 'it is not valid UTF-8 (it contains U+FFFD)' : undefined);
  if (problem) throw new UsageError(`Invalid ${what} '${topic}' (${flag}): ${problem}.`);
  return topic;
}

/** Check a filter given on the command line (`what` names it: 'subscription topic', 'request filter'). */
export function checkFilter(filter: string, what: string, flag: string): string {
  const problem = filterProblem(filter);
  if (problem) throw new UsageError(`Invalid ${what} '${filter}' (${flag}): ${problem}.`);
  return filter;
}

/** Why a subscription filter is not valid, or undefined when it is. */
export function filterProblem(filter: string): string | undefined {
  if (filter.length === 0) return 'it is empty';
  const text = textProblem(filter);
  if (text) return text;
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) {
      return "'#' must be a whole level and the last one (e.g. a/#)";
    }
    if (level.includes('+') && level !== '+') return "'+' must be a whole level (e.g. a/+/c)";
  }
  if (levels[0] === '$share') {
    if (levels.length < 3 || levels[1] === '' || levels[1] === '+' || levels[1] === '#') {
      return 'a shared subscription needs a group name and a filter: $share/<group>/<filter>';
    }
  }
  return undefined;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** What mosquitto_validate_utf8() refuses besides bad encodings: C0/C1 controls, U+FDD0-U+FDEF, U+xxFFFE/U+xxFFFF. */
const REFUSED_CODE_POINT = /[\u0001-\u001F\u007F-\u009F\uFDD0-\uFDEF\uFFFE\uFFFF\u{1FFFE}\u{1FFFF}\u{2FFFE}\u{2FFFF}\u{3FFFE}\u{3FFFF}\u{4FFFE}\u{4FFFF}\u{5FFFE}\u{5FFFF}\u{6FFFE}\u{6FFFF}\u{7FFFE}\u{7FFFF}\u{8FFFE}\u{8FFFF}\u{9FFFE}\u{9FFFF}\u{AFFFE}\u{AFFFF}\u{BFFFE}\u{BFFFF}\u{CFFFE}\u{CFFFF}\u{DFFFE}\u{DFFFF}\u{EFFFE}\u{EFFFF}\u{FFFFE}\u{FFFFF}\u{10FFFE}\u{10FFFF}]/u;

/** MQTT strings: at most 65535 bytes of UTF-8, no NUL; lone surrogates cannot be encoded. */
function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'it contains a NUL character';
  if (LONE_SURROGATE.test(text)) return 'it is not valid UTF-8';
  // mosquitto (client and broker) refuses control characters and Unicode non-characters as malformed UTF-8.
  const refused = REFUSED_CODE_POINT.exec(text);
  if (refused) return `it contains U+${refused[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}, a control character or non-character MQTT brokers refuse`;
  if (Buffer.byteLength(text, 'utf8') > 65535) return 'it is longer than 65535 bytes';
  return undefined;
}

/** The filter a shared subscription `$share/<group>/<filter>` applies to topics. */
function effectiveFilter(filter: string): string {
  if (!filter.startsWith('$share/')) return filter;
  const groupEnd = filter.indexOf('/', 7);
  return groupEnd === -1 ? filter : filter.slice(groupEnd + 1);
}

/**
 * Compile a valid filter into a matcher. Filters without '+' (the common case: exact topics and
 * `prefix/#`) match with string compares only; the rest walk the levels without allocating.
 */
export function compileFilter(filter: string): (topic: string) => boolean {
  const f = effectiveFilter(filter);
  // Topics starting with '$' are not matched by a filter starting with a wildcard (MQTT 4.7.2).
  const wildcardFirst = f[0] === '+' || f[0] === '#';
  if (f === '#') return (topic) => topic[0] !== '$';
  if (!f.includes('+')) {
    if (!f.endsWith('#')) return (topic) => topic === f;
    const parent = f.slice(0, -2); // "a/b/#" -> "a/b"
    const prefix = f.slice(0, -1); // "a/b/"
    return (topic) => topic === parent || topic.startsWith(prefix);
  }
  const levels = f.split('/');
  return (topic) => {
    if (wildcardFirst && topic[0] === '$') return false;
    return matchLevels(levels, topic);
  };
}

function matchLevels(levels: readonly string[], topic: string): boolean {
  let start = 0; // start of the current topic level
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level === '#') return true; // also matches the parent level: a/# matches a
    if (start > topic.length) return false; // the topic has fewer levels than the filter
    let end = topic.indexOf('/', start);
    if (end === -1) end = topic.length;
    if (level !== '+') {
      if (end - start !== level.length || !topic.startsWith(level, start)) return false;
    }
    start = end + 1;
  }
  return start === topic.length + 1; // every topic level was consumed
}

/** True when the topic matches the filter (MQTT rules, including `$` topics and `$share`). */
export function topicMatches(filter: string, topic: string): boolean {
  return compileFilter(filter)(topic);
}

/** One matcher for several filters: true when any of them matches. */
export function compileFilters(filters: readonly string[]): (topic: string) => boolean {
  const matchers = filters.map(compileFilter);
  if (matchers.length === 0) return () => false;
  if (matchers.length === 1) return matchers[0]!;
  return (topic) => {
    for (let i = 0; i < matchers.length; i++) if (matchers[i]!(topic)) return true;
    return false;
  };
}
