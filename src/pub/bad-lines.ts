/**
 * What `pub -l --line-format json` and `pub --replay` do with a line that cannot be published, as
 * --on-error says: stop there (the lines before it are still acknowledged, then one UsageError names
 * the line) or skip it with a warning. One place for both, so both say the same.
 */
import { UsageError } from '../errors.js';
import type { Ui } from '../ui.js';

export class BadLines {
  /** The first bad line with --on-error stop ("line N: problem"). */
  stoppedAt: string | undefined;
  skipped = 0;

  constructor(private readonly onError: 'stop' | 'skip', private readonly ui: Pick<Ui, 'warn'>) {}

  /** A bad line: `false` stops the reading (--on-error stop), undefined goes on to the next line. */
  reject(lineNumber: number, problem: string): false | undefined {
    const text = `line ${lineNumber}: ${problem}`;
    if (this.onError === 'stop') {
      this.stoppedAt = text;
      return false;
    }
    this.skipped++;
    this.ui.warn(`Skipped ${text}.`);
    return undefined;
  }

  /** After the input (and once what was sent is acknowledged): the error to end with, or the skip count. */
  finish(): void {
    if (this.stoppedAt !== undefined) {
      throw new UsageError(`Stopped at ${this.stoppedAt}. The lines before it were published; use --on-error skip to skip bad lines.`);
    }
    if (this.skipped > 0) this.ui.warn(`${this.skipped} line(s) skipped.`);
  }
}
