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
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
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
const MESSAGES = Number(option('messages', '200000'));
const REPEATS = Number(option('repeats', '3'));
const QOS_LEVELS = option('qos', '0,1').split(',').map(Number);
const CHUNK = 50_000;

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
    await new Promise((r) => setTimeout(r, 5));
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'mq-bench-sub-'));
const port = await freePort();
writeFileSync(path.join(dir, 'mosquitto.conf'), [
  `listener ${port} 127.0.0.1`,
  'allow_anonymous true',
  'max_queued_messages 0',
  'log_dest stderr',
  'log_type subscribe',
  '',
].join('\n'));
let brokerLog = '';
const broker = spawn(MOSQUITTO, ['-c', path.join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
broker.stderr.setEncoding('utf8');
broker.stderr.on('data', (chunk) => { brokerLog += chunk; });
await new Promise((r) => setTimeout(r, 300));

// One line per message, ~40 bytes, every line different.
const lines = [];
for (let i = 0; i < MESSAGES; i++) lines.push(`{"n":${i},"temp":${(20 + (i % 150) / 10).toFixed(1)},"ok":true}`);
const inputs = [];
const chunkSize = (qos) => (qos === 0 ? MESSAGES : CHUNK);
for (const qos of QOS_LEVELS) {
  const files = [];
  for (let start = 0; start < MESSAGES; start += chunkSize(qos)) {
    const file = path.join(dir, `input-q${qos}-${start}.txt`);
    writeFileSync(file, lines.slice(start, start + chunkSize(qos)).join('\n') + '\n');
    files.push(file);
  }
  inputs[qos] = files;
}

const SUBSCRIBERS = [
  { name: 'mosquitto_sub', command: 'mosquitto_sub', args: [] },
  { name: 'mq sub', command: process.execPath, args: [MQ, 'sub'] },
];

/** Poll the peak resident set (VmHWM) of a running process, in MB. */
function peakRss(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

let runId = 0;
async function once(subscriber, qos) {
  const id = `bench-sub-${process.pid}-${++runId}`;
  const devnull = openSync('/dev/null', 'w');
  const logStart = brokerLog.length;
  const child = spawn(subscriber.command, [...subscriber.args, '-h', '127.0.0.1', '-p', String(port), '-i', id, '-t', 'bench/sub', '-q', String(qos), '-v', '-C', String(MESSAGES)], {
    env, stdio: ['ignore', devnull, 'pipe'],
  });
  closeSync(devnull);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c) => { stderr += c; });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  let rss = 0;
  const poll = setInterval(() => { rss = Math.max(rss, peakRss(child.pid)); }, 20);
  await waitFor(() => brokerLog.slice(logStart).includes(`${id} ${qos} bench/sub`), 10_000, `${subscriber.name} to subscribe`);
  rss = Math.max(rss, peakRss(child.pid));

  const start = process.hrtime.bigint();
  for (const file of inputs[qos]) {
    const input = openSync(file, 'r');
    const pub = spawn('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-t', 'bench/sub', '-q', String(qos), '-l'], { stdio: [input, 'ignore', 'inherit'] });
    closeSync(input);
    const code = await new Promise((resolve) => pub.on('exit', resolve));
    if (code !== 0) throw new Error(`mosquitto_pub exited ${code}`);
  }
  const timeout = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await exited;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  clearTimeout(timeout);
  clearInterval(poll);
  if (code !== 0) throw new Error(`${subscriber.name} exited ${code} (not all ${MESSAGES} messages arrived?): ${stderr}`);
  return { rate: MESSAGES / seconds, rss };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (n) => Math.round(n).toLocaleString('en-US');

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
  broker.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\nsub -v: ${fmt(MESSAGES)} messages from mosquitto_pub -l to /dev/null, ${REPEATS} runs each, median (min-max)`);
console.log(`Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}\n`);
console.log('| subscriber | QoS | msg/s | min-max | vs mosquitto_sub | peak RSS MB |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
