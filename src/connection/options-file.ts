import { UsageError } from '../errors.js';

/**
 * mosquitto 2.1's options file: one option per line, its value the whole rest of the line after the
 * first space (spaces kept), `#` comments, CR/LF stripped. Pure.
 */
export function parseOptionsFile(text: string): string[] {
  const tokens: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').replace(/^ +/, '');
    if (line === '' || line.startsWith('#')) continue;
    const space = line.indexOf(' ');
    if (space < 0) tokens.push(line);
    else tokens.push(line.slice(0, space), line.slice(space + 1));
  }
  return tokens;
}

/**
 * `-o FILE`: the file's options go before the command line's, so flags given on the command line win
 * (and repeatable ones such as sub's -t add up), as in mosquitto.
 */
export async function expandOptionsFile(argv: readonly string[], readText: (file: string) => Promise<string>): Promise<string[]> {
  const positions = argv.flatMap((arg, i) => (arg === '-o' ? [i] : []));
  if (positions.length === 0) return [...argv];
  if (positions.length > 1) throw new UsageError('Duplicate -o argument given: name one options file.');
  const at = positions[0]!;
  const file = argv[at + 1];
  if (file === undefined || file.startsWith('-')) throw new UsageError('-o argument given but no options file specified.');
  let text: string;
  try {
    text = await readText(file);
  } catch (error) {
    throw new UsageError(`Cannot read options file ${file} (-o): ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  const rest = [...argv.slice(0, at), ...argv.slice(at + 2)];
  const command = rest.findIndex((arg) => !arg.startsWith('-'));
  const insertAt = command + 1;
  return [...rest.slice(0, insertAt), ...parseOptionsFile(text), ...rest.slice(insertAt)];
}
