/**
 * The one memo of the standardizers (names, birth dates, resident ids, addresses, phones, whole
 * non-person roles): results per distinct input, bounded so that a long load does not keep every
 * distinct value it ever saw. Two generations: new entries go to the young map; when it holds
 * half the limit it becomes the old map and the previous old map is dropped; a hit in the old
 * map is copied to the young one. Values in use stay, values not seen for a while go, and the
 * memory never exceeds `limit` entries per memo. The standardizers are pure functions of their
 * input, so the memo changes time and memory only, never a result (`memoized-standardize.test.ts`
 * runs the sample through memos far smaller than it).
 */

/** Entries kept per memo (per attribute, per name order): bounds each load worker's heap. */
export const MEMO_LIMIT = 20_000;

let limit = MEMO_LIMIT;

/** Set the entries kept per memo from now on (tests, tuning); `MEMO_LIMIT` by default. */
export function setMemoLimit(entries: number): void {
  limit = Math.max(2, Math.floor(entries));
}

export class BoundedMemo<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  get(key: string): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined || this.old.size === 0) return v;
    const o = this.old.get(key);
    if (o !== undefined) this.set(key, o);
    return o;
  }

  set(key: string, value: V): void {
    if (this.young.size >= limit / 2) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  /** Forgets one key (in both generations). */
  delete(key: string): void {
    this.young.delete(key);
    this.old.delete(key);
  }

  clear(): void {
    this.young.clear();
    this.old = new Map();
  }

  /** entries held (both generations; an entry promoted from the old one counts twice) */
  get size(): number {
    return this.young.size + this.old.size;
  }
}
