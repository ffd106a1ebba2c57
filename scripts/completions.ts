/**
 * Regenerate completions/mq.bash, mq.zsh and mq.fish from the command definitions:
 *   npm run completions            write the files
 *   npm run completions -- --check exit 1 (naming them) when a committed file is out of date
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { completionScript, SCRIPT_FILES, SHELLS } from '../src/completion/generate.js';
import { COMMANDS } from '../src/commands/registry.js';
import { loadCommandSpec } from '../src/completion/spec.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const spec = await loadCommandSpec(COMMANDS);
const stale: string[] = [];
for (const shell of SHELLS) {
  const file = path.join(root, SCRIPT_FILES[shell]);
  const fresh = completionScript(shell, spec);
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current === fresh) continue;
  if (check) stale.push(SCRIPT_FILES[shell]);
  else {
    await writeFile(file, fresh);
    console.log(`wrote ${SCRIPT_FILES[shell]}`);
  }
}
if (stale.length > 0) {
  console.error(`Out of date: ${stale.join(', ')}. Run: npm run completions`);
  process.exitCode = 1;
} else if (check) console.log('completions are up to date');
