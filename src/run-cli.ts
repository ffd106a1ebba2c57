import type { Argv } from 'yargs';
import { VERSION } from './version.js';
import { COMMANDS } from './commands/registry.js';
import type { Context } from './context.js';
import type { Io } from './io.js';
import { MqError, UsageError, exitCodeFor } from './errors.js';
import { holdsSecret, withGlobalOptions } from './connection/options.js';
import { closest } from './suggest.js';
import { COMMAND_NAMES, isCommandName, requestedCommand } from './command-names.js';
import { isMosquittoClient, type DefaultOptions } from './connection/options-file.js';
import type { RawLayer } from './connection/resolve.js';
import type { Ui } from './ui.js';

/** A reader that goes away (`mq ... | head -1`) is not an error; streaming commands watch for it themselves. */
function ignoreClosedPipe(): void {}

/**
 * The whole CLI: parse, run one command, and turn whatever happened into an exit code.
 * This is the only catch: whatever was thrown becomes one line on stderr and the exit code errors.ts gives it.
 */
export async function runCli(argv: string[], io: Io, seams: Seams = {}): Promise<number> {
  const { createUi } = await import('./ui.js');
  let ui: Ui = await createUi(io);
  let debug = argv.includes('--debug') || argv.includes('-d');
  const cleanups: (() => void)[] = [];
  // Kept for the life of the process: the error arrives after the write that caused it.
  if (!io.stdout.listeners('error').includes(ignoreClosedPipe)) io.stdout.on('error', ignoreClosedPipe);
  try {
    // A password given with -P or inside a -L URL must not stay visible in `ps`.
    if (holdsSecret(argv)) io.title = 'mq';

    // Only the network commands take -o (mosquitto 2.1's options file); passwd may be given "-o" as a password.
    const requested = requestedCommand(argv);
    const explicitOptionsFile = argv.includes('-o') && ['pub', 'sub', 'rr', 'bench', 'config'].includes(requested ?? '');
    if (explicitOptionsFile) {
      // Node built-ins are imported statically (in options-file.ts): a dynamic import() of one fails
      // inside the code-cached bundle.
      const { expandOptionsFile } = await import('./connection/options-file.js');
      argv = await expandOptionsFile(argv);
    }
    // mosquitto's default options file of pub, sub and rr (~/.config/mosquitto_sub), read only when
    // -o names none, as mosquitto does: its connection settings become a layer of their own
    // (below MQ_* and the rc file); its other options go before the command line's.
    let optionsFile: (DefaultOptions & { words: string[] }) | undefined;
    if (isMosquittoClient(requested) && !explicitOptionsFile && !argv.includes('--help')) {
      const { readDefaultOptions, defaultWords, insertAfterCommand } = await import('./connection/options-file.js');
      const options = await readDefaultOptions(requested, io.env);
      if (options) {
        optionsFile = { ...options, words: defaultWords(options.lines, argv, requested) };
        argv = insertAfterCommand(argv, optionsFile.words);
      }
    }
    const name = requestedCommand(argv);
    const entry = isCommandName(name) ? COMMANDS[name] : undefined;
    const module = entry ? (await entry.load()).default : undefined;

    const { default: yargs } = await import('yargs');
    let parser: Argv = withGlobalOptions(yargs(argv))
      .scriptName('mq')
      .usage('$0 <command> [options]\n\nOne MQTT command line: publish, subscribe, request/response, password files, benchmarks and a local broker.')
      .parserConfiguration({ 'boolean-negation': false, 'dot-notation': false })
      .strict()
      .demandCommand(1, 'Name a command, e.g. mq sub -t "test/#" -v (see mq --help).')
      .recommendCommands()
      .help('help')
      .version(VERSION)
      .wrap(Math.min(110, io.stdout.columns ?? 100))
      .showHelpOnFail(false)
      .exitProcess(false)
      .fail((message, error) => {
        if (error) throw error;
        throw new UsageError(improveUsageMessage(message ?? 'Invalid arguments.', parser, argv, optionsFile));
      })
      .middleware((args) => lastValueWins(args, parser, module?.keepRepeats ?? []), true)
      .epilogue('Run mq <command> --help for the options of a command. Docs: man mq, or README.md and docs/.');

    for (const [commandName, commandEntry] of Object.entries(COMMANDS)) {
      if (module && commandName === name) {
        const handler = async (args: Record<string, unknown>) => {
          ui = await createUi(io, { quiet: Boolean(args.quiet), debug: Boolean(args.debug) });
          debug = Boolean(args.debug);
          const ctx = createContext(io, ui, commandName, argv, cleanups, seams, optionsFile);
          await module.run(args as never, ctx);
        };
        // Nested subcommands (bench pub) get the same handler: yargs runs only the innermost one.
        parser = parser.command(module.command, module.describe, (y) => module.builder(y, handler), handler, [], false);
      } else {
        parser = parser.command(commandName, commandEntry.describe);
      }
    }
    if (!argv.includes('--help')) skipEagerHelp(parser);
    await parser.parseAsync();
    return 0;
  } catch (error) {
    return report(error, ui, debug);
  } finally {
    for (const cleanup of cleanups) cleanup();
  }
}

/**
 * yargs renders the whole help of a command before running it, in case it fails later (about 40 ms
 * of table layout and string-width, a third of a one-message `mq pub`). We never show help on
 * failure (showHelpOnFail(false)), so the rendering is wasted unless --help was asked for. Angular
 * CLI does the same (angular/angular-cli#34087).
 */
function skipEagerHelp(parser: Argv): void {
  const internals = (parser as unknown as { getInternalMethods?(): { getUsageInstance(): { cacheHelpMessage?: () => void } } }).getInternalMethods?.();
  const usage = internals?.getUsageInstance();
  if (usage?.cacheHelpMessage) usage.cacheHelpMessage = () => {};
}

/**
 * yargs collects a repeated scalar option into an array; mosquitto lets the last one win
 * (and -o options files rely on that). Options declared as arrays, and those the command keeps
 * repeats of (its message sources), keep every value.
 */
function lastValueWins(args: Record<string, unknown>, parser: Argv, keepRepeats: readonly string[]): void {
  const options = (parser as unknown as { getOptions(): { array: string[]; alias: Record<string, string[]> } }).getOptions();
  // yargs also sets the camelCase form of dashed names (filter-out -> filterOut): keep those too.
  const camel = (key: string) => key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const arrays = new Set([...options.array, ...keepRepeats].flatMap((key) => [key, ...(options.alias[key] ?? [])]).flatMap((key) => [key, camel(key)]));
  for (const [key, value] of Object.entries(args)) {
    if (key !== '_' && key !== '--' && Array.isArray(value) && !arrays.has(key)) args[key] = value[value.length - 1];
  }
}

/** What an in-process test may put in place of the real thing (test/cli/). */
export interface Seams {
  connect?: Context['connect'];
}

function createContext(
  io: Io, ui: Ui, commandName: string, argv: readonly string[], cleanups: (() => void)[], seams: Seams, optionsFile?: { file: string; layer: RawLayer },
): Context {
  let interrupted: Promise<'SIGINT' | 'SIGTERM'> | undefined;
  const ctx: Context = {
    ...(optionsFile ? { optionsFile: { file: optionsFile.file, layer: optionsFile.layer } } : {}),
    async connect(args, defaults) {
      if (seams.connect) return seams.connect(args, defaults);
      // Loaded here: mq --help, passwd and broker never resolve connection settings.
      const { prepareConnection } = await import('./connection/prepare.js');
      return prepareConnection(args, ctx, defaults);
    },
    io,
    env: io.env,
    ui,
    commandName,
    commands: COMMANDS,
    argv,
    interrupted() {
      interrupted ??= new Promise((resolve) => {
        const onInt = () => resolve('SIGINT');
        const onTerm = () => resolve('SIGTERM');
        io.on('SIGINT', onInt);
        io.on('SIGTERM', onTerm);
        cleanups.push(() => {
          io.off('SIGINT', onInt);
          io.off('SIGTERM', onTerm);
        });
      });
      return interrupted;
    },
  };
  return ctx;
}

/** Print one line (stack only with --debug) and return the exit code. */
function report(error: unknown, ui: Ui, debug: boolean): number {
  if (error instanceof MqError) {
    if (!error.reported) {
      ui.error(error.hint ? `${error.message} ${error.hint}` : error.message);
      if (debug && error.cause instanceof Error && error.cause.stack) ui.debug(error.cause.stack);
    }
  } else {
    const message = error instanceof Error ? error.message : String(error);
    ui.error(`${message}${debug ? '' : ' (run with --debug for details)'}`);
    if (debug && error instanceof Error && error.stack) ui.debug(error.stack);
  }
  return exitCodeFor(error);
}

/**
 * yargs says "Unknown argument: x"; add the closest known option or command, and name mosquitto's
 * options file when the option came from there.
 */
function improveUsageMessage(message: string, instance: Argv, argv: readonly string[], optionsFile?: { file: string; words: string[] }): string {
  const unknown = /^Unknown arguments?: ([^,]+)/.exec(message)?.[1];
  const inFile = unknown !== undefined && optionsFile?.words.find((word) => word === unknown || (word.startsWith('-') && word.replace(/^-+/, '') === unknown));
  if (inFile) {
    return `Unknown option: ${inFile} in ${optionsFile!.file}, mosquitto's default options for mq ${requestedCommand(argv)} (MQ_NO_MOSQUITTO_DEFAULTS=1 skips that file).`;
  }
  return improveUnknown(message, instance, argv);
}

function improveUnknown(message: string, instance: Argv, argv: readonly string[]): string {
  const recommended = /^Did you mean (\S+)\?$/.exec(message);
  if (recommended) return `Unknown command. Did you mean ${recommended[1]}? (see mq --help)`;
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (!unknown) return message;
  const first = unknown[1]!.split(', ')[0]!;
  const options = (instance as unknown as { getOptions(): unknown }).getOptions() as { key: Record<string, unknown>; alias: Record<string, string[]> };
  const names = [...Object.keys(options.key), ...Object.values(options.alias).flat(), ...COMMAND_NAMES];
  const suggestion = closest(first.replace(/^-+/, ''), names.filter((n) => n.length > 1));
  const flag = (n: string) => (isCommandName(n) ? n : `--${n}`);
  if (argv.includes(first) && !first.startsWith('-')) {
    const command = closest(first, COMMAND_NAMES);
    return `Unknown ${requestedCommand(argv) === first ? 'command' : 'argument'}: ${first}.${command ? ` Did you mean ${command}?` : ' See mq --help.'}`;
  }
  const shown = first.startsWith('-') ? first : first.length === 1 ? `-${first}` : `--${first}`;
  return `Unknown option: ${shown}.` +
    (suggestion ? ` Did you mean ${flag(suggestion)}?` : ' See mq --help.');
}
