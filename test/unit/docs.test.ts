/**
 * The README is the storefront and docs/ holds the rest: every relative link of the README and of the
 * docs pages resolves (file and #anchor), every command has its page, and no page is an orphan.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS } from '../../src/commands/registry.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DOCS = readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);

/** Lines outside ``` fences, with inline code removed (a link inside code is not a link). */
function prose(markdown: string): string[] {
  let fence = false;
  return markdown.split('\n').flatMap((line) => {
    if (/^\s*```/.test(line)) {
      fence = !fence;
      return [];
    }
    return fence ? [] : [line.replace(/`[^`]*`/g, '``')];
  });
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fence = !fence;
    const heading = !fence && /^#{1,6} (.*)$/.exec(line);
    if (!heading) continue;
    const base = heading[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N}_\- ]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

/** Relative links of a markdown file: [text](target), web and mail links left out. */
function relativeLinks(markdown: string): string[] {
  const links: string[] = [];
  for (const line of prose(markdown)) {
    for (const match of line.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(match[1]!)) links.push(match[1]!);
    }
  }
  return links;
}

/** Broken links of one file (a path relative to the repository), as "target: why". */
function brokenLinks(file: string): string[] {
  const broken: string[] = [];
  for (const link of relativeLinks(readFileSync(path.join(ROOT, file), 'utf8'))) {
    const [target, anchor] = link.split('#') as [string, string | undefined];
    const resolved = target === '' ? path.join(ROOT, file) : path.resolve(path.dirname(path.join(ROOT, file)), target);
    if (!existsSync(resolved)) {
      broken.push(`${link}: no such file`);
      continue;
    }
    if (anchor !== undefined && resolved.endsWith('.md') && !anchors(readFileSync(resolved, 'utf8')).has(anchor)) {
      broken.push(`${link}: no heading with that anchor in ${path.relative(ROOT, resolved)}`);
    }
  }
  return broken;
}

describe('README and docs/', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const linked = new Set(relativeLinks(readme).map((link) => path.posix.normalize(link.split('#')[0]!)));

  test('every relative link of the README resolves, anchors included', () => {
    assert.deepEqual(brokenLinks('README.md'), []);
  });

  test('every docs/*.md the README links to exists, and the README links to every one', () => {
    for (const link of linked) if (link.startsWith('docs/')) assert.ok(existsSync(path.join(ROOT, link)), `README links to ${link}, which does not exist`);
    assert.deepEqual(DOCS.filter((page) => !linked.has(page)), [], 'pages the README does not link to');
  });

  test('every command has its page, linked from the README', () => {
    for (const name of Object.keys(COMMANDS)) {
      assert.ok(existsSync(path.join(ROOT, 'docs', `${name}.md`)), `docs/${name}.md is missing`);
      assert.ok(linked.has(`docs/${name}.md`), `the README does not link to docs/${name}.md`);
    }
  });

  for (const page of DOCS) {
    test(`every relative link of ${page} resolves`, () => {
      assert.deepEqual(brokenLinks(page), []);
    });
  }

  test('the README stays a storefront: a five-minute read, the details in docs/', () => {
    const lines = readme.split('\n').length;
    assert.ok(lines <= 300, `README.md has ${lines} lines: move details to a page of docs/ and link it`);
  });

  test('anchors follow GitHub', () => {
    assert.deepEqual([...anchors('# mq pub\n## Start-up and the code cache\n### `-F` format: %t!\n## Start-up and the code cache\n```\n# not a heading\n```')], [
      'mq-pub', 'start-up-and-the-code-cache', '-f-format-t', 'start-up-and-the-code-cache-1',
    ]);
  });
});
