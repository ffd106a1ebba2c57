import { CONNECTION_OPTIONS, type ConnectionOption } from '../connection/settings.js';

/**
 * What the value of an option is, for shell completion. The option list itself always comes from
 * the yargs definitions; this file only says how to complete a value where yargs cannot tell.
 */

/**
 * Values of options that check them in code (to give their own clear error) instead of declaring
 * yargs `choices`. Keyed by the option's yargs key and used only where a command defines that key;
 * an option that declares `choices` completes those instead. A unit test fails when a key here is
 * no longer defined by any command.
 */
export const OPTION_VALUES: Readonly<Record<string, readonly string[]>> = {
  // The connection flags' values come from their rows in the connection table.
  ...Object.fromEntries((CONNECTION_OPTIONS as readonly ConnectionOption[]).flatMap((o) => (o.values ? [[o.name, o.values]] : []))),
  qos: ['0', '1', '2'],
  'retain-handling': ['0', '1', '2'],
  hash: ['sha512', 'sha512-pbkdf2', 'argon2id'],
  encoding: ['hex', 'base64'],
  'line-format': ['text', 'json'],
  'on-error': ['stop', 'skip'],
};

/** Options and positionals whose value is a file path besides those declared `normalize: true`. */
export const PATH_KEYS: readonly string[] = ['file', 'o'];

/** The option whose value is a profile name from the rc file (asked of `mq completion --profiles`). */
export const PROFILE_KEY = 'profile';
