/**
 * What the benchmark scripts in bench/ share: a quiet mosquitto of their own, the input files,
 * peak-RSS measurement of a child, and the timed runs themselves (a publisher counted by a
 * subscriber; a subscriber fed by a publisher; the mosquitto_pub -> mosquitto -> mosquitto_sub
 * ceiling; an `mq bench` run). Plain ESM JavaScript so that it runs with node alone, no build.
 */
import { parseArgs } from 'node:util';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findMosquitto, freePort, launchMosquitto, waitFor } from '../scripts/mosquitto.mjs';

export { freePort, waitFor };

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const MQ = path.join(ROOT, 'bin', 'mq.js');
export const MOSQUITTO = findMosquitto();
/** mosquitto_pub -l -q 1 loses messages past 65 535 lines (its message ids wrap): feed it at most this many per run. */
export const QOS1_CHUNK = 50_000;

/**
 * The script's options through node:util parseArgs: `--name VALUE` for each of `values`, `--flag`
 * for each of `flags`. An unknown option or a missing value ends the script with a clear line (exit 2).
 */
export function benchArgs(script, values, flags = []) {
  const options = Object.fromEntries([
    ...values.map((name) => [name, { type: 'string' }]),
    ...flags.map((name) => [name, { type: 'boolean' }]),
  ]);
  try {
    return parseArgs({ options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    console.error(`${script}: ${error.message}`);
    process.exit(2);
  }
}

/** True when the command runs at all (exit code aside). */
export function hasCommand(command, args = ['--help']) {
  return !spawnSync(command, args, { stdio: 'ignore' }).error;
}

/**
 * The environment of every measured child: this one without NODE_EXTRA_CA_CERTS. Where a machine
 * sets it, Node parses that bundle at every start (~80 ms); users do not pay that.
 */
export function childEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** Resolves with the exit code (or the signal's name) once the child has exited. */
export function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
}

/** Like exited, but once its output pipes are read to the end too (for counting what it printed). */
export function closed(child) {
  return new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? signal)));
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const fmt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');

/** The peak resident set (VmHWM) of a running process, in MB (0 once it has exited). */
export function vmHwm(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** GNU time, when installed: `-f %M` gives a child's exact peak RSS. */
export const GNU_TIME = existsSync('/usr/bin/time') && /^\d+\s*$/.test(spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' }).stderr ?? '')
  ? '/usr/bin/time' : undefined;

let measuredCount = 0;
/**
 * Spawn a child whose peak RSS is measured: under `/usr/bin/time -f %M` when present (exact), else by
 * polling VmHWM every 10 ms. Returns { child, pid, done: Promise<exit code>, rssMb: Promise<MB>, kill() };
 * kill() signals the measured process itself, not the time wrapper (which then still reports).
 */
export function spawnMeasured(command, args, options = {}) {
  if (GNU_TIME) {
    const file = path.join(tmpdir(), `mq-bench-rss-${process.pid}-${++measuredCount}.txt`);
    const child = spawn(GNU_TIME, ['-f', '%M', '-o', file, command, ...args], options);
    const done = exited(child);
    const rssMb = done.then(() => {
      try {
        // A child killed by a signal adds a "Command terminated by signal N" line before the figure.
        const match = /(\d+)\s*$/.exec(readFileSync(file, 'utf8'));
        return match ? Number(match[1]) / 1024 : NaN;
      } catch {
        return NaN;
      } finally {
        rmSync(file, { force: true });
      }
    });
    const innerPid = () => {
      try {
        return Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/)[0]) || undefined;
      } catch {
        return undefined;
      }
    };
    // GNU time exits with the child's code, or 128 + the signal that ended it.
    const code = done.then((c) => (typeof c === 'number' && c > 128 ? `signal ${c - 128}` : c));
    return {
      child, done: code, rssMb,
      kill(signal = 'SIGTERM') {
        const pid = innerPid();
        try { process.kill(pid ?? child.pid, signal); } catch { /* already gone */ }
      },
    };
  }
  const child = spawn(command, args, options);
  let peak = 0;
  const poll = setInterval(() => { peak = Math.max(peak, vmHwm(child.pid)); }, 10);
  const done = exited(child).finally(() => clearInterval(poll));
  return { child, done, rssMb: done.then(() => peak || NaN), kill(signal = 'SIGTERM') { child.kill(signal); } };
}

/**
 * A mosquitto of our own on a free 127.0.0.1 port: max_queued_messages 0 (a subscriber that falls
 * behind never loses QoS 1 messages) and quiet logging (errors, warnings and subscriptions: a line
 * per PUBLISH or per connection would slow the broker down; subscriptions tell when a subscriber is ready).
 */
export async function startMosquitto(prefix = 'mq-bench-') {
  if (!MOSQUITTO) throw new Error('This benchmark needs mosquitto (the broker): apt install mosquitto');
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const port = await freePort();
  const config = path.join(dir, 'mosquitto.conf');
  writeFileSync(config, [
    `listener ${port} 127.0.0.1`, 'allow_anonymous true', 'max_queued_messages 0', 'connection_messages false',
    'log_dest stderr', 'log_type error', 'log_type warning', 'log_type subscribe', '',
  ].join('\n'));
  let broker;
  try {
    broker = await launchMosquitto({ binary: MOSQUITTO, configFile: config, ports: [port] });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const { log } = broker;
  const version = /mosquitto version (\S+)/.exec(spawnSync(MOSQUITTO, ['-h'], { encoding: 'utf8' }).stdout ?? '')?.[1] ?? '?';
  return {
    host: '127.0.0.1', port, dir, version,
    log,
    /** Where the log stands now, for waitLogged. */
    mark: () => log().length,
    /** Until the broker logged `text` after `mark` (mosquitto logs "<client id> <qos> <topic>" per subscription). */
    waitLogged: (text, mark, what = `the broker to log "${text}"`) => waitFor(() => log().includes(text, mark), 10_000, `timed out waiting for ${what}`, 5),
    async stop() {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One message per line, ~40 bytes, every line different. */
export function jsonLine(i) {
  return `{"n":${i},"temp":${(20 + (i % 150) / 10).toFixed(1)},"ok":true}\n`;
}

/** Write lines [from, to) of jsonLine to a file, in blocks (2 000 000 lines must not sit in memory). */
export function writeJsonLines(file, from, to) {
  writeFileSync(file, '');
  for (let start = from; start < to; start += 100_000) {
    let block = '';
    for (let i = start; i < Math.min(to, start + 100_000); i++) block += jsonLine(i);
    appendFileSync(file, block);
  }
  return file;
}

/** The input as one file, and as files of at most QOS1_CHUNK lines (mosquitto_pub -l -q 1's fair baseline). */
export function writeInputs(dir, name, messages) {
  const whole = writeJsonLines(path.join(dir, `${name}.txt`), 0, messages);
  const chunks = [];
  for (let start = 0; start < messages; start += QOS1_CHUNK) {
    chunks.push(writeJsonLines(path.join(dir, `${name}-${start}.txt`), start, Math.min(messages, start + QOS1_CHUNK)));
  }
  return { whole, chunks };
}

let runId = 0;
const nextId = (what) => `bench-${what}-${process.pid}-${++runId}`;
const countLines = (chunk) => {
  let n = 0;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  return n;
};

/**
 * A publisher's throughput, counted by a subscriber: start `counter` (a command with -C N, e.g.
 * mosquitto_sub) and wait until the broker logged its subscription; then run each of `runs`
 * ({ command, args, file }) in turn with the file on stdin, and time from the first publisher's start
 * until the subscriber counted all N messages. The count is the check that all arrived: a run that
 * stalls short of N (nothing new for stallMs after the last publisher exited) reports what arrived,
 * timed to the last arrival.
 * Returns { rate, seconds, received, complete, rssMb (the publishers' peak), codes }.
 */
export async function publishCounted({ broker, qos, messages, topic, runs, counter, env, cwd, stallMs = 3000 }) {
  const id = nextId('pub');
  const mark = broker.mark();
  const sub = spawn(counter.command, [...counter.args, '-h', broker.host, '-p', String(broker.port), '-i', id, '-t', topic,
    '-q', String(qos), '-C', String(messages)], { env, cwd, stdio: ['ignore', 'pipe', 'ignore'] });
  let received = 0;
  let lastArrival = 0;
  sub.stdout.on('data', (chunk) => {
    received += countLines(chunk);
    lastArrival = performance.now();
  });
  const subExited = closed(sub);
  let subDone = false;
  subExited.then(() => { subDone = true; });
  try {
    await broker.waitLogged(`${id} ${qos} ${topic}`, mark, 'the counting subscriber to subscribe');
  } catch (error) {
    sub.kill('SIGKILL');
    throw error;
  }

  const start = performance.now();
  let rssMb = 0;
  const codes = [];
  for (const run of runs) {
    const input = openSync(run.file, 'r');
    const publisher = spawnMeasured(run.command, run.args, { env, cwd, stdio: [input, 'ignore', 'inherit'] });
    closeSync(input);
    codes.push(await publisher.done);
    rssMb = Math.max(rssMb, await publisher.rssMb);
  }
  lastArrival = Math.max(lastArrival, performance.now());
  // Until every message arrived, or nothing more arrives.
  let stalled = false;
  await Promise.race([
    subExited,
    waitFor(() => subDone || performance.now() - lastArrival > stallMs, 3_600_000, 'timed out waiting for a stall', 20).then(() => { stalled = !subDone; }),
  ]);
  const end = stalled ? lastArrival : performance.now();
  if (stalled) {
    sub.kill('SIGTERM');
    await subExited;
  }
  const seconds = (end - start) / 1000;
  return { rate: received / seconds, seconds, received, complete: received === messages, rssMb, codes };
}

/**
 * A subscriber's throughput: start it (its command and args, then -h -p -i -t -q -v, and -C N when
 * `counts`), wait until the broker logged its subscription, feed the N messages with `feeder`
 * ({ command, args }, -l with each file of `files` on stdin in turn), and time from the first publish
 * until the subscriber exited after N messages (exit 0 is the check that all arrived). A subscriber
 * without -C (`counts: false`) writes into a pipe instead of /dev/null: its lines are counted here,
 * and it is stopped once N arrived. Returns { rate, seconds, received, complete, rssMb, code, error }.
 */
export async function subscribeTimed({ broker, qos, messages, topic, subscriber, feeder, files, env, cwd, timeoutMs = 300_000, stallMs = 10_000 }) {
  const id = nextId('sub');
  const mark = broker.mark();
  const counts = subscriber.counts !== false;
  const stdout = counts ? openSync('/dev/null', 'w') : 'pipe';
  const args = [...subscriber.args, '-h', broker.host, '-p', String(broker.port), '-i', id, '-t', topic, '-q', String(qos), '-v',
    ...(counts ? ['-C', String(messages)] : [])];
  const measured = spawnMeasured(subscriber.command, args, { env, cwd, stdio: ['ignore', stdout, 'pipe'] });
  if (counts) closeSync(stdout);
  const { child } = measured;
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c) => { stderr += c; });
  let received = 0;
  let lastArrival = performance.now();
  let allArrived;
  if (!counts) {
    allArrived = new Promise((resolve) => {
      child.stdout.on('data', (chunk) => {
        received += countLines(chunk);
        lastArrival = performance.now();
        if (received >= messages) resolve(performance.now());
      });
    });
  }
  try {
    await broker.waitLogged(`${id} ${qos} ${topic}`, mark, `${subscriber.name} to subscribe`);
  } catch (error) {
    measured.kill('SIGKILL');
    throw error;
  }

  const start = performance.now();
  for (const file of files) {
    const input = openSync(file, 'r');
    const pub = spawn(feeder.command, [...feeder.args, '-h', broker.host, '-p', String(broker.port), '-t', topic, '-q', String(qos), '-l'],
      { env, cwd, stdio: [input, 'ignore', 'inherit'] });
    closeSync(input);
    const code = await exited(pub);
    if (code !== 0) {
      measured.kill('SIGKILL');
      throw new Error(`the feeding publisher exited ${code}`);
    }
  }
  let end;
  let failure;
  if (counts) {
    const timeout = setTimeout(() => measured.kill('SIGKILL'), timeoutMs);
    const code = await measured.done;
    end = performance.now();
    clearTimeout(timeout);
    if (code === 0) received = messages;
    else failure = `exited ${code} (not all ${messages} messages arrived?) ${stderr.trim()}`.trim();
  } else {
    const stalled = waitFor(() => performance.now() - lastArrival > stallMs, timeoutMs, 'timed out waiting for a stall', 50).then(() => 'stalled');
    const outcome = await Promise.race([allArrived, stalled]);
    end = outcome === 'stalled' ? lastArrival : outcome;
    if (outcome === 'stalled') failure = `stalled after ${received} of ${messages} messages`;
    measured.kill('SIGTERM');
    await measured.done;
  }
  const seconds = (end - start) / 1000;
  return { rate: received / seconds, seconds, received, complete: !failure && received >= messages, rssMb: await measured.rssMb, error: failure };
}

/**
 * The broker's ceiling: `mosquitto_pub -l` -> mosquitto -> `mosquitto_sub -C N`, timed from the first
 * line fed to the publisher until the subscriber received all N (exit 0 is the check). `input` holds
 * N lines of `lineBytes` bytes each; at QoS 1 it goes through publishers of at most QOS1_CHUNK lines.
 */
export async function ceilingRate({ broker, qos, messages, input, lineBytes, topic, env }) {
  const mark = broker.mark();
  const sub = spawn('mosquitto_sub', ['-h', broker.host, '-p', String(broker.port), '-t', topic, '-q', String(qos), '-C', String(messages)],
    { stdio: ['ignore', 'ignore', 'inherit'], env });
  const subDone = exited(sub);
  await broker.waitLogged(` ${qos} ${topic}`, mark, 'the ceiling subscriber to subscribe');
  const started = performance.now();
  const chunk = qos === 0 ? messages : QOS1_CHUNK;
  for (let sent = 0; sent < messages; sent += chunk) {
    const n = Math.min(chunk, messages - sent);
    const pub = spawn('mosquitto_pub', ['-h', broker.host, '-p', String(broker.port), '-t', topic, '-q', String(qos), '-l'],
      { stdio: ['pipe', 'ignore', 'inherit'], env });
    pub.stdin.end(input.subarray(sent * lineBytes, (sent + n) * lineBytes));
    const code = await exited(pub);
    if (code !== 0) throw new Error(`mosquitto_pub exited ${code}`);
  }
  const code = await subDone;
  if (code !== 0) throw new Error(`mosquitto_sub exited ${code}`);
  return messages / ((performance.now() - started) / 1000);
}

/** `mq bench`, 1 publisher -> 1 subscriber at `rate` msg/s with `size`-byte payloads: its JSON report. */
export async function mqBenchReport({ mq = MQ, broker, qos, rate, size, duration, warmup, topic, env, cwd }) {
  const args = [mq, 'bench', '-h', broker.host, '-p', String(broker.port), '-c', '1', '--subscribers', '1', '-q', String(qos),
    '--rate', String(Math.round(rate)), '-s', String(size), '--duration', String(duration), '--warmup', String(warmup),
    '--drain', '30', '-t', `${topic}/%i`, '--json', '--quiet'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env, cwd });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => { out += chunk; });
  const code = await exited(child);
  if (code !== 0) throw new Error(`mq bench exited ${code}`);
  return JSON.parse(out);
}

/**
 * A copy of bin/, dist/ and package.json in `dir` (node_modules linked), so that a rebuild of the work
 * tree during a long run neither breaks it nor mixes two builds in one table. Returns its bin/mq.js.
 */
export function snapshotMq(dir) {
  const target = path.join(dir, 'mq');
  mkdirSync(target, { recursive: true });
  for (const part of ['bin', 'dist', 'package.json']) cpSync(path.join(ROOT, part), path.join(target, part), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(target, 'node_modules'), 'dir');
  return path.join(target, 'bin', 'mq.js');
}
