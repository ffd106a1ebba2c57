import type { Argv } from 'yargs';
import type { RawLayer } from './resolve.js';
import { CONNECTION_OPTIONS, type ConnectionOption } from './settings.js';

/**
 * Flags shared by every network command (pub, sub, rr, bench, config), declared from the table in
 * settings.ts, named as mosquitto names them. No yargs `default:` for anything env or rc can set:
 * resolve.ts applies defaults, so it can tell a flag from a default. Help is --help only: -h is the
 * host, as in mosquitto. `omit` leaves out options whose letters a command uses otherwise (bench:
 * -c clients, -I interval).
 */
export function withConnectionOptions<T>(yargs: Argv<T>, omit: readonly string[] = []): Argv<T> {
  for (const option of CONNECTION_OPTIONS as readonly ConnectionOption[]) {
    if (omit.includes(option.name)) continue;
    yargs.option(option.name, {
      ...(option.alias !== undefined ? { alias: option.alias } : {}),
      type: option.type === 'array' ? 'string' : option.type,
      ...(option.type === 'array' ? { array: true } : {}),
      group: option.group,
      describe: option.describe,
      ...(option.defaultDescription !== undefined ? { defaultDescription: option.defaultDescription } : {}),
      ...(option.normalize ? { normalize: true } : {}),
      ...(option.hidden ? { hidden: true } : {}),
    });
  }
  return yargs;
}

/** Flags every command has, network or not. */
export function withGlobalOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('debug', { alias: 'd', type: 'boolean', describe: 'Trace MQTT packets and show stack traces on stderr' })
    .option('quiet', { type: 'boolean', describe: 'Print no warnings or status, only errors' });
}

/** `disable-clean-session` -> `disableCleanSession`, as yargs names the parsed value. */
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;
type ParsedValue<Type> = Type extends 'boolean' ? boolean : Type extends 'array' ? string[] | string[][] : string;
type Row = (typeof CONNECTION_OPTIONS)[number];

/** The parsed connection flags, as yargs gives them: one field per row of the table. */
export type ConnectionArgs = { [R in Row as CamelCase<R['name']>]?: ParsedValue<R['type']> } & {
  debug?: boolean;
  quiet?: boolean;
};

const camelCase = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/**
 * The flag layer for resolve.ts: each setting row's parsed flag under its setting key, plus -L and
 * --ws, which resolve.ts expands. A prompting flag given without a value (`-P`) is left out here:
 * prepare.ts asks for it.
 */
export function flagsLayer(args: ConnectionArgs): RawLayer {
  const parsed = args as Record<string, unknown>;
  const layer: RawLayer = { url: parsed.url, ws: parsed.ws, noTls: parsed.noTls };
  for (const option of CONNECTION_OPTIONS as readonly ConnectionOption[]) {
    if (!option.setting) continue;
    const value = parsed[camelCase(option.name)];
    layer[option.setting.key] = option.setting.prompt && value === '' ? undefined : value;
  }
  return layer;
}

/**
 * True when the command line holds a secret that `ps` must not show: a flag of a secret setting
 * (-P, --pw) or a URL with a password (-L mqtt://user:secret@host).
 */
export function holdsSecret(argv: readonly string[]): boolean {
  const secretFlags = (CONNECTION_OPTIONS as readonly ConnectionOption[])
    .filter((option) => option.setting?.secret)
    .flatMap((option) => [`--${option.name}`, ...(option.alias !== undefined ? [`-${option.alias}`] : [])]);
  return argv.some((arg) =>
    secretFlags.some((flag) => arg === flag || arg.startsWith(`${flag}=`) || (flag.length === 2 && arg.startsWith(flag) && !arg.startsWith('--'))) ||
    /^[^\s]*[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i.test(arg));
}
