/**
 * Loss, duplicates and reordering of one publisher's messages as one subscriber sees them, from
 * the sequence numbers in the payload header. Pure.
 *
 * A jump forward marks the skipped numbers missing (lost, for now); a number that later fills a
 * hole is out of order and no longer lost; a number seen before is a duplicate. A subscriber that
 * joins late sees its first number above 0: the numbers before it count as lost, so the gap shows.
 */

/** Holes kept per publisher; past this the oldest hole is forgotten (stays lost; a late fill then counts as a duplicate). */
export const MAX_HOLES = 10_000;

export interface SequenceCounts {
  /** Distinct messages received. */
  received: number;
  duplicates: number;
  outOfOrder: number;
  /** Sequence numbers below the highest seen that have not arrived. */
  lost: number;
}

export type Arrival = 'in-order' | 'out-of-order' | 'duplicate';

export class SequenceTracker {
  /** Highest sequence number seen + 1. */
  private expected = 0;
  /** Missing ranges [start, end), ascending and disjoint. */
  private readonly holes: [number, number][] = [];
  readonly counts: SequenceCounts = { received: 0, duplicates: 0, outOfOrder: 0, lost: 0 };

  /** The number of distinct messages expected so far: the highest sequence number seen + 1. */
  get highest(): number {
    return this.expected;
  }

  record(sequence: number): Arrival {
    if (sequence >= this.expected) {
      if (sequence > this.expected) {
        this.holes.push([this.expected, sequence]);
        this.counts.lost += sequence - this.expected;
        if (this.holes.length > MAX_HOLES) this.holes.shift();
      }
      this.expected = sequence + 1;
      this.counts.received++;
      return 'in-order';
    }
    // Late arrivals are usually recent: search the holes from the newest.
    for (let i = this.holes.length - 1; i >= 0; i--) {
      const hole = this.holes[i]!;
      if (sequence >= hole[1]) break;
      if (sequence < hole[0]) continue;
      if (hole[1] - hole[0] === 1) this.holes.splice(i, 1);
      else if (sequence === hole[0]) hole[0]++;
      else if (sequence === hole[1] - 1) hole[1]--;
      else {
        this.holes.splice(i + 1, 0, [sequence + 1, hole[1]]);
        hole[1] = sequence;
      }
      this.counts.lost--;
      this.counts.outOfOrder++;
      this.counts.received++;
      return 'out-of-order';
    }
    this.counts.duplicates++;
    return 'duplicate';
  }
}
