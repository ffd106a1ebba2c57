import type { Context } from '../context.js';
import { MqError, PasswordMismatchError } from '../errors.js';
import { promptSecret } from '../prompt.js';
import { checkPassword, type HashChoice, type PasswdPlan } from './args.js';
import { editPasswordFile, readPasswordFile } from './file.js';
import { deleteUser, entryLine, fromFileString, setUser, toFileString, type PasswordFileLine } from './lines.js';
import { hashPassword, mosquitto20Problem, parseHash, verifyPassword } from './hash.js';
import { readSecretLines } from './input.js';

/** Carry out a checked `mq passwd` plan: prompts, hashing and the locked file edit. */
export async function runPasswd(plan: PasswdPlan, ctx: Context): Promise<void> {
  for (const warning of plan.warnings) ctx.ui.warn(warning);
  switch (plan.mode) {
    case 'set':
      return setPassword(plan, ctx);
    case 'delete':
      return removeUser(plan, ctx);
    case 'upgrade':
      return upgradeFile(plan, ctx);
    case 'check':
      return checkUser(plan, ctx);
  }
}

/**
 * The password from the terminal (masked, on stderr) or, from a pipe, the first one or two lines of stdin.
 * mosquitto_passwd prints its prompts on stdout even for a pipe; mq keeps stdout clean.
 */
async function readPassword(ctx: Context, confirm: boolean): Promise<Buffer> {
  const { io } = ctx;
  let first: Buffer;
  let second: Buffer | undefined;
  if (io.stdin.isTTY) {
    first = Buffer.from(await promptSecret(io, 'Password: '), 'utf8');
    if (confirm) second = Buffer.from(await promptSecret(io, 'Reenter password: '), 'utf8');
  } else {
    const lines = await readSecretLines(io.stdin, confirm ? 2 : 1);
    if (lines.length === 0) {
      throw new MqError('No password on standard input.', { hint: confirm ? 'Pipe it twice, one per line, or use -b.' : 'Pipe it as one line, or use -b.' });
    }
    first = lines[0]!;
    if (confirm) {
      if (lines.length < 2) throw new PasswordMismatchError('Passwords do not match (standard input had only one line; give the password twice).');
      second = lines[1];
    }
  }
  if (second && !first.equals(second)) throw new PasswordMismatchError();
  checkPassword(first);
  return first;
}

function warnPermissions(ctx: Context, file: string, mode: number): void {
  const octal = `0${(mode & 0o777).toString(8)}`;
  if (mode & 0o004) {
    ctx.ui.warn(`File ${file} is readable by everyone (mode ${octal}). Password hashes should be readable only by the broker: chmod 0600 ${file}, or 0640 with the broker's group. mosquitto 2.0.16+ warns about such files and says future versions will refuse them.`);
  } else if (mode & 0o040) {
    ctx.ui.warn(`File ${file} is readable by its group (mode ${octal}). Make sure that group is only the broker's, or chmod 0600 ${file}.`);
  }
}

async function setPassword(plan: Extract<PasswdPlan, { mode: 'set' }>, ctx: Context): Promise<void> {
  const password = plan.password !== undefined ? Buffer.from(plan.password, 'utf8') : await readPassword(ctx, true);
  // Hashing (argon2id takes a while) happens before the lock is taken, so the lock is held for milliseconds.
  const hash = await hashPassword(password, plan.hash);
  const username = toFileString(plan.username);
  let dropped = 0;
  const outcome = await editPasswordFile(
    plan.file,
    (lines) => {
      if (plan.create || !lines) {
        dropped = (lines ?? []).filter((line) => line.raw.trim() !== '' && !(line.kind === 'entry' && line.username === username)).length;
        return [entryLine(username, hash)];
      }
      return setUser(lines, username, hash).lines;
    },
    { create: plan.create },
  );
  if (dropped > 0) ctx.ui.warn(`-c overwrote ${plan.file}; its ${dropped} other non-blank line${dropped === 1 ? ' is' : 's are'} gone.`);
  warnPermissions(ctx, plan.file, outcome.mode);
}

async function removeUser(plan: Extract<PasswdPlan, { mode: 'delete' }>, ctx: Context): Promise<void> {
  const username = toFileString(plan.username);
  let removed = 0;
  const outcome = await editPasswordFile(plan.file, (lines) => {
    const result = deleteUser(lines!, username);
    removed = result.removed;
    return result.lines;
  });
  if (removed === 0) {
    // mosquitto_passwd -D says this as a warning (hidden by --quiet) and exits 1.
    const notFound = new MqError(`User ${plan.username} not found in password file.`, { reported: true });
    ctx.ui.warn(notFound.message);
    throw notFound;
  }
  warnPermissions(ctx, plan.file, outcome.mode);
}

/** A `$...$` value that is meant as a hash but that mosquitto cannot read: never hash it as a password. */
const LOOKS_HASHED = /^\$(?:[0-9]+|argon2[a-z]*)\$/;

function plaintextOf(line: PasswordFileLine): string | undefined {
  if (line.kind !== 'entry' || line.hash === '' || parseHash(line.hash) || LOOKS_HASHED.test(line.hash)) return undefined;
  return line.hash;
}

async function upgradeFile(plan: Extract<PasswdPlan, { mode: 'upgrade' }>, ctx: Context): Promise<void> {
  // Hash outside the lock first (argon2id is slow); under the lock only lines that changed meanwhile are hashed.
  const hashes = new Map<string, string>();
  const hashFor = async (username: string, plaintext: string, choice: HashChoice) => {
    const key = `${username}\n${plaintext}`;
    let hash = hashes.get(key);
    if (hash === undefined) {
      hash = await hashPassword(Buffer.from(plaintext, 'latin1'), choice);
      hashes.set(key, hash);
    }
    return hash;
  };
  for (const line of await readPasswordFile(plan.file)) {
    const plaintext = plaintextOf(line);
    if (plaintext !== undefined && line.kind === 'entry') await hashFor(line.username, plaintext, plan.hash);
  }
  const outcome = await editPasswordFile(plan.file, async (lines) => {
    const result: PasswordFileLine[] = [];
    for (const [index, line] of lines!.entries()) {
      const plaintext = plaintextOf(line);
      if (line.kind === 'entry' && plaintext !== undefined) {
        result.push(entryLine(line.username, await hashFor(line.username, plaintext, plan.hash), line.eol));
        continue;
      }
      if (line.kind === 'entry' && line.hash === '') ctx.ui.warn(`Line ${index + 1}: user ${fromFileString(line.username)} has no password; left unchanged.`);
      else if (line.kind === 'entry' && !parseHash(line.hash)) {
        ctx.ui.warn(`Line ${index + 1}: the hash of user ${fromFileString(line.username)} is not one mosquitto can read; left unchanged.`);
      }
      result.push(line);
    }
    return result;
  });
  warnPermissions(ctx, plan.file, outcome.mode);
}

async function checkUser(plan: Extract<PasswdPlan, { mode: 'check' }>, ctx: Context): Promise<void> {
  const username = toFileString(plan.username);
  const entries = (await readPasswordFile(plan.file)).filter(
    (line): line is Extract<PasswordFileLine, { kind: 'entry' }> => line.kind === 'entry' && line.username === username,
  );
  if (entries.length === 0) throw new MqError(`User ${plan.username} not found in password file.`);
  if (entries.length > 1) ctx.ui.warn(`User ${plan.username} has ${entries.length} lines in ${plan.file}; all of them are checked.`);
  for (const entry of entries) {
    const parsed = parseHash(entry.hash);
    if (!parsed) {
      throw new MqError(`The entry for user ${plan.username} is not a password hash mosquitto can read.`, {
        hint: `If the file holds plaintext passwords, hash them with mq passwd -U ${plan.file}.`,
      });
    }
    const problem = mosquitto20Problem(parsed);
    if (problem) ctx.ui.warn(`The entry for user ${plan.username} will not load in mosquitto 2.0: ${problem}.`);
  }
  const password = plan.password !== undefined ? Buffer.from(plan.password, 'utf8') : await readPassword(ctx, false);
  for (const entry of entries) {
    if (!(await verifyPassword(entry.hash, password))) throw new MqError(`Password for user ${plan.username} does not match.`);
  }
  ctx.ui.info(`Password for user ${plan.username} matches.`);
}
