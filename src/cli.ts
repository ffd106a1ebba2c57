import { fileURLToPath } from 'node:url';
import { bundleIdentity, codeCacheFile, requireWithCodeCache } from './code-cache.js';
import { isCommandName, requestedCommand } from './command-names.js';
import type { Io } from './io.js';
import { VERSION } from './version.js';

/**
 * The entry point (dist/cli.cjs, required by bin/mq.js). `mq --version` is answered before anything
 * else is loaded (scripts call it to check for mq, so it should cost little more than starting
 * Node). Everything else is run-cli.ts, bundled on its own as dist/run-cli.cjs and compiled through
 * V8's code cache, one per command.
 */
export async function main(argv: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.length === 1 && argv[0] === '--version') {
    io.stdout.write(VERSION + '\n');
    return 0;
  }
  const bundle = fileURLToPath(new URL('./run-cli.cjs', import.meta.url));
  // One cache per command, as each compiles different code; anything else shares one.
  const command = requestedCommand(argv);
  const cacheFile = codeCacheFile(bundleIdentity(bundle), isCommandName(command) ? command : 'other', env, `${VERSION}-${process.version}`);
  const { runCli } = requireWithCodeCache(bundle, cacheFile) as typeof import('./run-cli.js');
  return runCli(argv, io);
}
