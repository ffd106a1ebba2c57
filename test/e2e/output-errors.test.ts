import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type Broker } from './helpers/broker.ts';
import { runMq } from './helpers/run.ts';

let broker: Broker;
before(async () => { broker = await startBroker(); });
after(async () => { await broker.stop(); });

test('sub reports %J payloads that are not JSON on stderr, as mosquitto_sub, and carry on', async () => {
  const published = await runMq(['pub', '-h', '127.0.0.1', '-p', String(broker.port), '-t', 'j/t', '-m', 'not json', '-r', '-q', '1']);
  assert.equal(published.code, 0, published.stderr);
  const r = await runMq(['sub', '-h', '127.0.0.1', '-p', String(broker.port), '-t', 'j/t', '-F', '%J', '-C', '1']);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '\n', 'Error: Message payload is not valid JSON on topic j/t.\n']);
});
