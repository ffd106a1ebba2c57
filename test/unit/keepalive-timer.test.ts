import { afterEach, beforeEach, describe, test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { keepaliveTimer } from '../../src/connection/keepalive-timer.ts';

/** Advance the mocked clock 1 ms at a time: a callback then sees Date.now() as when it was due. */
const advance = (ms: number) => { for (let i = 0; i < ms; i++) mock.timers.tick(1); };

describe('keepaliveTimer: the interval MQTT.js clears and sets again at every acknowledgement', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 }));
  afterEach(() => mock.timers.reset());

  test('runs every interval after set(), as setInterval', () => {
    const timer = keepaliveTimer();
    const runs: number[] = [];
    timer.set(() => runs.push(Date.now()), 100);
    advance(350);
    assert.deepEqual(runs, [100, 200, 300]);
  });

  test('set() again (clear then set, as MQTT.js reschedules) counts the interval from then', () => {
    const timer = keepaliveTimer();
    const runs: string[] = [];
    let id = timer.set(() => runs.push(`first ${Date.now()}`), 100);
    advance(60);
    timer.clear(id);
    id = timer.set(() => runs.push(`second ${Date.now()}`), 100);
    advance(90);
    assert.deepEqual(runs, [], 'nothing at 100 (the old deadline) nor at 150');
    advance(10);
    assert.deepEqual(runs, ['second 160']);
    advance(100);
    assert.deepEqual(runs, ['second 160', 'second 260']);
  });

  test('clear() stops it; clearing an older id does not', () => {
    const timer = keepaliveTimer();
    const runs: number[] = [];
    const old = timer.set(() => runs.push(1), 100);
    const current = timer.set(() => runs.push(2), 100);
    timer.clear(old);
    advance(100);
    assert.deepEqual(runs, [2]);
    timer.clear(current);
    advance(1000);
    assert.deepEqual(runs, [2]);
  });

  test('a shorter interval is not held up by the timer of a longer one', () => {
    const timer = keepaliveTimer();
    const runs: number[] = [];
    timer.set(() => runs.push(Date.now()), 1000);
    advance(10);
    timer.set(() => runs.push(Date.now()), 100);
    advance(200);
    assert.deepEqual(runs, [110, 210]);
  });
});
