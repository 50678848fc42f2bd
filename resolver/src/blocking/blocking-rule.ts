/**
 * Blocking rules as serialisable settings (splink `block_on`): two mentions are a candidate
 * pair when every key part of a rule is present and equal. A key part is an attribute name,
 * optionally with a transform: `pyGiven:first1` (first character), `birthDate:year`,
 * or a derived key `@nameSorted` (Pinyin family and given sorted, so a swapped order still
 * meets) or `@idBody` (first 17 characters of a resident id, valid or not).
 */
import type { Attrs } from '../types.ts';

export interface BlockingRule {
  name: string;
  keys: string[];
  /**
   * Largest block this rule pairs up (default: the model's `maxBlockSize`). A rule keyed on
   * common values (a sorted name without a birth date) gets a lower cap, chosen by the true
   * matches it alone finds in its large blocks (`analyseBlocking`).
   */
  maxBlockSize?: number;
}

/** @example blockOn('pyFamily', 'birthDate') // { name: 'pyFamily+birthDate', keys: [...] } */
export function blockOn(...keys: string[]): BlockingRule {
  return { name: keys.join('+'), keys };
}

/** @example capped(blockOn('@nameSorted'), 40) // pairs only blocks of at most 40 mentions */
export function capped(rule: BlockingRule, maxBlockSize: number): BlockingRule {
  return { ...rule, maxBlockSize };
}

/** The block size above which `rule` pairs nobody. */
export function blockCap(rule: BlockingRule, modelMax: number): number {
  return rule.maxBlockSize ?? modelMax;
}

export type KeyFn = (a: Attrs) => string | undefined;

const FOLD: Record<string, string> = { B: '8', D: '0', Q: '0', T: '1', S: '5', Z: '2' };

const DERIVED: Record<string, KeyFn> = {
  '@nameSorted': (a) => {
    const f = a.pyFamily;
    const g = a.pyGiven;
    if (!f || !g) return undefined;
    return f < g ? `${f}|${g}` : `${g}|${f}`;
  },
  '@nameFull': (a) => (a.pyFamily || a.pyGiven ? (a.pyFamily ?? '') + (a.pyGiven ?? '') : undefined),
  /** a plate with look-alike characters folded (8/B, 0/D/Q, 1/T, 5/S, 2/Z): camera misreads meet */
  '@plateFold': (a) => (a.plate ? a.plate[0] + a.plate.slice(1).replace(/[BDQTSZ]/g, (c) => FOLD[c]!) : undefined),
  '@geo3': (a) => (a.lat && a.lon ? `${(+a.lat).toFixed(3)},${(+a.lon).toFixed(3)}` : undefined),
  '@idBody': (a) => {
    const id = a.residentId ?? a.residentIdRaw;
    return id && id.length >= 17 ? id.slice(0, 17) : undefined;
  },
};

const TRANSFORMS: Record<string, (v: string) => string> = {
  first1: (v) => v.slice(0, 1),
  first2: (v) => v.slice(0, 2),
  first3: (v) => v.slice(0, 3),
  year: (v) => v.slice(0, 4),
  yearMonth: (v) => v.slice(0, 7),
};

const DERIVED_ATTRS: Record<string, string[]> = {
  '@nameSorted': ['pyFamily', 'pyGiven', 'family', 'given'],
  '@nameFull': ['pyFamily', 'pyGiven', 'family', 'given'],
  '@plateFold': ['plate'],
  '@geo3': ['lat', 'lon'],
  '@idBody': ['residentId', 'residentIdRaw', 'birthDate', 'idBirthDate'],
};

/** Attributes a rule's keys read (a comparison on them cannot be trained on that rule's pairs). */
export function ruleAttributes(rule: BlockingRule): Set<string> {
  const out = new Set<string>();
  for (const part of rule.keys) {
    if (part.startsWith('@')) for (const a of DERIVED_ATTRS[part] ?? []) out.add(a);
    else for (const a of part.split(':')[0]!.split('|')) out.add(a);
  }
  return out;
}

/** @returns an error message for a key part that cannot be compiled, else undefined */
export function checkKeyPart(part: string): string | undefined {
  if (part.startsWith('@')) return DERIVED[part] ? undefined : `unknown derived key ${part}`;
  const [, t] = part.split(':');
  if (t !== undefined && !TRANSFORMS[t]) return `unknown key transform ${t} in ${part}`;
  return undefined;
}

function keyPart(part: string): KeyFn {
  const d = DERIVED[part];
  if (d) return d;
  const [attrSpec, t] = part.split(':') as [string, string | undefined];
  const attrs = attrSpec.split('|');
  const tf = t ? TRANSFORMS[t] : undefined;
  const get: KeyFn =
    attrs.length === 1
      ? (a) => a[attrs[0]!]
      : (a) => {
          for (const k of attrs) if (a[k]) return a[k];
          return undefined;
        };
  return tf
    ? (a) => {
        const v = get(a);
        return v ? tf(v) : undefined;
      }
    : get;
}

/**
 * Compile a rule into one function giving a mention's blocking key (undefined = no key).
 * `skip(attr, value)` drops generic values (a shared front-desk phone blocks nobody together).
 */
export function compileRule(rule: BlockingRule, skip?: (attr: string, value: string) => boolean): KeyFn {
  // generic values are looked up under the key part's first attribute
  const parts = rule.keys.map((k) => ({ p: k.split(':')[0]!.split('|')[0]!, fn: keyPart(k) }));
  if (parts.length === 1) {
    const { p, fn } = parts[0]!;
    return (a) => {
      const v = fn(a);
      return v && !skip?.(p, v) ? v : undefined;
    };
  }
  return (a) => {
    let key = '';
    for (const { p, fn } of parts) {
      const v = fn(a);
      if (!v || skip?.(p, v)) return undefined;
      key = key ? `${key}\u0001${v}` : v;
    }
    return key;
  };
}
