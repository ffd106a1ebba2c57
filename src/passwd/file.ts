/**
 * The password file on disk: lock it, read it, replace it atomically (the lines themselves are
 * lines.ts).
 *
 * Why our own atomic write and lock rather than write-file-atomic and proper-lockfile (both read
 * for this; neither is a dependency):
 * - write-file-atomic falls back to the name it was given when realpath fails, so a dangling
 *   symlink would be replaced by a regular file; we keep the link and create its target. It
 *   ignores a failed chown when not root (EPERM, EINVAL), so the broker's password file would
 *   silently change owner to whoever ran mq passwd; we refuse and leave the file unchanged. Its
 *   temp file is a visible sibling, the directory is not fsynced, and its errors do not say
 *   which step failed (ours do, in mosquitto_passwd's words).
 * - proper-lockfile needs the file to exist unless realpath is off (`-c` locks before creating
 *   it), judges a stale lock by mtime alone, kept fresh by a timer (a crashed mq passwd blocks
 *   the next one for the whole stale period; a compromised lock throws out of band by default),
 *   and cannot say who holds it. Our lock file names its owner (pid, host): a dead owner on this
 *   host is broken at once and a live one is named in the error.
 */
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { access, lstat, open, readFile, readlink, realpath, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { MqError } from '../errors.js';
import { parsePasswordFile, serializePasswordFile, type PasswordFileLine } from './lines.js';

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  EDQUOT: 'Disk quota exceeded',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EIO: 'Input/output error',
  EEXIST: 'File exists',
  EBUSY: 'Device or resource busy',
  EXDEV: 'Invalid cross-device link',
};

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** strerror-style text, as mosquitto prints it. */
export function describeFsError(error: unknown): string {
  const code = errnoCode(error);
  if (code && ERRNO_TEXT[code]) return ERRNO_TEXT[code];
  return code ?? (error instanceof Error ? error.message : String(error));
}

/**
 * The file to read and replace: symlinks are followed (mosquitto_passwd uses realpath), so the link
 * stays a link. A missing file is returned as given, made absolute; a dangling link gives its target.
 */
async function resolveTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw new MqError(`Error reading password file: ${describeFsError(error)}`, { cause: error });
  }
  let target = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let info: Stats;
    try {
      info = await lstat(target);
    } catch {
      return target; // missing: this is the name to create
    }
    if (!info.isSymbolicLink()) return target;
    target = resolve(dirname(target), await readlink(target));
  }
  throw new MqError(`Error reading password file: ${ERRNO_TEXT.ELOOP}`);
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** A lock older than this is considered abandoned even if its owner cannot be checked (another host). */
const STALE_LOCK_MS = 30_000;

interface LockOwner {
  pid: number;
  host: string;
  token: string;
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.token === 'string') return value as LockOwner;
  } catch {
    // half-written or foreign content: judged by its age alone
  }
  return undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

async function readLock(lockPath: string): Promise<{ text: string; ino: number; mtimeMs: number } | undefined> {
  try {
    const handle = await open(lockPath, 'r');
    try {
      const info = await handle.stat();
      return { text: await handle.readFile('latin1'), ino: info.ino, mtimeMs: info.mtimeMs };
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function isStale(lock: { text: string; mtimeMs: number }, now: number): boolean {
  const owner = parseOwner(lock.text);
  // On this host the owner's pid is the truth: a live owner keeps its lock however long it works.
  if (owner && owner.host === hostname()) return !processAlive(owner.pid);
  return now - lock.mtimeMs > STALE_LOCK_MS;
}

async function tryCreate(path: string, content: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Remove an abandoned lock. Breakers take a second lock and re-check under it, so two processes that
 * both saw the same stale lock cannot end up deleting a fresh lock a third one just took.
 */
async function breakStaleLock(lockPath: string, seen: { text: string; ino: number }): Promise<void> {
  const breakPath = `${lockPath}.break`;
  if (!(await tryCreate(breakPath, String(process.pid)))) {
    const breaker = await readLock(breakPath);
    // A breaker holds this for microseconds; one left behind by a crash is removed after a while.
    if (breaker && Date.now() - breaker.mtimeMs > STALE_LOCK_MS) await unlink(breakPath).catch(() => {});
    return;
  }
  try {
    const current = await readLock(lockPath);
    if (current && current.ino === seen.ino && current.text === seen.text) await unlink(lockPath).catch(() => {});
  } finally {
    await unlink(breakPath).catch(() => {});
  }
}

export interface LockOptions {
  /** How long to wait for another process's lock (default 10 s). */
  timeoutMs?: number;
}

/** Take `<file>.lock` (O_EXCL); returns the release function. */
export async function lockFile(target: string, options: LockOptions = {}): Promise<() => Promise<void>> {
  const lockPath = `${target}.lock`;
  const owner: LockOwner = { pid: process.pid, host: hostname(), token: randomBytes(12).toString('hex') };
  const content = JSON.stringify(owner);
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let delay = 5;
  for (;;) {
    let created: boolean;
    try {
      created = await tryCreate(lockPath, content);
    } catch (error) {
      throw new MqError(`Unable to lock password file ${target}: cannot create ${lockPath}. ${describeFsError(error)}.`, {
        hint: 'mq passwd needs write access to the directory to lock and atomically replace the file.',
        cause: error,
      });
    }
    if (created) {
      return async () => {
        // Only remove the lock if it is still ours.
        const current = await readLock(lockPath).catch(() => undefined);
        if (current && parseOwner(current.text)?.token === owner.token) await unlink(lockPath).catch(() => {});
      };
    }
    const held = await readLock(lockPath);
    if (held && isStale(held, Date.now())) {
      await breakStaleLock(lockPath, held);
      continue;
    }
    if (Date.now() >= deadline) {
      const holder = held ? parseOwner(held.text) : undefined;
      throw new MqError(`Password file ${target} is locked by another process${holder ? ` (pid ${holder.pid} on ${holder.host})` : ''}.`, {
        hint: `Try again; if no mq passwd is running, delete ${lockPath}.`,
      });
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 100);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes the rename itself durable. Some file systems refuse fsync on a directory: nothing to do then.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}

/**
 * Replace `target` with `data`: a temp file in the same directory, fsync, rename, fsync the directory.
 * The original's mode and owner are kept; a new file is 0600. On any failure the original is untouched.
 */
async function replaceAtomically(target: string, data: Buffer, original: Stats | undefined, displayPath: string): Promise<number> {
  const dir = dirname(target);
  const temp = `${dir}/.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`;
  let handle;
  try {
    handle = await open(temp, 'wx', 0o600);
  } catch (error) {
    throw new MqError(`Unable to open file ${displayPath} for writing. ${describeFsError(error)}.`, {
      hint: `mq passwd replaces the file atomically, so it needs write access to ${dir}.`,
      cause: error,
    });
  }
  const mode = original ? original.mode & 0o7777 : 0o600;
  try {
    try {
      await handle.writeFile(data);
      if (original) {
        const created = await handle.stat();
        if (created.uid !== original.uid || created.gid !== original.gid) {
          try {
            await handle.chown(original.uid, original.gid);
          } catch (error) {
            throw new MqError(`Unable to keep the owner of ${displayPath} (uid ${original.uid}, gid ${original.gid}): ${describeFsError(error)}. The file was not changed.`, {
              hint: 'Run mq passwd as the file\'s owner or as root.',
              cause: error,
            });
          }
        }
      }
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => {});
    if (error instanceof MqError) throw error;
    throw new MqError(`Unable to write password file ${displayPath}. ${describeFsError(error)}. The file was not changed.`, { cause: error });
  }
  await syncDirectory(dir);
  return mode;
}

export interface EditOutcome {
  /** The file that was read and replaced (symlinks followed). */
  target: string;
  /** True when the file did not exist before. */
  created: boolean;
  /** False when the edit left the content identical, so nothing was written. */
  changed: boolean;
  /** The permission bits of the file now (or of the unchanged file). */
  mode: number;
}

export interface EditOptions extends LockOptions {
  /** May the file be missing? (`-c`) Otherwise a missing file is an error. */
  create?: boolean;
}

/**
 * Lock the file, read it, let `edit` produce the new lines, and replace the file atomically.
 * `edit` gets undefined when the file does not exist (only with `create`); if it throws, nothing is
 * written. Concurrent calls on one file, from any process, are serialized by the lock.
 */
export async function editPasswordFile(
  path: string,
  edit: (current: PasswordFileLine[] | undefined) => PasswordFileLine[] | Promise<PasswordFileLine[]>,
  options: EditOptions = {},
): Promise<EditOutcome> {
  const target = await resolveTarget(path);
  const release = await lockFile(target, options);
  try {
    let original: Stats | undefined;
    let text: string | undefined;
    try {
      original = await stat(target);
      if (original.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
      // Atomic replace does not need write permission on the file itself; honour it anyway, as an in-place writer would.
      await access(target, constants.R_OK | constants.W_OK);
      text = (await readFile(target)).toString('latin1');
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT' || original) {
        throw new MqError(`Unable to open password file ${path}. ${describeFsError(error)}.`, { cause: error });
      }
      if (!options.create) {
        throw new MqError(`Unable to open password file ${path}. ${describeFsError(error)}.`, { hint: 'Use -c to create it.', cause: error });
      }
    }
    const lines = await edit(text === undefined ? undefined : parsePasswordFile(text));
    const newText = serializePasswordFile(lines);
    if (original && newText === text) return { target, created: false, changed: false, mode: original.mode & 0o7777 };
    const mode = await replaceAtomically(target, Buffer.from(newText, 'latin1'), original, path);
    return { target, created: !original, changed: true, mode };
  } finally {
    await release();
  }
}

/** Read and parse a password file (for --check); errors name the file. */
export async function readPasswordFile(path: string): Promise<PasswordFileLine[]> {
  try {
    return parsePasswordFile((await readFile(path)).toString('latin1'));
  } catch (error) {
    throw new MqError(`Unable to open password file ${path}. ${describeFsError(error)}.`, { cause: error });
  }
}
