import { MqError, UsageError } from '../errors.js';
import { DEFAULT_ALGORITHM, HASH_ALGORITHMS, MAX_ITERATIONS, MAX_PASSWORD_BYTES, type HashAlgorithm } from './hash.js';

/**
 * mq passwd's arguments, checked the way mosquitto_passwd checks them (same texts, same order),
 * plus the few checks mosquitto lacks. Pure: the command turns the result into file edits.
 */

export interface PasswdArgs {
  file?: string;
  username?: string;
  password?: string;
  /** Arguments after the third positional (yargs puts them in `_`). */
  extra?: readonly string[];
  hash?: string;
  iterations?: string;
  create?: boolean;
  delete?: boolean;
  batch?: boolean;
  upgrade?: boolean;
  check?: boolean;
}

export interface HashChoice {
  algorithm: HashAlgorithm;
  iterations?: number;
}

export type PasswdPlan =
  /** Add or update a user; password undefined = prompt or read stdin. create = -c (overwrite the file). */
  | { mode: 'set'; file: string; username: string; password?: string; create: boolean; hash: HashChoice; warnings: string[] }
  | { mode: 'delete'; file: string; username: string; warnings: string[] }
  | { mode: 'upgrade'; file: string; hash: HashChoice; warnings: string[] }
  | { mode: 'check'; file: string; username: string; password?: string; warnings: string[] };

export const USAGE_HINT = 'See mq passwd --help.';

function usage(message: string): UsageError {
  return new UsageError(message, { hint: USAGE_HINT });
}

const FLAGS: Record<string, 'create' | 'delete' | 'batch' | 'upgrade' | 'check' | 'global'> = {
  '-c': 'create', '--create': 'create',
  '-D': 'delete', '--delete': 'delete',
  '-b': 'batch', '--batch': 'batch',
  '-U': 'upgrade', '--upgrade': 'upgrade',
  '--check': 'check',
  // mq's global flags, already handled by the CLI.
  '-d': 'global', '--debug': 'global', '--quiet': 'global',
};
const VALUE_OPTIONS: Record<string, 'hash' | 'iterations'> = { '-H': 'hash', '--hash': 'hash', '-I': 'iterations', '--iterations': 'iterations' };

/**
 * Parse the words after `passwd` as mosquitto_passwd does: options first, and the first word that is not
 * an option ends them, so a password like "-secret" or "-c" is taken as it is. `--` also ends options.
 * Unlike mosquitto_passwd, an unknown option is an error instead of a file name (`-cb` would be a file).
 */
export function parsePasswdArgv(words: readonly string[]): PasswdArgs {
  const args: PasswdArgs = {};
  let index = 0;
  for (; index < words.length; index++) {
    const word = words[index]!;
    if (word === '--') {
      index++;
      break;
    }
    if (!word.startsWith('-') || word === '-') break;
    const flag = FLAGS[word];
    if (flag) {
      if (flag !== 'global') args[flag] = true;
      continue;
    }
    const equals = word.indexOf('=');
    const name = word.startsWith('--') && equals !== -1 ? word.slice(0, equals) : word;
    const valueOption = VALUE_OPTIONS[name];
    if (valueOption) {
      // mosquitto_passwd: a missing value gives "-H argument given but not enough other arguments."
      args[valueOption] = name !== word ? word.slice(equals + 1) : (words[++index] ?? '');
      continue;
    }
    throw new UsageError(`Unknown option: ${word}.`, {
      hint: /^-[a-zA-Z]{2,}$/.test(word) ? `Give options separately, e.g. ${[...word.slice(1)].map((c) => `-${c}`).join(' ')}.` : 'See mq passwd --help.',
    });
  }
  const [file, username, password, ...extra] = words.slice(index);
  return { ...args, file, username, password, extra };
}

function parseHashChoice(args: PasswdArgs, warnings: string[]): HashChoice {
  let algorithm: HashAlgorithm = DEFAULT_ALGORITHM;
  if (args.hash !== undefined) {
    if (args.hash === '') throw new UsageError('-H argument given but not enough other arguments.');
    if (!(HASH_ALGORITHMS as readonly string[]).includes(args.hash)) {
      throw new UsageError(`Unknown hash type '${args.hash}': use sha512-pbkdf2 (the default), sha512 or argon2id.`);
    }
    algorithm = args.hash as HashAlgorithm;
  }
  if (args.iterations === undefined) return { algorithm };
  if (args.iterations === '') throw new UsageError('-I argument given but not enough other arguments.');
  if (!/^[0-9]+$/.test(args.iterations) || Number(args.iterations) < 1) {
    throw new UsageError('Number of iterations must be > 0.', { hint: `Got '${args.iterations}'; give a whole number, e.g. -I 1000.` });
  }
  const iterations = Number(args.iterations);
  if (iterations > MAX_ITERATIONS) throw new UsageError(`Number of iterations must be at most ${MAX_ITERATIONS} (the broker reads it as an int).`);
  if (algorithm !== 'sha512-pbkdf2') {
    warnings.push(`-I only applies to -H sha512-pbkdf2; ignored for ${algorithm}.`);
    return { algorithm };
  }
  return { algorithm, iterations };
}

/** mosquitto_passwd's username checks, plus the names the broker could never match. */
export function checkUsername(username: string): void {
  if (username.includes(':')) throw new UsageError("Username must not contain the ':' character.");
  // iscntrl(): C0 controls and DEL.
  if (/[\u0000-\u001f\u007f]/.test(username)) throw new UsageError('Username must not contain control characters.');
  if (Buffer.byteLength(username, 'utf8') > MAX_PASSWORD_BYTES) throw new UsageError('Username must be less than 65536 characters long.');
  // mosquitto_passwd writes these, but the broker skips `#` lines and trims blanks, so the login could never work.
  if (username === '') throw new UsageError('Username must not be empty.');
  if (username.startsWith('#')) throw new UsageError("Username must not start with '#': the broker reads that line as a comment.");
  if (/^[ \t]|[ \t]$/.test(username)) throw new UsageError('Username must not start or end with a space or tab: the broker trims them.');
}

/** Checks on a password from argv, the prompt or stdin (as its bytes). */
export function checkPassword(password: string | Uint8Array): void {
  const bytes = typeof password === 'string' ? Buffer.from(password, 'utf8') : password;
  if (bytes.length === 0) throw new MqError('Empty password.');
  if (bytes.length > MAX_PASSWORD_BYTES) throw new MqError('Password must be less than 65536 characters long.');
  // The broker hashes strlen() bytes, so everything after a NUL would be ignored at login.
  if (bytes.includes(0)) throw new MqError('Password must not contain a NUL character.');
}

export function planPasswd(args: PasswdArgs): PasswdPlan {
  const warnings: string[] = [];
  const hash = parseHashChoice(args, warnings);
  const create = Boolean(args.create);
  const del = Boolean(args.delete);
  const upgrade = Boolean(args.upgrade);
  const batch = Boolean(args.batch);
  const check = Boolean(args.check);

  if (create && del) throw usage('-c and -D cannot be used together.');
  if (create && upgrade) throw usage('-c and -U cannot be used together.');
  if (del && upgrade) throw usage('-D and -U cannot be used together.');
  if (batch && del) throw usage('-b and -D cannot be used together.');
  if (batch && upgrade) throw usage('-b and -U cannot be used together.');
  if (check && (create || del || upgrade)) throw usage(`--check and ${create ? '-c' : del ? '-D' : '-U'} cannot be used together.`);

  const positional = [args.file, args.username, args.password, ...(args.extra ?? [])].filter((value): value is string => value !== undefined);
  const [file, username, password] = positional;

  if (upgrade) {
    if (positional.length !== 1) throw usage('-U argument given but password file missing.');
    return { mode: 'upgrade', file: file!, hash, warnings };
  }
  if (del) {
    // Like mosquitto_passwd, arguments after the username are ignored.
    if (positional.length < 2) throw usage('-D argument given but password file or username missing.');
    checkUsername(username!);
    return { mode: 'delete', file: file!, username: username!, warnings };
  }
  if (create && positional.length < (batch ? 3 : 2)) {
    throw usage(batch ? '-c argument given but password file, username, or password missing.' : '-c argument given but password file or username missing.');
  }
  const wanted = batch ? 3 : 2;
  if (!create && positional.length !== wanted) {
    if (positional.length === 0) throw usage('Give the password file and the username.');
    if (batch) throw usage('-b needs exactly three arguments: password file, username and password.');
    if (positional.length === 3) throw usage('Too many arguments: to give the password on the command line, add -b.');
    throw usage(positional.length === 1 ? 'Give the username after the password file.' : 'Too many arguments.');
  }
  checkUsername(username!);
  if (batch) checkPassword(password!);
  if (check) return { mode: 'check', file: file!, username: username!, ...(batch ? { password: password! } : {}), warnings };
  return { mode: 'set', file: file!, username: username!, ...(batch ? { password: password! } : {}), create, hash, warnings };
}
