import { MqError } from '../errors.js';
import { MAX_PASSWORD_BYTES } from './hash.js';

/**
 * Read up to `count` lines from a non-terminal stdin, as bytes, with trailing CR/LF stripped (as
 * mosquitto_passwd's fgets loop does). Stops reading as soon as it has them; a last line without
 * newline counts. Fewer lines are returned when the input ends early. A line longer than any valid
 * password is refused without buffering the rest.
 */
export async function readSecretLines(stream: NodeJS.ReadableStream, count: number): Promise<Buffer[]> {
  const lines: Buffer[] = [];
  let pending = Buffer.alloc(0);
  const strip = (line: Buffer) => {
    let end = line.length;
    while (end > 0 && (line[end - 1] === 0x0a || line[end - 1] === 0x0d)) end--;
    return line.subarray(0, end);
  };
  return new Promise<Buffer[]>((resolve, reject) => {
    const finish = (error?: Error) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.pause();
      if (error) reject(error);
      else resolve(lines);
    };
    const onData = (chunk: Buffer | string) => {
      pending = Buffer.concat([pending, typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk]);
      let newline: number;
      while (lines.length < count && (newline = pending.indexOf(0x0a)) !== -1) {
        lines.push(strip(pending.subarray(0, newline + 1)));
        pending = pending.subarray(newline + 1);
      }
      if (lines.length >= count) return finish();
      // Room for the longest valid password plus CR LF; anything longer can only be refused.
      if (pending.length > MAX_PASSWORD_BYTES + 2) finish(new MqError('Password must be less than 65536 characters long.'));
    };
    const onEnd = () => {
      if (pending.length > 0 && lines.length < count) lines.push(strip(pending));
      finish();
    };
    const onError = (error: Error) => finish(new MqError(`Unable to read the password from standard input: ${error.message}`, { cause: error }));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.resume();
  });
}
