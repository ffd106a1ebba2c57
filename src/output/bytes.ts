/**
 * A growable byte buffer: formatters append text and bytes, then take one Buffer.
 * Tuned for many small writes (node's Buffer.write and subarray cost ~150-250 ns each, a short
 * charCode loop a few ns per character).
 */
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
    if (this.length === this.buffer.length) this.ensure(1);
    this.buffer[this.length++] = value;
  }

  repeat(value: number, count: number): void {
    if (count <= 0) return;
    this.ensure(count);
    this.buffer.fill(value, this.length, this.length + count);
    this.length += count;
  }

  /** Text made only of characters below U+0100 written one byte each (numbers, JSON punctuation). */
  ascii(text: string): void {
    const n = text.length;
    this.ensure(n);
    if (n > 64) {
      this.length += this.buffer.write(text, this.length, 'latin1');
      return;
    }
    const buffer = this.buffer;
    let at = this.length;
    for (let i = 0; i < n; i++) buffer[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** Any text, as UTF-8. */
  utf8(text: string): void {
    const n = text.length;
    this.ensure(n * 3);
    if (n <= 64) {
      const buffer = this.buffer;
      let at = this.length;
      let i = 0;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x80) break;
        buffer[at++] = c;
      }
      this.length = at;
      if (i === n) return;
      text = text.slice(i);
    }
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  bytes(source: Uint8Array, start = 0, end = source.length): void {
    const count = end - start;
    if (count <= 0) return;
    this.ensure(count);
    if (count <= 16) {
      const buffer = this.buffer;
      let at = this.length;
      for (let i = start; i < end; i++) buffer[at++] = source[i]!;
    } else if (start === 0 && end === source.length) {
      this.buffer.set(source, this.length);
    } else {
      Buffer.prototype.copy.call(source, this.buffer, this.length, start, end);
    }
    this.length += count;
  }

  /** A copy of what was written; the writer is then empty and reused. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    this.buffer.copy(out, 0, 0, this.length);
    this.length = 0;
    return out;
  }

  reset(): void {
    this.length = 0;
  }

  /** The underlying storage, valid until the next write (for patching bytes already written). */
  view(): Buffer {
    return this.buffer;
  }
}

/**
 * Topic strings as UTF-8 Buffers, remembered: subscriptions see the same few topics again and
 * again, and a Map lookup is ~10x cheaper than encoding. Bounded so unique topics cannot grow it.
 */
export class TopicCache {
  private readonly map = new Map<string, Buffer>();
  constructor(private readonly limit = 1024) {}

  get(topic: string): Buffer {
    let bytes = this.map.get(topic);
    if (bytes === undefined) {
      if (this.map.size >= this.limit) this.map.clear();
      bytes = Buffer.from(topic, 'utf8');
      this.map.set(topic, bytes);
    }
    return bytes;
  }
}
