import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { Io } from '../../src/io.ts';
import { runCli, type Seams } from '../../src/run-cli.ts';

// cosmiconfig and env-paths read HOME and XDG_CONFIG_HOME from the process itself: point them at an
// empty folder, so no rc file of the developer's leaks into these tests.
const isolatedHome = mkdtempSync(path.join(tmpdir(), 'mq-cli-home-'));
process.env.HOME = isolatedHome;
process.env.XDG_CONFIG_HOME = path.join(isolatedHome, '.config');

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface InProcessOptions {
  /** MQ_* and the like; HOME and XDG_CONFIG_HOME point into a new temp folder unless given. */
  env?: Record<string, string>;
  /** Files to create in the working directory first, e.g. { '.mqrc.json': '{...}' }. */
  files?: Record<string, string>;
  stdin?: string;
  seams?: Seams;
}

/**
 * `mq ...argv` run in this process through runCli, with a fake Io: no spawning, so a table of
 * hundreds of cases runs in a second. stdout and stderr are captured; nothing is a TTY.
 */
export async function runInProcess(argv: string[], options: InProcessOptions = {}): Promise<InProcessResult> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'mq-cli-'));
  for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(path.join(cwd, name), content);
  const stdout = capture();
  const stderr = capture();
  const signals = new EventEmitter();
  const io: Io = {
    stdin: Object.assign(Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]), { isTTY: false }),
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: { HOME: cwd, XDG_CONFIG_HOME: path.join(cwd, '.config'), NO_COLOR: '1', ...options.env },
    cwd: () => cwd,
    on: (signal, listener) => signals.on(signal, listener),
    off: (signal, listener) => signals.off(signal, listener),
  };
  const code = await runCli(argv, io, options.seams);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function capture(): { stream: PassThrough & { isTTY: false }; text(): string } {
  const chunks: Buffer[] = [];
  const stream = Object.assign(new PassThrough(), { isTTY: false as const });
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}
