import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { subackReason } from '../../src/connection/errors.ts';
import { receiveMaximum } from '../../src/mqtt/subscribe.ts';

describe('receiveMaximum: -C below 20 asks for no more in flight, as mosquitto_sub and mosquitto_rr', () => {
  const cases: [count: number | undefined, expected: number][] = [
    [undefined, 20], [1, 1], [5, 5], [19, 19], [20, 20], [21, 20], [1000, 20],
  ];
  for (const [count, expected] of cases) test(`-C ${count ?? '(none)'} -> ${expected}`, () => assert.equal(receiveMaximum(count), expected));
});

describe('subackReason: why a filter was refused', () => {
  const cases: [code: number, v5: boolean, expected: string][] = [
    [135, true, 'Not authorized (reason code 135)'],
    [143, true, 'Topic Filter invalid (reason code 143)'],
    [158, true, 'Shared Subscriptions not supported (reason code 158)'],
    [250, true, 'Unknown reason (reason code 250)'],
    [128, false, 'refused by the broker (0x80)'],
  ];
  for (const [code, v5, expected] of cases) test(`${code} ${v5 ? 'v5' : 'v3.1.1'}`, () => assert.equal(subackReason(code, v5), expected));
});
