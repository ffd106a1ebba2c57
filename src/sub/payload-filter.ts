import { UsageError } from '../errors.js';

/** True when a message's payload passes every --grep / --where condition. */
export type PayloadFilter = (payload: Buffer) => boolean;

export type WhereOperator = '==' | '!=' | '>' | '>=' | '<' | '<=' | '=~' | 'exists';

/** One parsed `--where` condition: a field of the JSON payload compared with a value. */
export interface WhereCondition {
  /** Path segments from the document root; empty = the whole payload. */
  path: string[];
  operator: WhereOperator;
  /** The value as JSON when it parses as a JSON primitive, otherwise the text itself. */
  value?: unknown;
  /** The value as typed, for "field is a string equal to it" (`id==42` matches "42" too). */
  text?: string;
  regex?: RegExp;
}

const OPERATORS: readonly WhereOperator[] = ['==', '!=', '>=', '<=', '=~', '>', '<'];

/**
 * `--where EXPR`: `PATH OP VALUE` or just `PATH` (the field exists).
 * PATH is a dotted path (`a.b[0].c`, `a.b.0.c`), a JSON pointer (`/a/b/0/c`) or empty for the whole payload
 * (`--where '>30'` for a payload of `31`). OP is ==, =, !=, >, >=, <, <= or =~ (regular expression).
 */
export function parseWhere(expression: string): WhereCondition {
  const bad = (why: string) => new UsageError(`Invalid --where '${expression}': ${why}. Use PATH OP VALUE, e.g. --where 'temp>30' or --where '/status==alarm'.`);
  const at = expression.search(/[=!<>]/);
  if (at === -1) {
    const path = parsePath(expression.trim(), bad);
    if (path.length === 0) throw bad('it names no field and no comparison');
    return { path, operator: 'exists' };
  }
  const rest = expression.slice(at);
  let operator = OPERATORS.find((op) => rest.startsWith(op));
  let valueStart = at + (operator?.length ?? 0);
  if (operator === undefined) {
    if (rest[0] !== '=') throw bad(`unknown operator at "${rest}"`);
    operator = '==';
    valueStart = at + 1;
  }
  const path = parsePath(expression.slice(0, at).trim(), bad);
  const text = expression.slice(valueStart).trim();
  if (operator === '=~') {
    return { path, operator, regex: compileRegex(text, (why) => bad(`the regular expression ${why}`)) };
  }
  const value = parseValue(text);
  if ((operator === '>' || operator === '>=' || operator === '<' || operator === '<=') && typeof value !== 'number' && typeof value !== 'string') {
    throw bad(`${operator} compares numbers or strings, not ${text === '' ? 'nothing' : text}`);
  }
  return { path, operator, value, text };
}

function parsePath(text: string, bad: (why: string) => UsageError): string[] {
  if (text === '' || text === '.' || text === '$') return [];
  if (text.startsWith('/')) {
    // JSON pointer (RFC 6901): ~1 is "/", ~0 is "~".
    return text.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  const segments: string[] = [];
  for (const part of text.replace(/^\$\.?/, '').split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match || (match[1] === '' && match[2] === '')) throw bad(`"${text}" is not a field path`);
    if (match[1] !== '') segments.push(match[1]!);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) segments.push(index[1]!);
  }
  return segments;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A --grep or =~ pattern; a leading (?i) makes it case-insensitive, as in grep -i. */
export function compileRegex(pattern: string, bad: (why: string) => UsageError): RegExp {
  const caseless = pattern.startsWith('(?i)');
  try {
    return new RegExp(caseless ? pattern.slice(4) : pattern, caseless ? 'i' : '');
  } catch (error) {
    throw bad(`"${pattern}" is not valid: ${(error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')}`);
  }
}

function lookup(document: unknown, path: readonly string[]): unknown {
  let node = document;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(key)) return undefined;
      node = node[Number(key)];
    } else {
      if (!Object.prototype.hasOwnProperty.call(node, key)) return undefined;
      node = (node as Record<string, unknown>)[key];
    }
  }
  return node;
}

/** Does the parsed JSON document satisfy the condition? */
export function evaluateWhere(condition: WhereCondition, document: unknown): boolean {
  const field = lookup(document, condition.path);
  switch (condition.operator) {
    case 'exists': return field !== undefined;
    case '==': return equals(field, condition);
    case '!=': return !equals(field, condition);
    case '=~': return (typeof field === 'string' || typeof field === 'number' || typeof field === 'boolean') && condition.regex!.test(String(field));
    default: return compare(field, condition);
  }
}

function equals(field: unknown, condition: WhereCondition): boolean {
  const { value, text } = condition;
  if (field === value) return true;
  if (typeof field === 'string') return field === text;
  if (field !== null && typeof field === 'object' && value !== null && typeof value === 'object') {
    return JSON.stringify(field) === JSON.stringify(value);
  }
  return false;
}

function compare(field: unknown, condition: WhereCondition): boolean {
  const value = condition.value as number | string;
  let left: number | string;
  let right: number | string;
  if (typeof value === 'number') {
    // A number compares with numbers and with numeric strings ("31.5").
    const n = typeof field === 'number' ? field : typeof field === 'string' && field.trim() !== '' ? Number(field) : NaN;
    if (Number.isNaN(n)) return false;
    left = n;
    right = value;
  } else {
    if (typeof field !== 'string') return false;
    left = field;
    right = value;
  }
  switch (condition.operator) {
    case '>': return left > right;
    case '>=': return left >= right;
    case '<': return left < right;
    default: return left <= right;
  }
}

/** One function for --grep and every --where (all must hold); undefined when there are none. */
export function compilePayloadFilter(options: { grep?: string; where?: string[] }): PayloadFilter | undefined {
  const grep = options.grep === undefined
    ? undefined
    : compileRegex(options.grep, (why) => new UsageError(`Invalid --grep regular expression: ${why}.`));
  const conditions = (options.where ?? []).map(parseWhere);
  if (!grep && conditions.length === 0) return undefined;
  return (payload) => {
    if (grep && !grep.test(payload.toString('utf8'))) return false;
    if (conditions.length === 0) return true;
    let document: unknown;
    try {
      document = JSON.parse(payload.toString('utf8'));
    } catch {
      return false; // not JSON: no field can match
    }
    for (const condition of conditions) if (!evaluateWhere(condition, document)) return false;
    return true;
  };
}
