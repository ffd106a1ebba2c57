/**
 * The man pages that `npm run build` writes into man/ (scripts/man.ts): groff renders each without a
 * single warning, and every flag that a command's --help shows is on its page.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, runMq } from './helpers/run.js';

const { man: pages } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { man: string[] };
const groffMissing = spawnSync('groff', ['--version']).error ? 'needs groff (apt-get install groff; CI installs it)' : false;

/** The page of each command (and the --help runs whose flags it must list). */
const HELP: Record<string, string[][]> = {
  'man/mq.1': [[]],
  'man/mq-pub.1': [['pub']],
  'man/mq-sub.1': [['sub']],
  'man/mq-rr.1': [['rr']],
  'man/mq-passwd.1': [['passwd']],
  'man/mq-bench.1': [['bench'], ['bench', 'pub'], ['bench', 'sub'], ['bench', 'conn']],
  'man/mq-broker.1': [['broker']],
  'man/mq-config.1': [['config']],
};

/** The flag names in the option column of --help: "  -t, --topic   Topic ..." -> ["-t", "--topic"]. */
export function helpFlags(help: string): string[] {
  const names: string[] = [];
  for (const line of help.split('\n')) {
    // Option rows start 2-6 spaces in; wrapped descriptions sit further right.
    const row = /^ {2,6}(-{1,2}[\w-]+(?:, -{1,2}[\w-]+)*)(?: {2,}|$)/.exec(line);
    if (row) names.push(...row[1]!.split(', '));
  }
  return names;
}

describe('man pages', () => {
  test('package.json lists every page, and the build wrote each', () => {
    assert.deepEqual(pages, ['man/mq.1', 'man/mq-pub.1', 'man/mq-sub.1', 'man/mq-rr.1', 'man/mq-passwd.1', 'man/mq-bench.1', 'man/mq-broker.1', 'man/mq-config.1', 'man/mqrc.5']);
    for (const page of pages) assert.ok(existsSync(path.join(ROOT, page)), `${page} is missing: run npm run build`);
  });

  for (const page of pages) {
    test(`${page} renders with groff -man -ww without a warning`, { skip: groffMissing }, () => {
      // -t runs tbl, as man does for a page that starts with '\" t.
      const rendered = spawnSync('groff', ['-t', '-man', '-Tutf8', '-ww', path.join(ROOT, page)], { encoding: 'utf8' });
      assert.equal(rendered.status, 0, rendered.stderr);
      assert.equal(rendered.stderr, '', `groff warned about ${page}`);
      const text = rendered.stdout.replace(/.\x08/g, ''); // bold and underline are overstruck
      assert.match(text, /^NAME$/m);
      assert.ok(text.length > 1000, `${page} is nearly empty`);
    });
  }

  for (const [page, runs] of Object.entries(HELP)) {
    test(`${page} lists every flag that --help shows`, async () => {
      const roff = readFileSync(path.join(ROOT, page), 'utf8');
      for (const args of runs) {
        const help = await runMq([...args, '--help']);
        assert.equal(help.code, 0, help.stderr);
        const flags = helpFlags(help.stdout);
        assert.ok(flags.length >= 4, `no flags found in mq ${args.join(' ')} --help`);
        // On the page a flag is bold, its hyphens escaped: \fB\-\-topic\fP.
        const missing = flags.filter((flag) => !roff.includes(`\\fB${flag.replace(/-/g, '\\-')}\\fP`));
        assert.deepEqual(missing, [], `mq ${args.join(' ')} --help shows flags that ${page} lacks`);
      }
    });
  }

  test('helpFlags reads the option column only', () => {
    const help = [
      'Connection:',
      '  -h, --host                   Broker host                             [string]',
      '      --max-connections        Connections each listener takes at once; more are closed at once (-1',
      '                               = no limit)',
      '  -C                     Exit after N messages',
      'Examples:',
      '  mq sub -t x -v    Print',
    ].join('\n');
    assert.deepEqual(helpFlags(help), ['-h', '--host', '--max-connections', '-C']);
  });
});
