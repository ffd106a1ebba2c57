/** A growable byte buffer: formatters append text and bytes, then take one Buffer. */
export class ByteWriter {
  private buffer: Buffer;
  length = 0;

  constructor(initialSize = 256) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  byte(value: number): void {
    this.ensure(1);
    this.buffer[this.length++] = value;
  }

  repeat(value: number, count: number): void {
    if (count <= 0) return;
    this.ensure(count);
    this.buffer.fill(value, this.length, this.length + count);
    this.length += count;
  }

  /** Text made only of ASCII characters (numbers, JSON punctuation). */
  ascii(text: string): void {
    this.ensure(text.length);
    this.length += this.buffer.write(text, this.length, 'latin1');
  }

  /** Any text, as UTF-8. */
  utf8(text: string): void {
    this.ensure(text.length * 3);
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  bytes(source: Uint8Array, start = 0, end = source.length): void {
    if (end <= start) return;
    this.ensure(end - start);
    this.buffer.set(source.subarray(start, end), this.length);
    this.length += end - start;
  }

  /** A copy of what was written; the writer can be reset and reused. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    this.buffer.copy(out, 0, 0, this.length);
    this.length = 0;
    return out;
  }

  reset(): void {
    this.length = 0;
  }
}
