// Sync reads of a few small files: node:fs/promises would cost every plain connection its start-up.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import type { TlsFiles } from './session.js';
import type { ConnectionSettings } from './settings.js';

/** Read --cafile, every certificate in --capath, --cert and --key. A missing file is a ConfigError naming it. */
export async function readTlsFiles(settings: ConnectionSettings): Promise<TlsFiles> {
  if (settings.transport !== 'mqtts' && settings.transport !== 'wss') return {};
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new ConfigError(`Cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
    }
  };
  const files: TlsFiles = {};
  const ca: Buffer[] = [];
  if (settings.cafile) ca.push(read(settings.cafile, '--cafile'));
  if (settings.capath) {
    let names: string[];
    try {
      names = readdirSync(settings.capath);
    } catch {
      throw new ConfigError(`Cannot read --capath ${settings.capath}: not a readable folder.`);
    }
    for (const name of names.filter((n) => /\.(pem|crt|cer)$/i.test(n) || /^[0-9a-f]{8}\.\d+$/i.test(n)).sort()) {
      ca.push(read(path.join(settings.capath, name), '--capath certificate'));
    }
  }
  if (ca.length > 0) files.ca = ca;
  if (settings.cert) files.cert = read(settings.cert, '--cert');
  if (settings.key) files.key = read(settings.key, '--key');
  return files;
}
