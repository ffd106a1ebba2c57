#!/usr/bin/env node
/**
 * `mq bench` against the broker's ceiling, measured side by side in one run (issue 5).
 *
 * The ceiling is the rate of the fastest pipeline the mosquitto project ships:
 * `mosquitto_pub -l` -> mosquitto -> `mosquitto_sub`, one publisher and one subscriber written in C,
 * timed from the first line fed to the publisher until the subscriber has received all N messages
 * (`-C N`, so its exit 0 is the check that nothing was lost).
 *
 * Then `mq bench` runs the same shape (1 publisher -> 1 subscriber, same payload size, same QoS,
 * same in-flight window of 20) on the same broker, twice:
 *   - at the ceiling's rate: does it keep up (received rate, loss, overruns, p99)?
 *   - overloaded at 1.5 x the ceiling: the most it delivers end to end (its own ceiling).
 * The figure compared with the broker's ceiling is the received rate when asked for the ceiling's
 * rate; the overloaded run shows what happens past it (three processes then share two cores).
 * Each round measures the ceiling just before and just after the bench run and compares the bench
 * with their mean, so that drift on a shared machine hits both alike; the table shows every round
 * and the medians.
 *
 * The broker is a fresh mosquitto on a free 127.0.0.1 port with its default settings except
 * max_queued_messages 0 (a subscriber that falls behind must not lose QoS 1 messages) and quiet logging.
 * mosquitto_pub -l -q 1 loses messages past 65 535 lines (its message ids wrap), so at QoS 1 its
 * input goes through consecutive publishers of at most 50 000 lines each.
 *
 * Usage: npm run build && node bench/bench-vs-ceiling.mjs [--messages N] [--rounds R] [--qos 0,1]
 *        [--duration S] [--warmup S] [--size B]
 */
import { cpus, loadavg } from 'node:os';
import { benchArgs, ceilingRate, childEnv, fmt, hasCommand, median, mqBenchReport, startMosquitto } from './lib.mjs';

const args = benchArgs('bench/bench-vs-ceiling.mjs', ['messages', 'rounds', 'qos', 'duration', 'warmup', 'size']);
/** Messages per ceiling run: a few seconds of the pipeline at each QoS. */
const MESSAGES = { 0: Number(args.messages ?? '300000'), 1: Number(args.messages ?? '100000') };
const ROUNDS = Number(args.rounds ?? '5');
const QOS_LEVELS = (args.qos ?? '0,1').split(',').map(Number);
const DURATION = Number(args.duration ?? '5');
const WARMUP = Number(args.warmup ?? '1');
const SIZE = Number(args.size ?? '64');
const OVERLOAD = 1.5;

if (!hasCommand('mosquitto_sub') || !hasCommand('mosquitto_pub')) {
  console.error('This benchmark needs mosquitto and mosquitto-clients (mosquitto_pub, mosquitto_sub).');
  process.exit(1);
}

// Node parses NODE_EXTRA_CA_CERTS at every start; users do not pay that, so neither does mq here.
const env = childEnv();
const broker = await startMosquitto('mq-bench-ceiling-');

// One line per message: SIZE characters and a newline, which -l strips: SIZE-byte payloads like -s SIZE.
const line = 'x'.repeat(SIZE) + '\n';
const input = Buffer.from(line.repeat(Math.max(...Object.values(MESSAGES))));

let topicNumber = 0;

/** mosquitto_pub -l -> mosquitto -> mosquitto_sub: messages per second. */
const ceiling = (qos) => ceilingRate({ broker, qos, messages: MESSAGES[qos], input, lineBytes: line.length, topic: `ceiling/${topicNumber++}`, env });

/** mq bench, 1 publisher -> 1 subscriber at `rate`: its JSON report. */
const mqBench = (qos, rate) => mqBenchReport({ broker, qos, rate, size: SIZE, duration: DURATION, warmup: WARMUP, topic: `mqbench/${topicNumber++}`, env });

console.log(`# mq bench vs the broker ceiling`);
console.log(`${cpus().length} x ${cpus()[0]?.model.trim()}, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`ceiling runs of ${MESSAGES[0]} (QoS 0) and ${MESSAGES[1]} (QoS 1) messages; mq bench ${WARMUP} s warm-up + ${DURATION} s window; payload ${SIZE} B; ${ROUNDS} rounds\n`);

try {
  for (const qos of QOS_LEVELS) {
    console.log(`## QoS ${qos}\n`);
    console.log('| round | ceiling msg/s | mq bench at the ceiling\'s rate: received msg/s | of ceiling | lost | overruns | p50 ms | p99 ms | mq bench at 1.5 x: received msg/s | of ceiling |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    const ceilings = [];
    const kept = [];
    const overloaded = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const before = await ceiling(qos);
      const atCeiling = await mqBench(qos, before);
      const after = await ceiling(qos);
      const c = (before + after) / 2;
      ceilings.push(c);
      const over = await mqBench(qos, c * OVERLOAD);
      kept.push(atCeiling.throughput.received);
      overloaded.push(over.throughput.received);
      const e2e = atCeiling.latency.endToEnd;
      console.log(`| ${round} | ${fmt(c)} | ${fmt(atCeiling.throughput.received)} | ${(atCeiling.throughput.received / c * 100).toFixed(0)} % | ${atCeiling.counters.lost} | ${fmt(atCeiling.counters.overruns)} | ${e2e.p50} | ${e2e.p99} | ${fmt(over.throughput.received)} | ${(over.throughput.received / c * 100).toFixed(0)} % |`);
    }
    const pct = (values) => `${(median(values) / median(ceilings) * 100).toFixed(0)} %`;
    console.log(`\nQoS ${qos} medians: ceiling ${fmt(median(ceilings))} msg/s; mq bench asked for the ceiling's rate delivered ${fmt(median(kept))} msg/s end to end (${pct(kept)} of the ceiling); overloaded at ${OVERLOAD} x it delivered ${fmt(median(overloaded))} msg/s (${pct(overloaded)}).\n`);
  }
} finally {
  await broker.stop();
}
