/** `pub -s`: the whole of the input is one message. */

/** The input holds more than the limit; reading stopped there. */
export class InputTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the input is larger than ${limit} bytes`);
  }
}

/**
 * Read everything, binary-safe. Stops (and releases the input) as soon as more than `maxBytes`
 * arrived, so an endless stream cannot fill the memory.
 */
export async function readAll(input: AsyncIterable<Buffer | string>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const iterator = input[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    total += chunk.length;
    if (total > maxBytes) {
      iterator.return?.()?.then(undefined, () => {});
      throw new InputTooLargeError(maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}
