/**
 * Every source record the resolver knows, numbered from 0 in the order first seen, its rid kept
 * once: the record table (`pipeline/record-table.ts`) and the resolution index's mention keys
 * (`mention-keys.ts`) both use these numbers, so a record's rid is one string and one map entry
 * in the process whatever holds facts about it. A number is never given back (a resolver forgets
 * no record).
 */
import { flatString } from './flat-string.ts';

export class RecordIds {
  private readonly numbers = new Map<string, number>();
  private readonly rids: string[] = [];

  get size(): number {
    return this.rids.length;
  }

  /** The record's number, given to it now when it has none. */
  numberOf(rid: string): number {
    let n = this.numbers.get(rid);
    if (n === undefined) {
      n = this.rids.length;
      const kept = flatString(rid);
      this.rids.push(kept);
      this.numbers.set(kept, n);
    }
    return n;
  }

  /** The record's number (undefined when it has none: nothing is numbered by looking). */
  find(rid: string): number | undefined {
    return this.numbers.get(rid);
  }

  /** The rid of a number `numberOf` gave. */
  rid(n: number): string {
    return this.rids[n]!;
  }
}
