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
 * max_queued_messages 0 (a subscriber that falls behind must not lose QoS 1 messages).
 * mosquitto_pub -l -q 1 loses messages past 65 535 lines (its message ids wrap), so at QoS 1 its
 * input goes through consecutive publishers of at most 50 000 lines each.
 *
 * Usage: npm run build && node bench/bench-vs-ceiling.mjs [--messages N] [--rounds R] [--qos 0,1]
 *        [--duration S] [--warmup S] [--size B]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MQ = path.join(ROOT, 'bin', 'mq.js');
const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => spawnSync('test', ['-x', p]).status === 0);

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
/** Messages per ceiling run: a few seconds of the pipeline at each QoS. */
const MESSAGES = { 0: Number(option('messages', '300000')), 1: Number(option('messages', '100000')) };
const ROUNDS = Number(option('rounds', '5'));
const QOS_LEVELS = option('qos', '0,1').split(',').map(Number);
const DURATION = Number(option('duration', '5'));
const WARMUP = Number(option('warmup', '1'));
const SIZE = Number(option('size', '64'));
const CHUNK = 50_000;
const OVERLOAD = 1.5;

if (!MOSQUITTO || spawnSync('mosquitto_sub', ['--help']).error) {
  console.error('This benchmark needs mosquitto and mosquitto-clients (mosquitto_pub, mosquitto_sub).');
  process.exit(1);
}

// Node parses NODE_EXTRA_CA_CERTS at every start; users do not pay that, so neither does mq here.
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(condition, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function exited(child) {
  return new Promise((resolve) => child.on('close', (code) => resolve(code)));
}

const dir = mkdtempSync(path.join(tmpdir(), 'mq-bench-ceiling-'));
const port = await freePort();
writeFileSync(path.join(dir, 'mosquitto.conf'), [
  `listener ${port} 127.0.0.1`, 'allow_anonymous true', 'max_queued_messages 0', 'log_dest stderr',
  // Not log_type all: a line per PUBLISH would slow the broker down.
  'log_type error', 'log_type warning', 'log_type notice', 'log_type information', 'log_type subscribe', '',
].join('\n'));
let brokerLog = '';
const broker = spawn(MOSQUITTO, ['-c', path.join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
broker.stderr.setEncoding('utf8');
broker.stderr.on('data', (chunk) => { brokerLog += chunk; });
await waitFor(() => brokerLog.includes(`listen socket on port ${port}`) || broker.exitCode !== null, 5000, 'mosquitto to start');
await new Promise((r) => setTimeout(r, 200));
if (broker.exitCode !== null) throw new Error(`mosquitto did not start:\n${brokerLog}`);

// One line per message: SIZE characters and a newline, which -l strips: SIZE-byte payloads like -s SIZE.
const line = 'x'.repeat(SIZE) + '\n';
const input = path.join(dir, 'lines.txt');
writeFileSync(input, line.repeat(Math.max(...Object.values(MESSAGES))));

let topicNumber = 0;

/** mosquitto_pub -l -> mosquitto -> mosquitto_sub: messages per second. */
async function ceiling(qos) {
  const messages = MESSAGES[qos];
  const topic = `ceiling/${topicNumber++}`;
  const before = brokerLog.length;
  const sub = spawn('mosquitto_sub', ['-p', String(port), '-t', topic, '-q', String(qos), '-C', String(messages)], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const subDone = exited(sub);
  await waitFor(() => brokerLog.slice(before).includes(topic), 5000, 'the subscription');
  const started = performance.now();
  const chunk = qos === 0 ? messages : CHUNK;
  const all = readFileSync(input);
  for (let sent = 0; sent < messages; sent += chunk) {
    const n = Math.min(chunk, messages - sent);
    const pub = spawn('mosquitto_pub', ['-p', String(port), '-t', topic, '-q', String(qos), '-l'], { stdio: ['pipe', 'ignore', 'inherit'], env });
    pub.stdin.end(all.subarray(sent * line.length, (sent + n) * line.length));
    const code = await exited(pub);
    if (code !== 0) throw new Error(`mosquitto_pub exited ${code}`);
  }
  const code = await subDone;
  if (code !== 0) throw new Error(`mosquitto_sub exited ${code}`);
  return messages / ((performance.now() - started) / 1000);
}

/** mq bench, 1 publisher -> 1 subscriber at `rate`: its JSON report. */
async function mqBench(qos, rate) {
  const args = [MQ, 'bench', '-h', '127.0.0.1', '-p', String(port), '-c', '1', '--subscribers', '1', '-q', String(qos),
    '--rate', String(Math.round(rate)), '-s', String(SIZE), '--duration', String(DURATION), '--warmup', String(WARMUP),
    '--drain', '30', '-t', `mqbench/${topicNumber++}/%i`, '--json', '--quiet'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => { out += chunk; });
  const code = await exited(child);
  if (code !== 0) throw new Error(`mq bench exited ${code}`);
  return JSON.parse(out);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (n) => Math.round(n).toLocaleString('en-US');

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
  broker.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
