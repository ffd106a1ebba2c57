// Sync reads: these run at every start of pub, sub and rr, and node:fs/promises (with the readline and
// stream modules it loads, and libuv's thread pool) would cost more than the read of one small file.
import { readFileSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import type { RawLayer } from './resolve.js';
import { CONNECTION_OPTIONS, type ConnectionOption } from './settings.js';

/** One line of an options file: the option, and its value when the line has one. */
export interface OptionLine {
  option: string;
  value?: string;
}

/**
 * mosquitto's options file (its default one, and 2.1's -o): one option per line, its value the
 * whole rest of the line after the first space (spaces kept), `#` comments, CR/LF stripped. Pure.
 */
export function parseOptionLines(text: string): OptionLine[] {
  const lines: OptionLine[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').replace(/^ +/, '');
    if (line === '' || line.startsWith('#')) continue;
    const space = line.indexOf(' ');
    lines.push(space < 0 ? { option: line } : { option: line.slice(0, space), value: line.slice(space + 1) });
  }
  return lines;
}

/** The options file as command-line words. Pure. */
export function parseOptionsFile(text: string): string[] {
  return parseOptionLines(text).flatMap(({ option, value }) => (value === undefined ? [option] : [option, value]));
}

/** The commands that read a mosquitto default options file, and the client each stands in for. */
export type MosquittoClient = 'pub' | 'sub' | 'rr';

export function isMosquittoClient(name: string | undefined): name is MosquittoClient {
  return name === 'pub' || name === 'sub' || name === 'rr';
}

/**
 * Where mosquitto_pub (_sub, _rr) looks for its default options: $XDG_CONFIG_HOME/mosquitto_pub when
 * XDG_CONFIG_HOME is set (HOME is then not consulted), else $HOME/.config/mosquitto_pub. Pure.
 */
export function defaultOptionsFilePath(client: MosquittoClient, env: Record<string, string | undefined>): string | undefined {
  const name = `mosquitto_${client}`;
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, name);
  if (env.HOME) return path.join(env.HOME, '.config', name);
  return undefined;
}

/** What a default options file gives: connection settings as a layer, every other line for the command line. */
export interface DefaultOptions {
  file: string;
  layer: RawLayer;
  /** The lines that are not connection settings (-t, -q, -v, -c, ...), in file order. */
  lines: OptionLine[];
}

const ROWS = CONNECTION_OPTIONS as readonly ConnectionOption[];

/** A connection row by the option as typed: --host, -h; single-letter names (-A) too. */
function rowFor(option: string): ConnectionOption | undefined {
  return ROWS.find((row) => option === `--${row.name}` || (row.alias !== undefined && option === `-${row.alias}`) || (row.name.length === 1 && option === `-${row.name}`));
}

/**
 * Split a default options file: lines that set a connection setting (-h, -p, -u, -P, --cafile, -L,
 * --ws, --no-tls, ...) make the file's own layer, below the rc file (resolve.ts); every other line
 * (-t, -q, -v, -c, --will-topic, ...) goes before the command line's options, as mosquitto reads
 * it. Pure.
 */
export function splitDefaultOptions(lines: readonly OptionLine[], file: string): DefaultOptions {
  const layer: RawLayer = {};
  const rest: OptionLine[] = [];
  for (const line of lines) {
    const { option, value } = line;
    const row = rowFor(option);
    const key = row?.setting?.key ?? (row?.name === 'url' ? 'url' : row?.name === 'ws' ? 'ws' : row?.name === 'no-tls' ? 'noTls' : undefined);
    if (!row || key === undefined) {
      rest.push(line);
      continue;
    }
    if (row.type === 'boolean') {
      layer[key] = value ?? true;
    } else {
      if (value === undefined || value === '') throw new ConfigError(`${file}: ${option} needs a value on the same line (${option} VALUE).`);
      layer[key] = value;
    }
  }
  return { file, layer, lines: rest };
}

/** mosquitto's options with two names: the file may use one, the command line the other. */
const TWINS: readonly (readonly [string, string])[] = [
  ['-c', '--disable-clean-session'], ['-d', '--debug'], ['-D', '--property'], ['-e', '--response-topic'], ['-f', '--file'],
  ['-l', '--stdin-line'], ['-m', '--message'], ['-n', '--null-message'], ['-q', '--qos'], ['-r', '--retain'],
  ['-s', '--stdin-file'], ['-t', '--topic'], ['-T', '--filter-out'], ['-U', '--unsubscribe'], ['-v', '--verbose'],
  ['-w', '--watch'], ['-x', '--session-expiry'],
];
const canonical = (option: string) => TWINS.find((twin) => twin.includes(option))?.[1] ?? option;

/** Options mosquitto lets add up, per client (sub's -t subscribes to both); every other one is replaced. */
const REPEATABLE: Record<MosquittoClient, readonly string[]> = {
  pub: ['--property'],
  sub: ['--property', '--topic', '--filter-out', '--unsubscribe'],
  rr: ['--property'],
};

/**
 * The words of the file's other lines to put before the command line's, as mosquitto reads them:
 * an option the command line gives again replaces the file's (pub's -t, -q, -m) unless mosquitto
 * lets it add up (sub's -t, -T, -U; -D). Pure.
 */
export function defaultWords(lines: readonly OptionLine[], argv: readonly string[], client: MosquittoClient): string[] {
  const given = new Set(argv.filter((word) => word.startsWith('-')).map((word) => canonical(word.replace(/=.*$/s, ''))));
  return lines
    .filter(({ option }) => REPEATABLE[client].includes(canonical(option)) || !given.has(canonical(option)))
    .flatMap(({ option, value }) => (value === undefined ? [option] : [option, value]));
}

/**
 * Read mosquitto's default options file for this command (see defaultOptionsFilePath), unless
 * MQ_NO_MOSQUITTO_DEFAULTS is set. A missing file is no file; one that cannot be read is an error.
 */
export async function readDefaultOptions(
  client: MosquittoClient,
  env: Record<string, string | undefined>,
  readText: (file: string) => Promise<string> = async (file) => readFileSync(file, 'utf8'),
): Promise<DefaultOptions | undefined> {
  if (skipDefaults(env)) return undefined;
  const file = defaultOptionsFilePath(client, env);
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = await readText(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ConfigError(`Cannot read mosquitto's options file ${file}: ${code ?? (error as Error).message}. MQ_NO_MOSQUITTO_DEFAULTS=1 skips it.`);
  }
  return splitDefaultOptions(parseOptionLines(text), file);
}

const skipDefaults = (env: Record<string, string | undefined>) => /^(1|true|yes|on)$/i.test(env.MQ_NO_MOSQUITTO_DEFAULTS ?? '');

/** The default options files that exist, per command (for `mq config`'s note); none with MQ_NO_MOSQUITTO_DEFAULTS. */
export async function defaultOptionFilesPresent(env: Record<string, string | undefined>): Promise<[MosquittoClient, string][]> {
  if (skipDefaults(env)) return [];
  const found: [MosquittoClient, string][] = [];
  for (const client of ['pub', 'sub', 'rr'] as const) {
    const file = defaultOptionsFilePath(client, env);
    if (file !== undefined && statIfPresent(file)?.isFile() === true) found.push([client, file]);
  }
  return found;
}

/**
 * A file's stat, or undefined when there is nothing to read there: not only ENOENT but ENOTDIR (a
 * file where a folder is named) and EACCES, as the lookups of mosquitto and cosmiconfig treat them.
 */
export function statIfPresent(file: string): Stats | undefined {
  try {
    return statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Insert words right after the command (`mq sub ...`), before the command line's own options. Pure. */
export function insertAfterCommand(argv: readonly string[], words: readonly string[]): string[] {
  const command = argv.findIndex((arg) => !arg.startsWith('-'));
  const at = command + 1;
  return [...argv.slice(0, at), ...words, ...argv.slice(at)];
}

/**
 * `-o FILE`: the file's options go before the command line's, so flags given on the command line win
 * (and repeatable ones such as sub's -t add up), as in mosquitto.
 */
export async function expandOptionsFile(
  argv: readonly string[],
  readText: (file: string) => Promise<string> = async (file) => readFileSync(file, 'utf8'),
): Promise<string[]> {
  const positions = argv.flatMap((arg, i) => (arg === '-o' ? [i] : []));
  if (positions.length === 0) return [...argv];
  if (positions.length > 1) throw new UsageError('Duplicate -o argument given: name one options file.');
  const at = positions[0]!;
  const file = argv[at + 1];
  if (file === undefined || file.startsWith('-')) throw new UsageError('-o argument given but no options file specified.');
  let text: string;
  try {
    text = await readText(file);
  } catch (error) {
    throw new UsageError(`Cannot read options file ${file} (-o): ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  return insertAfterCommand([...argv.slice(0, at), ...argv.slice(at + 2)], parseOptionsFile(text));
}
