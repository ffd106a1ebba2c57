/**
 * `ps` never shows a password: not one given with -P, and not one inside a -L URL. Read from
 * /proc/PID/cmdline of a running `mq sub`, the way `ps` reads it.
 */
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type Broker } from './helpers/broker.ts';
import { MQ, spawnMq, waitForOutput } from './helpers/run.ts';

let broker: Broker;
before(async () => { broker = await startBroker(); });
after(async () => { await broker.stop(); });

const cases: [string, (port: number) => string[]][] = [
  ['-P', (port) => ['sub', '-h', '127.0.0.1', '-p', String(port), '-u', 'alice', '-P', 'hunter2-secret', '-t', 't', '-W', '30']],
  ['-L with user:password', (port) => ['sub', '-L', `mqtt://alice:hunter2-secret@127.0.0.1:${port}/t`, '-W', '30']],
];
for (const [name, args] of cases) {
  test(`a password given with ${name} does not show in the process list`, async () => {
    const running = spawnMq([...args(broker.port), '-d']);
    try {
      await waitForOutput(running, 'received SUBACK', 10_000);
      const cmdline = readFileSync(`/proc/${running.child.pid}/cmdline`, 'utf8');
      assert.doesNotMatch(cmdline, /hunter2/);
      assert.ok(!cmdline.includes(MQ), `the title replaced the command line: ${JSON.stringify(cmdline)}`);
    } finally {
      running.child.kill('SIGTERM');
      await running.done;
    }
  });
}

test('a command line without a password stays as it was typed', async () => {
  const running = spawnMq(['sub', '-h', '127.0.0.1', '-p', String(broker.port), '-t', 'visible/topic', '-W', '30', '-d']);
  try {
    await waitForOutput(running, 'received SUBACK', 10_000);
    assert.match(readFileSync(`/proc/${running.child.pid}/cmdline`, 'utf8'), /visible\/topic/);
  } finally {
    running.child.kill('SIGTERM');
    await running.done;
  }
});
