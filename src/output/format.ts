/**
 * What `mq sub` (and `mq rr`) print for each message: mosquitto_sub's default, -v, -N and -F
 * output byte for byte, plus mq's --json (NDJSON) and --encoding. Pure but for the local time zone
 * (time-zone.ts): options in, a function from message to bytes out; errors that mosquitto prints per
 * message go to `onError`.
 */
import type { ChalkInstance } from 'chalk';
import { ByteWriter, TopicCache } from './bytes.js';
import type { ReceivedMessage } from './message.js';
import { NdjsonWriter } from './ndjson.js';
import { UTC } from './strftime.js';
import { compileFormat, FormatRenderer } from './template.js';
import { localTimeZone } from './time-zone.js';

export interface OutputOptions {
  /** -v: `topic payload`; an empty payload prints `topic (null)`. */
  verbose: boolean;
  /** false with -N: no newline after each message (-F included). */
  eol: boolean;
  /** -F: mosquitto's format language; overrides -v and --encoding. */
  format?: string;
  /** --pretty: %j and %J print indented JSON (as mosquitto, it changes nothing else). */
  pretty: boolean;
  /** --json: mq's NDJSON, one object per line; overrides everything else (always ends in \n). */
  json: boolean;
  /** --encoding for default and -v output: print the payload as hex or base64 text. */
  encoding?: 'hex' | 'base64';
  /** Given only when stdout is a TTY and colour is allowed: the -v topic is coloured. */
  color?: ChalkInstance;
  /** For @ strftime fields, %I, %U and the %j/%J `tst` (default local, like mosquitto). */
  timezone?: 'local' | 'utc';
  /**
   * Per-message problems mosquitto reports on stderr while carrying on (e.g. %J on a payload
   * that is not JSON: "Message payload is not valid JSON on topic t."). Text without "Error: ".
   */
  onError?: (message: string) => void;
}

/** Throws a UsageError naming the bad specifier when `format` is not a valid -F format. */
export function validateFormat(format: string): void {
  compileFormat(format);
}

const EMPTY = Buffer.alloc(0);
const NULL_TEXT = Buffer.from('(null)');

/** ANSI codes around a style, or empty strings when colour is off. */
function styleCodes(style: ((text: string) => string) | undefined): [Buffer, Buffer] {
  if (!style) return [EMPTY, EMPTY];
  const [open = '', close = ''] = style('\u0000').split('\u0000');
  return [Buffer.from(open), Buffer.from(close)];
}

/**
 * Build the per-message formatter. The format is compiled here, once; the returned function
 * allocates one Buffer per message (an empty Buffer means print nothing).
 */
export function createFormatter(options: OutputOptions): (message: ReceivedMessage) => Buffer {
  if (options.json) {
    const writer = new NdjsonWriter();
    return (message) => writer.line(message);
  }

  if (options.format !== undefined) {
    const renderer = new FormatRenderer(compileFormat(options.format), {
      pretty: options.pretty,
      timeZone: options.timezone === 'utc' ? UTC : localTimeZone(),
      onError: options.onError ?? (() => {}),
    });
    const out = new ByteWriter(1024);
    const eol = options.eol;
    return (message) => {
      out.reset(); // nothing half-written survives an onError callback that threw
      renderer.render(out, message);
      if (eol) out.byte(0x0a);
      return out.take();
    };
  }

  const encoding = options.encoding;
  const eol = options.eol ? 1 : 0;
  const useColor = options.color !== undefined && options.color.level > 0;
  const [topicOpen, topicClose] = styleCodes(useColor ? options.color!.cyan : undefined);
  const [nullOpen, nullClose] = styleCodes(useColor ? options.color!.dim : undefined);
  const colored = topicOpen.length > 0;

  if (!options.verbose) {
    // default: the payload and a newline; an empty payload prints nothing at all
    return (message) => {
      const payload = message.payload;
      if (payload.length === 0) return EMPTY;
      const body = encoding ? Buffer.from(payload.toString(encoding), 'latin1') : payload;
      if (!eol) return body;
      const line = Buffer.allocUnsafe(body.length + 1);
      body.copy(line, 0);
      line[body.length] = 0x0a;
      return line;
    };
  }

  // -v: `topic payload`; an empty payload is `topic (null)`, printed only with a newline
  const topics = new TopicCache();
  return (message) => {
    const payload = message.payload;
    if (payload.length === 0 && !eol) return EMPTY;
    const body = payload.length === 0 ? NULL_TEXT : encoding ? Buffer.from(payload.toString(encoding), 'latin1') : payload;
    const topic = topics.get(message.topic);
    if (colored) {
      const isNull = payload.length === 0;
      return Buffer.concat([
        topicOpen, topic, topicClose, SPACE,
        isNull ? nullOpen : EMPTY, body, isNull ? nullClose : EMPTY,
        eol ? NEWLINE : EMPTY,
      ]);
    }
    const line = Buffer.allocUnsafe(topic.length + 1 + body.length + eol);
    line.set(topic, 0);
    line[topic.length] = 0x20;
    line.set(body, topic.length + 1);
    if (eol) line[line.length - 1] = 0x0a;
    return line;
  };
}

const SPACE = Buffer.from(' ');
const NEWLINE = Buffer.from('\n');
