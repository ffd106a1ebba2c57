/**
 * `mq bench merge REPORT.json...`: reports of runs launched any other way (a Kubernetes Indexed
 * Job, ssh, CI matrix jobs) as one, exactly (merge.ts). The summary goes to stderr; --json writes
 * the merged report to stdout, --html the HTML report.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../context.js';
import { ConfigError, MqError } from '../errors.js';
import { mergeReports, type NamedReport } from './merge.js';
import type { BenchReport } from './report.js';
import { deliver } from './run.js';

export interface MergeArgs {
  reports?: string[];
  json?: boolean;
  html?: string;
}

export async function runMergeCommand(args: MergeArgs, ctx: Context): Promise<void> {
  const files = (args.reports ?? []).map(String);
  const inputs: NamedReport[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = file === '-' ? await readStdin(ctx) : await readFile(path.resolve(ctx.io.cwd(), file), 'utf8');
    } catch (error) {
      throw new ConfigError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
    }
    let report: BenchReport;
    try {
      report = JSON.parse(text) as BenchReport;
    } catch (error) {
      throw new MqError(`${file} is not JSON (${(error as Error).message}); give reports written by mq bench --json.`);
    }
    inputs.push({ name: uniqueName(path.basename(file, '.json'), inputs), file, report });
  }
  await deliver(mergeReports(inputs), args, ctx);
}

function uniqueName(name: string, taken: readonly NamedReport[]): string {
  let candidate = name;
  for (let i = 2; taken.some((t) => t.name === candidate); i++) candidate = `${name}-${i}`;
  return candidate;
}

async function readStdin(ctx: Context): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}
