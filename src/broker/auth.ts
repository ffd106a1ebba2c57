import { ConfigError, MqError } from '../errors.js';
import { readPasswordFile } from '../passwd/file.js';
import { fromFileString, toFileString, type PasswordFileLine } from '../passwd/lines.js';
import { parseHash, verifyPassword } from '../passwd/hash.js';

/** The users of a password file, ready for logins. Usernames are file strings (latin1 bytes). */
export interface PasswordTable {
  file: string;
  users: Map<string, string>;
  /** Lines the broker cannot use, one sentence each (duplicate users, hashes it cannot verify). */
  warnings: string[];
}

/** PURE: the parsed lines of a password file as a table; the first entry for a user wins. */
export function buildPasswordTable(lines: readonly PasswordFileLine[], file: string): PasswordTable {
  const users = new Map<string, string>();
  const warnings: string[] = [];
  lines.forEach((line, index) => {
    if (line.kind !== 'entry') return;
    const name = fromFileString(line.username);
    if (users.has(line.username)) {
      warnings.push(`${file}:${index + 1}: user "${name}" appears again; the first entry is used.`);
      return;
    }
    if (!parseHash(line.hash)) {
      warnings.push(`${file}:${index + 1}: user "${name}" has no $6$, $7$ or $argon2id$ hash, so cannot log in; set a password with mq passwd ${file} ${name}.`);
    }
    users.set(line.username, line.hash);
  });
  return { file, users, warnings };
}

/** Read a password file; a missing or unreadable one is a one-line error that says how to make it. */
export async function loadPasswordTable(file: string): Promise<PasswordTable> {
  let lines: PasswordFileLine[];
  try {
    lines = await readPasswordFile(file);
  } catch (error) {
    const code = (error instanceof MqError ? (error.cause as NodeJS.ErrnoException | undefined) : undefined)?.code;
    throw new ConfigError(error instanceof Error ? error.message : String(error), {
      ...(code === 'ENOENT' ? { hint: `Create it with: mq passwd -c ${file} USERNAME` } : {}),
      cause: error,
    });
  }
  return buildPasswordTable(lines, file);
}

export type LoginDecision = { ok: true } | { ok: false; reason: string };

export interface LoginRequest {
  username?: string | undefined;
  password?: Uint8Array | undefined;
}

export interface AuthPolicy {
  table?: PasswordTable | undefined;
  allowAnonymous: boolean;
}

type Verify = (encoded: string, password: Uint8Array) => Promise<boolean>;

/**
 * Who may connect, as mosquitto 2.0 decides it (src/security_default.c): without a username it is
 * anonymous access; a username must be in the password file with a matching password (even when
 * anonymous access is on); without a password file any username is let in when anonymous access is on.
 */
export async function decideLogin(policy: AuthPolicy, request: LoginRequest, verify: Verify = verifyPassword): Promise<LoginDecision> {
  const { table, allowAnonymous } = policy;
  if (request.username === undefined) {
    if (allowAnonymous) return { ok: true };
    return { ok: false, reason: table ? 'no username, and anonymous access is off' : 'anonymous access is off and there is no password file' };
  }
  if (!table) {
    return allowAnonymous ? { ok: true } : { ok: false, reason: 'anonymous access is off and there is no password file' };
  }
  const hash = table.users.get(toFileString(request.username));
  if (hash === undefined) return { ok: false, reason: 'unknown user' };
  if (request.password === undefined) return { ok: false, reason: 'no password given' };
  return (await verify(hash, request.password)) ? { ok: true } : { ok: false, reason: 'wrong password' };
}
