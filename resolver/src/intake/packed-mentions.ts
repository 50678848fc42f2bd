/**
 * Mentions packed for the trip from a load worker to the parent: one integer array (moved, not
 * copied: its buffer is transferred) and two string tables, instead of one object graph per
 * mention. Structured clone of objects writes every property name and every repeated value
 * again for each mention (`'pyFamily'`, `'household'`, a person's name in each of their
 * mentions); here each distinct string of a message is written once, and the parent turns each
 * one into its interned copy once, not once per use.
 *
 * `unpackMentions(packMentions(ms))` gives mentions equal to `ms`, property order included.
 */
import type { Mention } from '../types.ts';
import type { StringInterner } from './intern-mentions.ts';

export interface PackedMentions {
  count: number;
  /** distinct repeated strings of the message (source, role, kind, attribute names and values, flags) */
  shared: string[];
  /** key and record id of each mention, in order (unique: not deduplicated, not interned) */
  unique: string[];
  /**
   * per mention: source, role, kind, line + 1 (0: none), attribute count, (name, value) pairs,
   * identifier count, (kind, value) pairs, flag count, flags; strings as indices into `shared`
   */
  codes: Int32Array;
}

export function packMentions(ms: Mention[]): PackedMentions {
  const shared: string[] = [];
  const ids = new Map<string, number>();
  const id = (s: string) => {
    let i = ids.get(s);
    if (i === undefined) {
      i = shared.length;
      shared.push(s);
      ids.set(s, i);
    }
    return i;
  };
  const unique: string[] = [];
  let codes = new Int32Array(Math.max(16, ms.length * 24));
  let n = 0;
  const put = (v: number) => {
    if (n === codes.length) {
      const c = new Int32Array(codes.length * 2);
      c.set(codes);
      codes = c;
    }
    codes[n++] = v;
  };
  for (const m of ms) {
    unique.push(m.key, m.recordId);
    put(id(m.source));
    put(id(m.role));
    put(id(m.kind));
    put(m.line === undefined ? 0 : m.line + 1);
    const names = Object.keys(m.attrs);
    put(names.length);
    for (const k of names) {
      put(id(k));
      put(id(m.attrs[k]!));
    }
    put(m.identifiers.length);
    for (const x of m.identifiers) {
      put(id(x.kind));
      put(id(x.value));
    }
    put(m.flags.length);
    for (const f of m.flags) put(id(f));
  }
  return { count: ms.length, shared, unique, codes: codes.slice(0, n) };
}

/**
 * A mention without identifiers or flags shares one frozen empty array (most have no flags): the
 * parent holds hundreds of thousands of mentions, and nothing changes a loaded mention's lists
 * (a change would throw, not corrupt the others).
 */
const NO_FLAGS: string[] = Object.freeze([]) as unknown as string[];
const NO_IDENTIFIERS: Mention['identifiers'] = Object.freeze([]) as unknown as Mention['identifiers'];

/** The mentions of `p`, each repeated string interned once by `interner`. */
export function unpackMentions(p: PackedMentions, interner: StringInterner): Mention[] {
  const s = p.shared.map((x) => interner.intern(x));
  const c = p.codes;
  const out = new Array<Mention>(p.count);
  let o = 0;
  for (let i = 0; i < p.count; i++) {
    const source = s[c[o++]!]!;
    const role = s[c[o++]!]!;
    const kind = s[c[o++]!]! as Mention['kind'];
    const line = c[o++]!;
    const attrs: Record<string, string> = {};
    for (let k = c[o++]!; k > 0; k--) {
      const name = s[c[o++]!]!;
      attrs[name] = s[c[o++]!]!;
    }
    const nIds = c[o++]!;
    // lists of their exact length (a push on an empty array reserves 17 slots)
    const identifiers: Mention['identifiers'] = nIds ? new Array(nIds) : NO_IDENTIFIERS;
    for (let k = 0; k < nIds; k++) {
      const idKind = s[c[o++]!]! as Mention['identifiers'][number]['kind'];
      identifiers[k] = { kind: idKind, value: s[c[o++]!]! };
    }
    const nFlags = c[o++]!;
    const flags: string[] = nFlags ? new Array(nFlags) : NO_FLAGS;
    for (let k = 0; k < nFlags; k++) flags[k] = s[c[o++]!]!;
    const key = p.unique[2 * i]!;
    const recordId = p.unique[2 * i + 1]!;
    // one literal per shape, every property in the object itself (a property added later goes to a
    // separate property array: 40 more bytes a mention); the same property order as the worker's
    out[i] =
      line > 0
        ? { key, source, recordId, role, kind, attrs, identifiers, flags, line: line - 1 }
        : { key, source, recordId, role, kind, attrs, identifiers, flags };
  }
  return out;
}
