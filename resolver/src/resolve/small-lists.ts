/**
 * The index's many small lists and sets at their exact size. It holds hundreds of thousands of
 * lists of one or two (a block's groups, a group's representatives, an entity's groups and
 * exclusive values, an entity's mention keys), and V8's defaults are sized for growth: a push onto
 * an empty or small array reserves room for 16 more (a backing store grows by half plus 16), and
 * the smallest `Set` is a hash table of ~190 B.
 */

/** Lists up to this long are kept at their exact size (copied when they grow); a member set up to this size is such a list. */
const SMALL = 8;

/** `list` with `items` added at its end: a copy at its exact size while it is small, else `list` itself pushed onto. */
export function appended<T>(list: T[], ...items: T[]): T[] {
  const n = list.length + items.length;
  if (n > SMALL) {
    list.push(...items);
    return list;
  }
  const out = new Array<T>(n);
  for (let i = 0; i < list.length; i++) out[i] = list[i]!;
  for (let i = 0; i < items.length; i++) out[list.length + i] = items[i]!;
  return out;
}

/**
 * Numbers in the order they were added, each once: a list at its exact size while small (most
 * entities hold a few mentions: ~70 B instead of a `Set`'s ~190), a `Set` beyond (a hub's
 * thousands of mentions, looked up and removed without a scan).
 */
export type MemberSet = number[] | Set<number>;

/** `set` with `n` added at its end (`n` not in it); the set itself or the one that replaces it. */
export function withMember(set: MemberSet | undefined, n: number): MemberSet {
  if (set === undefined) return [n];
  if (!Array.isArray(set)) return set.add(n);
  if (set.length < SMALL) return appended(set, n);
  const grown = new Set(set);
  grown.add(n);
  return grown;
}

/** Takes `n` out of `set` (in place), the others keeping their order. */
export function deleteMember(set: MemberSet, n: number): void {
  if (!Array.isArray(set)) set.delete(n);
  else {
    const at = set.indexOf(n);
    if (at >= 0) set.splice(at, 1);
  }
}

export function hasMember(set: MemberSet, n: number): boolean {
  return Array.isArray(set) ? set.includes(n) : set.has(n);
}

export function memberCount(set: MemberSet | undefined): number {
  return set === undefined ? 0 : Array.isArray(set) ? set.length : set.size;
}

/**
 * One item, or a list of none or two and more: a list of one costs ~56 B beside its item, and
 * almost every group of the index has one representative. Items are objects, never lists.
 */
export type OneOrList<T extends object> = T | T[];

/** The items as a list (a new one for a lone item: for reads off the hot path). */
export function listOf<T extends object>(x: OneOrList<T>): readonly T[] {
  return Array.isArray(x) ? x : [x];
}

export function countOf<T extends object>(x: OneOrList<T>): number {
  return Array.isArray(x) ? x.length : 1;
}

export function findIn<T extends object>(x: OneOrList<T>, pred: (item: T) => boolean): T | undefined {
  if (!Array.isArray(x)) return pred(x) ? x : undefined;
  for (const item of x) if (pred(item)) return item;
  return undefined;
}

/** `x` with `item` added at its end. */
export function withItem<T extends object>(x: OneOrList<T>, item: T): OneOrList<T> {
  if (!Array.isArray(x)) return [x, item];
  return x.length ? appended(x, item) : item;
}

/** `x` without `item` (in place when a list of more than two), the others keeping their order. */
export function withoutItem<T extends object>(x: OneOrList<T>, item: T): OneOrList<T> {
  if (!Array.isArray(x)) return x === item ? [] : x;
  const at = x.indexOf(item);
  if (at < 0) return x;
  if (x.length === 2) return x[1 - at]!;
  x.splice(at, 1);
  return x;
}
