import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startMosquitto, type Broker } from './helpers/broker.ts';
import { runMq } from './helpers/run.ts';

let broker: Broker;
before(async () => { broker = await startMosquitto(); });
after(async () => { await broker.stop(); });

test('sub reports %J payloads that are not JSON on stderr, as mosquitto_sub, and carry on', async () => {
  const published = spawnSync('mosquitto_pub', ['-p', String(broker.port), '-t', 'j/t', '-m', 'not json', '-r']);
  assert.equal(published.status, 0);
  const r = await runMq(['sub', '-p', String(broker.port), '-t', 'j/t', '-F', '%J', '-C', '1']);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '\n', 'Error: Message payload is not valid JSON on topic j/t.\n']);
});
