/**
 * mosquitto_sub's -F format language, compiled once into a list of operations and rendered per
 * message into bytes. Behaviour follows client/sub_client_output.c of 2.1 (develop), which fixes
 * 2.0.11's %x width bug and JSON `tst`, and adds hex separators and %f/%d; everything else is
 * byte-identical to 2.0.11 (checked against the real mosquitto_sub).
 */
import { endianness } from 'node:os';
import { UsageError } from '../errors.js';
import { ByteWriter, TopicCache } from './bytes.js';
import { cString, NULL_VALUE, parseCJson, stringValue, writeCJson, type CJsonValue } from './cjson.js';
import type { ReceivedMessage } from './message.js';
import { formatFixedField } from './number.js';
import { bytesProperty, hasProperties, numberProperty, stringProperty, subscriptionIdentifiers, userPropertyPairs } from './properties.js';
import { calendarAt, formatOffset, isoMicrosPrefix, isoSeconds, splitTime, strftimeConversion, type Calendar, type TimeZone } from './strftime.js';

/** One piece of a compiled format. */
interface Field {
  /** 0 = literal bytes, 1 = `%` conversion, 2 = `@` time conversion */
  kind: 0 | 1 | 2;
  literal: Buffer;
  conversion: string;
  leftAlign: boolean;
  /** The pad character: `0` with the 0 flag, else space. */
  pad: number;
  width: number;
  /** -1 when not given. */
  precision: number;
  /** Hex separator byte (2.1), space by default. */
  separator: number;
}

const CONVERSIONS = new Set('%tpxXlmqrIUjJACDEFPRSfd');
/** 2.1's hexseplist: ASCII punctuation except `%`, and space. */
const SEPARATORS = new Set(' !"#$&\'()*+,-./:;<=>?@[\\]^_`{|}~');
/** Widths are applied per message, so a typo like %1000000000p must not allocate gigabytes. */
const MAX_WIDTH = 65535;
const ESCAPES: Record<string, number> = { '\\': 0x5c, '0': 0x00, a: 0x07, e: 0x1b, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b };

export interface CompiledFormat {
  fields: Field[];
  /** Whether any field needs the clock (skips the time breakdown otherwise). */
  usesTime: boolean;
}

function field(kind: Field['kind'], conversion: string, literal?: Buffer): Field {
  return { kind, literal: literal ?? EMPTY, conversion, leftAlign: false, pad: 0x20, width: 0, precision: -1, separator: 0x20 };
}

const EMPTY = Buffer.alloc(0);

function quoted(format: string): string {
  return JSON.stringify(format);
}

/**
 * Parse a -F format. Throws a UsageError naming the bad specifier, with mosquitto's wording
 * ("Invalid format specifier", "Incomplete format specifier", "Invalid escape specifier").
 */
export function compileFormat(format: string): CompiledFormat {
  const fields: Field[] = [];
  let text = '';
  let usesTime = false;
  const flush = () => {
    if (text !== '') fields.push(field(0, '', Buffer.from(text, 'utf8')));
    text = '';
  };
  const incomplete = (what: string) =>
    new UsageError(`Incomplete format specifier "${what}" at the end of the -F format ${quoted(format)}.`, {
      hint: what === '@' ? 'Write @@ for a literal @.' : 'Write %% for a literal %.',
    });
  const chars = [...format]; // code points, so a non-ASCII character after % or @ stays whole
  const n = chars.length;
  for (let i = 0; i < n; i++) {
    const c = chars[i]!;
    if (c === '%') {
      const start = i;
      if (i === n - 1) throw incomplete('%');
      const f = field(1, '');
      i++;
      if (chars[i] === '-') {
        f.leftAlign = true;
        if (++i >= n) throw incomplete(chars.slice(start).join(''));
      }
      if (chars[i] === '0') {
        f.pad = 0x30;
        if (++i >= n) throw incomplete(chars.slice(start).join(''));
      }
      while (i < n && chars[i]! >= '0' && chars[i]! <= '9') f.width = f.width * 10 + Number(chars[i++]);
      if (i >= n) throw incomplete(chars.slice(start).join(''));
      if (chars[i] === '.') {
        f.precision = 0;
        i++;
        while (i < n && chars[i]! >= '0' && chars[i]! <= '9') f.precision = f.precision * 10 + Number(chars[i++]);
        if (i >= n) throw incomplete(chars.slice(start).join(''));
      }
      if (f.width > MAX_WIDTH || f.precision > MAX_WIDTH) {
        throw new UsageError(`Field width or precision too large in '${chars.slice(start, i + 1).join('')}' of the -F format ${quoted(format)} (at most ${MAX_WIDTH}).`);
      }
      if (SEPARATORS.has(chars[i]!)) {
        f.separator = chars[i]!.charCodeAt(0);
        if (++i >= n) throw incomplete(chars.slice(start).join(''));
      }
      const conversion = chars[i]!;
      if (!CONVERSIONS.has(conversion)) {
        throw new UsageError(`Invalid format specifier '${chars.slice(start, i + 1).join('')}' in the -F format ${quoted(format)}.`, {
          hint: 'Conversions: %t %p %x %X %l %m %q %r %I %U %j %J %A %C %D %E %F %P %R %S %f %d %%.',
        });
      }
      if (conversion === '%') {
        text += '%';
        continue;
      }
      flush();
      f.conversion = conversion;
      if ('IUjJ'.includes(conversion)) usesTime = true;
      fields.push(f);
    } else if (c === '@') {
      if (i === n - 1) throw incomplete('@');
      const next = chars[++i]!;
      if (next === '@') {
        text += '@';
        continue;
      }
      flush();
      usesTime = true;
      fields.push(field(2, next));
    } else if (c === '\\') {
      if (i === n - 1) {
        throw new UsageError(`Incomplete escape specifier "\\" at the end of the -F format ${quoted(format)}.`, { hint: 'Write \\\\ for a literal backslash.' });
      }
      const next = chars[++i]!;
      const byte = ESCAPES[next];
      if (byte === undefined) {
        throw new UsageError(`Invalid escape specifier '\\${next}' in the -F format ${quoted(format)}.`, {
          hint: 'Escapes: \\\\ \\0 \\a \\e \\n \\r \\t \\v.',
        });
      }
      text += String.fromCharCode(byte);
    } else {
      text += c;
    }
  }
  flush();
  return { fields, usesTime };
}

/** Where %J found no JSON, and %f/%d no float: mosquitto prints an error and goes on. */
export type FormatErrorSink = (message: string) => void;

const hostLittleEndian = endianness() === 'LE';
const HEX_LOWER = Buffer.from('0123456789abcdef');
const HEX_UPPER = Buffer.from('0123456789ABCDEF');

/** printf("%*.*s") on bytes (width and precision count bytes, as C does). */
function writeString(out: ByteWriter, bytes: Uint8Array, f: Field): void {
  const value = f.precision >= 0 && bytes.length > f.precision ? bytes.subarray(0, f.precision) : bytes;
  const padding = f.width - value.length;
  if (padding > 0 && !f.leftAlign) out.repeat(0x20, padding);
  out.bytes(value);
  if (padding > 0 && f.leftAlign) out.repeat(0x20, padding);
}

/** printf("%d"), ("%-*d"), ("%0*d"), ("%*d"). */
function writeInt(out: ByteWriter, value: number, f: Field): void {
  let text = String(value);
  if (f.width > text.length) {
    if (f.leftAlign) text = text.padEnd(f.width, ' ');
    else if (f.pad === 0x30) text = value < 0 ? '-' + text.slice(1).padStart(f.width - 1, '0') : text.padStart(f.width, '0');
    else text = text.padStart(f.width, ' ');
  }
  out.ascii(text);
}

/** An absent v5 property: the pad character, width times. */
function writeBlank(out: ByteWriter, f: Field): void {
  out.repeat(f.pad, f.width);
}

/** 2.1's hexsep(): a separator after every `precision` hex digits (pad characters count too). */
function separate(out: ByteWriter, position: number, f: Field): void {
  if (f.precision > 0 && position % f.precision === f.precision - 1) out.byte(f.separator);
}

/**
 * 2.1's write_payload(): with a width W, at most W bytes are printed (hex: W bytes = 2W digits)
 * and the field is padded to W. Left alignment pads with spaces through printf("%*s"), which
 * turns a negative pad length into |pad| spaces: `%-p` with no width adds one space per byte,
 * exactly like mosquitto_sub does.
 */
function writePayload(out: ByteWriter, payload: Buffer, hex: Buffer | undefined, f: Field): void {
  let length = payload.length;
  let padding: number;
  if (f.width > 0) {
    if (length > f.width) length = f.width;
    padding = hex ? f.width - length * 2 : f.width - length;
  } else {
    padding = -length;
  }
  let position = 0;
  if (!f.leftAlign) {
    for (let i = 0; i < padding; i++) {
      out.byte(f.pad);
      if (hex) separate(out, position, f);
      position++;
    }
  }
  if (!hex) {
    out.bytes(payload, 0, length);
  } else if (f.precision <= 0) {
    for (let i = 0; i < length; i++) {
      const b = payload[i]!;
      out.byte(hex[b >> 4]!);
      out.byte(hex[b & 15]!);
    }
  } else {
    for (let i = 0; i < length; i++) {
      const b = payload[i]!;
      out.byte(hex[b >> 4]!);
      separate(out, position++, f);
      out.byte(hex[b & 15]!);
      if (i < length - 1) separate(out, position++, f);
    }
  }
  if (f.leftAlign) out.repeat(0x20, Math.abs(padding));
}

/** %f / %d: the payload as a host-order float or double, printf("%.*f"). */
function writeFloat(out: ByteWriter, message: ReceivedMessage, f: Field, onError: FormatErrorSink): void {
  const size = f.conversion === 'f' ? 4 : 8;
  const payload = message.payload;
  if (payload.length !== size) {
    const kind = size === 4 ? 'float' : 'double';
    onError(`%${f.conversion} needs a ${size}-byte payload (a ${kind}), but the message on topic ${message.topic} has ${payload.length} bytes.`);
    return;
  }
  const value =
    size === 4
      ? hostLittleEndian ? payload.readFloatLE(0) : payload.readFloatBE(0)
      : hostLittleEndian ? payload.readDoubleLE(0) : payload.readDoubleBE(0);
  out.ascii(formatFixedField(value, f.precision, f.width, f.leftAlign, f.pad === 0x30));
}

const PROPERTY_NAMES: Record<string, string> = {
  payloadFormatIndicator: 'payload-format-indicator',
  messageExpiryInterval: 'message-expiry-interval',
  contentType: 'content-type',
  responseTopic: 'response-topic',
  correlationData: 'correlation-data',
  subscriptionIdentifier: 'subscription-identifier',
  topicAlias: 'topic-alias',
  userProperties: 'user-properties',
};

function key(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}
const KEY_TST = key('tst');
const KEY_TOPIC = key('topic');
const KEY_QOS = key('qos');
const KEY_RETAIN = key('retain');
const KEY_PAYLOADLEN = key('payloadlen');
const KEY_MID = key('mid');
const KEY_PROPERTIES = key('properties');
const KEY_PAYLOAD = key('payload');
const PROPERTY_KEYS = Object.fromEntries(Object.entries(PROPERTY_NAMES).map(([k, v]) => [k, key(v)]));

/** mosquitto's properties object, in the order the properties arrived (2.1 shapes). */
function propertiesValue(properties: Record<string, unknown>): CJsonValue {
  const members: Array<[Uint8Array, CJsonValue]> = [];
  for (const name of Object.keys(properties)) {
    const jsonKey = PROPERTY_KEYS[name];
    if (!jsonKey) continue;
    switch (name) {
      case 'payloadFormatIndicator':
      case 'messageExpiryInterval':
      case 'topicAlias': {
        const value = numberProperty(properties, name);
        if (value !== undefined) members.push([jsonKey, { type: 'number', value }]);
        break;
      }
      case 'contentType':
      case 'responseTopic': {
        const value = stringProperty(properties, name);
        if (value !== undefined) members.push([jsonKey, stringValue(value)]);
        break;
      }
      case 'correlationData': {
        const value = bytesProperty(properties, name);
        if (value !== undefined) members.push([jsonKey, stringValue(value)]);
        break;
      }
      case 'subscriptionIdentifier':
        // one member per identifier: cJSON keeps duplicate keys
        for (const id of subscriptionIdentifiers(properties)) members.push([jsonKey, { type: 'number', value: id }]);
        break;
      case 'userProperties': {
        const items: CJsonValue[] = userPropertyPairs(properties).map(([k, v]) => ({
          type: 'object',
          members: [[cString(Buffer.from(k, 'utf8')), stringValue(v)]],
        }));
        if (items.length > 0) members.push([jsonKey, { type: 'array', items }]);
        break;
      }
    }
  }
  return { type: 'object', members };
}

/**
 * %j (escaped) / %J (payload embedded as JSON). Key order: tst, topic, qos, retain, payloadlen,
 * mid (QoS > 0), properties (v5, when any), payload. Undefined when %J's payload is not JSON.
 */
export function messageJson(message: ReceivedMessage, tst: Uint8Array, topic: Uint8Array, embedPayload: boolean): CJsonValue | undefined {
  let payload: CJsonValue;
  if (message.payload.length === 0) {
    payload = NULL_VALUE;
  } else if (embedPayload || message.decoded === 'json') {
    const parsed = parseCJson(message.payload);
    if (parsed === undefined) return undefined;
    payload = parsed;
  } else {
    payload = { type: 'string', value: cString(message.payload) };
  }
  const members: Array<[Uint8Array, CJsonValue]> = [
    [KEY_TST, { type: 'string', value: tst }],
    [KEY_TOPIC, { type: 'string', value: cString(topic) }],
    [KEY_QOS, { type: 'number', value: message.qos }],
    [KEY_RETAIN, { type: 'bool', value: message.retain }],
    [KEY_PAYLOADLEN, { type: 'number', value: message.payload.length }],
  ];
  if (message.qos > 0) members.push([KEY_MID, { type: 'number', value: message.mid }]);
  if (hasProperties(message.properties)) members.push([KEY_PROPERTIES, propertiesValue(message.properties)]);
  members.push([KEY_PAYLOAD, payload]);
  return { type: 'object', members };
}

export interface RenderOptions {
  pretty: boolean;
  /** For @ strftime fields, %I, %U and the %j/%J `tst`. */
  timeZone: TimeZone;
  onError: FormatErrorSink;
}

/**
 * Renders messages with one compiled format. Holds what repeats between messages: topic bytes,
 * and the text of time fields, which only changes once a second (all fields of one message
 * share one clock reading: the message's receivedAt).
 */
export class FormatRenderer {
  private readonly topics = new TopicCache();
  private second = NaN;
  private calendar: Calendar | undefined;
  private readonly timeText = new Map<string, Buffer>();
  private nanoseconds = 0;

  constructor(
    private readonly compiled: CompiledFormat,
    private readonly options: RenderOptions,
  ) {}

  private setTime(epochMs: number): void {
    const { seconds, nanoseconds } = splitTime(epochMs);
    this.nanoseconds = nanoseconds;
    if (seconds !== this.second) {
      this.second = seconds;
      this.calendar = calendarAt(seconds, this.options.timeZone);
      this.timeText.clear();
    }
  }

  /** Text that depends only on the second: @ conversions ('@' + char), %I ('I'), %U and tst parts. */
  private perSecond(key: string): Buffer {
    let bytes = this.timeText.get(key);
    if (bytes === undefined) {
      const calendar = this.calendar!;
      let text: string;
      if (key === 'I') text = isoSeconds(calendar);
      else if (key === 'U') text = `${calendar.seconds}.`;
      else if (key === 'tst') text = isoMicrosPrefix(calendar);
      else if (key === 'z') text = formatOffset(calendar.offsetMinutes);
      else text = strftimeConversion(key.slice(1), calendar);
      bytes = Buffer.from(text, 'utf8');
      this.timeText.set(key, bytes);
    }
    return bytes;
  }

  /** `nanoseconds` as `digits` zero-padded decimal digits of its leading part (9: ns, 6: µs). */
  private writeFraction(out: ByteWriter, digits: number): void {
    let value = digits === 9 ? this.nanoseconds : Math.floor(this.nanoseconds / 1000);
    const at = out.length;
    out.repeat(0x30, digits);
    const buffer = out.view();
    for (let i = at + digits - 1; i >= at && value > 0; i--) {
      buffer[i] = 0x30 + (value % 10);
      value = Math.floor(value / 10);
    }
  }

  /** The JSON `tst`: 2.1's `YYYY-MM-DDTHH:MM:SS.uuuuuu±hhmm`. */
  private tst(): Buffer {
    const prefix = this.perSecond('tst');
    const offset = this.perSecond('z');
    const w = new ByteWriter(prefix.length + 6 + offset.length);
    w.bytes(prefix);
    this.writeFraction(w, 6);
    w.bytes(offset);
    return w.take();
  }

  /** Render one message into `out` (without the trailing newline). */
  render(out: ByteWriter, message: ReceivedMessage): void {
    const { compiled, options } = this;
    if (compiled.usesTime) this.setTime(message.receivedAt);
    const properties = message.properties;
    const fields = compiled.fields;
    for (let index = 0; index < fields.length; index++) {
      const f = fields[index]!;
      if (f.kind === 0) {
        out.bytes(f.literal);
        continue;
      }
      if (f.kind === 2) {
        if (f.conversion === 'N') this.writeFraction(out, 9);
        else out.bytes(this.perSecond('@' + f.conversion));
        continue;
      }
      switch (f.conversion) {
        case 't':
          writeString(out, cString(this.topics.get(message.topic)), f);
          break;
        case 'p':
          writePayload(out, message.payload, undefined, f);
          break;
        case 'x':
          writePayload(out, message.payload, HEX_LOWER, f);
          break;
        case 'X':
          writePayload(out, message.payload, HEX_UPPER, f);
          break;
        case 'l':
          writeInt(out, message.payload.length, f);
          break;
        case 'm':
          writeInt(out, message.mid, f);
          break;
        case 'q':
          out.byte(0x30 + message.qos);
          break;
        case 'r':
          out.byte(message.retain ? 0x31 : 0x30);
          break;
        case 'I':
          writeString(out, this.perSecond('I'), f);
          break;
        case 'U':
          out.bytes(this.perSecond('U'));
          this.writeFraction(out, 9);
          break;
        case 'j':
        case 'J': {
          const json = messageJson(message, this.tst(), this.topics.get(message.topic), f.conversion === 'J');
          if (json === undefined) options.onError(`Message payload is not valid JSON on topic ${message.topic}.`);
          else writeCJson(out, json, options.pretty);
          break;
        }
        case 'A': {
          const value = numberProperty(properties, 'topicAlias');
          if (value === undefined) writeBlank(out, f);
          else writeInt(out, value, f);
          break;
        }
        case 'E': {
          const value = numberProperty(properties, 'messageExpiryInterval');
          // mosquitto passes the uint32 through an int: 4294967295 prints -1
          if (value === undefined) writeBlank(out, f);
          else writeInt(out, value | 0, f);
          break;
        }
        case 'F': {
          const value = numberProperty(properties, 'payloadFormatIndicator');
          if (value === undefined) writeBlank(out, f);
          else writeInt(out, value, f);
          break;
        }
        case 'S': {
          const value = subscriptionIdentifiers(properties)[0];
          if (value === undefined) writeBlank(out, f);
          else writeInt(out, value | 0, f);
          break;
        }
        case 'C': {
          const value = stringProperty(properties, 'contentType');
          if (value === undefined) writeBlank(out, f);
          else writeString(out, cString(Buffer.from(value, 'utf8')), f);
          break;
        }
        case 'R': {
          const value = stringProperty(properties, 'responseTopic');
          if (value !== undefined) writeString(out, cString(Buffer.from(value, 'utf8')), f);
          break;
        }
        case 'D': {
          const value = bytesProperty(properties, 'correlationData');
          if (value !== undefined) out.bytes(value);
          break;
        }
        case 'P': {
          const pairs = userPropertyPairs(properties);
          for (let i = 0; i < pairs.length; i++) {
            if (i > 0) out.byte(0x20);
            out.utf8(pairs[i]![0]);
            out.byte(0x3a);
            out.utf8(pairs[i]![1]);
          }
          break;
        }
        case 'f':
        case 'd':
          writeFloat(out, message, f, options.onError);
          break;
      }
    }
  }
}
