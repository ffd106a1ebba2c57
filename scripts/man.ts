/**
 * Writes the man pages (man/*.1, man/mqrc.5) from the commands' own flag definitions (read from
 * yargs, as the completions are: src/completion/spec.ts) and the docs/ pages, converted to roff by
 * marked-man. `npm run build` runs it; the pages are not committed.
 *
 *   node --import tsx scripts/man.ts [OUTDIR]      (default: man/)
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Marked } from 'marked';
import markedMan from 'marked-man';
import { COMMANDS } from '../src/commands/registry.js';
import { allCommands, loadCommandSpec, type CommandSpec, type FlagSpec, type PositionalSpec } from '../src/completion/spec.js';
import { VERSION } from '../src/version.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Every page: its file, and where its text comes from. */
export const MAN_PAGES = ['mq.1', 'mq-pub.1', 'mq-sub.1', 'mq-rr.1', 'mq-passwd.1', 'mq-bench.1', 'mq-broker.1', 'mq-config.1', 'mqrc.5'] as const;

/** docs/ page -> the man page that carries it (links between pages become references to these). */
const MAN_OF_DOC: Record<string, string> = {
  'pub.md': 'mq-pub(1)',
  'sub.md': 'mq-sub(1)',
  'rr.md': 'mq-rr(1)',
  'passwd.md': 'mq-passwd(1)',
  'bench.md': 'mq-bench(1)',
  'broker.md': 'mq-broker(1)',
  'config.md': 'mq-config(1)',
  'configuration.md': 'mq-config(1)',
  'completion.md': 'mq(1)',
  'differences.md': 'mq(1)',
  'README.md': 'mq(1)',
};

/** An rc-file section of docs/configuration.md: it goes to mqrc(5), not mq-config(1). */
const RC_SECTION = /^rc file/i;

type Read = (file: string) => string;

/** The pages, file name -> roff. `read` reads a file of the repository (README.md, docs/x.md). */
export function manPages(spec: CommandSpec, read: Read): Map<string, string> {
  const command = (name: string) => {
    const found = spec.subcommands.find((c) => c.path[0] === name);
    if (!found) throw new Error(`No command "${name}" in the registry`);
    return found;
  };
  const pages = new Map<string, string>();
  const seeAlso = (self: string) => MAN_PAGES.map(refOf).filter((ref) => ref !== self).join(', ');

  for (const name of ['pub', 'sub', 'rr', 'passwd', 'bench', 'broker'] as const) {
    const doc = docPage(read(`docs/${name}.md`), `${name}.md`);
    const cmd = command(name);
    pages.set(`mq-${name}.1`, [
      header(`mq-${name}`, 1, cmd.describe),
      synopsis(cmd),
      section('DESCRIPTION', [cmd.usage?.text ?? '', doc.intro].filter(Boolean).join('\n\n')),
      ...doc.sections.map((s) => section(s.title, s.body)),
      options(cmd),
      seeAlsoSection(seeAlso(`mq-${name}(1)`), doc.file),
    ].join('\n\n'));
  }

  const config = command('config');
  const configDoc = docPage(read('docs/config.md'), 'config.md');
  const configuration = docPage(read('docs/configuration.md'), 'configuration.md');
  const rcSections = configuration.sections.filter((s) => RC_SECTION.test(s.title));
  if (rcSections.length === 0) throw new Error('docs/configuration.md has no "## rc file" section for mqrc(5)');
  pages.set('mq-config.1', [
    header('mq-config', 1, config.describe),
    synopsis(config),
    section('DESCRIPTION', configDoc.intro),
    ...configDoc.sections.map((s) => section(s.title, s.body)),
    section('CONNECTION SETTINGS', configuration.intro + '\n\nThe rc file is described in mqrc(5).'),
    ...configuration.sections.filter((s) => !RC_SECTION.test(s.title)).map((s) => section(s.title, s.body)),
    options(config),
    seeAlsoSection(seeAlso('mq-config(1)'), 'configuration.md'),
  ].join('\n\n'));

  pages.set('mqrc.5', [
    header('mqrc', 5, "mq's rc file: connection defaults and profiles"),
    ...rcSections.map((s, i) => section(i === 0 ? 'DESCRIPTION' : s.title, s.body)),
    section('SEE ALSO', `${seeAlso('mqrc(5)')}. The order in which flags, \`MQ_*\` variables and this file apply is in mq-config(1).`),
  ].join('\n\n'));

  const readme = docPage(read('README.md'), 'README.md');
  const exitCodes = readme.sections.find((s) => /^exit codes$/i.test(s.title));
  if (!exitCodes) throw new Error('README.md has no "## Exit codes" section for mq(1)');
  const differences = docPage(read('docs/differences.md'), 'differences.md');
  const completion = docPage(read('docs/completion.md'), 'completion.md');
  pages.set('mq.1', [
    header('mq', 1, 'one MQTT command line: publish, subscribe, request/response, password files, benchmarks and a broker'),
    section('SYNOPSIS', '`mq` *command* \\[*options*\\]\\\n`mq --version`'),
    section('DESCRIPTION', readme.intro),
    section('COMMANDS', spec.subcommands.map((c) => {
      const page = MAN_PAGES.find((p) => p === `mq-${c.path[0]}.1`);
      return `* \`mq ${c.path[0]}\`\\\n  ${escapeMd(c.describe)}${page ? `: see ${refOf(page)}` : c.path[0] === 'completion' ? ': see SHELL COMPLETION below' : ''}.`;
    }).join('\n')),
    flagList('OPTIONS', spec.flags, 'These options work with every command.'),
    section('EXIT STATUS', exitCodes.body),
    section('SHELL COMPLETION', [completion.intro, ...completion.sections.map((s) => `### ${s.title}\n\n${s.body}`)].join('\n\n')),
    section('DIFFERENCES FROM MOSQUITTO', [differences.intro, ...differences.sections.map((s) => `### ${s.title}\n\n${s.body}`)].join('\n\n')),
    section('ENVIRONMENT', '`MQ_*` variables set connection settings (see mq-config(1)); `NO_COLOR` turns colour off. `XDG_CACHE_HOME` (default `~/.cache`) holds `mq/`, the compiled-code cache: deleting it is always safe.'),
    section('FILES', 'rc files with connection defaults and profiles: see mqrc(5).'),
    seeAlsoSection(seeAlso('mq(1)'), 'README.md'),
  ].join('\n\n'));

  const roff = new Map<string, string>();
  for (const page of MAN_PAGES) roff.set(page, toRoff(pages.get(page)!));
  return roff;
}

function refOf(page: string): string {
  const [name, section] = page.split('.');
  return `${name}(${section})`;
}

function header(name: string, section: number, describe: string): string {
  return `# ${name}(${section}) -- ${describe}`;
}

function section(title: string, body: string): string {
  return `## ${title.toUpperCase()}\n\n${body.trim()}`;
}

function seeAlsoSection(refs: string, doc: string): string {
  const source = doc === 'README.md' ? '`README.md`' : `\`docs/${doc}\``;
  return section('SEE ALSO', `${refs}, mosquitto_pub(1), mosquitto_sub(1), mosquitto_passwd(1), mosquitto(8).\n\nThis page is made from ${source} of the mq-cli package, which has the same text with links.`);
}

function synopsis(cmd: CommandSpec): string {
  const positionals = cmd.positionals.map((p) => (p.variadic ? `${p.name}...` : p.name)).join(' ');
  const lines = cmd.usage?.lines ?? [`mq ${cmd.path.join(' ')} [options]${positionals ? ` ${positionals}` : ''}`];
  const nested = cmd.subcommands.map((c) => `mq ${c.path.join(' ')} [options]`);
  return section('SYNOPSIS', [...lines, ...nested].map((line) => `\`${line}\``).join('\\\n'));
}

/** OPTIONS: every flag --help shows, under --help's group names; nested commands after them. */
function options(cmd: CommandSpec): string {
  const parts = [flagList('OPTIONS', cmd.flags, cmd.positionals.length > 0 ? positionalList(cmd.positionals) : '')];
  for (const nested of cmd.subcommands) {
    const parentKeys = new Map(cmd.flags.map((f) => [f.key, f]));
    const own = nested.flags.filter((f) => {
      const parent = parentKeys.get(f.key);
      return !parent || parent.describe !== f.describe || parent.default !== f.default || parent.names.join() !== f.names.join();
    });
    const nestedKeys = new Set(nested.flags.map((f) => f.key));
    const left = cmd.flags.filter((f) => !nestedKeys.has(f.key)).map((f) => `\`${f.names.find((n) => n.startsWith('--')) ?? f.names[0]}\``);
    const intro = `\`mq ${nested.path.join(' ')}\`: ${escapeMd(nested.describe)}. It takes the options of \`mq ${cmd.path.join(' ')}\` above${left.length > 0 ? ` except ${left.join(', ')}` : ''}${own.length > 0 ? ', and these:' : '.'}`;
    parts.push(flagList(`OPTIONS OF MQ ${nested.path.join(' ')}`, own, intro));
  }
  return parts.join('\n\n');
}

function positionalList(positionals: PositionalSpec[]): string {
  return positionals.map((p) => `* *${p.name}*${p.variadic ? '...' : ''}\\\n  ${escapeMd(p.describe)}`).join('\n');
}

function flagList(title: string, flags: FlagSpec[], intro: string): string {
  const groups = new Map<string, FlagSpec[]>();
  for (const flag of flags) groups.set(flag.group, [...(groups.get(flag.group) ?? []), flag]);
  // --help lists the flags without a group last, under "Options".
  const order = [...groups.keys()].sort((a, b) => Number(a === 'Options') - Number(b === 'Options'));
  const body = order.map((group) => {
    const items = groups.get(group)!.map(flagItem).join('\n');
    return order.length > 1 || group !== 'Options' ? `### ${group === 'Options' ? 'Other options' : group}\n\n${items}` : items;
  });
  return section(title, [intro, ...body].filter(Boolean).join('\n\n'));
}

function flagItem(flag: FlagSpec): string {
  // --help lists the long name first, as mosquitto's pages list the short one: short first here.
  const names = [...flag.names].sort((a, b) => Number(a.startsWith('--')) - Number(b.startsWith('--'))).map((n) => `\`${n}\``).join(', ');
  const notes = [flag.repeatable ? 'repeatable' : '', flag.default !== undefined ? `default: ${flag.default}` : ''].filter(Boolean);
  return `* ${names}${placeholder(flag)}${notes.length > 0 ? ` (${escapeMd(notes.join('; '))})` : ''}\\\n  ${escapeMd(flag.describe)}`;
}

function placeholder(flag: FlagSpec): string {
  switch (flag.value.kind) {
    case 'none': return '';
    case 'choices': return ` *${flag.value.values.map(escapeMd).join('*|*')}*`;
    case 'file': return ' *file*';
    case 'profile': return ' *name*';
    case 'text': return ` *${flag.key.length === 1 ? 'value' : escapeMd(flag.key.split('-').pop()!)}*`;
  }
}

/** Text from yargs as literal markdown. */
function escapeMd(text: string): string {
  return text.replace(/[\\`*_[\]<>|#~]/g, (c) => `\\${c}`);
}

interface DocPage {
  file: string;
  /** The text before the first `##` heading. */
  intro: string;
  sections: { title: string; body: string }[];
}

/**
 * A docs/ page (or the README) ready for a man page: its H1 dropped, links between pages turned
 * into man page references, HTML comments and rules dropped; split at its `##` headings (the
 * `###` ones stay, as man subsections).
 */
export function docPage(markdown: string, file: string): DocPage {
  const lines: string[] = [];
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fence = !fence;
    if (fence || /^\s*```/.test(line)) {
      lines.push(line);
      continue;
    }
    if (/^# /.test(line) || /^\s*<!--.*-->\s*$/.test(line) || /^(-{3,}|\*{3,})\s*$/.test(line)) continue;
    lines.push(line.replace(/^####+ /, '### ').replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, text: string, target: string) => linkText(text, target)));
  }
  const parts: { title: string; lines: string[] }[] = [{ title: '', lines: [] }];
  fence = false;
  for (const line of tablesAsLists(lines)) {
    if (/^\s*```/.test(line)) fence = !fence;
    const heading = !fence && /^## (.*)$/.exec(line);
    if (heading) parts.push({ title: heading[1]!.trim(), lines: [] });
    else parts.at(-1)!.lines.push(line);
  }
  const [intro, ...sections] = parts.map((part) => ({ title: part.title, body: part.lines.join('\n').trim() }));
  return { file, intro: intro!.body, sections };
}

/**
 * Tables become lists: a table's narrow columns on an 80-column terminal wrap code and numbers
 * badly (and groff warns it cannot break or adjust them). Each row is an item tagged by its first
 * cell, with the other cells below it, each named by its column's header.
 */
function tablesAsLists(lines: string[]): string[] {
  const out: string[] = [];
  const cells = (row: string) => row.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));
  let fence = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*```/.test(line)) fence = !fence;
    if (fence || !/^\s*\|/.test(line) || !/^\s*\|?\s*:?-{3,}/.test(lines[i + 1] ?? '')) {
      out.push(line);
      continue;
    }
    const headers = cells(line);
    i += 2;
    for (; i < lines.length && /^\s*\|/.test(lines[i]!); i++) {
      const [tag, ...rest] = cells(lines[i]!);
      const details = rest.map((cell, c) => (cell === '' || cell === '-' ? '' : headers.length > 2 ? `${headers[c + 1]}: ${cell}` : cell)).filter(Boolean);
      out.push(`* ${tag}${details.map((d) => `\\\n  ${d}`).join('')}`);
    }
    i--;
    out.push('');
  }
  return out;
}

/** A link as man text: other pages by their man page, anchors and files by their text. */
function linkText(text: string, target: string): string {
  if (/^[a-z]+:/i.test(target)) return `[${text}](${target})`;
  const file = path.posix.basename(target.split('#')[0]!);
  const ref = MAN_OF_DOC[file];
  if (!file || !ref) return text;
  return text.includes(ref) ? text : `${text} (${ref})`;
}

/** markdown -> roff with marked-man; `'\" t` asks man to run tbl when the page has a table. */
export function toRoff(markdown: string): string {
  const marked = new Marked();
  // breaks: false, so the docs' wrapped lines are filled as one paragraph (a hard break is "\" + newline).
  marked.use(markedMan as never, { breaks: false, gfm: true, manVersion: `mq ${VERSION}`, manual: 'mq manual' } as never);
  const roff = (marked.parse(markdown) as string)
    .replace(/\n{3,}/g, '\n\n')
    // marked 12 escapes quotes in code spans; marked-man turns back only &lt; &gt; &amp;.
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    // A list item whose first line is a tag (a flag, a table row's first cell) is a tagged paragraph.
    .replace(/^\.IP \\\(bu 2\n(.*)\n\.br\n/gm, '.TP\n$1\n')
    // A blank line before a code block, as before a paragraph.
    .replace(/\n\.RS 2\n\.nf\n/g, '\n.sp\n.RS 2\n.nf\n')
    // Non-ASCII as groff escapes (\[u2192] for an arrow): groff reads its input as Latin-1 unless preconv runs.
    .replace(/[^\x00-\x7f]/gu, (c) => `\\[u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
  return (roff.includes('\n.TS') ? `'\\" t\n` : '') + roff;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = path.resolve(process.argv[2] ?? path.join(root, 'man'));
  const spec = await loadCommandSpec(COMMANDS);
  // Every command that has a page must exist: a renamed command fails the build instead of a stale page.
  for (const page of MAN_PAGES) {
    const name = /^mq-(\w+)\.1$/.exec(page)?.[1];
    if (name && !allCommands(spec).some((c) => c.path.join(' ') === name)) throw new Error(`${page}: no command "${name}"`);
  }
  const pages = manPages(spec, (file) => readFileSync(path.join(root, file), 'utf8'));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const [page, roff] of pages) writeFileSync(path.join(outDir, page), roff);
}
