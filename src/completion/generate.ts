import { bashScript } from './bash.js';
import { fishScript } from './fish.js';
import type { CommandSpec } from './spec.js';
import { zshScript } from './zsh.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** The committed file of each shell's script, relative to the package root. */
export const SCRIPT_FILES: Readonly<Record<Shell, string>> = {
  bash: 'completions/mq.bash',
  zsh: 'completions/mq.zsh',
  fish: 'completions/mq.fish',
};

const RENDER: Record<Shell, (root: CommandSpec) => string> = { bash: bashScript, zsh: zshScript, fish: fishScript };

/** The completion script for a shell, generated from the command tree (spec.ts's loadCommandSpec). */
export function completionScript(shell: Shell, root: CommandSpec): string {
  return RENDER[shell](root);
}
