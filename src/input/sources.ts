/**
 * The message-source flags given (`-m`, `-f`, `-s`, `-l`, `-n`, ...), one entry per use: `-m a -m b`
 * is two sources, as in mosquitto ("Only one type of message can be sent at once"). The values are
 * as yargs gives them, an array when a flag was repeated (see CommandModule.keepRepeats). Pure.
 */
export function givenSources(sources: readonly (readonly [value: unknown, flag: string])[]): string[] {
  return sources.flatMap(([value, flag]) => Array<string>(useCount(value)).fill(flag));
}

function useCount(value: unknown): number {
  if (value === undefined || value === false) return 0;
  if (Array.isArray(value)) return value.filter((v) => v !== false).length;
  return 1;
}
