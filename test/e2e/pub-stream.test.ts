import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt, { type MqttClient } from 'mqtt';
import { startBroker, waitFor, type Broker } from './helpers/broker.ts';
import { spawnMq, type Running } from './helpers/run.ts';

/**
 * `pub -l` past the 65 535 message-id wrap: 200 000 lines at QoS 1 and at QoS 2 arrive complete and
 * in order (mosquitto_pub -l -q 1 delivers about lines mod 65 535 of them here and exits 0); so do
 * they at QoS 0, which mq writes in batches.
 */

const LINES = 200_000;
let broker: Broker;
const clients: MqttClient[] = [];
const running: Running[] = [];

// Quiet log: at log_type all the broker would spend more time logging than routing.
before(async () => { broker = await startBroker({ logTypes: ['error', 'warning', 'notice', 'information'] }); });
after(async () => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  for (const c of clients) c.end(true);
  await broker.stop();
});

async function publishLines(qos: 0 | 1 | 2): Promise<void> {
  const topic = `stream/${process.pid}/q${qos}`;
  const subscriber = await mqtt.connectAsync({ host: '127.0.0.1', port: broker.port, reconnectPeriod: 0 });
  clients.push(subscriber);
  const received: string[] = [];
  const qosSeen = new Set<number>();
  subscriber.on('message', (_topic, payload, packet) => {
    received.push(payload.toString());
    qosSeen.add(packet.qos);
  });
  await subscriber.subscribeAsync(topic, { qos });

  const input = Array.from({ length: LINES }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
  const pub = spawnMq(['pub', '-h', '127.0.0.1', '-p', String(broker.port), '-t', topic, '-l', '-q', String(qos)], { input, timeoutMs: 90_000 });
  running.push(pub);
  const result = await pub.done;
  assert.equal(result.stderr, '');
  assert.equal(result.code, 0, 'exit 0 only once every message was acknowledged');

  await waitFor(() => received.length >= LINES, 60_000, () => `${received.length} of ${LINES} arrived`);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(received.length, LINES, 'no duplicates');
  const firstWrong = received.findIndex((line, i) => line !== `line ${i + 1}`);
  assert.equal(firstWrong, -1, `out of order or missing at ${firstWrong}: got "${received[firstWrong]}"`);
  assert.deepEqual([...qosSeen], [qos]);
  subscriber.end(true);
}

// QoS 0 is written in batches of encoded packets rather than through MQTT.js: the same bytes must arrive.
test(`${LINES} lines at QoS 0 arrive complete and in order`, { timeout: 120_000 }, () => publishLines(0));
test(`${LINES} lines at QoS 1 arrive complete and in order`, { timeout: 120_000 }, () => publishLines(1));
test(`${LINES} lines at QoS 2 arrive complete and in order`, { timeout: 120_000 }, () => publishLines(2));
