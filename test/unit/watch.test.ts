/** mq sub -w: the board (topic order, terminal height and width) and the bytes of each frame. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WatchBoard, boardLine, frameUpdates } from '../../src/output/watch.ts';

test('one row per topic in topic order, the latest line of each; the header counts them', () => {
  const board = new WatchBoard('Broker: localhost:1883');
  board.set('c', 'c 1');
  board.set('a', 'a 1');
  board.set('b', 'b 1');
  board.set('a', 'a 2');
  assert.deepEqual(board.view(24, 80), ['Broker: localhost:1883, 3 topics', 'a 2', 'b 1', 'c 1']);
  assert.equal(board.size, 3);
});

test('within the terminal: rows cut to its width; topics beyond its height counted on the last row', () => {
  const board = new WatchBoard('Broker: b');
  for (const t of ['t5', 't1', 't4', 't2', 't3']) board.set(t, `${t} ${'x'.repeat(20)}`);
  assert.deepEqual(board.view(4, 10), ['Broker: b,', 't1 xxxxxxx', 't2 xxxxxxx', '... and 3 ']);
  assert.deepEqual(board.view(6, 80).length, 6);
  assert.deepEqual(board.view(6, 80)[5], 't5 xxxxxxxxxxxxxxxxxxxx');
  const one = new WatchBoard('Broker: b');
  one.set('only', 'only 1');
  assert.deepEqual(one.view(2, 80), ['Broker: b, 1 topic', 'only 1']);
});

test('a formatted message becomes one row: no line end, control characters visible', () => {
  assert.equal(boardLine(Buffer.from('t hello\n')), 't hello');
  assert.equal(boardLine(Buffer.from('t a\nb\tc\x07\n')), 't a\u23ceb c\ufffd');
});

test('a frame rewrites only the rows that changed, each at its position, and clears what is gone', () => {
  assert.equal(frameUpdates([], ['H', 'a 1']), '\x1b[1;1H\x1b[2KH\x1b[2;1H\x1b[2Ka 1');
  assert.equal(frameUpdates(['H', 'a 1', 'b 1'], ['H', 'a 2', 'b 1']), '\x1b[2;1H\x1b[2Ka 2');
  assert.equal(frameUpdates(['H', 'a 1', 'b 1'], ['H', 'a 1']), '\x1b[3;1H\x1b[2K');
  assert.equal(frameUpdates(['H'], ['H']), '');
});
