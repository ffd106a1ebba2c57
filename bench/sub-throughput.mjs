#!/usr/bin/env node
/**
 * `mq sub -v` against `mosquitto_sub -v`, side by side in one run (issue 8, item 4).
 *
 * Starts its own mosquitto on a free 127.0.0.1 port (max_queued_messages 0, so the broker never
 * drops a subscriber's messages), then for each QoS and each subscriber, REPEATS times:
 * start the subscriber with -C N writing to /dev/null, wait until the broker logged its
 * subscription, feed N lines to `mosquitto_pub -l`, and time from the first publish to the
 * subscriber's exit. The subscriber exiting 0 is the check that all N messages arrived.
 *
 * mosquitto_pub -l -q 1 loses messages past 65 535 lines (its message ids wrap), so at QoS 1 the
 * input is sent by consecutive publishers of at most 50 000 lines each.
 *
 * Usage: npm run build && node bench/sub-throughput.mjs [--messages N] [--repeats R] [--qos 0,1]
 */
import { cpus } from 'node:os';
import path from 'node:path';
import {
  MQ, QOS1_CHUNK, benchArgs, childEnv, fmt, hasCommand, median, startMosquitto, subscribeTimed, writeJsonLines,
} from './lib.mjs';

const args = benchArgs('bench/sub-throughput.mjs', ['messages', 'repeats', 'qos']);
const MESSAGES = Number(args.messages ?? '200000');
const REPEATS = Number(args.repeats ?? '3');
const QOS_LEVELS = (args.qos ?? '0,1').split(',').map(Number);

if (!hasCommand('mosquitto_sub') || !hasCommand('mosquitto_pub')) {
  console.error('This benchmark needs mosquitto and mosquitto-clients (mosquitto_pub, mosquitto_sub).');
  process.exit(1);
}

// Node parses NODE_EXTRA_CA_CERTS at every start; users do not pay that, so neither does mq here.
const env = childEnv();
const broker = await startMosquitto('mq-bench-sub-');

// One line per message, ~40 bytes, every line different; at QoS 1 in files of at most QOS1_CHUNK lines.
const inputs = [];
const chunkSize = (qos) => (qos === 0 ? MESSAGES : QOS1_CHUNK);
for (const qos of QOS_LEVELS) {
  const files = [];
  for (let start = 0; start < MESSAGES; start += chunkSize(qos)) {
    files.push(writeJsonLines(path.join(broker.dir, `input-q${qos}-${start}.txt`), start, Math.min(MESSAGES, start + chunkSize(qos))));
  }
  inputs[qos] = files;
}

const SUBSCRIBERS = [
  { name: 'mosquitto_sub', command: 'mosquitto_sub', args: [] },
  { name: 'mq sub', command: process.execPath, args: [MQ, 'sub'] },
];

async function once(subscriber, qos) {
  const result = await subscribeTimed({
    broker, qos, messages: MESSAGES, topic: 'bench/sub', subscriber, feeder: { command: 'mosquitto_pub', args: [] }, files: inputs[qos], env,
    timeoutMs: 120_000,
  });
  if (result.error) throw new Error(`${subscriber.name} ${result.error}`);
  return { rate: result.rate, rss: result.rssMb };
}

const rows = [];
try {
  for (const qos of QOS_LEVELS) {
    const results = new Map(SUBSCRIBERS.map((s) => [s.name, []]));
    // Interleaved, so a slow phase of the machine hurts both tools alike.
    for (let r = 0; r < REPEATS; r++) {
      for (const subscriber of SUBSCRIBERS) results.get(subscriber.name).push(await once(subscriber, qos));
    }
    const base = median(results.get('mosquitto_sub').map((x) => x.rate));
    for (const subscriber of SUBSCRIBERS) {
      const list = results.get(subscriber.name);
      const rates = list.map((x) => x.rate);
      rows.push(`| \`${subscriber.name} -v\` | ${qos} | ${fmt(median(rates))} | ${fmt(Math.min(...rates))}-${fmt(Math.max(...rates))} | ${(median(rates) / base).toFixed(2)}x | ${Math.max(...list.map((x) => x.rss)).toFixed(1)} |`);
    }
  }
} finally {
  await broker.stop();
}

console.log(`\nsub -v: ${fmt(MESSAGES)} messages from mosquitto_pub -l to /dev/null, ${REPEATS} runs each, median (min-max)`);
console.log(`Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}\n`);
console.log('| subscriber | QoS | msg/s | min-max | vs mosquitto_sub | peak RSS MB |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
