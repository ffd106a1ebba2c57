import type { Io } from './context.js';
import { VERSION } from './version.js';

/**
 * The entry point: `mq --version` is answered before anything else is loaded (scripts call it to
 * check for mq, so it should cost little more than starting Node); everything else is run-cli.ts.
 */
export async function main(argv: string[], io: Io): Promise<number> {
  if (argv.length === 1 && argv[0] === '--version') {
    io.stdout.write(VERSION + '\n');
    return 0;
  }
  const { runCli } = await import('./run-cli.js');
  return runCli(argv, io);
}
