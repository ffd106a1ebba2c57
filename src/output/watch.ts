/**
 * `mq sub -w/--watch` (mosquitto 2.1): a terminal board with one line per topic, rewritten in
 * place as messages arrive. mq keeps the lines in topic order and within the terminal's height
 * (mosquitto adds lines in order of arrival and lets them run off the screen).
 *
 * The board (WatchBoard, frameUpdates) is pure; createWatchPrinter draws it on stdout with cursor
 * positioning, at most one frame every FRAME_MS, writing only the rows that changed.
 */
import { MqError, TimeoutError } from '../errors.js';
import type { Ui } from '../ui.js';
import { createFormatter } from './format.js';
import type { ReceivedMessage } from './message.js';
import type { OutputPlan } from './options.js';
import { createOutputWriter, type Printer } from './printer.js';

/** The latest line of every topic seen, in topic order. */
export class WatchBoard {
  private readonly topics: string[] = [];
  private readonly lines = new Map<string, string>();

  constructor(private readonly header: string) {}

  get size(): number {
    return this.topics.length;
  }

  /** Record the latest line of a topic. */
  set(topic: string, line: string): void {
    if (!this.lines.has(topic)) this.topics.splice(insertionPoint(this.topics, topic), 0, topic);
    this.lines.set(topic, line);
  }

  /**
   * The screen, one string per row from the top: the header, then one row per topic. When they do
   * not all fit, the last row says how many are left out. Each row is cut to `columns` characters.
   */
  view(rows: number, columns: number): string[] {
    const room = Math.max(1, rows - 1);
    const count = this.topics.length;
    const shown = count <= room ? count : room - 1;
    const topics = count === 1 ? '1 topic' : `${count} topics`;
    const screen = [`${this.header}, ${topics}`];
    for (let i = 0; i < shown; i++) screen.push(this.lines.get(this.topics[i]!)!);
    if (shown < count) screen.push(`... and ${count - shown} more (a taller terminal shows them)`);
    return screen.map((row) => cut(row, columns));
  }
}

/** Where `topic` goes in the sorted list (binary search; code unit order, as the broker sorts bytes). */
function insertionPoint(sorted: readonly string[], topic: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! < topic) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** At most `columns` characters (code points); autowrap is off while the board is shown, too. */
function cut(text: string, columns: number): string {
  if (text.length <= columns) return text;
  return [...text].slice(0, Math.max(0, columns)).join('');
}

/** One formatted message as one row: no line end, control characters made visible. */
export function boardLine(formatted: Buffer): string {
  return formatted.toString('utf8').replace(/\r?\n$/, '').replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\n' ? '\u23ce' : c === '\t' ? ' ' : '\ufffd'));
}

const ESC = '\x1b[';

/**
 * The bytes that turn the `previous` screen into `next`: each changed row cleared and rewritten
 * at its position (`ESC[row;1H`, `ESC[2K`, the text: cleared first, as clearing after a row that
 * fills the width would erase its last character). Pure.
 */
export function frameUpdates(previous: readonly string[], next: readonly string[]): string {
  let out = '';
  for (let row = 0; row < next.length; row++) {
    if (previous[row] !== next[row]) out += `${ESC}${row + 1};1H${ESC}2K${next[row]}`;
  }
  for (let row = next.length; row < previous.length; row++) out += `${ESC}${row + 1};1H${ESC}2K`;
  return out;
}

/** The longest a message waits to be drawn: frames are drawn at most this often. */
export const FRAME_MS = 50;

export interface WatchOptions {
  output: OutputPlan;
  ui: Ui;
  /** The board's first row, e.g. "Broker: localhost:1883". */
  header: string;
  /** stdout closed (see PrinterOptions.onClosed). */
  onClosed(error: MqError | undefined): void;
}

type Terminal = NodeJS.WritableStream & { rows?: number; columns?: number };

/** A Printer that draws the watch board on a terminal instead of writing one line per message. */
export function createWatchPrinter(stdout: Terminal, options: WatchOptions): Printer {
  const { ui } = options;
  const writer = createOutputWriter(stdout, {
    batch: false,
    onClosed(error) {
      options.onClosed(error.code === 'EPIPE' ? undefined : new MqError(`Cannot write to standard output: ${error.code ?? error.message}.`));
    },
  });
  // -w shows the topic with each payload, as -v does; -F and --json choose their own line.
  const format = createFormatter({ ...options.output, verbose: true, eol: true, onError: (text) => ui.error(text) });
  const board = new WatchBoard(options.header);
  const size = () => ({ rows: stdout.rows || 24, columns: stdout.columns || 80 });
  let shown: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let lastFrame = 0;

  const draw = () => {
    timer = undefined;
    lastFrame = Date.now();
    const { rows, columns } = size();
    const next = board.view(rows, columns);
    const bytes = frameUpdates(shown, next);
    shown = next;
    if (bytes !== '') writer.write(Buffer.from(bytes));
  };
  const schedule = () => {
    if (timer) return;
    timer = setTimeout(draw, Math.max(0, lastFrame + FRAME_MS - Date.now()));
  };
  const redraw = () => {
    shown = [];
    writer.write(Buffer.from(`${ESC}2J`));
    draw();
  };

  // Clear the screen, autowrap off (a long row never spills into the next), the header at once.
  writer.write(Buffer.from(`${ESC}?7l${ESC}2J`));
  draw();
  const onResize = () => redraw();
  stdout.on('resize', onResize);

  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    if (timer) {
      clearTimeout(timer);
      draw();
    }
    stdout.off('resize', onResize);
    // Autowrap back on, the cursor on a new line below the board (as mosquitto leaves it).
    writer.write(Buffer.from(`${ESC}?7h${ESC}${shown.length};1H\n`));
  };
  return {
    print(message: ReceivedMessage) {
      board.set(message.topic, boardLine(format(message)));
      schedule();
    },
    flush() {
      end();
      return writer.flush();
    },
    timedOut() {
      end();
      const error = new TimeoutError();
      ui.info(error.message);
      return error;
    },
  };
}
