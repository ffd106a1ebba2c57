/** `mq rr --respond --exec CMD`: run the command for one request and take its output as the response. */
import { spawn } from 'node:child_process';

export type ExecResult =
  | { ok: true; stdout: Buffer }
  | { ok: false; reason: string };

export interface ExecOptions {
  /** The request payload, written to the command's stdin. */
  input: Buffer;
  env: Record<string, string | undefined>;
  cwd: string;
  /** The command's own stderr goes here (it talks to the human, as mq's stderr does). */
  stderr: NodeJS.WritableStream;
  /** Output beyond this is refused (an MQTT message cannot hold it). */
  maxBytes: number;
  /** Kills the command (SIGTERM) when aborted. */
  signal?: AbortSignal;
}

/** Run `sh -c command`; a zero exit gives its stdout, anything else the reason it is not used. */
export function runCommand(command: string, options: ExecOptions): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd: options.cwd, env: options.env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    let settled = false;
    const done = (result: ExecResult) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', abort);
      resolve(result);
    };
    const abort = () => child.kill('SIGTERM');
    options.signal?.addEventListener('abort', abort, { once: true });

    child.on('error', (error) => done({ ok: false, reason: `could not run the command: ${error.message}` }));
    child.stdout.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > options.maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        child.kill('SIGTERM');
        return;
      }
      chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => options.stderr.write(chunk));
    // A command that does not read its input closes the pipe early: not an error.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
    child.on('close', (code, signal) => {
      if (tooLarge) return done({ ok: false, reason: `its output is larger than an MQTT message can hold (${options.maxBytes} bytes)` });
      if (signal) return done({ ok: false, reason: `it was killed by ${signal}` });
      if (code !== 0) return done({ ok: false, reason: `it exited with status ${code}` });
      done({ ok: true, stdout: Buffer.concat(chunks, size) });
    });
  });
}
