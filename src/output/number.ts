/**
 * printf-exact number formatting: C's `%.Nf` and `%1.Ng` (glibc rounds the exact binary value
 * half-to-even; JS's toFixed/toPrecision round ties away and switch to exponents at 1e21),
 * and cJSON 1.7.15's number printer, which mosquitto_sub uses for %j/%J.
 */

const view = new DataView(new ArrayBuffer(8));
const MIN_NORMAL = 2.2250738585072014e-308;

/** The exact value of a finite double as digits / 10^scale (digits >= 0); the sign separately. */
function exactDecimal(value: number): { negative: boolean; digits: bigint; scale: number } {
  view.setFloat64(0, value);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const negative = hi >>> 31 === 1;
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074; // subnormal
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  if (mantissa === 0n) return { negative, digits: 0n, scale: 0 };
  if (exponent >= 0) return { negative, digits: mantissa << BigInt(exponent), scale: 0 };
  // m * 2^-k = m * 5^k / 10^k
  return { negative, digits: mantissa * 5n ** BigInt(-exponent), scale: -exponent };
}

/** digits / 10^drop rounded half-to-even. */
function roundHalfEven(digits: bigint, drop: number): bigint {
  if (drop <= 0) return digits * 10n ** BigInt(-drop);
  const divisor = 10n ** BigInt(drop);
  const quotient = digits / divisor;
  const twice = (digits % divisor) * 2n;
  if (twice > divisor || (twice === divisor && (quotient & 1n) === 1n)) return quotient + 1n;
  return quotient;
}

function isNegative(value: number): boolean {
  return value < 0 || Object.is(value, -0) || (Number.isNaN(value) && signBit(value));
}

function signBit(value: number): boolean {
  view.setFloat64(0, value);
  return view.getUint32(0) >>> 31 === 1;
}

/** glibc's text for inf and nan (the sign of a NaN is kept: "-nan"). */
function nonFinite(value: number): string {
  const body = Number.isNaN(value) ? 'nan' : 'inf';
  return isNegative(value) ? '-' + body : body;
}

/** C `printf("%.<precision>f", value)`; precision < 0 means the default 6. */
export function formatFixed(value: number, precision: number): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  const p = precision < 0 ? 6 : precision;
  const { negative, digits, scale } = exactDecimal(value);
  const rounded = roundHalfEven(digits, scale - p).toString();
  let text: string;
  if (p === 0) {
    text = rounded;
  } else {
    const padded = rounded.padStart(p + 1, '0');
    text = padded.slice(0, padded.length - p) + '.' + padded.slice(padded.length - p);
  }
  return negative ? '-' + text : text;
}

/**
 * C `printf("%<flags><width>.<precision>f")` for %f/%d in -F: `-` left-aligns, `0` zero-pads
 * after the sign (not for inf/nan, which glibc pads with spaces).
 */
export function formatFixedField(value: number, precision: number, width: number, align: boolean, zeroPad: boolean): string {
  const text = formatFixed(value, precision);
  if (text.length >= width) return text;
  if (align) return text.padEnd(width, ' ');
  if (zeroPad && Number.isFinite(value)) {
    const sign = text[0] === '-' ? '-' : '';
    return sign + text.slice(sign.length).padStart(width - sign.length, '0');
  }
  return text.padStart(width, ' ');
}

/** Lay out P significant digits (a string of exactly `significant` chars) the way %g does. */
function layoutG(negative: boolean, digits: string, exponent: number, significant: number): string {
  let text: string;
  if (exponent < -4 || exponent >= significant) {
    let mantissa = digits[0] + '.' + digits.slice(1);
    mantissa = stripZeros(mantissa);
    const e = Math.abs(exponent);
    text = mantissa + (exponent < 0 ? 'e-' : 'e+') + (e < 10 ? '0' + e : String(e));
  } else if (exponent >= 0) {
    text = stripZeros(digits.slice(0, exponent + 1) + '.' + digits.slice(exponent + 1));
  } else {
    text = stripZeros('0.' + '0'.repeat(-exponent - 1) + digits);
  }
  return negative ? '-' + text : text;
}

function stripZeros(text: string): string {
  if (!text.includes('.')) return text;
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48) end--;
  if (text.charCodeAt(end - 1) === 46) end--;
  return text.slice(0, end);
}

/** C `printf("%1.<significant>g", value)`. */
export function formatGeneral(value: number, significant: number): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  const p = significant === 0 ? 1 : significant;
  const { negative, digits, scale } = exactDecimal(value);
  if (digits === 0n) return negative ? '-0' : '0';
  const all = digits.toString();
  let exponent = all.length - 1 - scale;
  let rounded = roundHalfEven(digits, all.length - p).toString();
  if (rounded.length > p) {
    // 9.99.. carried into a new digit: 10^p, one more power of ten
    rounded = rounded.slice(0, p);
    exponent++;
  }
  return layoutG(negative, rounded, exponent, p);
}

/** Significant digits of a plain decimal text like "-0.00125" or "20.5". */
function significantDigits(text: string): number {
  let count = 0;
  let leading = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    if (leading && c === 48) continue;
    leading = false;
    count++;
  }
  return count;
}

/** Significant digits and decimal exponent of JS's shortest round-trip text for |value|. */
function shortest(value: number): { digits: string; exponent: number } {
  const text = String(Math.abs(value));
  let mantissa = text;
  let exp = 0;
  const e = text.indexOf('e');
  if (e >= 0) {
    mantissa = text.slice(0, e);
    exp = Number(text.slice(e + 1));
  }
  const dot = mantissa.indexOf('.');
  const intPart = dot >= 0 ? mantissa.slice(0, dot) : mantissa;
  const fracPart = dot >= 0 ? mantissa.slice(dot + 1) : '';
  let digits = intPart + fracPart;
  let pointAt = intPart.length + exp; // digits before the decimal point
  let lead = 0;
  while (lead < digits.length - 1 && digits.charCodeAt(lead) === 48) lead++;
  digits = digits.slice(lead);
  pointAt -= lead;
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.slice(0, end);
  return { digits, exponent: pointAt - 1 };
}

/**
 * cJSON 1.7.15 print_number: null for inf/nan; else `%1.15g` if it reads back within
 * DBL_EPSILON (relative), else `%1.17g`. (Debian's 2.0.11 links 1.7.15: `-0.0` prints `-0`,
 * `1e15` prints `1e+15`.)
 */
export function cjsonNumber(value: number): string {
  if (!Number.isFinite(value)) return 'null';
  const abs = Math.abs(value);
  if (Number.isInteger(value) && abs < 1e15) {
    return Object.is(value, -0) ? '-0' : String(value);
  }
  // In [1e-4, 1e15) both JS and %g print plain decimals; with at most 15 significant digits
  // JS's shortest text is then exactly %1.15g's.
  if (abs >= 1e-4 && abs < 1e15) {
    const text = String(value);
    if (significantDigits(text) <= 15) return text;
  }
  // JS's shortest text round-trips; for a normal double with at most 15 digits it is exactly
  // what %1.15g prints (half an ulp is below half a unit of the 15th digit; not so for subnormals).
  const short = shortest(value);
  if (short.digits.length <= 15 && Math.abs(value) >= MIN_NORMAL) {
    return layoutG(value < 0, short.digits.padEnd(15, '0'), short.exponent, 15);
  }
  const text = formatGeneral(value, 15);
  const back = Number(text);
  const max = Math.max(Math.abs(back), Math.abs(value));
  if (Math.abs(back - value) <= max * Number.EPSILON) return text;
  return formatGeneral(value, 17);
}
