import type { ChalkInstance } from 'chalk';
import type { Io } from './io.js';

export interface Spinner {
  /** Replace the text while it spins (no-op when not interactive). */
  update(text: string): void;
  /** Stop spinning and clear the line; nothing is left on stderr. */
  stop(): void;
}

export interface Ui {
  /** Colours for stdout (data): level 0 unless stdout is a TTY and NO_COLOR is unset. */
  stdoutColor: ChalkInstance;
  /** Colours for stderr (humans). */
  color: ChalkInstance;
  /** Whether stderr is an interactive terminal (spinners, prompts). */
  interactive: boolean;
  quiet: boolean;
  debugEnabled: boolean;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Only with --debug. */
  debug(message: string): void;
  spinner(text: string): Promise<Spinner>;
}

/** Colour level for one stream: none when NO_COLOR is set (chalk ignores it) or the stream is no TTY. */
export function colorLevel(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): 0 | 1 | 2 | 3 {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return Number(env.FORCE_COLOR) >= 3 ? 3 : Number(env.FORCE_COLOR) === 2 ? 2 : 1;
  if (!stream.isTTY) return 0;
  if (env.TERM === 'dumb') return 0;
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  if (env.TERM && /-256(color)?$/i.test(env.TERM)) return 2;
  return 1;
}

const noSpinner: Spinner = { update() {}, stop() {} };

/**
 * What a level-0 ChalkInstance does, without loading chalk: the styles mq uses return their text
 * unchanged (format.ts checks the level before it styles anything).
 */
const unchanged = (text: string) => text;
const PLAIN = { level: 0, red: unchanged, yellow: unchanged, dim: unchanged, cyan: unchanged } as unknown as ChalkInstance;

/**
 * The Ui for these streams. chalk (and the supports-color probe it runs when it loads) is loaded only
 * when a stream gets colour: pipes, files, CI and NO_COLOR never pay for it.
 */
export async function createUi(io: Io, options: { quiet?: boolean; debug?: boolean } = {}): Promise<Ui> {
  const quiet = options.quiet ?? false;
  const debugEnabled = options.debug ?? false;
  const stderrLevel = colorLevel(io.stderr, io.env);
  const stdoutLevel = colorLevel(io.stdout, io.env);
  const { Chalk } = stderrLevel > 0 || stdoutLevel > 0 ? await import('chalk') : { Chalk: undefined };
  const color = Chalk ? new Chalk({ level: stderrLevel }) : PLAIN;
  const stdoutColor = Chalk ? new Chalk({ level: stdoutLevel }) : PLAIN;
  // A terminal that reports 0 columns (e.g. under `script`) makes ora redraw endlessly: no spinner there.
  const interactive = Boolean(io.stderr.isTTY) && (io.stderr.columns ?? 0) > 0 && io.env.CI === undefined && io.env.TERM !== 'dumb';
  const line = (text: string) => io.stderr.write(text + '\n');
  return {
    color,
    stdoutColor,
    interactive,
    quiet,
    debugEnabled,
    info: (message) => { if (!quiet) line(message); },
    warn: (message) => { if (!quiet) line(color.yellow('Warning: ') + message); },
    error: (message) => line(color.red('Error: ') + message),
    debug: (message) => { if (debugEnabled) line(color.dim(message)); },
    async spinner(text) {
      if (!interactive || quiet) return noSpinner;
      const { default: ora } = await import('ora');
      const spin = ora({ text, stream: io.stderr as NodeJS.WriteStream, isEnabled: true, discardStdin: false }).start();
      return { update: (t) => { spin.text = t; }, stop: () => { spin.stop(); } };
    },
  };
}
