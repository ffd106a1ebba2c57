import type { ChalkInstance } from 'chalk';
import { UsageError } from '../errors.js';
import type { ReceivedMessage } from './message.js';

export interface OutputOptions {
  verbose: boolean;
  eol: boolean;
  format?: string;
  pretty: boolean;
  json: boolean;
  encoding?: 'hex' | 'base64';
  color?: ChalkInstance;
  timezone?: 'local' | 'utc';
}

// FIRST DRAFT: interface only; the full -F language and JSON modes land next.
export function validateFormat(format: string): void {
  if (format.length === 0) throw new UsageError('-F: empty format.');
}

const NEWLINE = Buffer.from('\n');

export function createFormatter(options: OutputOptions): (message: ReceivedMessage) => Buffer {
  if (options.format !== undefined) validateFormat(options.format);
  return (message) => {
    if (message.payload.length === 0 && !(options.verbose && options.eol)) return Buffer.alloc(0);
    const parts: Buffer[] = [];
    if (options.verbose) parts.push(Buffer.from(message.topic + ' '));
    parts.push(message.payload.length === 0 ? Buffer.from('(null)') : message.payload);
    if (options.eol) parts.push(NEWLINE);
    return Buffer.concat(parts);
  };
}
