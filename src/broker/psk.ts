/**
 * `mq broker --psk-file`: TLS-PSK as mosquitto's psk_file has it: one `identity:key` per line, the
 * key in hex; lines starting with # and blank lines are skipped. Pure but for readPskFile.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { describeFsError } from '../passwd/file.js';

/** identity -> key bytes. */
export type PskTable = ReadonlyMap<string, Buffer>;

/** The keys of a psk_file. A line that is not `identity:hex` is an error naming the line. */
export function parsePskFile(text: string, file: string): PskTable {
  const table = new Map<string, Buffer>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    const identity = colon > 0 ? line.slice(0, colon) : '';
    const hex = colon > 0 ? line.slice(colon + 1).trim() : '';
    if (identity === '' || !/^[0-9a-f]+$/i.test(hex)) {
      throw new ConfigError(`${file}:${index + 1}: expected identity:key with the key in hex digits, as in mosquitto's psk_file.`);
    }
    // An odd number of digits gets a leading 0, as mosquitto reads the key.
    table.set(identity, Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex'));
  });
  return table;
}

export async function readPskFile(file: string): Promise<PskTable> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the PSK file ${file}: ${describeFsError(error)}.`, { cause: error });
  }
  return parsePskFile(text, file);
}
