/**
 * The header at the start of every bench payload, so the receiving side can compute end-to-end
 * latency from the *intended* send time (no coordinated omission) and detect loss, duplicates and
 * reordering per publisher. Big-endian, 32 bytes:
 *
 *   0  "mqb" + version (1)        4 bytes
 *   4  run id                     uint32  (random per `mq bench` run: a rerun restarts its sequences)
 *   8  clock domain               uint32  (which host's monotonic clock the timestamp is on)
 *  12  publisher id               uint32  (--id-offset + client index)
 *  16  sequence number            uint64  (0, 1, 2, ... per publisher)
 *  24  intended send time, ns     uint64  (monotonic clock, see clock.ts)
 *
 * The rest of the payload is filler up to -s bytes.
 */
export const HEADER_SIZE = 32;
const MAGIC = 0x6d716201; // "mqb" + version 1

export interface PayloadHeader {
  runId: number;
  clockDomain: number;
  publisherId: number;
  sequence: number;
  /** Intended send time in ns on the monotonic clock, as its high and low 32 bits (no BigInt per message). */
  intendedHi: number;
  intendedLo: number;
}

/** Write the header into the first HEADER_SIZE bytes of `payload` (which must be at least that long). */
export function writeHeader(payload: Buffer, header: PayloadHeader): void {
  payload.writeUInt32BE(MAGIC, 0);
  payload.writeUInt32BE(header.runId >>> 0, 4);
  payload.writeUInt32BE(header.clockDomain >>> 0, 8);
  payload.writeUInt32BE(header.publisherId >>> 0, 12);
  // Two 32-bit halves: sequence numbers stay well below 2^53, and this avoids a BigInt per message.
  payload.writeUInt32BE(Math.floor(header.sequence / 0x1_0000_0000), 16);
  payload.writeUInt32BE(header.sequence % 0x1_0000_0000, 20);
  payload.writeUInt32BE(header.intendedHi >>> 0, 24);
  payload.writeUInt32BE(header.intendedLo >>> 0, 28);
}

/** The header of a received payload, or undefined when it is not a bench payload. */
export function readHeader(payload: Buffer): PayloadHeader | undefined {
  if (payload.length < HEADER_SIZE || payload.readUInt32BE(0) !== MAGIC) return undefined;
  return {
    runId: payload.readUInt32BE(4),
    clockDomain: payload.readUInt32BE(8),
    publisherId: payload.readUInt32BE(12),
    sequence: payload.readUInt32BE(16) * 0x1_0000_0000 + payload.readUInt32BE(20),
    intendedHi: payload.readUInt32BE(24),
    intendedLo: payload.readUInt32BE(28),
  };
}

/** A payload of `size` bytes: header space, then a filler that compresses poorly but is cheap to make. */
export function makePayload(size: number): Buffer {
  const payload = Buffer.alloc(size);
  for (let i = HEADER_SIZE; i < size; i++) payload[i] = 0x21 + ((i * 31) % 94);
  return payload;
}
