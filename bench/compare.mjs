#!/usr/bin/env node
/**
 * mq side by side with mosquitto's clients and MQTT.js's CLI, in one run (issue 8): `npm run bench:compare`.
 *
 * Starts its own mosquitto on a free 127.0.0.1 port (max_queued_messages 0, quiet logging) and measures:
 *   1. start-up: `mq --version`, `mq --help` against `node -e 0` (and the peers' version commands);
 *   2. one message, `pub -t t -m hello` at QoS 0 and 1, connect to exit;
 *   3. `pub -l` of N lines (200 000) at QoS 0 and 1: msg/s counted by mosquitto_sub -C N until all arrived;
 *      at QoS 1 mosquitto_pub runs in chunks of 50 000 lines, with -M 1000 (the target's baseline) and
 *      with its default -M 20 (for information);
 *   4. `sub -v` receiving N messages from `mosquitto_pub -l`, written to /dev/null;
 *   5. peak RSS of 3 and 4, and of `mq pub -l` over 10 x N lines (it must stay flat);
 *   6. `mq bench` (1 publisher -> 1 subscriber) against the broker's ceiling
 *      (mosquitto_pub -l -> mosquitto -> mosquitto_sub);
 *   7. `mq sub -v --decode protobuf:...` and `--decode sparkplug` against plain `mq sub -v` on the same
 *      ~100-byte binary messages (issue 14: at least half its msg/s).
 *   8. `mq pub --replay` of a recording of R messages (100 000) made at 1 000 msg/s: at --speed 1 the
 *      lateness (median, p99) as mq reports it and as a subscriber sees it; at --speed 0 its msg/s
 *      against `mq pub -l --line-format json` on the same NDJSON (issue 16).
 * Every figure is repeated and interleaved across tools (a slow phase of a shared machine hurts all
 * alike); the markdown table on stdout gives medians with min-max and mq's ratio to each peer, then
 * every target of the issue, met or not. Progress goes to stderr.
 *
 * mq runs from a snapshot of bin/ and dist/ taken at the start (a rebuild during the run changes
 * nothing). Every child runs without NODE_EXTRA_CA_CERTS, with a temp HOME and working directory.
 *
 * Usage: npm run build && npm run bench:compare -- [--quick] [--messages N] [--repeats R]
 *          [--startup-repeats R] [--mqttjs-repeats R] [--scale K] [--bench-rounds R]
 *          [--bench-duration S] [--qos 0,1] [--replay-messages R] [--only 1,2,3,4,5,6,7,8]
 * Defaults: 200 000 messages, 3 runs per throughput figure (1 for MQTT.js's line publisher, which
 * needs 25-50 s per run), 5 per start-up figure, 10 x the lines for the RSS run, 3 bench rounds of
 * 3 s: about 8-10 minutes on 2 cores. --quick: 20 000 messages, 1 run each, 3 start-up runs,
 * 1 bench round of 2 s (a minute or so; the figures are then rough).
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import {
  GNU_TIME, benchArgs, QOS1_CHUNK, ROOT, ceilingRate, childEnv, closed, fmt, hasCommand, jsonLine, median, mqBenchReport, publishCounted, snapshotMq, startMosquitto, subscribeTimed, writeInputs, writeJsonLines,
} from './lib.mjs';

const args = benchArgs('bench/compare.mjs', ['messages', 'repeats', 'startup-repeats', 'mqttjs-repeats', 'scale', 'bench-rounds', 'bench-duration', 'qos', 'only', 'replay-messages'], ['help', 'quick']);
if (args.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(2, 33).map((l) => l.replace(/^ \*\/?\s?/, '')).join('\n'));
  process.exit(0);
}
const QUICK = Boolean(args.quick);
const MESSAGES = Number(args.messages ?? (QUICK ? '20000' : '200000'));
const REPEATS = Number(args.repeats ?? (QUICK ? '1' : '3'));
const STARTUP_REPEATS = Number(args['startup-repeats'] ?? (QUICK ? '3' : '5'));
// MQTT.js's CLI publishes lines at 4 000-8 000 msg/s (25-50 s per run): one run keeps the whole under 10 minutes.
const MQTTJS_PUB_REPEATS = Number(args['mqttjs-repeats'] ?? '1');
const SCALE = Number(args.scale ?? '10');
const BENCH_ROUNDS = Number(args['bench-rounds'] ?? (QUICK ? '1' : '3'));
const BENCH_DURATION = Number(args['bench-duration'] ?? (QUICK ? '2' : '3'));
const BENCH_WARMUP = 1;
const BENCH_SIZE = 64;
const OVERLOAD = 1.5;
const QOS_LEVELS = (args.qos ?? '0,1').split(',').map(Number);
const ONLY = new Set((args.only ?? '1,2,3,4,5,6,7,8').split(',').map(Number));
// Issue 16: 100 000 messages recorded at 1 000 msg/s, so the --speed 1 replay runs 100 s.
const REPLAY_MESSAGES = Number(args['replay-messages'] ?? (QUICK ? '10000' : '100000'));
const counts = {
  messages: MESSAGES, repeats: REPEATS, 'startup-repeats': STARTUP_REPEATS, 'mqttjs-repeats': MQTTJS_PUB_REPEATS,
  scale: SCALE, 'bench-rounds': BENCH_ROUNDS, 'bench-duration': BENCH_DURATION, 'replay-messages': REPLAY_MESSAGES,
};
for (const [name, value] of Object.entries(counts)) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`bench/compare.mjs: --${name} must be a whole number of at least 1 (got ${args[name]}).`);
    process.exit(2);
  }
}
if (QOS_LEVELS.some((q) => q !== 0 && q !== 1)) {
  console.error('bench/compare.mjs: --qos takes 0, 1 or 0,1.');
  process.exit(2);
}

const began = performance.now();
const progress = (message) => process.stderr.write(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);

// --- tools --------------------------------------------------------------------------------------
const NODE = process.execPath;
const HAVE_MOSQUITTO_PUB = hasCommand('mosquitto_pub');
const HAVE_MOSQUITTO_SUB = hasCommand('mosquitto_sub');
const requireRoot = createRequire(path.join(ROOT, 'package.json'));
let MQTTJS;
let MQTTJS_VERSION;
try {
  const packageFile = requireRoot.resolve('mqtt/package.json');
  const { bin, version } = JSON.parse(readFileSync(packageFile, 'utf8'));
  MQTTJS = path.join(path.dirname(packageFile), typeof bin === 'string' ? bin : bin.mqtt);
  MQTTJS_VERSION = version;
} catch {
  MQTTJS = undefined;
}

const work = mkdtempSync(path.join(tmpdir(), 'mq-compare-'));
const home = path.join(work, 'home');
mkdirSync(home);
const env = childEnv({ HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') });
const MQ = snapshotMq(work);
const mqVersion = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() || '?';
const built = statSync(path.join(ROOT, 'dist', 'run-cli.cjs')).mtime.toISOString().replace(/\.\d+Z$/, 'Z');

let broker;
const cleanUp = async () => {
  await broker?.stop().catch(() => {});
  rmSync(work, { recursive: true, force: true });
};
process.on('SIGINT', () => {
  cleanUp().finally(() => process.exit(130));
});

broker = await startMosquitto('mq-compare-broker-');
const { port } = broker;
const loadAtStart = loadavg();
progress(`mosquitto ${broker.version} on 127.0.0.1:${port}; mq ${mqVersion} (${commit}), ${MQTTJS ? `MQTT.js ${MQTTJS_VERSION}` : 'no MQTT.js CLI'}`);
const conn = (qos) => ['-h', '127.0.0.1', '-p', String(port), '-q', String(qos)];

// Whoever counts a publisher's messages, and whoever feeds a subscriber: mosquitto's clients, else mq.
const COUNTER = HAVE_MOSQUITTO_SUB ? { command: 'mosquitto_sub', args: [] } : { command: NODE, args: [MQ, 'sub'] };
const FEEDER = HAVE_MOSQUITTO_PUB ? { command: 'mosquitto_pub', args: [] } : { command: NODE, args: [MQ, 'pub'] };

const out = [];
const say = (line = '') => out.push(line);
const ms = (n) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const mb = (n) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN);
const x = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}x` : '-');
/** The largest finite value, NaN when there is none. */
const maxOf = (values) => (values.some(Number.isFinite) ? Math.max(...values.filter(Number.isFinite)) : NaN);
/** The tool names recorded in `results` ("<qos> <name>" keys), in order, without mq's summary entries. */
const peerNames = (results, ...skip) => [...new Set(Object.keys(results).map((k) => k.slice(k.indexOf(' ') + 1)))].filter((n) => n !== 'mq' && !skip.includes(n));
const summary = (values, f) => {
  const ok = values.filter(Number.isFinite);
  if (!ok.length) return { median: NaN, text: '-', range: '-' };
  const m = median(ok);
  return { median: m, text: f(m), range: ok.length > 1 ? `${f(Math.min(...ok))}-${f(Math.max(...ok))}` : '(1 run)' };
};
/** Results that the targets at the end look up. */
const found = {};
const targets = [];

// --- 1. start-up --------------------------------------------------------------------------------
function timeOnce([command, ...args]) {
  const start = performance.now();
  const result = spawnSync(command, args, { env, cwd: home, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  return { ms: performance.now() - start, code: result.status, stdout: result.stdout?.toString() ?? '' };
}

/** Run each command `repeats` times, interleaved, after one warm-up run each: { name: { times, codes } }. */
function timeInterleaved(commands, repeats) {
  const results = Object.fromEntries(commands.map((c) => [c.name, { times: [], codes: new Set(), command: c }]));
  for (const c of commands) timeOnce(c.argv);
  for (let r = 0; r < repeats; r++) {
    for (const c of commands) {
      const run = timeOnce(c.argv);
      const ok = c.check ? c.check(run) : run.code === 0;
      results[c.name].codes.add(run.code);
      results[c.name].times.push(ok ? run.ms : NaN);
      if (!ok) results[c.name].failed = `exit ${run.code}`;
    }
  }
  return results;
}

async function startup() {
  progress(`1. start-up, ${STARTUP_REPEATS} runs each`);
  const commands = [
    { name: '`node -e 0`', argv: [NODE, '-e', '0'] },
    { name: '`mq --version`', argv: [NODE, MQ, '--version'], check: (r) => r.code === 0 && r.stdout.trim() === mqVersion },
    { name: '`mq --help`', argv: [NODE, MQ, '--help'], check: (r) => r.code === 0 && r.stdout.includes('mq pub') },
  ];
  // mosquitto_pub has no version command that exits 0: --version prints it and exits 1.
  if (HAVE_MOSQUITTO_PUB) commands.push({ name: '`mosquitto_pub --version`', argv: ['mosquitto_pub', '--version'], check: (r) => r.code === 1 });
  if (MQTTJS) {
    commands.push({ name: '`mqtt version` (MQTT.js CLI)', argv: [NODE, MQTTJS, 'version'] });
    commands.push({ name: '`mqtt help` (MQTT.js CLI)', argv: [NODE, MQTTJS, 'help'] });
  }
  const results = timeInterleaved(commands, STARTUP_REPEATS);
  const s = Object.fromEntries(Object.entries(results).map(([name, r]) => [name, summary(r.times, ms)]));
  const version = s['`mq --version`'].median;
  const help = s['`mq --help`'].median;
  found.node = s['`node -e 0`'];
  found.version = version;
  say(`### 1. Start-up (ms, lower is better; ${STARTUP_REPEATS} runs each)`);
  say();
  say('| command | median ms | min-max | `mq --version` ÷ this | `mq --help` ÷ this |');
  say('|---|---|---|---|---|');
  for (const [name, r] of Object.entries(results)) {
    say(`| ${name}${r.failed ? ` **failed: ${r.failed}**` : ''} | ${s[name].text} | ${s[name].range} | ${x(ratio(version, s[name].median))} | ${x(ratio(help, s[name].median))} |`);
  }
  say();
  targets.push({ what: '`mq --version` ÷ `node -e 0` (start-up)', value: ratio(version, found.node.median), target: '≤ 1.3x', met: (v) => v <= 1.3 });
  targets.push({ what: '`mq --help` ÷ `node -e 0` (start-up)', value: ratio(help, found.node.median), target: '≤ 2x', met: (v) => v <= 2 });
}

// --- 2. one message -----------------------------------------------------------------------------
async function oneMessage() {
  progress(`2. one message, ${STARTUP_REPEATS} runs each at QoS ${QOS_LEVELS.join(' and ')}`);
  // Every `hello` must arrive: a QoS 1 subscriber counts them for the whole section.
  let counted = 0;
  let counter;
  if (HAVE_MOSQUITTO_SUB) {
    const mark = broker.mark();
    counter = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(port), '-i', 'compare-one', '-t', 't', '-q', '1'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    counter.stdout.setEncoding('utf8');
    counter.stdout.on('data', (chunk) => { counted += chunk.split('hello\n').length - 1; });
    await broker.waitLogged('compare-one 1 t', mark);
  }
  const tools = [
    { name: '`mq pub`', argv: (qos) => [NODE, MQ, 'pub', ...conn(qos), '-t', 't', '-m', 'hello'] },
    ...(HAVE_MOSQUITTO_PUB ? [{ name: '`mosquitto_pub`', argv: (qos) => ['mosquitto_pub', ...conn(qos), '-t', 't', '-m', 'hello'] }] : []),
    ...(MQTTJS ? [{ name: '`mqtt pub` (MQTT.js CLI)', argv: (qos) => [NODE, MQTTJS, 'pub', ...conn(qos), '-t', 't', '-m', 'hello'] }] : []),
  ];
  const byQos = {};
  let sent = 0;
  for (const qos of QOS_LEVELS) {
    byQos[qos] = timeInterleaved(tools.map((t) => ({ name: t.name, argv: t.argv(qos) })), STARTUP_REPEATS);
    sent += tools.length * (STARTUP_REPEATS + 1);
  }
  if (counter) {
    await new Promise((r) => setTimeout(r, 500));
    counter.kill('SIGTERM');
    await closed(counter);
  }
  const head = QOS_LEVELS.map((q) => `QoS ${q} median ms | min-max`).join(' | ');
  say(`### 2. One message, \`pub -t t -m hello\`, connect to exit (ms, lower is better; ${STARTUP_REPEATS} runs each)`);
  say();
  say(`| command | ${head} | ${QOS_LEVELS.map((q) => `\`mq pub\` ÷ this, QoS ${q}`).join(' | ')} |`);
  say(`|---|${QOS_LEVELS.map(() => '---|---|---|').join('')}`);
  const rows = [{ name: '`node -e 0` (from 1.)', s: Object.fromEntries(QOS_LEVELS.map((q) => [q, found.node ?? summary([], ms)])) }];
  for (const t of tools) rows.push({ name: t.name, s: Object.fromEntries(QOS_LEVELS.map((q) => [q, summary(byQos[q][t.name].times, ms)])), failed: QOS_LEVELS.map((q) => byQos[q][t.name].failed).filter(Boolean) });
  const mqRow = rows[1];
  for (const row of rows) {
    const cells = QOS_LEVELS.map((q) => `${row.s[q].text} | ${row.s[q].range}`).join(' | ');
    const ratios = QOS_LEVELS.map((q) => x(ratio(mqRow.s[q].median, row.s[q].median))).join(' | ');
    say(`| ${row.name}${row.failed?.length ? ` **failed: ${row.failed.join(', ')}**` : ''} | ${cells} | ${ratios} |`);
  }
  say();
  if (counter) say(`All ${sent} messages (warm-up runs included) ${counted === sent ? 'arrived' : `**did not arrive: ${counted} of ${sent}**`} at a QoS 1 subscriber.`);
  say();
  for (const q of QOS_LEVELS) {
    targets.push({ what: `one-message \`mq pub\` QoS ${q} ÷ \`node -e 0\``, value: ratio(mqRow.s[q].median, found.node?.median), target: '≤ 1.6x', met: (v) => v <= 1.6 });
  }
}

// --- 3. pub -l ----------------------------------------------------------------------------------
let inputs;
const ensureInputs = () => {
  inputs ??= writeInputs(work, 'lines', MESSAGES);
  return inputs;
};

async function runPublishers(publishers, qos, messages, topic) {
  const results = new Map(publishers.map((p) => [p.name, []]));
  const rounds = Math.max(...publishers.map((p) => p.repeats));
  for (let r = 0; r < rounds; r++) {
    for (const p of publishers) {
      if (r >= p.repeats) continue;
      progress(`   QoS ${qos} ${p.name.replace(/`/g, '')}, run ${r + 1} of ${p.repeats}`);
      try {
        results.get(p.name).push(await publishCounted({ broker, qos, messages, topic, runs: p.runs(qos), counter: COUNTER, env, cwd: home }));
      } catch (error) {
        results.get(p.name).push({ error: error.message, rate: NaN, rssMb: NaN, received: 0, complete: false, codes: [] });
      }
    }
  }
  return results;
}

async function pubLines() {
  progress(`3. pub -l, ${fmt(MESSAGES)} lines, ${REPEATS} runs each (MQTT.js CLI: ${MQTTJS_PUB_REPEATS})`);
  const { whole, chunks } = ensureInputs();
  const topic = 'bench/pub';
  const one = (command, args, file) => ({ command, args, file });
  say(`### 3. \`pub -l\`: ${fmt(MESSAGES)} lines, msg/s counted by a subscriber until all arrived (higher is better)`);
  say();
  say(`Timed from the publisher's start until \`${COUNTER.command === 'mosquitto_sub' ? 'mosquitto_sub' : 'mq sub'} -C ${MESSAGES}\` counted every message; "delivered" is that count, the check that all arrived. ` +
    `\`mosquitto_pub -l -q 1\` loses lines past 65 535 (its message ids wrap; it still exits 0), so at QoS 1 its fair baseline is consecutive runs of at most ${fmt(QOS1_CHUNK)} lines each with \`-M 1000\` (up to 1 000 messages awaiting their PUBACK; its default \`-M 20\` is shown too); one run with all the lines shows what it delivers. ` +
    `The MQTT.js CLI reads lines with \`-s -M\` and waits for each publish before the next line.`);
  say();
  say('| publisher | QoS | msg/s median | min-max | runs | delivered | peak RSS MB (max) | `mq pub -l` ÷ this | exit |');
  say('|---|---|---|---|---|---|---|---|---|');
  found.pub = {};
  for (const qos of QOS_LEVELS) {
    const publishers = [
      { name: '`mq pub -l`', repeats: REPEATS, runs: (q) => [one(NODE, [MQ, 'pub', ...conn(q), '-t', topic, '-l'], whole)] },
    ];
    let baseline;
    if (HAVE_MOSQUITTO_PUB) {
      const args = (q) => [...conn(q), '-t', topic, '-l'];
      if (qos === 0) {
        publishers.push({ name: '`mosquitto_pub -l`', repeats: REPEATS, runs: (q) => [one('mosquitto_pub', args(q), whole)] });
        baseline = '`mosquitto_pub -l`';
      } else {
        // -M 1000 is the fair baseline (mosquitto_pub's default -M 20 waits on acks a lot more); -M 20 is for information.
        baseline = `\`mosquitto_pub -l -M 1000\`, runs of ${fmt(QOS1_CHUNK)} lines`;
        publishers.push({ name: baseline, repeats: REPEATS, runs: (q) => chunks.map((file) => one('mosquitto_pub', [...args(q), '-M', '1000'], file)) });
        publishers.push({ name: `\`mosquitto_pub -l\` (-M 20), runs of ${fmt(QOS1_CHUNK)} lines`, repeats: REPEATS, runs: (q) => chunks.map((file) => one('mosquitto_pub', args(q), file)) });
        // Like for like with the baseline: mq with the same window (for information; the target is mq's default -M 20).
        publishers.push({ name: '`mq pub -l -M 1000`', repeats: REPEATS, runs: (q) => [one(NODE, [MQ, 'pub', ...args(q), '-M', '1000'], whole)] });
        if (MESSAGES > 65_535) publishers.push({ name: `\`mosquitto_pub -l\`, all ${fmt(MESSAGES)} lines in one run`, repeats: 1, runs: (q) => [one('mosquitto_pub', args(q), whole)] });
      }
    }
    if (MQTTJS) publishers.push({ name: '`mqtt pub -s -M` (MQTT.js CLI)', repeats: MQTTJS_PUB_REPEATS, runs: (q) => [one(NODE, [MQTTJS, 'pub', ...conn(q), '-t', topic, '-s', '-M'], whole)] });
    const results = await runPublishers(publishers, qos, MESSAGES, topic);
    const mqRuns = results.get('`mq pub -l`');
    const mqRate = summary(mqRuns.filter((r) => r.complete).map((r) => r.rate), fmt).median;
    for (const p of publishers) {
      const list = results.get(p.name);
      const s = summary(list.map((r) => r.rate), fmt);
      const all = list.every((r) => r.complete);
      const delivered = all ? `all ${fmt(MESSAGES)}` : `**${list.map((r) => fmt(r.received)).join(', ')}** of ${fmt(MESSAGES)}`;
      const errors = list.filter((r) => r.error).map((r) => r.error);
      const codes = [...new Set(list.flatMap((r) => r.codes))].join(',');
      const rss = maxOf(list.map((r) => r.rssMb));
      say(`| ${p.name}${errors.length ? ` **failed: ${errors.join('; ')}**` : ''} | ${qos} | ${s.text} | ${s.range} | ${list.length} | ${delivered} | ${mb(rss)} | ${x(ratio(mqRate, s.median))} | ${codes} |`);
      found.pub[`${qos} ${p.name}`] = { rate: s.median, rss, complete: all };
    }
    const base = baseline && found.pub[`${qos} ${baseline}`];
    const mqComplete = mqRuns.every((r) => r.complete);
    if (base) {
      targets.push({
        what: `\`mq pub -l\` QoS ${qos} ÷ ${baseline} (msg/s)`, value: ratio(mqRate, base.rate),
        target: qos === 0 ? '≥ 0.8x' : '≥ 1.0x', met: (v) => mqComplete && v >= (qos === 0 ? 0.8 : 1.0),
        note: mqComplete ? '' : 'mq did not deliver every message',
      });
    }
    found.pub[`${qos} mq`] = { rate: mqRate, rss: maxOf(mqRuns.map((r) => r.rssMb)), complete: mqComplete };
  }
  say();
}

// --- 4. sub -v ----------------------------------------------------------------------------------
async function subVerbose() {
  progress(`4. sub -v, ${fmt(MESSAGES)} messages, ${REPEATS} runs each`);
  const { whole, chunks } = ensureInputs();
  const topic = 'bench/sub';
  const subscribers = [
    ...(HAVE_MOSQUITTO_SUB ? [{ name: '`mosquitto_sub -v`', command: 'mosquitto_sub', args: [] }] : []),
    { name: '`mq sub -v`', command: NODE, args: [MQ, 'sub'] },
    ...(MQTTJS ? [{ name: '`mqtt sub -v` (MQTT.js CLI)', command: NODE, args: [MQTTJS, 'sub'], counts: false }] : []),
  ];
  const feederName = FEEDER.command === 'mosquitto_pub' ? 'mosquitto_pub' : 'mq pub';
  say(`### 4. \`sub -v\`: ${fmt(MESSAGES)} messages from \`${feederName} -l\`, written to /dev/null (msg/s, higher is better)`);
  say();
  say(`Timed from the first publish until the subscriber exited after \`-C ${MESSAGES}\` (exit 0 is the check that all arrived). ` +
    `At QoS 1 the input goes through \`${feederName} -l\` runs of at most ${fmt(QOS1_CHUNK)} lines (its message ids wrap past 65 535). ` +
    `The MQTT.js CLI has no \`-C\`: its output goes into a pipe where the lines are counted, and it is stopped once all arrived.`);
  say();
  say('| subscriber | QoS | msg/s median | min-max | runs | all arrived | peak RSS MB (max) | `mq sub -v` ÷ this |');
  say('|---|---|---|---|---|---|---|---|');
  found.sub = {};
  for (const qos of QOS_LEVELS) {
    const results = new Map(subscribers.map((s) => [s.name, []]));
    for (let r = 0; r < REPEATS; r++) {
      for (const subscriber of subscribers) {
        progress(`   QoS ${qos} ${subscriber.name.replace(/`/g, '')}, run ${r + 1} of ${REPEATS}`);
        try {
          results.get(subscriber.name).push(await subscribeTimed({
            broker, qos, messages: MESSAGES, topic, subscriber, feeder: FEEDER, files: qos === 0 ? [whole] : chunks, env, cwd: home,
          }));
        } catch (error) {
          results.get(subscriber.name).push({ error: error.message, rate: NaN, rssMb: NaN, complete: false });
        }
      }
    }
    const mqList = results.get('`mq sub -v`');
    const mqComplete = mqList.every((r) => r.complete);
    const mqRate = summary(mqList.filter((r) => r.complete).map((r) => r.rate), fmt).median;
    for (const subscriber of subscribers) {
      const list = results.get(subscriber.name);
      const s = summary(list.filter((r) => r.complete).map((r) => r.rate), fmt);
      const errors = [...new Set(list.filter((r) => r.error).map((r) => r.error))];
      const rss = maxOf(list.map((r) => r.rssMb));
      say(`| ${subscriber.name} | ${qos} | ${s.text} | ${s.range} | ${list.length} | ${list.every((r) => r.complete) ? 'yes' : `**no: ${errors.join('; ')}**`} | ${mb(rss)} | ${x(ratio(mqRate, s.median))} |`);
      found.sub[`${qos} ${subscriber.name}`] = { rate: s.median, rss };
    }
    found.sub[`${qos} mq`] = { rate: mqRate, rss: found.sub[`${qos} \`mq sub -v\``].rss, complete: mqComplete };
    const base = found.sub[`${qos} \`mosquitto_sub -v\``];
    if (base) {
      targets.push({
        what: `\`mq sub -v\` QoS ${qos} ÷ \`mosquitto_sub -v\` (msg/s)`, value: ratio(mqRate, base.rate),
        target: qos === 0 ? '≥ 0.95x' : '≥ 1.0x', met: (v) => mqComplete && v >= (qos === 0 ? 0.95 : 1.0),
        note: mqComplete ? '' : 'mq did not receive every message',
      });
    }
  }
  say();
}

// --- 5. peak RSS --------------------------------------------------------------------------------
async function peakRss() {
  const big = MESSAGES * SCALE;
  progress(`5. peak RSS: mq pub -l over ${fmt(big)} lines, one run per QoS`);
  const file = writeJsonLines(path.join(work, 'lines-big.txt'), 0, big);
  const topic = 'bench/rss';
  const scaled = {};
  for (const qos of QOS_LEVELS) {
    progress(`   QoS ${qos} mq pub -l, ${fmt(big)} lines`);
    try {
      scaled[qos] = await publishCounted({ broker, qos, messages: big, topic, runs: [{ command: NODE, args: [MQ, 'pub', ...conn(qos), '-t', topic, '-l'], file }], counter: COUNTER, env, cwd: home });
    } catch (error) {
      scaled[qos] = { error: error.message, rate: NaN, rssMb: NaN, complete: false, received: 0 };
    }
  }
  rmSync(file, { force: true });
  say(`### 5. Peak RSS (MB, the largest of the runs above; lower is better)`);
  say();
  say(`Measured with ${GNU_TIME ? '`/usr/bin/time -f %M`' : 'VmHWM from /proc, polled every 10 ms'}. \`mq pub -l\` runs once more per QoS over ${SCALE} x the lines (${fmt(big)}, ${mb(statSync(ensureInputs().whole).size * SCALE / 1e6)} MB of input): its peak must stay flat.`);
  say();
  say(`| process | ${QOS_LEVELS.map((q) => `QoS ${q}`).join(' | ')} |`);
  say(`|---|${QOS_LEVELS.map(() => '---|').join('')}`);
  const row = (name, cell) => say(`| ${name} | ${QOS_LEVELS.map(cell).join(' | ')} |`);
  if (found.pub) {
    row(`\`mq pub -l\`, ${fmt(MESSAGES)} lines`, (q) => mb(found.pub[`${q} mq`]?.rss));
    row(`\`mq pub -l\`, ${fmt(big)} lines`, (q) => `${mb(scaled[q].rssMb)}${scaled[q].complete ? '' : ` **(delivered ${fmt(scaled[q].received)} of ${fmt(big)}${scaled[q].error ? `: ${scaled[q].error}` : ''})**`}`);
    row(`growth over ${SCALE} x the input`, (q) => x(ratio(scaled[q].rssMb, found.pub[`${q} mq`]?.rss)));
    row(`\`mq pub -l\` msg/s over ${fmt(big)} lines`, (q) => fmt(scaled[q].rate));
    for (const name of peerNames(found.pub, '`mq pub -l`')) row(`${name}, ${fmt(MESSAGES)} lines`, (q) => mb(found.pub[`${q} ${name}`]?.rss));
  } else {
    row(`\`mq pub -l\`, ${fmt(big)} lines`, (q) => mb(scaled[q].rssMb));
  }
  if (found.sub) {
    for (const name of peerNames(found.sub)) row(`${name}, ${fmt(MESSAGES)} messages`, (q) => mb(found.sub[`${q} ${name}`]?.rss));
  }
  say();
  say(`The QoS 1 rows of \`mosquitto_pub -l\` in runs of ${fmt(QOS1_CHUNK)} lines are the largest of those runs (each reads at most ${fmt(QOS1_CHUNK)} lines).`);
  say();
  for (const q of QOS_LEVELS) {
    if (found.pub) targets.push({ what: `peak RSS \`mq pub -l\` QoS ${q}, ${fmt(MESSAGES)} lines`, value: found.pub[`${q} mq`]?.rss, unit: 'MB', target: '< 100 MB', met: (v) => v < 100 });
    targets.push({ what: `peak RSS \`mq pub -l\` QoS ${q}, ${fmt(big)} lines`, value: scaled[q].rssMb, unit: 'MB', target: '< 100 MB', met: (v) => v < 100 && scaled[q].complete });
    if (found.pub) targets.push({ what: `flat: \`mq pub -l\` QoS ${q} peak RSS at ${SCALE} x ÷ at 1 x the input`, value: ratio(scaled[q].rssMb, found.pub[`${q} mq`]?.rss), target: '≤ 1.25x (flat)', met: (v) => v <= 1.25 });
  }
  if (found.sub) for (const q of QOS_LEVELS) targets.push({ what: `peak RSS \`mq sub -v\` QoS ${q}`, value: found.sub[`${q} mq`]?.rss, unit: 'MB', target: '< 100 MB', met: (v) => v < 100 });
}

// --- 6. mq bench --------------------------------------------------------------------------------
async function benchVsCeiling() {
  if (!HAVE_MOSQUITTO_PUB || !HAVE_MOSQUITTO_SUB) {
    say('### 6. `mq bench` against the broker ceiling\n\nSkipped: the ceiling needs mosquitto_pub and mosquitto_sub.\n');
    return;
  }
  const messages = { 0: MESSAGES, 1: Math.ceil(MESSAGES / 2) };
  progress(`6. mq bench vs the ceiling, ${BENCH_ROUNDS} rounds per QoS`);
  const line = 'x'.repeat(BENCH_SIZE) + '\n';
  const input = Buffer.from(line.repeat(Math.max(...Object.values(messages))));
  say(`### 6. \`mq bench\` against the broker's ceiling (msg/s, higher is better; ${BENCH_ROUNDS} rounds)`);
  say();
  say(`The ceiling is \`mosquitto_pub -l\` -> mosquitto -> \`mosquitto_sub -C N\` (${fmt(messages[0])} messages at QoS 0, ${fmt(messages[1])} at QoS 1, ${BENCH_SIZE}-byte payloads), measured just before and after each \`mq bench\` run and averaged. ` +
    `\`mq bench -c 1 --subscribers 1 -s ${BENCH_SIZE}\` (${BENCH_WARMUP} s warm-up, ${BENCH_DURATION} s window) first asks for the ceiling's rate (does it keep up?), then for ${OVERLOAD} x it (the most it delivers end to end, three processes sharing the cores).`);
  say();
  say(`| QoS | ceiling msg/s median | min-max | mq bench at the ceiling's rate: received msg/s | ÷ ceiling | lost | p99 ms | mq bench at ${OVERLOAD} x: received msg/s | ÷ ceiling |`);
  say('|---|---|---|---|---|---|---|---|---|');
  let topicNumber = 0;
  for (const qos of QOS_LEVELS) {
    const ceilings = [];
    const kept = [];
    const overloaded = [];
    const lost = [];
    const p99 = [];
    let failure;
    for (let round = 1; round <= BENCH_ROUNDS; round++) {
      progress(`   QoS ${qos} round ${round} of ${BENCH_ROUNDS}`);
      try {
        const ceilingArgs = { broker, qos, messages: messages[qos], input, lineBytes: line.length, env };
        const before = await ceilingRate({ ...ceilingArgs, topic: `ceiling/${topicNumber++}` });
        const atCeiling = await mqBenchReport({ mq: MQ, broker, qos, rate: before, size: BENCH_SIZE, duration: BENCH_DURATION, warmup: BENCH_WARMUP, topic: `mqbench/${topicNumber++}`, env, cwd: home });
        const after = await ceilingRate({ ...ceilingArgs, topic: `ceiling/${topicNumber++}` });
        const c = (before + after) / 2;
        const over = await mqBenchReport({ mq: MQ, broker, qos, rate: c * OVERLOAD, size: BENCH_SIZE, duration: BENCH_DURATION, warmup: BENCH_WARMUP, topic: `mqbench/${topicNumber++}`, env, cwd: home });
        ceilings.push(c);
        kept.push(atCeiling.throughput.received);
        overloaded.push(over.throughput.received);
        lost.push(atCeiling.counters.lost);
        p99.push(atCeiling.latency.endToEnd.p99);
      } catch (error) {
        failure = error.message;
      }
    }
    const c = summary(ceilings, fmt);
    const k = summary(kept, fmt);
    const o = summary(overloaded, fmt);
    say(`| ${qos}${failure ? ` **failed: ${failure}**` : ''} | ${c.text} | ${c.range} | ${k.text}${k.range === '(1 run)' ? '' : ` (${k.range})`} | ${x(ratio(k.median, c.median))} | ${lost.join(', ') || '-'} | ${p99.length ? ms(median(p99)) : '-'} | ${o.text}${o.range === '(1 run)' ? '' : ` (${o.range})`} | ${x(ratio(o.median, c.median))} |`);
    targets.push({ what: `\`mq bench\` QoS ${qos} at the ceiling's rate ÷ ceiling (received msg/s)`, value: ratio(k.median, c.median), target: 'none set' });
    targets.push({ what: `\`mq bench\` QoS ${qos} at ${OVERLOAD} x ÷ ceiling (received msg/s)`, value: ratio(o.median, c.median), target: 'none set' });
  }
  say();
}

// --- 7. sub --decode ----------------------------------------------------------------------------
/** ~100-byte payloads of each codec, made once by mq's own codecs (dist/codecs.cjs), as hex lines for `mq pub -l --encoding hex`. */
function writeCodecInputs() {
  const codecs = requireRoot(path.join(path.dirname(MQ), '..', 'dist', 'codecs.cjs'));
  const proto = path.join(work, 'bench.proto');
  writeFileSync(proto, 'syntax = "proto3";\npackage bench;\nmessage Reading {\n  string device_id = 1;\n  double temp = 2;\n  double humidity = 3;\n  int64 ts = 4;\n  uint32 seq = 5;\n  repeated float samples = 6;\n  string site = 7;\n  bool ok = 8;\n}\n');
  const inputs = {};
  const make = async (name, spec, value) => {
    const codec = await codecs.loadCodec(spec);
    const file = path.join(work, `codec-${name}.txt`);
    writeFileSync(file, '');
    let bytes = 0;
    for (let start = 0; start < MESSAGES; start += 20_000) {
      let block = '';
      for (let i = start; i < Math.min(MESSAGES, start + 20_000); i++) {
        const payload = codec.encode(value(i), 'spBv1.0/bench/NDATA/edge');
        bytes += payload.length;
        block += `${payload.toString('hex')}\n`;
      }
      appendFileSync(file, block);
    }
    inputs[name] = { file, bytes: bytes / MESSAGES };
  };
  return (async () => {
    await make('protobuf', { kind: 'protobuf', file: proto, type: 'bench.Reading' }, (i) => ({
      deviceId: `sensor-${i % 1000}`, temp: 20 + (i % 150) / 10, humidity: 40 + (i % 200) / 10, ts: String(1700000000000 + i), seq: i,
      samples: [1.5, 2.25, 3.125, i % 7, 0.5, 4], site: 'plant-north/hall-3/line-7', ok: i % 2 === 0,
    }));
    await make('sparkplug', { kind: 'sparkplug' }, (i) => ({
      timestamp: 1700000000000 + i, seq: i % 256,
      metrics: [
        { name: 'temp', alias: 1, timestamp: 1700000000000 + i, datatype: 'Double', value: 20 + (i % 150) / 10 },
        { name: 'rpm', alias: 2, timestamp: 1700000000000 + i, datatype: 'Int32', value: -(i % 3000) },
        { name: 'ok', alias: 3, datatype: 'Boolean', value: i % 2 === 0 },
        { name: 'state', alias: 4, datatype: 'String', value: i % 5 === 0 ? 'idle' : 'run' },
      ],
    }));
    return { inputs, proto };
  })();
}

async function subDecode() {
  progress(`7. sub --decode, ${fmt(MESSAGES)} messages per codec, ${REPEATS} runs each`);
  const { inputs, proto } = await writeCodecInputs();
  const feeder = { command: NODE, args: [MQ, 'pub', '--encoding', 'hex'] };
  say(`### 7. \`sub --decode\`: ${fmt(MESSAGES)} binary messages from \`mq pub -l --encoding hex\`, written to /dev/null (msg/s, higher is better)`);
  say();
  say('The same messages to `mq sub -v` (payloads printed as they are) and to `mq sub -v --decode` (each payload decoded to JSON text), QoS 0, interleaved; ' +
    'timed as section 4. Payloads made by mq\'s encoders: a protobuf message of 8 fields, a Sparkplug B NDATA of 4 metrics.');
  say();
  say('| codec | payload bytes (mean) | subscriber | msg/s median | min-max | runs | all arrived | `--decode` ÷ plain `-v` |');
  say('|---|---|---|---|---|---|---|---|');
  const qos = 0;
  for (const [name, decode] of [['protobuf', `protobuf:${proto}:bench.Reading`], ['sparkplug', 'sparkplug']]) {
    const { file, bytes } = inputs[name];
    const topic = name === 'sparkplug' ? 'spBv1.0/bench/NDATA/edge' : 'bench/decode';
    const subscribers = [
      { name: '`mq sub -v`', command: NODE, args: [MQ, 'sub'] },
      { name: `\`mq sub -v --decode ${name === 'protobuf' ? 'protobuf:bench.proto:bench.Reading' : 'sparkplug'}\``, command: NODE, args: [MQ, 'sub', '--decode', decode] },
    ];
    const results = new Map(subscribers.map((s) => [s.name, []]));
    for (let r = 0; r < REPEATS; r++) {
      for (const subscriber of subscribers) {
        progress(`   ${name}: ${subscriber.name.replace(/`/g, '')}, run ${r + 1} of ${REPEATS}`);
        try {
          results.get(subscriber.name).push(await subscribeTimed({ broker, qos, messages: MESSAGES, topic, subscriber, feeder, files: [file], env, cwd: home }));
        } catch (error) {
          results.get(subscriber.name).push({ error: error.message, rate: NaN, rssMb: NaN, complete: false });
        }
      }
    }
    const plain = summary(results.get(subscribers[0].name).filter((r) => r.complete).map((r) => r.rate), fmt);
    for (const subscriber of subscribers) {
      const list = results.get(subscriber.name);
      const s = summary(list.filter((r) => r.complete).map((r) => r.rate), fmt);
      const errors = [...new Set(list.filter((r) => r.error).map((r) => r.error))];
      const decoding = subscriber === subscribers[1];
      say(`| ${name} | ${bytes.toFixed(0)} | ${subscriber.name} | ${s.text} | ${s.range} | ${list.length} | ${list.every((r) => r.complete) ? 'yes' : `**no: ${errors.join('; ')}**`} | ${decoding ? x(ratio(s.median, plain.median)) : '-'} |`);
      if (decoding) {
        const complete = list.every((r) => r.complete);
        targets.push({ what: `\`mq sub -v --decode ${name}\` ÷ \`mq sub -v\` on the same messages (msg/s)`, value: ratio(s.median, plain.median), target: '≥ 0.5x', met: (v) => complete && v >= 0.5, note: complete ? '' : 'not every message arrived' });
      }
    }
  }
  say();
}

// --- 8. replay ---------------------------------------------------------------------------------
/** A recording as `mq sub --json` writes it, N messages 1 ms apart; no "qos", so -q sets it for both publishers. */
function writeRecording(file, messages) {
  const t0 = Date.parse('2026-12-01T10:00:00.000Z');
  writeFileSync(file, '');
  for (let start = 0; start < messages; start += 50_000) {
    let block = '';
    for (let i = start; i < Math.min(messages, start + 50_000); i++) {
      block += `{"topic":"bench/replay","payload":${JSON.stringify(jsonLine(i).trimEnd())},"retain":false,"dup":false,"mid":0,"received":"${new Date(t0 + i).toISOString()}"}\n`;
    }
    appendFileSync(file, block);
  }
}

/** Lateness as a subscriber sees it: arrival minus schedule, the earliest message taken as on time. */
function arrivalLateness(arrivalsMs) {
  const offsets = arrivalsMs.map((t, i) => t - i);
  const zero = Math.min(...offsets);
  return offsets.map((o) => o - zero).sort((a, b) => a - b);
}
const at = (sorted, fraction) => sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];

async function replayRun() {
  const n = REPLAY_MESSAGES;
  progress(`8. pub --replay, ${fmt(n)} messages recorded at 1 000 msg/s (--speed 1 takes ${fmt(n / 1000)} s)`);
  const file = path.join(work, 'replay.ndjson');
  writeRecording(file, n);
  say(`### 8. \`pub --replay\`: ${fmt(n)} messages recorded at 1 000 msg/s`);
  say();
  say(`The recording is NDJSON as \`mq sub --json\` writes it, one message every millisecond (${fmt(n / 1000)} s), QoS 0. ` +
    'At `--speed 1`, "mq" is the lateness mq reports (when each message was handed to the socket, against its schedule from the start); ' +
    `"subscriber" is what \`${COUNTER.command === 'mosquitto_sub' ? 'mosquitto_sub' : 'mq sub'} -F %U\` saw (arrival minus schedule, the earliest message counted as on time), broker and subscriber included.`);
  say();
  say('| `--speed 1` | median ms | p99 ms | max ms | delivered | exit |');
  say('|---|---|---|---|---|---|');
  const id = `bench-replay-${process.pid}`;
  const mark = broker.mark();
  const sub = spawn(COUNTER.command, [...COUNTER.args, '-h', '127.0.0.1', '-p', String(port), '-i', id, '-t', 'bench/replay', '-q', '0', '-C', String(n), '-F', '%U'],
    { env, cwd: home, stdio: ['ignore', 'pipe', 'ignore'] });
  let text = '';
  sub.stdout.setEncoding('utf8').on('data', (chunk) => { text += chunk; });
  const subClosed = closed(sub);
  await broker.waitLogged(`${id} 0 bench/replay`, mark, 'the replay subscriber to subscribe');
  const pub = spawn(NODE, [MQ, 'pub', ...conn(0), '--replay', file, '--speed', '1'], { env, cwd: home, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  pub.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk; });
  const code = await closed(pub);
  await Promise.race([subClosed, new Promise((r) => setTimeout(r, 10_000))]);
  sub.kill('SIGTERM');
  const arrivals = text.split('\n').filter(Boolean).map((l) => Number(l) * 1000);
  const reported = /median ([\d.]+) ms, p99 ([\d.]+) ms, max ([\d.]+) ms/.exec(stderr);
  const mqMedian = reported ? Number(reported[1]) : NaN;
  const mqP99 = reported ? Number(reported[2]) : NaN;
  const delivered = arrivals.length === n ? `all ${fmt(n)}` : `**${fmt(arrivals.length)}** of ${fmt(n)}`;
  say(`| mq (its summary: ${stderr.trim().split('\n').pop()}) | ${reported ? reported[1] : '-'} | ${reported ? reported[2] : '-'} | ${reported ? reported[3] : '-'} | ${delivered} | ${code} |`);
  if (arrivals.length > 1) {
    const late = arrivalLateness(arrivals);
    say(`| subscriber | ${at(late, 0.5).toFixed(2)} | ${at(late, 0.99).toFixed(2)} | ${late[late.length - 1].toFixed(2)} | ${delivered} | |`);
  }
  say();
  targets.push({ what: '`mq pub --replay --speed 1`: median lateness (ms, as mq reports it)', value: mqMedian, unit: 'ms', target: '< 1 ms', met: (v) => v < 1 });
  targets.push({ what: '`mq pub --replay --speed 1`: p99 lateness (ms, as mq reports it)', value: mqP99, unit: 'ms', target: '< 5 ms', met: (v) => v < 5 });

  say(`\`--speed 0\` against \`mq pub -l --line-format json\` on the same file, msg/s counted by a subscriber until all arrived (higher is better):`);
  say();
  say('| publisher | QoS | msg/s median | min-max | runs | delivered | `--replay --speed 0` ÷ this |');
  say('|---|---|---|---|---|---|---|');
  for (const qos of QOS_LEVELS) {
    const publishers = [
      { name: '`mq pub --replay --speed 0`', repeats: REPEATS, runs: (q) => [{ command: NODE, args: [MQ, 'pub', ...conn(q), '--replay', '-', '--speed', '0', '--quiet'], file }] },
      { name: '`mq pub -l --line-format json`', repeats: REPEATS, runs: (q) => [{ command: NODE, args: [MQ, 'pub', ...conn(q), '-l', '--line-format', 'json'], file }] },
    ];
    const results = await runPublishers(publishers, qos, n, 'bench/replay');
    const rates = publishers.map((p) => summary(results.get(p.name).map((r) => r.rate), fmt));
    for (const [i, p] of publishers.entries()) {
      const list = results.get(p.name);
      const all = list.every((r) => r.complete);
      const delivered = all ? `all ${fmt(n)}` : `**${list.map((r) => fmt(r.received)).join(', ')}** of ${fmt(n)}`;
      say(`| ${p.name} | ${qos} | ${rates[i].text} | ${rates[i].range} | ${list.length} | ${delivered} | ${x(ratio(rates[0].median, rates[i].median))} |`);
    }
    targets.push({ what: `\`mq pub --replay --speed 0\` QoS ${qos} ÷ \`mq pub -l --line-format json\` (msg/s)`, value: ratio(rates[0].median, rates[1].median), target: '≥ 1.0x', met: (v) => v >= 1.0 });
  }
  say();
}

// --- run ----------------------------------------------------------------------------------------
const sections = [[1, startup], [2, oneMessage], [3, pubLines], [4, subVerbose], [5, peakRss], [6, benchVsCeiling], [7, subDecode], [8, replayRun]];
try {
  for (const [n, section] of sections) {
    if (!ONLY.has(n)) continue;
    try {
      await section();
    } catch (error) {
      say(`Section ${n} failed: ${error.message}`);
      say();
      progress(`section ${n} failed: ${error.stack}`);
    }
  }
} finally {
  await cleanUp();
}

const load = (l) => l.map((v) => v.toFixed(2)).join(' ');
const minutes = (performance.now() - began) / 60_000;
const header = [
  `## mq side by side: \`npm run bench:compare\``,
  '',
  `Machine: ${cpus().length} x ${cpus()[0]?.model.trim() ?? 'cpu'}, Linux, Node ${process.version}, mosquitto ${broker.version} (broker${HAVE_MOSQUITTO_PUB ? ' and clients' : ''})` +
    `${MQTTJS ? `, MQTT.js CLI ${MQTTJS_VERSION}` : ''}; mq ${mqVersion} at ${commit} (dist built ${built}); load average ${load(loadAtStart)} at the start, ${load(loadavg())} at the end; ${minutes.toFixed(1)} minutes.`,
  '',
  `Broker: a mosquitto of the benchmark's own on 127.0.0.1, \`max_queued_messages 0\` (a subscriber that falls behind never loses QoS 1 messages), quiet logging (errors, warnings, subscriptions). ` +
    `Every child runs with NODE_EXTRA_CA_CERTS unset (Node would parse that bundle at every start; users do not pay it). ` +
    `Runs of the tools are interleaved; medians, with min-max; "÷ this" is mq's median over that row's.`,
  '',
];
const goals = ['### Targets (issues 8, 14, 16 and 18), from this run', '', '| figure | measured | target | met |', '|---|---|---|---|'];
for (const t of targets) {
  const shown = t.unit === 'MB' ? `${mb(t.value)} MB` : t.unit === 'ms' ? `${Number.isFinite(t.value) ? t.value.toFixed(2) : '-'} ms` : x(t.value);
  const met = !t.met ? '-' : !Number.isFinite(t.value) ? 'not measured' : t.met(t.value) ? 'met' : `**not met**${t.note ? ` (${t.note})` : ''}`;
  goals.push(`| ${t.what} | ${shown} | ${t.target} | ${met} |`);
}
console.log([...header, ...out, ...(targets.length ? goals : [])].join('\n'));
progress('done');
