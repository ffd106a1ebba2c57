// The test run behind `npm test` (after typecheck and build): node's test runner over the unit and
// end-to-end tests, its output passed through untouched (spec on a terminal, TAP otherwise, as
// node chooses), then two lines: how many tests were skipped for want of mosquitto and what runs
// them, and the totals. Exits with the runner's exit code.
//
// A second reporter writes TAP to a temporary file, which is where the counts come from: skip
// reasons that start with "needs mosquitto:" (test/e2e/helpers/broker.ts) and the summary.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

process.chdir(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));

// test/unit, test/cli and test/e2e/*.test.ts (Node 20 does not expand globs), or the files given:
// node scripts/test.mjs test/e2e/rr.test.ts
const testFiles = (folder) => readdirSync(folder).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `${folder}/${f}`);
const files = process.argv.length > 2 ? process.argv.slice(2) : [...testFiles('test/unit'), ...testFiles('test/cli'), ...testFiles('test/e2e')];
const dir = mkdtempSync(path.join(tmpdir(), 'mq-test-run-'));
const tapFile = path.join(dir, 'report.tap');
const human = process.stdout.isTTY ? 'spec' : 'tap';
const args = [
  '--import', 'tsx', '--test', '--test-concurrency=2',
  `--test-reporter=${human}`, '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
  ...files,
];

const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
// Ctrl-C reaches the runner through the terminal's process group: wait for it to report and exit.
const onInterrupt = () => {};
const onTerminate = () => child.kill('SIGTERM');
process.on('SIGINT', onInterrupt);
process.on('SIGTERM', onTerminate);
const [code, signal] = await new Promise((resolve) => child.on('close', (c, s) => resolve([c, s])));

let tap = '';
try {
  tap = readFileSync(tapFile, 'utf8');
} catch {
  // The runner did not get far enough to write a report: its own output says why.
}
rmSync(dir, { recursive: true, force: true });

const skippedForMosquitto = tap.split('\n').filter((line) => /^\s*ok \d+ - .* # SKIP needs mosquitto:/.test(line)).length;
/** A count from the summary at the end of the TAP report (# pass 12). */
const total = (name) => Number(tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);

// What is installed, as the test helpers see it (MQ_TEST_WITHOUT_MOSQUITTO=1 hides it all).
const hidden = process.env.MQ_TEST_WITHOUT_MOSQUITTO === '1';
const onPath = (name) => !hidden && spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
const brokerInstalled = !hidden && ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].some((file) => spawnSync('test', ['-x', file]).status === 0);
const missing = [
  ...(brokerInstalled && onPath('mosquitto_passwd') ? [] : ['mosquitto']),
  ...(onPath('mosquitto_pub') && onPath('mosquitto_sub') && onPath('mosquitto_rr') ? [] : ['mosquitto-clients']),
];
const forcedMq = process.env.MQ_TEST_BROKER === 'mq';
const tests = (n) => `${n} test${n === 1 ? '' : 's'}`;
let line = `${tests(skippedForMosquitto)} skipped (need mosquitto)`;
if (missing.length > 0) {
  line += `: apt-get install ${missing.join(' ')} runs them`;
  if (forcedMq && brokerInstalled) line += ', and those that need the mosquitto broker run without MQ_TEST_BROKER=mq';
} else if (forcedMq) {
  line += ': they need the mosquitto broker; npm test without MQ_TEST_BROKER=mq runs them';
}

const cancelled = total('cancelled');
console.log('');
console.log(line);
console.log(`tests: ${total('pass')} passed, ${total('fail')} failed, ${total('skipped')} skipped${cancelled > 0 ? `, ${cancelled} cancelled` : ''}`);

process.off('SIGINT', onInterrupt);
process.off('SIGTERM', onTerminate);
if (signal) process.kill(process.pid, signal);
process.exit(code ?? 1);
