import type { Attrs } from '../types.ts';

/** Reads an attribute spec from a mention's attributes: `a|b` is the first of `a`, `b` with a value. */
export type Getter = (a: Attrs) => string | undefined;

/** @example getter('residentId|residentIdRaw')({ residentIdRaw: 'X1' }) // 'X1' */
export function getter(spec: string): Getter {
  const attrs = spec.split('|');
  if (attrs.length === 1) {
    const k = attrs[0]!;
    return (a) => a[k] || undefined;
  }
  return (a) => {
    for (const k of attrs) if (a[k]) return a[k];
    return undefined;
  };
}
