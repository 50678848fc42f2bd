/**
 * Serialisable comparison settings (splink style): a comparison has ordered levels; the first
 * level whose test passes is the pair's level for that comparison. `attr` may be a fallback
 * list `a|b` (first attribute present on each side).
 */

export type LevelTest =
  /** either side has no value: weight 0, not trained */
  | { type: 'null' }
  /** the value is shared by so many entities it proves nothing (a front-desk phone): weight 0 */
  | { type: 'generic' }
  | { type: 'exact'; attr?: string }
  | { type: 'jaro_winkler'; attr?: string; threshold: number }
  | { type: 'damerau'; attr?: string; max: number }
  /** dates `YYYY-MM-DD` with day and month swapped */
  | { type: 'date_swap'; attr?: string }
  /** first `length` characters equal */
  | { type: 'prefix'; attr?: string; length: number }
  /** one value starts with the other (division codes: a city inside its province) */
  | { type: 'nested'; attr?: string }
  | { type: 'else' };

export interface LevelSettings {
  label: string;
  test: LevelTest;
  /** P(level | match); learned by EM. */
  m: number;
  /** P(level | non-match); learned from random pairs. */
  u: number;
  /** Attribute whose term frequency adjusts this level's weight (exact-ish levels). */
  tf?: string;
}

export interface ComparisonSettings {
  name: string;
  /** Default attribute of the tests; `a|b` = first present. */
  attr: string;
  levels: LevelSettings[];
  /** Values of `attr` flagged generic in the data are compared as the `generic` level. */
  genericAware?: boolean;
  /**
   * The last (`else`) level contradicts identity (two different birth dates): clusters whose
   * members contradict each other are not merged through one link (see `cohesion`).
   */
  contradiction?: boolean;
}

/** Mark a comparison's `else` level as a contradiction of identity. */
export function contradicting(c: ComparisonSettings): ComparisonSettings {
  return { ...c, contradiction: true };
}

const lvl = (label: string, test: LevelTest, m: number, u: number, tf?: string): LevelSettings => {
  const l: LevelSettings = { label, test, m, u };
  if (tf) l.tf = tf;
  return l;
};

/** Exact / else, with an optional term-frequency adjustment. */
export function exactMatch(
  name: string,
  attr: string,
  opts: { tf?: boolean; genericAware?: boolean } = {},
): ComparisonSettings {
  const c: ComparisonSettings = {
    name,
    attr,
    levels: [
      lvl('null', { type: 'null' }, 1, 1),
      ...(opts.genericAware ? [lvl('generic value', { type: 'generic' }, 1, 1)] : []),
      lvl('exact', { type: 'exact' }, 0.9, 0.01, opts.tf ? attr : undefined),
      lvl('different', { type: 'else' }, 0.1, 0.99),
    ],
  };
  if (opts.genericAware) c.genericAware = true;
  return c;
}

/**
 * A name part: exact (same characters), Pinyin-equal (homophones, Hanzi vs Pinyin-only,
 * traditional vs simplified), close by Jaro-Winkler on Pinyin, different.
 */
export function nameComparison(name: string, hanziAttr: string, pinyinAttr: string): ComparisonSettings {
  return {
    name,
    attr: pinyinAttr,
    levels: [
      lvl('null', { type: 'null' }, 1, 1),
      lvl('exact', { type: 'exact', attr: hanziAttr }, 0.8, 0.01, pinyinAttr),
      lvl('pinyin equal', { type: 'exact', attr: pinyinAttr }, 0.1, 0.005, pinyinAttr),
      lvl('jaro-winkler >= 0.92', { type: 'jaro_winkler', threshold: 0.92 }, 0.05, 0.01),
      lvl('jaro-winkler >= 0.8', { type: 'jaro_winkler', threshold: 0.8 }, 0.03, 0.05),
      lvl('different', { type: 'else' }, 0.02, 0.93),
    ],
  };
}

/** Dates: exact, one typo, day/month swapped, same year and month, different. */
export function dateComparison(name: string, attr: string): ComparisonSettings {
  return {
    name,
    attr,
    levels: [
      lvl('null', { type: 'null' }, 1, 1),
      lvl('exact', { type: 'exact' }, 0.9, 0.0001),
      lvl('one character differs', { type: 'damerau', max: 1 }, 0.05, 0.002),
      lvl('day and month swapped', { type: 'date_swap' }, 0.01, 0.0001),
      lvl('same year and month', { type: 'prefix', length: 7 }, 0.01, 0.003),
      lvl('different', { type: 'else' }, 0.03, 0.99),
    ],
  };
}

/**
 * Identifiers: exact, one or two edits (typos in raw, invalid values), different.
 * @param opts.maxEdits 1: two edits apart is `different` (an identifier that a relative's differs
 *   from by two characters, as a resident id's sequence and check character)
 */
export function identifierComparison(name: string, attr: string, opts: { maxEdits?: 1 | 2 } = {}): ComparisonSettings {
  return {
    name,
    attr,
    levels: [
      lvl('null', { type: 'null' }, 1, 1),
      lvl('exact', { type: 'exact' }, 0.9, 0.00001),
      lvl('one edit', { type: 'damerau', max: 1 }, 0.06, 0.00001),
      ...(opts.maxEdits === 1 ? [] : [lvl('two edits', { type: 'damerau', max: 2 }, 0.02, 0.0001)]),
      lvl('different', { type: 'else' }, 0.02, 0.99998),
    ],
  };
}

/** Free text (addresses): exact, close, different, with a term-frequency adjustment on exact. */
export function textComparison(name: string, attr: string, threshold = 0.9): ComparisonSettings {
  return {
    name,
    attr,
    levels: [
      lvl('null', { type: 'null' }, 1, 1),
      lvl('exact', { type: 'exact' }, 0.6, 0.001, attr),
      lvl(`jaro-winkler >= ${threshold}`, { type: 'jaro_winkler', threshold }, 0.2, 0.01),
      lvl('different', { type: 'else' }, 0.2, 0.989),
    ],
  };
}

/** Division codes: same county, same city (first 4 digits), different. */
export function divisionComparison(name: string, attr: string): ComparisonSettings {
  return {
    name,
    attr,
    levels: [
      lvl('null', { type: 'null' }, 1, 1),
      lvl('same county', { type: 'exact' }, 0.7, 0.05),
      lvl('same city', { type: 'prefix', length: 4 }, 0.15, 0.15),
      lvl('different', { type: 'else' }, 0.15, 0.8),
    ],
  };
}
