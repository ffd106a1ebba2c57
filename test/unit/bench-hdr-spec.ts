/**
 * An HdrHistogram reader written from the published V2 format, sharing no code with
 * hdr-histogram-js (nor pako: node:zlib inflates), so the tests check mq's histograms against the
 * format itself, not against the library that wrote them. Not a test file: the bench tests import it.
 *
 *   compressed:  int32 cookie 0x1c849304 | 0x10 (word-size nibble), int32 length, zlib bytes
 *   encoding:    int32 cookie 0x1c849303 | 0x10, int32 payload length, int32 normalizing index
 *                offset, int32 significant digits, int64 lowest discernible value, int64 highest
 *                trackable value, float64 integer-to-double conversion ratio, then the counts:
 *                ZigZag LEB128 (at most 9 bytes), a negative value -n standing for n zero counts
 *   index -> value: bucket/sub-bucket layout from the significant digits and the lowest value
 */
import { inflateSync } from 'node:zlib';

export interface SpecHistogram {
  cookie: number;
  normalizingIndexOffset: number;
  significantDigits: number;
  lowest: number;
  highest: number;
  conversionRatio: number;
  /** Count per index. */
  counts: number[];
  total: number;
  /** index -> lowest value of its range, and the highest value equivalent to it. */
  valueAt(index: number): number;
  highestEquivalent(index: number): number;
}

function readVarint(buf: Buffer, at: { pos: number }): number {
  // LEB128, 7 bits a byte, the 9th byte whole; then ZigZag.
  let value = 0n;
  let shift = 0n;
  for (let i = 0; i < 9; i++) {
    const byte = buf[at.pos++]!;
    if (i === 8) {
      value |= BigInt(byte) << shift;
      break;
    }
    value |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if ((byte & 0x80) === 0) break;
  }
  const decoded = (value >> 1n) ^ -(value & 1n);
  return Number(decoded);
}

export function decodeSpec(base64: string): SpecHistogram {
  const outer = Buffer.from(base64, 'base64');
  const outerCookie = outer.readUInt32BE(0);
  if ((outerCookie & ~0xf0) >>> 0 !== 0x1c849304) throw new Error(`not a compressed V2 histogram (cookie 0x${outerCookie.toString(16)})`);
  const inner = inflateSync(outer.subarray(8, 8 + outer.readInt32BE(4)));
  const cookie = inner.readUInt32BE(0);
  if ((cookie & ~0xf0) >>> 0 !== 0x1c849303) throw new Error(`not a V2 encoding (cookie 0x${cookie.toString(16)})`);
  const payloadLength = inner.readInt32BE(4);
  const normalizingIndexOffset = inner.readInt32BE(8);
  const significantDigits = inner.readInt32BE(12);
  const lowest = Number(inner.readBigInt64BE(16));
  const highest = Number(inner.readBigInt64BE(24));
  const conversionRatio = inner.readDoubleBE(32);
  const counts: number[] = [];
  const at = { pos: 40 };
  while (at.pos < 40 + payloadLength) {
    const n = readVarint(inner, at);
    if (n < 0) for (let i = 0; i < -n; i++) counts.push(0);
    else counts.push(n);
  }
  const largestSingleUnit = 2 * 10 ** significantDigits;
  const subBucketCountMagnitude = Math.ceil(Math.log2(largestSingleUnit));
  const subBucketHalfCountMagnitude = subBucketCountMagnitude - 1;
  const subBucketHalfCount = 2 ** subBucketHalfCountMagnitude;
  const unitMagnitude = Math.floor(Math.log2(lowest));
  const bucketOf = (index: number) => {
    let bucket = Math.floor(index / subBucketHalfCount) - 1;
    let sub = (index % subBucketHalfCount) + subBucketHalfCount;
    if (bucket < 0) {
      sub -= subBucketHalfCount;
      bucket = 0;
    }
    return { bucket, sub };
  };
  const valueAt = (index: number) => {
    const { bucket, sub } = bucketOf(index);
    return sub * 2 ** (bucket + unitMagnitude);
  };
  return {
    cookie, normalizingIndexOffset, significantDigits, lowest, highest, conversionRatio, counts,
    total: counts.reduce((a, b) => a + b, 0),
    valueAt,
    highestEquivalent: (index: number) => valueAt(index) + 2 ** (bucketOf(index).bucket + unitMagnitude) - 1,
  };
}

/** Counts per index added up (histograms of one layout: 3 significant digits, lowest 1). */
export function addSpec(histograms: readonly SpecHistogram[]): SpecHistogram {
  const [first] = histograms;
  if (!first) throw new Error('nothing to add');
  const counts: number[] = [];
  for (const h of histograms) {
    if (h.significantDigits !== first.significantDigits || h.lowest !== first.lowest) throw new Error('different layouts');
    h.counts.forEach((c, i) => { counts[i] = (counts[i] ?? 0) + c; });
  }
  for (let i = 0; i < counts.length; i++) counts[i] ??= 0;
  return { ...first, counts, total: counts.reduce((a, b) => a + b, 0) };
}

function ulp(x: number): number {
  return x === 0 ? Number.MIN_VALUE : 2 ** (Math.floor(Math.log2(Math.abs(x))) - 52);
}

/**
 * The value at a percentile as HdrHistogram defines it: the highest value equivalent to the
 * first index at which the running count reaches ceil(p% of the total) (at least 1). In the
 * histogram's unit (microseconds for mq); null when empty.
 */
export function percentileSpec(h: SpecHistogram, percentile: number): number | null {
  if (h.total === 0) return null;
  const fp = (Math.min(percentile, 100) / 100) * h.total;
  const wanted = Math.max(Math.ceil(fp - ulp(fp)), 1);
  let running = 0;
  for (let i = 0; i < h.counts.length; i++) {
    running += h.counts[i]!;
    if (running >= wanted) return percentile === 0 ? h.valueAt(i) : h.highestEquivalent(i);
  }
  return null;
}
