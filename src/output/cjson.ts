/**
 * The JSON that mosquitto_sub's %j/%J print is built and printed by cJSON (1.7.15 on Debian),
 * so this is a byte-level model of cJSON's parser and printers, not JSON.parse/JSON.stringify:
 * strings are bytes (invalid UTF-8 passes through raw, a decoded NUL ends a string), numbers are
 * re-printed the cJSON way, duplicate keys are kept, and any byte <= 0x20 counts as whitespace.
 */
import { ByteWriter } from './bytes.js';
import { cjsonNumber } from './number.js';

export type CJsonValue =
  | { type: 'null' }
  | { type: 'bool'; value: boolean }
  | { type: 'number'; value: number }
  | { type: 'string'; value: Uint8Array }
  | { type: 'array'; items: CJsonValue[] }
  | { type: 'object'; members: Array<[key: Uint8Array, value: CJsonValue]> };

const NESTING_LIMIT = 1000;

export const NULL_VALUE: CJsonValue = { type: 'null' };

/** cJSON_CreateString on C bytes: the string ends at the first NUL. */
export function cString(bytes: Uint8Array): Uint8Array {
  const nul = bytes.indexOf(0);
  return nul < 0 ? bytes : bytes.subarray(0, nul);
}

export function stringValue(text: string | Uint8Array): CJsonValue {
  return { type: 'string', value: cString(typeof text === 'string' ? Buffer.from(text, 'utf8') : text) };
}

class Parser {
  offset = 0;
  depth = 0;
  constructor(private readonly input: Uint8Array) {}

  skipWhitespace(): void {
    const input = this.input;
    while (this.offset < input.length && input[this.offset]! <= 32) this.offset++;
  }

  value(): CJsonValue | undefined {
    const input = this.input;
    const c = input[this.offset];
    if (c === undefined) return undefined;
    if (c === 0x6e && this.literal('null')) return NULL_VALUE;
    if (c === 0x66 && this.literal('false')) return { type: 'bool', value: false };
    if (c === 0x74 && this.literal('true')) return { type: 'bool', value: true };
    if (c === 0x22) {
      const value = this.string();
      return value === undefined ? undefined : { type: 'string', value };
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (c === 0x5b) return this.array();
    if (c === 0x7b) return this.object();
    return undefined;
  }

  literal(word: string): boolean {
    if (this.offset + word.length > this.input.length) return false;
    for (let i = 0; i < word.length; i++) {
      if (this.input[this.offset + i] !== word.charCodeAt(i)) return false;
    }
    this.offset += word.length;
    return true;
  }

  /** cJSON copies the run of [0-9+-eE.] and lets strtod take the longest valid prefix. */
  number(): CJsonValue | undefined {
    const input = this.input;
    let end = this.offset;
    while (end < input.length && isNumberChar(input[end]!)) end++;
    const run = Buffer.from(input.buffer, input.byteOffset + this.offset, end - this.offset).toString('latin1');
    const used = strtodPrefix(run);
    if (used === 0) return undefined;
    this.offset += used;
    return { type: 'number', value: Number(run.slice(0, used)) };
  }

  string(): Uint8Array | undefined {
    const input = this.input;
    let end = this.offset + 1;
    // find the closing quote, skipping escaped characters
    while (end < input.length && input[end] !== 0x22) {
      if (input[end] === 0x5c) {
        if (end + 1 >= input.length) return undefined;
        end++;
      }
      end++;
    }
    if (end >= input.length) return undefined;
    const out = new ByteWriter(end - this.offset);
    let i = this.offset + 1;
    while (i < end) {
      const c = input[i]!;
      if (c !== 0x5c) {
        out.byte(c);
        i++;
        continue;
      }
      const e = input[i + 1];
      switch (e) {
        case 0x62: out.byte(0x08); break;
        case 0x66: out.byte(0x0c); break;
        case 0x6e: out.byte(0x0a); break;
        case 0x72: out.byte(0x0d); break;
        case 0x74: out.byte(0x09); break;
        case 0x22: case 0x5c: case 0x2f: out.byte(e); break;
        case 0x75: {
          const used = utf16Literal(input, i, end, out);
          if (used === 0) return undefined;
          i += used;
          continue;
        }
        default:
          return undefined;
      }
      i += 2;
    }
    this.offset = end + 1;
    return cString(out.take());
  }

  array(): CJsonValue | undefined {
    if (this.depth >= NESTING_LIMIT) return undefined;
    this.depth++;
    const items: CJsonValue[] = [];
    this.offset++;
    this.skipWhitespace();
    if (this.input[this.offset] === 0x5d) {
      this.offset++;
      this.depth--;
      return { type: 'array', items };
    }
    for (;;) {
      this.skipWhitespace();
      const item = this.value();
      if (item === undefined) return undefined;
      items.push(item);
      this.skipWhitespace();
      const c = this.input[this.offset];
      if (c === 0x2c) {
        this.offset++;
        continue;
      }
      if (c !== 0x5d) return undefined;
      this.offset++;
      this.depth--;
      return { type: 'array', items };
    }
  }

  object(): CJsonValue | undefined {
    if (this.depth >= NESTING_LIMIT) return undefined;
    this.depth++;
    const members: Array<[Uint8Array, CJsonValue]> = [];
    this.offset++;
    this.skipWhitespace();
    if (this.input[this.offset] === 0x7d) {
      this.offset++;
      this.depth--;
      return { type: 'object', members };
    }
    for (;;) {
      this.skipWhitespace();
      if (this.input[this.offset] !== 0x22) return undefined;
      const key = this.string();
      if (key === undefined) return undefined;
      this.skipWhitespace();
      if (this.input[this.offset] !== 0x3a) return undefined;
      this.offset++;
      this.skipWhitespace();
      const value = this.value();
      if (value === undefined) return undefined;
      members.push([key, value]);
      this.skipWhitespace();
      const c = this.input[this.offset];
      if (c === 0x2c) {
        this.offset++;
        continue;
      }
      if (c !== 0x7d) return undefined;
      this.offset++;
      this.depth--;
      return { type: 'object', members };
    }
  }
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x65 || c === 0x45 || c === 0x2e;
}

function isDigit(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** How many leading chars of `text` strtod would consume as a decimal number (0: none). */
function strtodPrefix(text: string): number {
  let i = 0;
  if (text[i] === '+' || text[i] === '-') i++;
  let digits = 0;
  while (isDigit(text, i)) { i++; digits++; }
  if (text[i] === '.') {
    i++;
    while (isDigit(text, i)) { i++; digits++; }
  }
  if (digits === 0) return 0;
  if (text[i] === 'e' || text[i] === 'E') {
    let j = i + 1;
    if (text[j] === '+' || text[j] === '-') j++;
    if (isDigit(text, j)) {
      while (isDigit(text, j)) j++;
      i = j;
    }
  }
  return i;
}

/** cJSON's parse_hex4: any non-hex digit makes the whole value 0. */
function hex4(input: Uint8Array, at: number): number {
  let h = 0;
  for (let i = 0; i < 4; i++) {
    const c = input[at + i]!;
    let v: number;
    if (c >= 0x30 && c <= 0x39) v = c - 0x30;
    else if (c >= 0x41 && c <= 0x46) v = c - 0x41 + 10;
    else if (c >= 0x61 && c <= 0x66) v = c - 0x61 + 10;
    else return 0;
    h = (h << 4) | v;
  }
  return h;
}

/** cJSON's utf16_literal_to_utf8: returns the escape's length, or 0 when invalid. */
function utf16Literal(input: Uint8Array, at: number, end: number, out: ByteWriter): number {
  if (end - at < 6) return 0;
  const first = hex4(input, at + 2);
  if (first >= 0xdc00 && first <= 0xdfff) return 0;
  let codepoint: number;
  let length: number;
  if (first >= 0xd800 && first <= 0xdbff) {
    const second = at + 6;
    if (end - second < 6) return 0;
    if (input[second] !== 0x5c || input[second + 1] !== 0x75) return 0;
    const low = hex4(input, second + 2);
    if (low < 0xdc00 || low > 0xdfff) return 0;
    codepoint = 0x10000 + (((first & 0x3ff) << 10) | (low & 0x3ff));
    length = 12;
  } else {
    codepoint = first;
    length = 6;
  }
  if (codepoint < 0x80) {
    out.byte(codepoint);
  } else if (codepoint < 0x800) {
    out.byte(0xc0 | (codepoint >> 6));
    out.byte(0x80 | (codepoint & 0x3f));
  } else if (codepoint < 0x10000) {
    out.byte(0xe0 | (codepoint >> 12));
    out.byte(0x80 | ((codepoint >> 6) & 0x3f));
    out.byte(0x80 | (codepoint & 0x3f));
  } else {
    out.byte(0xf0 | (codepoint >> 18));
    out.byte(0x80 | ((codepoint >> 12) & 0x3f));
    out.byte(0x80 | ((codepoint >> 6) & 0x3f));
    out.byte(0x80 | (codepoint & 0x3f));
  }
  return length;
}

/**
 * cJSON_ParseWithOpts(payload, &end, require_null_terminated) as mosquitto_sub calls it:
 * the payload is a C string (a NUL anywhere makes it invalid), a UTF-8 BOM is skipped, and only
 * whitespace (any byte <= 0x20) may follow the value. Undefined when it is not valid.
 */
export function parseCJson(payload: Uint8Array): CJsonValue | undefined {
  if (payload.indexOf(0) >= 0) return undefined;
  const parser = new Parser(payload);
  // skip_utf8_bom only looks when at least 4 bytes are there
  if (payload.length >= 4 && payload[0] === 0xef && payload[1] === 0xbb && payload[2] === 0xbf) parser.offset = 3;
  parser.skipWhitespace();
  const value = parser.value();
  if (value === undefined) return undefined;
  parser.skipWhitespace();
  return parser.offset === payload.length ? value : undefined;
}

/** cJSON's print_string_ptr: `\"` `\\` `\b` `\f` `\n` `\r` `\t`, other bytes < 0x20 as \u00xx, the rest raw. */
export function writeCJsonString(out: ByteWriter, bytes: Uint8Array): void {
  out.byte(0x22);
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    out.bytes(bytes, start, i);
    start = i + 1;
    switch (c) {
      case 0x22: out.ascii('\\"'); break;
      case 0x5c: out.ascii('\\\\'); break;
      case 0x08: out.ascii('\\b'); break;
      case 0x0c: out.ascii('\\f'); break;
      case 0x0a: out.ascii('\\n'); break;
      case 0x0d: out.ascii('\\r'); break;
      case 0x09: out.ascii('\\t'); break;
      default: out.ascii(c < 0x10 ? '\\u000' + c.toString(16) : '\\u00' + c.toString(16));
    }
  }
  out.bytes(bytes, start, bytes.length);
  out.byte(0x22);
}

/**
 * cJSON_PrintUnformatted (pretty=false) or cJSON_Print (pretty=true): tab indentation,
 * `"key":<TAB>value`, arrays inline with ", ", an empty object as "{\n<indent>}".
 * `depth` is the nesting of the container that holds `value` (0 for the root).
 */
export function writeCJson(out: ByteWriter, value: CJsonValue, pretty: boolean, depth = 0): void {
  switch (value.type) {
    case 'null': out.ascii('null'); return;
    case 'bool': out.ascii(value.value ? 'true' : 'false'); return;
    case 'number': out.ascii(cjsonNumber(value.value)); return;
    case 'string': writeCJsonString(out, value.value); return;
    case 'array': {
      out.byte(0x5b);
      const items = value.items;
      for (let i = 0; i < items.length; i++) {
        writeCJson(out, items[i]!, pretty, depth + 1);
        if (i < items.length - 1) out.ascii(pretty ? ', ' : ',');
      }
      out.byte(0x5d);
      return;
    }
    case 'object': {
      const inner = depth + 1;
      out.byte(0x7b);
      if (pretty) out.byte(0x0a);
      const members = value.members;
      for (let i = 0; i < members.length; i++) {
        const [key, member] = members[i]!;
        if (pretty) out.repeat(0x09, inner);
        writeCJsonString(out, key);
        out.byte(0x3a);
        if (pretty) out.byte(0x09);
        writeCJson(out, member, pretty, inner);
        if (i < members.length - 1) out.byte(0x2c);
        if (pretty) out.byte(0x0a);
      }
      if (pretty) out.repeat(0x09, inner - 1);
      out.byte(0x7d);
      return;
    }
  }
}
