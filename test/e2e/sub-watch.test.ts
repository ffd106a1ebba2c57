/**
 * mq sub -w/--watch: on a terminal (a tmux pane of a fixed size), one row per topic in topic order,
 * rewritten in place; refused when stdout is not a terminal.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { startBroker, waitFor, type Broker } from './helpers/broker.ts';
import { MQ, runMq, tempDir, testEnv } from './helpers/run.ts';

const tmux = spawnSync('sh', ['-c', 'command -v tmux']).status === 0;
const skip = tmux ? false : 'needs tmux for a terminal of a fixed size';

let broker: Broker;
before(async () => { broker = await startBroker(); });
after(async () => { await broker?.stop(); });

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

test('a 60x6 terminal: the header, then one row per topic in topic order, the latest payload each, cut to the width', { skip }, async () => {
  const dir = tempDir();
  const socket = path.join(dir, 'tmux.sock');
  const status = path.join(dir, 'status');
  const env = Object.entries({ ...testEnv(), TERM: 'xterm' }).map(([k, v]) => `${k}=${quote(String(v))}`).join(' ');
  const mq = `env -i ${env} ${quote(process.execPath)} ${quote(MQ)} sub -h ${broker.host} -p ${broker.port} -t 'w/#' -w -C 9`;
  const tm = (...args: string[]) => spawnSync('tmux', ['-S', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  // -S -10: with the rows scrolled off the top (the newline mq ends with scrolls a full board by one).
  const screen = (history = false) => tm('capture-pane', '-p', ...(history ? ['-S', '-10'] : [])).stdout.split('\n').map((row) => row.trimEnd()).join('\n').trimEnd();
  assert.equal(tm('new-session', '-d', '-x', '60', '-y', '6', `sh -c ${quote(`${mq}; echo "exit=$?" > ${status}; sleep 60`)}`).status, 0);
  try {
    await waitFor(() => screen().includes('Broker:'), 10_000, () => `no header: ${screen()}`);
    // Subscribed once the header is drawn? Give the SUBSCRIBE a moment to reach the broker.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const client = await mqtt.connectAsync({ host: broker.host, port: broker.port });
    for (const [topic, payload] of [['w/c', 'c one'], ['w/a', 'a one'], ['w/b', 'b one'], ['w/a', 'a two']]) {
      await client.publishAsync(topic, payload, { qos: 1 });
    }
    const first = [
      `Broker: ${broker.host}:${broker.port}, 3 topics`,
      'w/a a two',
      'w/b b one',
      'w/c c one',
    ].join('\n');
    await waitFor(() => screen() === first, 5000, () => `screen:\n${screen()}`);

    // More topics than rows: the last row counts the rest; a long payload is cut at 60 columns.
    for (const [topic, payload] of [['w/e', 'e'], ['w/d', 'd'], ['w/f', 'f'], ['w/0', 'zero'], ['w/a', 'x'.repeat(100)]]) {
      await client.publishAsync(topic, payload, { qos: 1 });
    }
    await client.endAsync();
    await waitFor(() => readFileSync(status, { encoding: 'utf8', flag: 'a+' }).includes('exit='), 5000, () => `mq did not end after -C 9:\n${screen()}`);
    assert.equal(readFileSync(status, 'utf8').trim(), 'exit=0');
    const rows = screen(true).split('\n');
    const top = rows.findIndex((row) => row.startsWith('Broker:'));
    assert.deepEqual(rows.slice(top), [
      `Broker: ${broker.host}:${broker.port}, 7 topics`,
      'w/0 zero',
      `w/a ${'x'.repeat(56)}`,
      'w/b b one',
      'w/c c one',
      '... and 3 more (a taller terminal shows them)',
    ], rows.join('\n'));
  } finally {
    tm('kill-server');
  }
});

test('-w refuses a stdout that is not a terminal, before connecting', async () => {
  const result = await runMq(['sub', '-h', '127.0.0.1', '-p', '9', '-t', 'w/#', '-w']);
  assert.deepEqual([result.code, result.stdout, result.stderr], [1, '',
    'Error: -w/--watch rewrites lines in place and needs a terminal, but standard output is not one; use -v to print every message as a line.\n']);
});
