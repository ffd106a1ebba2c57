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
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const STALL_MS = 3000;

if (!MOSQUITTO || spawnSync('mosquitto_sub', ['--help']).error || spawnSync('mosquitto_pub', ['--help']).error) {
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

/** The peak resident set (VmHWM) of a running process, in MB (0 once it has exited). */
function peakRss(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'mq-bench-pub-'));
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
const whole = path.join(dir, 'input.txt');
writeFileSync(whole, lines.join('\n') + '\n');
const chunks = [];
for (let start = 0; start < MESSAGES; start += CHUNK) {
  const file = path.join(dir, `input-${start}.txt`);
  writeFileSync(file, lines.slice(start, start + CHUNK).join('\n') + '\n');
  chunks.push(file);
}

const mosquittoPub = (qos) => ['mosquitto_pub', '-h', '127.0.0.1', '-p', String(port), '-t', 'bench/pub', '-q', String(qos), '-l'];
const PUBLISHERS = [
  { name: 'mq pub -l', command: (qos) => [process.execPath, MQ, 'pub', '-h', '127.0.0.1', '-p', String(port), '-t', 'bench/pub', '-q', String(qos), '-l'], files: [whole] },
  { name: 'mosquitto_pub -l', command: mosquittoPub, files: [whole] },
  { name: `mosquitto_pub -l, ${CHUNK / 1000}k lines per run`, command: mosquittoPub, files: chunks, qos: [1] },
];

let runId = 0;
async function once(publisher, qos) {
  const id = `bench-pub-${process.pid}-${++runId}`;
  const logStart = brokerLog.length;
  const sub = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(port), '-i', id, '-t', 'bench/pub', '-q', String(qos), '-C', String(MESSAGES)], {
    env, stdio: ['ignore', 'pipe', 'ignore'],
  });
  let received = 0;
  let lastArrival = Date.now();
  sub.stdout.on('data', (chunk) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) received++;
    lastArrival = Date.now();
  });
  const subExited = new Promise((resolve) => sub.on('exit', resolve));
  await waitFor(() => brokerLog.slice(logStart).includes(`${id} ${qos} bench/pub`), 10_000, 'the subscriber to subscribe');

  const start = process.hrtime.bigint();
  let rss = 0;
  const codes = [];
  for (const file of publisher.files) {
    const input = openSync(file, 'r');
    const [command, ...args] = publisher.command(qos);
    const child = spawn(command, args, { env, stdio: [input, 'ignore', 'inherit'] });
    closeSync(input);
    const poll = setInterval(() => { rss = Math.max(rss, peakRss(child.pid)); }, 10);
    codes.push(await new Promise((resolve) => child.on('exit', resolve)));
    clearInterval(poll);
  }
  const publisherDone = Date.now();
  lastArrival = Math.max(lastArrival, publisherDone);
  // Until every message arrived, or nothing more arrives.
  const outcome = await Promise.race([
    subExited.then(() => 'complete'),
    waitFor(() => Date.now() - lastArrival > STALL_MS, 600_000, 'a stall').then(() => 'stalled'),
  ]);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9 - (outcome === 'stalled' ? STALL_MS / 1000 : 0);
  if (outcome === 'stalled') sub.kill('SIGTERM');
  return { rate: received / seconds, received, rss, codes };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (n) => Math.round(n).toLocaleString('en-US');

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
  broker.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\npub -l: ${fmt(MESSAGES)} lines into a local mosquitto, counted by mosquitto_sub; ${REPEATS} runs each, median (min-max)`);
console.log(`Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}\n`);
console.log('| publisher | QoS | msg/s | min-max | delivered | vs mosquitto_pub | peak RSS MB | exit |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log('');
for (const ratio of ratios) console.log(ratio);
