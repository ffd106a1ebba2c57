import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const MQ = path.join(ROOT, 'bin', 'mq.js');

export interface RunOptions {
  /** Written to stdin, then stdin is closed. Without it stdin is empty (closed at once). */
  input?: string | Buffer;
  /** Added to a clean environment (PATH, NO_COLOR=1, temp HOME); MQ_* from the outer environment never leak in. */
  env?: Record<string, string | undefined>;
  /** Working directory; a new temp folder by default. */
  cwd?: string;
  /** HOME; a new temp folder by default. */
  home?: string;
  /** Kill the child (SIGKILL) after this long; the result then has `timedOut: true`. Default 20 s. */
  timeoutMs?: number;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
  timedOut: boolean;
}

let ids = 0;
/** A client id (or name) no other test of this run uses: NAME-PID-N. */
export const nextId = (name: string): string => `${name}-${process.pid}-${++ids}`;

export function tempDir(prefix = 'mq-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** The environment every test child gets: nothing of the developer's own config leaks in. */
export function testEnv(options: RunOptions = {}): NodeJS.ProcessEnv {
  const home = options.home ?? tempDir('mq-home-');
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    ...options.env,
  };
}

export interface Running {
  child: ChildProcess;
  /** Everything read so far. */
  stdout(): Buffer;
  stderr(): string;
  /** Resolves when the child exits. */
  done: Promise<RunResult>;
}

/** Start `node bin/mq.js ...args` and keep it running (for sub, broker, signals). */
export function spawnMq(args: string[], options: RunOptions = {}): Running {
  const child = spawn(process.execPath, [MQ, ...args], {
    cwd: options.cwd ?? tempDir('mq-cwd-'),
    env: testEnv(options),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => { err += chunk; });
  child.stdin!.on('error', () => {});
  if (options.input !== undefined) child.stdin!.end(options.input);
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, options.timeoutMs ?? 20_000);
  const done = new Promise<RunResult>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, signal, stdout: stdoutBytes.toString('utf8'), stderr: err, stdoutBytes, timedOut });
    });
  });
  return { child, stdout: () => Buffer.concat(out), stderr: () => err, done };
}

/** Run `mq ...args` to completion. stdin is closed at once unless `input` is given. */
export async function runMq(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const running = spawnMq(args, options);
  if (options.input === undefined) running.child.stdin!.end();
  return running.done;
}

/** Wait until the child's stderr or stdout contains the text (e.g. a "Subscribed" status line). */
export async function waitForOutput(running: Running, text: string | RegExp, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const seen = () => {
    const all = running.stderr() + running.stdout().toString('utf8');
    return typeof text === 'string' ? all.includes(text) : text.test(all);
  };
  while (!seen()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; stderr: ${running.stderr()}`);
    if (running.child.exitCode !== null) throw new Error(`mq exited (${running.child.exitCode}) before printing ${String(text)}; stderr: ${running.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
