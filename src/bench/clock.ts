import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Nanoseconds on the system's monotonic clock (CLOCK_MONOTONIC on Linux). Unlike
 * performance.now(), whose origin is per thread, it is one clock for every worker thread and
 * every process on this host, so a subscriber can subtract a publisher's timestamp.
 */
export const nowNs: () => bigint = process.hrtime.bigint;

/**
 * A 32-bit tag for this host's monotonic clock (host name and, on Linux, the boot id): a
 * timestamp from another host, or from before a reboot, is not comparable and gives no latency.
 */
export function clockDomain(): number {
  let boot = '';
  try {
    boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    // Not Linux: the host name alone.
  }
  return createHash('sha256').update(`${hostname()}\n${boot}`).digest().readUInt32BE(0);
}
