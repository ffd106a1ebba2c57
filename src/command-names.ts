/** mq's commands, in `mq --help` order: the registry (commands/registry.ts) and the entry's code cache (cli.ts) share them. */
export const COMMAND_NAMES = ['pub', 'sub', 'rr', 'passwd', 'bench', 'broker', 'config', 'completion'] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

export function isCommandName(word: string | undefined): word is CommandName {
  return (COMMAND_NAMES as readonly (string | undefined)[]).includes(word);
}

/** The first word that is not a flag: the command the user asked for. */
export function requestedCommand(argv: readonly string[]): string | undefined {
  return argv.find((arg) => !arg.startsWith('-'));
}
