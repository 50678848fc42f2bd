import { describe, expect, it } from 'vitest';
import {
  addToGoldenGroups,
  bestGoldenGroup,
  chooseGoldenValue,
  countIntoGoldenGroups,
  type GoldenGroup,
  type ValueCandidate,
} from './golden-value.ts';

const c = (value: unknown, source: string, id: string, at: number | null, authoritative = false): ValueCandidate => ({
  value,
  source,
  rid: `${source}:${id}`,
  authoritative,
  at,
});

describe('chooseGoldenValue: authority, then frequency, then recency, then the smallest value', () => {
  it('an authoritative value beats a more frequent and more recent one', () => {
    const g = chooseGoldenValue([
      c('旧地址1号', 'hotel', '1', 20),
      c('旧地址1号', 'hotel', '2', 30),
      c('新地址2号', 'household', '9', 10, true),
    ]);
    expect(g).toMatchObject({
      value: '新地址2号',
      source: 'household',
      rid: 'household:9',
      authoritative: true,
      count: 1,
      at: 10,
    });
  });

  it('among authoritative candidates only: non-authoritative ones add no weight', () => {
    const g = chooseGoldenValue([
      c('A', 'household', '1', 10, true),
      c('B', 'household', '2', 5, true),
      c('B', 'hotel', '3', 50),
      c('B', 'hotel', '4', 60),
    ]);
    expect(g?.value).toBe('A');
  });

  it('without an authority, the most frequent value wins over a more recent one', () => {
    const g = chooseGoldenValue([c('M', 'a', '1', 1), c('F', 'b', '2', 9), c('M', 'c', '3', 2)]);
    expect(g).toMatchObject({ value: 'M', count: 2, rid: 'c:3', at: 2 });
  });

  it('equal counts: the value stated most recently wins; an unknown time counts as oldest', () => {
    expect(chooseGoldenValue([c('1990-01-01', 'd', '4', 100), c('1991-01-01', 'e', '5', 200)])?.value).toBe(
      '1991-01-01',
    );
    expect(chooseGoldenValue([c('X', 'a', '1', null), c('Y', 'b', '2', 0)])?.value).toBe('Y');
  });

  it('a full tie goes to the smallest value, whatever the input order', () => {
    const cands = [c('乙', 'a', '1', 5), c('甲', 'b', '2', 5), c(3, 'c', '3', 5)];
    const forward = chooseGoldenValue(cands);
    const backward = chooseGoldenValue([...cands].reverse());
    expect(forward).toEqual(backward);
    expect(forward?.value).toBe(3); // '3' < '乙' < '甲' by code unit
  });

  it('traces the value to its latest record, the smallest rid on a time tie', () => {
    expect(chooseGoldenValue([c('v', 'a', '2', 7), c('v', 'a', '1', 7), c('v', 'a', '0', 3)])?.rid).toBe('a:1');
  });

  it('ignores empty values and answers undefined when nothing is left', () => {
    expect(
      chooseGoldenValue([c('', 'household', '1', 9, true), c(null, 'household', '2', 9, true), c('Z', 'hotel', '3', 1)])
        ?.value,
    ).toBe('Z');
    expect(chooseGoldenValue([c('', 'a', '1', 1)])).toBeUndefined();
    expect(chooseGoldenValue([])).toBeUndefined();
  });

  it('compares values by content: numbers and their JSON form are one value', () => {
    const g = chooseGoldenValue([c(36.05, 'a', '1', 1), c(36.05, 'b', '2', 2), c(36.1, 'c', '3', 3)]);
    expect(g).toMatchObject({ value: 36.05, count: 2 });
  });
});

describe('countIntoGoldenGroups: the same groups as addToGoldenGroups, without an object per candidate', () => {
  it('counts and keeps the same latest candidate over random sequences with ties, unknown times and two pools', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    let compared = 0;
    for (let run = 0; run < 200; run++) {
      const byObject = {
        all: new Map<string, GoldenGroup<ValueCandidate<string>>>(),
        auth: new Map<string, GoldenGroup<ValueCandidate<string>>>(),
      };
      const inPlace = {
        all: new Map<string, GoldenGroup<ValueCandidate<string>>>(),
        auth: new Map<string, GoldenGroup<ValueCandidate<string>>>(),
      };
      const n = 1 + Math.floor(rand() * 40);
      for (let i = 0; i < n; i++) {
        const cand = c(
          pick(['x', 'y', 'z']),
          pick(['a', 'b']),
          String(Math.floor(rand() * 9)),
          pick([null, 1, 2, 2, 3]),
          rand() < 0.3,
        ) as ValueCandidate<string>;
        addToGoldenGroups(byObject.all, { ...cand });
        if (cand.authoritative) addToGoldenGroups(byObject.auth, { ...cand });
        countIntoGoldenGroups(inPlace.all, cand.value, cand.source, cand.rid, cand.authoritative, cand.at);
        if (cand.authoritative) countIntoGoldenGroups(inPlace.auth, cand.value, cand.source, cand.rid, true, cand.at);
        // after every candidate: the same groups, the same latest of each, the same winner of each pool
        for (const pool of ['all', 'auth'] as const) {
          const dump = (m: Map<string, GoldenGroup<ValueCandidate<string>>>) =>
            [...m.values()]
              .map((g) => ({ key: g.key, count: g.count, latest: { ...g.latest } }))
              .sort((p, q) => p.key.localeCompare(q.key));
          expect(dump(inPlace[pool])).toEqual(dump(byObject[pool]));
          expect(bestGoldenGroup(inPlace[pool].values())?.key).toBe(bestGoldenGroup(byObject[pool].values())?.key);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(4000);
  });
});
