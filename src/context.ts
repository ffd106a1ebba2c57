import type { Argv } from 'yargs';
import type { CommandName } from './command-names.js';
import type { ConnectionArgs } from './connection/options.js';
import type { PreparedConnection } from './connection/prepare.js';
import type { RawLayer } from './connection/resolve.js';
import type { ConnectionSettings } from './connection/settings.js';
import type { Io, Signal } from './io.js';
import type { Ui } from './ui.js';

/** Everything a command handler receives besides its parsed flags. */
export interface Context {
  /** The connection settings of mosquitto's default options file for this command (pub, sub, rr), when one was read. */
  optionsFile?: { file: string; layer: RawLayer };
  io: Io;
  env: Record<string, string | undefined>;
  ui: Ui;
  /** The command's name as the user typed it, e.g. "pub" or "bench pub". */
  commandName: string;
  /** The command line as typed after `mq`, for commands whose arguments are order-sensitive (passwd). */
  argv: readonly string[];
  /**
   * Every command of mq (src/commands/registry.ts), for a command that describes them all: `mq
   * completion`. Given here, not imported, because the registry loads that command itself.
   */
  commands: CommandRegistry;
  /**
   * Resolves when SIGINT or SIGTERM arrives (the listener is installed on first use and removed on exit).
   * Long-running commands race their work against it.
   */
  interrupted(): Promise<Signal>;
  /**
   * Resolve the connection flags with MQ_* variables, the rc file and `defaults` (the command's own,
   * below all of them), and prepare the client; `connect()` on the result opens it. The one way a
   * command reaches a broker, so a test can hand a command a fake.
   */
  connect(args: ConnectionArgs, defaults?: Partial<ConnectionSettings>): Promise<PreparedConnection>;
}

/**
 * One subcommand. `builder` declares its flags (it must import nothing heavy: `mq --help`
 * builds every builder); `run` is loaded only when the command runs.
 */
export interface CommandModule<Args = Record<string, unknown>> {
  command: string;
  describe: string;
  aliases?: string[];
  /**
   * Options whose repetition the command judges itself: they reach `run` as an array when given
   * more than once. Every other repeated scalar option takes its last value, as in mosquitto.
   */
  keepRepeats?: readonly string[];
  /**
   * `runNested` is for nested subcommands (`mq bench pub`): give it as their yargs handler, since
   * yargs runs only the innermost handler; it calls `run` with the context, like the command's own.
   */
  builder(yargs: Argv, runNested?: (args: Record<string, unknown>) => Promise<void>): Argv;
  run(args: Args, ctx: Context): Promise<void>;
}

/** A command as the registry knows it before it is loaded: enough for its line in `mq --help`. */
export interface CommandEntry {
  describe: string;
  load: () => Promise<{ default: CommandModule<never> }>;
}

export type CommandRegistry = Readonly<Record<CommandName, CommandEntry>>;
