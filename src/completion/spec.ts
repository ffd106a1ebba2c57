/**
 * The command tree of `mq` as shell completion needs it, read from the yargs definitions: the
 * command registry (src/commands/registry.ts) and each command module's builder. Nothing here lists
 * flags by hand, so the completion scripts follow the commands as they change.
 */
import type { Argv } from 'yargs';
import { VERSION } from '../version.js';
import { withGlobalOptions } from '../connection/options.js';
import type { CommandModule, CommandRegistry } from '../context.js';
import { OPTION_VALUES, PATH_KEYS, PROFILE_KEY } from './values.js';

/** How to complete a value. */
export type ValueSpec =
  | { kind: 'none' } // a boolean flag: it takes no value
  | { kind: 'text' } // free text: nothing to offer
  | { kind: 'choices'; values: string[] }
  | { kind: 'file' }
  | { kind: 'profile' };

export interface FlagSpec {
  /** The yargs key, e.g. "qos". */
  key: string;
  /** As typed: the key first, then its aliases, e.g. ["--qos", "-q"]. */
  names: string[];
  describe: string;
  value: ValueSpec;
  /** yargs `array`: given more than once, every value counts. */
  repeatable: boolean;
  /** The heading --help lists it under ("Connection", "TLS"); "Options" when it has none. */
  group: string;
  /** The default as --help shows it (its defaultDescription, else the default value), if any. */
  default?: string;
}

export interface PositionalSpec {
  name: string;
  describe: string;
  value: ValueSpec;
  variadic: boolean;
}

export interface CommandSpec {
  /** [] for `mq` itself, ["bench", "pub"] for `mq bench pub`. */
  path: string[];
  describe: string;
  /** The command's own usage line(s) from .usage(), `$0` written as `mq`, and the text after them. */
  usage?: { lines: string[]; text: string };
  flags: FlagSpec[];
  positionals: PositionalSpec[];
  subcommands: CommandSpec[];
}

// The parts of yargs' internals this reads (stable across yargs 17 and 18).
interface YargsOptions {
  key: Record<string, unknown>;
  alias: Record<string, string[]>;
  boolean: string[];
  count: string[];
  array: string[];
  normalize: string[];
  hiddenOptions: string[];
  choices: Record<string, unknown[]>;
  default: Record<string, unknown>;
  defaultDescription: Record<string, string | undefined>;
}
interface Positional { cmd: string[]; variadic: boolean }
interface CommandHandler {
  original: string;
  description: string | false;
  builder: ((yargs: Argv) => unknown) | Record<string, object>;
  demanded: Positional[];
  optional: Positional[];
}
interface Internals {
  getOptions(): YargsOptions;
  getGroups(): Record<string, string[]>;
  getInternalMethods(): {
    reset(aliases?: Record<string, string[]>): Argv;
    getCommandInstance(): { getCommandHandlers(): Record<string, CommandHandler> };
    getUsageInstance(): { getDescriptions(): Record<string, string | undefined>; getUsage(): [string, string][] };
  };
}
const internals = (yargs: Argv) => yargs as unknown as Internals;

export type YargsFactory = (args: string[]) => Argv;

/**
 * The whole tree: `mq`, each command of the registry, and their nested commands (bench pub|sub|conn).
 * The registry is passed in (ctx.commands, or imported by scripts and tests): it loads the
 * completion command, so importing it here would make an import circle.
 */
export async function loadCommandSpec(registry: CommandRegistry): Promise<CommandSpec> {
  const { default: yargs } = await import('yargs');
  const factory = yargs as unknown as YargsFactory;
  const commands: { name: string; describe: string; module: CommandModule<never> }[] = [];
  for (const [name, entry] of Object.entries(registry)) commands.push({ name, describe: entry.describe, module: (await entry.load()).default });
  return treeOf(factory, commands);
}

/** The tree for these command modules under `mq` (loadCommandSpec passes the registry's). */
export function treeOf(factory: YargsFactory, commands: { name: string; describe: string; module: CommandModule<never> }[]): CommandSpec {
  const root = topLevel(factory);
  const subcommands = commands.map(({ name, describe, module }) => commandSpec(factory, module, [name], describe));
  return { path: [], describe: '', flags: flagSpecs(root, []), positionals: [], subcommands };
}

/** `mq` without a command, set up as src/run-cli.ts sets it up (global options, --help, --version). */
function topLevel(factory: YargsFactory): Argv {
  return withGlobalOptions(factory([])).help('help').version(VERSION);
}

/**
 * The yargs instance as a command's handler sees it: yargs resets the parent (keeping its global
 * options) and runs the builder on it, once per level of `path`. A fresh instance for every
 * command, because a reset keeps whatever the previous command defined.
 */
function instanceFor(factory: YargsFactory, module: CommandModule<never>, path: string[]): { yargs: Argv; handler: CommandHandler } {
  const noop = async () => {};
  let yargs = topLevel(factory).command(module.command, module.describe, (y) => module.builder(y, noop), noop);
  let handler: CommandHandler | undefined;
  for (const name of path) {
    handler = internals(yargs).getInternalMethods().getCommandInstance().getCommandHandlers()[name];
    if (!handler) throw new Error(`yargs has no command "${path.join(' ')}"`);
    const inner = internals(yargs).getInternalMethods().reset(internals(yargs).getOptions().alias);
    if (typeof handler.builder === 'function') handler.builder(inner);
    else inner.options(handler.builder);
    yargs = inner;
  }
  return { yargs, handler: handler! };
}

function commandSpec(factory: YargsFactory, module: CommandModule<never>, path: string[], describe: string): CommandSpec {
  const { yargs, handler } = instanceFor(factory, module, path);
  const positionalNames = [...handler.demanded, ...handler.optional].map((p) => p.cmd[0]!);
  const options = internals(yargs).getOptions();
  const descriptions = internals(yargs).getInternalMethods().getUsageInstance().getDescriptions();
  const positionals = [...handler.demanded, ...handler.optional].map((p): PositionalSpec => {
    const name = p.cmd[0]!;
    const value = valueSpec(name, options);
    return { name, describe: oneLine(descriptions[name] ?? ''), value: value.kind === 'none' ? { kind: 'text' } : value, variadic: p.variadic };
  });

  const handlers = internals(yargs).getInternalMethods().getCommandInstance().getCommandHandlers();
  const seen = new Set<CommandHandler>();
  const subcommands: CommandSpec[] = [];
  for (const [name, nested] of Object.entries(handlers)) {
    // Aliases map to the same handler; `$0` / `*` is a default command, not a word to type.
    if (seen.has(nested) || name === '$0' || name === '*' || nested.description === false) continue;
    seen.add(nested);
    checkName(name);
    subcommands.push(commandSpec(factory, module, [...path, name], nested.description ?? ''));
  }
  const usage = usageOf(yargs);
  return { path, describe: oneLine(describe), ...(usage ? { usage } : {}), flags: flagSpecs(yargs, positionalNames), positionals, subcommands };
}

/** What the builder gave .usage(): "$0 pub -t TOPIC ...\n\nPublish one message ..." (none: undefined). */
function usageOf(yargs: Argv): CommandSpec['usage'] {
  const [first] = internals(yargs).getInternalMethods().getUsageInstance().getUsage();
  if (!first) return undefined;
  const [head, ...rest] = first[0].split(/\n\s*\n/);
  return { lines: head!.split('\n').map((line) => line.replace(/\$0\b/g, 'mq').trim()), text: rest.join('\n\n').trim() };
}

/** Every visible option of this instance, in the order they were defined. */
function flagSpecs(yargs: Argv, positionalNames: readonly string[]): FlagSpec[] {
  const options = internals(yargs).getOptions();
  const descriptions = internals(yargs).getInternalMethods().getUsageInstance().getDescriptions();
  const aliasOf = new Set(Object.values(options.alias).flat());
  const hidden = new Set(options.hiddenOptions);
  const groupOf = new Map<string, string>();
  for (const [group, keys] of Object.entries(internals(yargs).getGroups())) for (const key of keys) groupOf.set(key, group.replace(/:$/, ''));
  const flags: FlagSpec[] = [];
  for (const key of Object.keys(options.key)) {
    if (aliasOf.has(key) || hidden.has(key) || positionalNames.includes(key) || isCamelCase(key)) continue;
    // A nested command's builder may declare an inherited alias again: yargs then lists it twice.
    const names = [...new Set([key, ...(options.alias[key] ?? []).filter((a) => !isCamelCase(a))])];
    for (const name of names) checkName(name);
    flags.push({
      key,
      names: names.map((n) => (n.length === 1 ? `-${n}` : `--${n}`)),
      describe: oneLine(descriptions[key] ?? ''),
      value: valueSpec(key, options),
      repeatable: options.array.includes(key),
      group: groupOf.get(key) ?? 'Options',
      ...defaultOf(key, options),
    });
  }
  return flags;
}

function defaultOf(key: string, options: YargsOptions): { default?: string } {
  const described = options.defaultDescription[key];
  if (described !== undefined) return { default: described };
  const value = options.default[key];
  return value === undefined || value === false ? {} : { default: String(value) };
}

function valueSpec(key: string, options: YargsOptions): ValueSpec {
  if (options.boolean.includes(key) || options.count.includes(key)) return { kind: 'none' };
  const choices = options.choices[key];
  // String(): yargs' own completion crashes on numeric choices (-q 0 1 2); ours prints them.
  if (choices && choices.length > 0) return { kind: 'choices', values: choices.map(String) };
  if (key === PROFILE_KEY) return { kind: 'profile' };
  const known = OPTION_VALUES[key];
  if (known) return { kind: 'choices', values: [...known] };
  if (options.normalize.includes(key) || PATH_KEYS.includes(key)) return { kind: 'file' };
  return { kind: 'text' };
}

/** The scripts write flag and command names unquoted: they must be plain words. */
function checkName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new Error(`Cannot complete the name "${name}": only letters, digits, ".", "_" and "-" are supported.`);
}

/** yargs adds camelCase aliases (passwordFile) for its own use; nobody types them. */
function isCamelCase(name: string): boolean {
  return /[a-z][A-Z]/.test(name);
}

function oneLine(text: string): string {
  // yargs' own texts (--help, --version) are stored as y18n keys: "__yargsString__:Show help".
  return text.replace(/^__yargsString__:/, '').replace(/\s+/g, ' ').trim();
}

/** Every command path in the tree, depth first: [], [pub], ..., [bench], [bench, pub], ... */
export function allCommands(root: CommandSpec): CommandSpec[] {
  return [root, ...root.subcommands.flatMap(allCommands)];
}
