/**
 * The lines of a mosquitto password file: parse, edit and serialize them without losing a byte.
 * Pure; reading, locking and replacing the file is file.ts.
 *
 * It works on "file strings": the file's bytes decoded as latin1, so every byte maps to one char and
 * writing the string back as latin1 gives the identical bytes, whatever the encoding of the lines we
 * do not touch. Use toFileString() for names typed by the user.
 */

export type PasswordFileLine =
  | { kind: 'entry'; username: string; hash: string; raw: string; eol: string }
  | { kind: 'other'; raw: string; eol: string };

/** UTF-8 text (e.g. a username from argv) as a file string. */
export function toFileString(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A file string back to text for messages. */
export function fromFileString(fileString: string): string {
  return Buffer.from(fileString, 'latin1').toString('utf8');
}

function trimBlanks(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, '');
}

/**
 * Split a password file into lines the way the broker reads it (src/security_default.c): a line starting
 * with `#` or without `:` is not an entry; the username is the text before the first `:`, and both
 * fields are trimmed of blanks. Every line keeps its raw text and terminator, so serializing the result
 * gives the input back exactly.
 */
export function parsePasswordFile(text: string): PasswordFileLine[] {
  const lines: PasswordFileLine[] = [];
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const hasCr = end > start && text[end - 1] === '\r' && newline !== -1;
    const raw = text.slice(start, hasCr ? end - 1 : end);
    const eol = newline === -1 ? '' : hasCr ? '\r\n' : '\n';
    lines.push(parseLine(raw, eol));
    start = end + 1;
  }
  return lines;
}

function parseLine(raw: string, eol: string): PasswordFileLine {
  const colon = raw.indexOf(':');
  if (raw.startsWith('#') || colon === -1) return { kind: 'other', raw, eol };
  const username = trimBlanks(raw.slice(0, colon));
  if (username === '') return { kind: 'other', raw, eol };
  return { kind: 'entry', username, hash: trimBlanks(raw.slice(colon + 1)), raw, eol };
}

export function serializePasswordFile(lines: readonly PasswordFileLine[]): string {
  let text = '';
  for (const line of lines) text += line.raw + line.eol;
  return text;
}

/** The line ending new lines get: the file's own (CRLF files stay CRLF), else LF. */
function newlineStyle(lines: readonly PasswordFileLine[]): string {
  return lines.find((line) => line.eol !== '')?.eol ?? '\n';
}

export function entryLine(username: string, hash: string, eol = '\n'): PasswordFileLine {
  return { kind: 'entry', username, hash, raw: `${username}:${hash}`, eol };
}

/**
 * Set a user's hash. Every existing line of that user is replaced in place (as mosquitto_passwd does, so
 * the broker sees the new password whichever duplicate it picks); a new user is appended, after giving a
 * last line without newline its newline. Everything else is kept as is.
 */
export function setUser(lines: readonly PasswordFileLine[], username: string, hash: string): { lines: PasswordFileLine[]; added: boolean } {
  let replaced = false;
  const result = lines.map((line) => {
    if (line.kind !== 'entry' || line.username !== username) return line;
    replaced = true;
    return entryLine(username, hash, line.eol);
  });
  if (replaced) return { lines: result, added: false };
  const eol = newlineStyle(result);
  const last = result.at(-1);
  if (last && last.eol === '') result[result.length - 1] = { ...last, eol };
  result.push(entryLine(username, hash, eol));
  return { lines: result, added: true };
}

/** Remove every line of a user; comments, blank lines and other users stay where they are. */
export function deleteUser(lines: readonly PasswordFileLine[], username: string): { lines: PasswordFileLine[]; removed: number } {
  const result = lines.filter((line) => line.kind !== 'entry' || line.username !== username);
  return { lines: result, removed: lines.length - result.length };
}
