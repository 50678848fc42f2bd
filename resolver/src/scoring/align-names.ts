/**
 * Name alignment before comparing two persons: the same name split or ordered differently
 * (family and given swapped; a minority name's syllables split elsewhere) is compared as one.
 */
import type { Attrs } from '../types.ts';

/**
 * How `alignNames` rewrites `b` for `a`, from the four Pinyin name parts alone: `swap` (family
 * and given exchanged), `resplit` (same syllables, split differently) or undefined (unchanged).
 * The batch path decides from interned columns with it, without the items' dictionaries.
 */
export function nameAlignment(
  af: string | undefined,
  ag: string | undefined,
  bf: string | undefined,
  bg: string | undefined,
): 'swap' | 'resplit' | undefined {
  if (!af || !ag || !bf || !bg || (af === bf && ag === bg)) return undefined;
  if (af === bg && ag === bf) return 'swap';
  if (af.length + ag.length !== bf.length + bg.length) return undefined;
  const full = af + ag;
  if (full === bf + bg || full === bg + bf || ag + af === bf + bg) return 'resplit';
  return undefined;
}

/** Aligns family/given of `b` to `a` when they are the same name split or ordered differently. */
export function alignNames(a: Attrs, b: Attrs): Attrs {
  const how = nameAlignment(a.pyFamily, a.pyGiven, b.pyFamily, b.pyGiven);
  if (how === undefined) return b;
  if (how === 'swap') {
    const v: Attrs = { ...b, pyFamily: b.pyGiven!, pyGiven: b.pyFamily! };
    if (b.given !== undefined) v.family = b.given;
    if (b.family !== undefined) v.given = b.family;
    return v;
  }
  // same syllables, split differently (a minority name written with and without the dot)
  return { ...b, pyFamily: a.pyFamily!, pyGiven: a.pyGiven!, family: a.family ?? '', given: a.given ?? '' };
}
