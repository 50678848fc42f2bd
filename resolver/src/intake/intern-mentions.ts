/**
 * One copy of each repeated string in mentions that came from a worker thread: structured clone
 * gives every string of every message its own copy (`'household'`, `'M'`, `'han'`, a person's
 * name and birth date in each of their mentions), so the parent would hold millions of
 * duplicates. Keys and record ids are unique and are left alone.
 */
import type { Mention } from '../types.ts';

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

  /** Interns the repeated strings of each mention in place; the values are unchanged. */
  mentions(ms: Mention[]): void {
    for (const m of ms) {
      m.source = this.intern(m.source);
      m.role = this.intern(m.role);
      m.kind = this.intern(m.kind) as Mention['kind'];
      const a = m.attrs;
      for (const k in a) a[k] = this.intern(a[k]!);
      for (const id of m.identifiers) {
        id.kind = this.intern(id.kind) as typeof id.kind;
        id.value = this.intern(id.value);
      }
      const f = m.flags;
      for (let i = 0; i < f.length; i++) f[i] = this.intern(f[i]!);
    }
  }
}
