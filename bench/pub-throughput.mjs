#!/usr/bin/env node
/**
 * `mq pub -l` against `mosquitto_pub -l`, side by side in one run (issue 3's benchmark; issue 8, item 3).
 *
 * Starts its own mosquitto on a free 127.0.0.1 port (max_queued_messages 0, so the broker never
 * drops a subscriber's messages). For each QoS and each publisher, REPEATS times, interleaved:
 * start `mosquitto_sub -C N` and wait until the broker logged its subscription, start the publisher
 * with the N-line file on stdin, and time from the publisher's start until the subscriber counted
 * all N messages. The count is the check that all arrived; a run that stalls short of N (no new
 * message for 3 s after the publisher exited) is reported with what arrived.
 *
 * mosquitto_pub -l -q 1 loses messages past 65 535 lines (its message ids wrap; it still exits 0).
 * So at QoS 1 it runs twice: once with all N lines (to show what arrives), and once as consecutive
 * publishers of at most 50 000 lines each, which is the fair baseline for the ratio.
 *
 * Usage: npm run build && node bench/pub-throughput.mjs [--messages N] [--repeats R] [--qos 0,1]
 */
import { cpus } from 'node:os';
import {
  MQ, QOS1_CHUNK, benchArgs, childEnv, fmt, hasCommand, median, publishCounted, startMosquitto, writeInputs,
} from './lib.mjs';

const args = benchArgs('bench/pub-throughput.mjs', ['messages', 'repeats', 'qos']);
const MESSAGES = Number(args.messages ?? '200000');
const REPEATS = Number(args.repeats ?? '3');
const QOS_LEVELS = (args.qos ?? '0,1').split(',').map(Number);
const CHUNK = QOS1_CHUNK;

if (!hasCommand('mosquitto_sub') || !hasCommand('mosquitto_pub')) {
  console.error('This benchmark needs mosquitto and mosquitto-clients (mosquitto_pub, mosquitto_sub).');
  process.exit(1);
}

// Node parses NODE_EXTRA_CA_CERTS at every start; users do not pay that, so neither does mq here.
const env = childEnv();
const broker = await startMosquitto('mq-bench-pub-');
const { port } = broker;
const { whole, chunks } = writeInputs(broker.dir, 'input', MESSAGES);

const mosquittoPub = (qos) => ['mosquitto_pub', '-h', '127.0.0.1', '-p', String(port), '-t', 'bench/pub', '-q', String(qos), '-l'];
const PUBLISHERS = [
  { name: 'mq pub -l', command: (qos) => [process.execPath, MQ, 'pub', '-h', '127.0.0.1', '-p', String(port), '-t', 'bench/pub', '-q', String(qos), '-l'], files: [whole] },
  { name: 'mosquitto_pub -l', command: mosquittoPub, files: [whole] },
  { name: `mosquitto_pub -l, ${CHUNK / 1000}k lines per run`, command: mosquittoPub, files: chunks, qos: [1] },
];

async function once(publisher, qos) {
  const runs = publisher.files.map((file) => {
    const [command, ...args] = publisher.command(qos);
    return { command, args, file };
  });
  const result = await publishCounted({ broker, qos, messages: MESSAGES, topic: 'bench/pub', runs, counter: { command: 'mosquitto_sub', args: [] }, env });
  return { rate: result.rate, received: result.received, rss: result.rssMb, codes: result.codes };
}

const rows = [];
const ratios = [];
try {
  for (const qos of QOS_LEVELS) {
    const publishers = PUBLISHERS.filter((p) => !p.qos || p.qos.includes(qos));
    const results = new Map(publishers.map((p) => [p.name, []]));
    // Interleaved, so a slow phase of the machine hurts every tool alike.
    for (let r = 0; r < REPEATS; r++) {
      for (const publisher of publishers) results.get(publisher.name).push(await once(publisher, qos));
    }
    // The baseline is mosquitto_pub delivering everything: whole input at QoS 0, 50k-line runs at QoS 1.
    const baseline = qos === 0 ? 'mosquitto_pub -l' : publishers[2].name;
    const base = median(results.get(baseline).map((x) => x.rate));
    for (const publisher of publishers) {
      const list = results.get(publisher.name);
      const rates = list.map((x) => x.rate);
      const delivered = list.map((x) => x.received);
      const complete = delivered.every((n) => n === MESSAGES);
      const ratio = median(rates) / base;
      if (publisher.name === 'mq pub -l') ratios.push(`QoS ${qos}: mq pub -l / ${baseline} = ${ratio.toFixed(2)}x`);
      rows.push(`| \`${publisher.name}\` | ${qos} | ${fmt(median(rates))} | ${fmt(Math.min(...rates))}-${fmt(Math.max(...rates))} | ` +
        `${complete ? `all ${fmt(MESSAGES)}` : `**${delivered.map(fmt).join(', ')}** of ${fmt(MESSAGES)}`} | ${ratio.toFixed(2)}x | ` +
        `${Math.max(...list.map((x) => x.rss)).toFixed(1)} | ${[...new Set(list.flatMap((x) => x.codes))].join(',')} |`);
    }
  }
} finally {
  await broker.stop();
}

console.log(`\npub -l: ${fmt(MESSAGES)} lines into a local mosquitto, counted by mosquitto_sub; ${REPEATS} runs each, median (min-max)`);
console.log(`Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}\n`);
console.log('| publisher | QoS | msg/s | min-max | delivered | vs mosquitto_pub | peak RSS MB | exit |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log('');
for (const ratio of ratios) console.log(ratio);
