/**
 * Writes the HTML report: html.ts renders it with uPlot read from beside the bundle (the build
 * copies it into dist/) or, running from the sources, from node_modules.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { MqError } from '../errors.js';
import { renderHtml, type HtmlAssets } from './html.js';
import type { BenchReport } from './report.js';

async function readAsset(name: string, fromPackage: string): Promise<string> {
  try {
    return await readFile(fileURLToPath(new URL(`./${name}`, import.meta.url)), 'utf8');
  } catch {
    return readFile(createRequire(import.meta.url).resolve(fromPackage), 'utf8');
  }
}

export async function loadAssets(): Promise<HtmlAssets> {
  return {
    uplotJs: await readAsset('uPlot.iife.min.js', 'uplot/dist/uPlot.iife.min.js'),
    uplotCss: await readAsset('uPlot.min.css', 'uplot/dist/uPlot.min.css'),
  };
}

export async function writeHtmlReport(report: BenchReport, file: string): Promise<void> {
  const html = renderHtml(report, await loadAssets());
  try {
    await writeFile(file, html);
  } catch (error) {
    throw new MqError(`Cannot write the HTML report to ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
}
