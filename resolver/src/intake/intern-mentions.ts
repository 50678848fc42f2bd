/**
 * One copy of each repeated string in mentions that came from a worker thread: every message
 * gives its strings their own copies (`'household'`, `'M'`, `'han'`, a person's name and birth
 * date in each file they appear in), so the parent would hold millions of duplicates.
 * `unpackMentions` interns each distinct string of a message once; keys and record ids are
 * unique and are left alone.
 */

/** Distinct strings kept before the table starts over (bounds it on a long load). */
const TABLE_LIMIT = 1_000_000;

export class StringInterner {
  private table = new Map<string, string>();

  /** The first copy of `s` seen (`s` itself when it is new). */
  intern(s: string): string {
    const hit = this.table.get(s);
    if (hit !== undefined) return hit;
    if (this.table.size >= TABLE_LIMIT) this.table.clear();
    this.table.set(s, s);
    return s;
  }
}
