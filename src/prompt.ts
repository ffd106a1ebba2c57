import type { Io } from './io.js';
import { InterruptedError, UsageError } from './errors.js';

/**
 * Read a secret from the terminal without echoing it. Raw mode, so nothing typed reaches the
 * screen or the shell history; Ctrl-C aborts (InterruptedError), backspace works.
 */
export async function promptSecret(io: Io, label: string): Promise<string> {
  const stdin = io.stdin;
  if (!stdin.isTTY || !stdin.setRawMode) throw new UsageError(`Cannot prompt for "${label.replace(/:\s*$/, '')}": standard input is not a terminal.`);
  io.stderr.write(label);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let secret = '';
      const onData = (chunk: Buffer | string) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') {
            stdin.off('data', onData);
            resolve(secret);
            return;
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            reject(new InterruptedError());
            return;
          }
          if (ch === '\u007f' || ch === '\b') secret = [...secret].slice(0, -1).join('');
          else if (ch >= ' ') secret += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    io.stderr.write('\n');
  }
}
