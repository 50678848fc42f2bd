import { describe, expect, it } from 'vitest';
import { type CoOccurrence, DEFAULT_COTRAVEL_SCORE, minScoreOf, scoreCoTravel, surpriseOf } from './co-travel-score.ts';

const row = (
  o: Partial<CoOccurrence> & Pick<CoOccurrence, 'place' | 'at' | 'ridA' | 'ridB' | 'crowd'>,
): CoOccurrence => ({
  a: 'P1',
  b: 'P2',
  day: o.at.slice(0, 10),
  sourceA: 'rail',
  sourceB: 'rail',
  ...o,
});

const POP = 1000; // needs 1.8 × 3 = 5.4

describe('scoreCoTravel', () => {
  it('a quiet hotel and two trains together make companions, with the legs as reasons', () => {
    const [p] = scoreCoTravel(
      [
        row({ place: 'S1', at: '2026-03-02T08:00:00+08:00', ridA: 'rail:1', ridB: 'rail:2', crowd: 12 }),
        row({ place: 'S2', at: '2026-03-02T10:00:00+08:00', ridA: 'rail:1', ridB: 'rail:2', crowd: 9 }),
        row({
          place: 'H1',
          at: '2026-03-02T11:00:00+08:00',
          ridA: 'hotel:1',
          ridB: 'hotel:2',
          crowd: 2,
          sourceA: 'hotel',
          sourceB: 'hotel',
        }),
        row({ place: 'S2', at: '2026-03-04T09:00:00+08:00', ridA: 'rail:3', ridB: 'rail:4', crowd: 15 }),
      ],
      POP,
      DEFAULT_COTRAVEL_SCORE,
    );
    expect(p?.companions).toBe(true);
    expect(p?.reasons).toMatchObject({ legs: 3, places: 3, days: 2, chainedLegs: 1, population: POP, minScore: 5.4 });
    expect(p?.reasons.top[0]).toMatchObject({ place: 'H1', crowd: 2, surprise: 3 });
    expect(p?.sources).toEqual(['hotel', 'rail']);
    expect(p?.count).toBe(4);
  });

  it('gives the same pair, legs and reasons whatever order the rows come in', () => {
    // both orientations of each record pair (each at its own person's time), ties in crowd
    const rows = [
      row({ place: 'S1', at: '2026-03-02T08:00:00+08:00', ridA: 'rail:1', ridB: 'rail:2', crowd: 2 }),
      row({ a: 'P2', b: 'P1', place: 'S1', at: '2026-03-02T08:10:00+08:00', ridA: 'rail:2', ridB: 'rail:1', crowd: 2 }),
      row({
        place: 'H1',
        at: '2026-03-02T21:00:00+08:00',
        ridA: 'hotel:1',
        ridB: 'hotel:2',
        crowd: 2,
        sourceA: 'hotel',
        sourceB: 'hotel',
      }),
      row({
        a: 'P2',
        b: 'P1',
        place: 'H1',
        at: '2026-03-02T20:40:00+08:00',
        ridA: 'hotel:2',
        ridB: 'hotel:1',
        crowd: 2,
        sourceA: 'hotel',
        sourceB: 'hotel',
      }),
      row({ place: 'C1', at: '2026-03-03T09:00:00+08:00', ridA: 'netcafe:1', ridB: 'netcafe:2', crowd: 2 }),
      row({
        a: 'P2',
        b: 'P1',
        place: 'C1',
        at: '2026-03-03T09:00:00+08:00',
        ridA: 'netcafe:2',
        ridB: 'netcafe:1',
        crowd: 2,
      }),
      row({ place: 'S3', at: '2026-03-04T07:00:00+08:00', ridA: 'rail:5', ridB: 'rail:6', crowd: 2 }),
      row({ place: 'S4', at: '2026-03-04T07:00:00+08:00', ridA: 'rail:7', ridB: 'rail:8', crowd: 2 }),
    ];
    const expected = scoreCoTravel(rows, POP, DEFAULT_COTRAVEL_SCORE);
    // the earliest sighting of each record pair stands for its leg
    expect(expected[0]?.reasons.top.map((l) => [l.place, l.at])).toContainEqual(['H1', '2026-03-02T20:40:00+08:00']);
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 20; i++) {
      const shuffled = [...rows].sort(() => random() - 0.5);
      expect(scoreCoTravel(shuffled, POP, DEFAULT_COTRAVEL_SCORE)).toEqual(expected);
    }
    expect(scoreCoTravel([...rows].reverse(), POP, DEFAULT_COTRAVEL_SCORE)).toEqual(expected);
  });

  it('strangers on one train share one leg however many stations they pass', () => {
    const [p] = scoreCoTravel(
      [
        row({ place: 'S1', at: '2026-03-02T08:00:00+08:00', ridA: 'rail:1', ridB: 'rail:9', crowd: 2 }),
        row({ place: 'S2', at: '2026-03-02T10:00:00+08:00', ridA: 'rail:1', ridB: 'rail:9', crowd: 2 }),
      ],
      POP,
      DEFAULT_COTRAVEL_SCORE,
    );
    expect(p?.reasons.legs).toBe(1);
    expect(p?.companions).toBe(false);
  });

  it('busy stations morning and evening on two days are chance: the score counts the crowd, not the meetings', () => {
    const rows = [0, 1].flatMap((d) => [
      row({ place: 'S1', at: `2026-03-0${2 + d}T08:00:00+08:00`, ridA: `rail:a${d}`, ridB: `rail:b${d}`, crowd: 200 }),
      row({ place: 'S2', at: `2026-03-0${2 + d}T18:00:00+08:00`, ridA: `rail:c${d}`, ridB: `rail:d${d}`, crowd: 200 }),
    ]);
    const [p] = scoreCoTravel(rows, POP, DEFAULT_COTRAVEL_SCORE);
    expect(p?.reasons).toMatchObject({ legs: 4, places: 2, days: 2 });
    expect(p?.count).toBe(4);
    expect(p?.score).toBeLessThan(minScoreOf(POP, DEFAULT_COTRAVEL_SCORE));
    expect(p?.companions).toBe(false);
  });

  it('two quiet meetings at one café are not travelling together', () => {
    const [p] = scoreCoTravel(
      [
        row({ place: 'C1', at: '2026-03-02T20:00:00+08:00', ridA: 'n:1', ridB: 'n:2', crowd: 2 }),
        row({ place: 'C1', at: '2026-03-05T20:00:00+08:00', ridA: 'n:3', ridB: 'n:4', crowd: 2 }),
      ],
      POP,
      DEFAULT_COTRAVEL_SCORE,
    );
    expect(p?.score).toBeGreaterThan(5.4);
    expect(p?.reasons.places).toBe(1);
    expect(p?.companions).toBe(false);
  });

  it('a stay begun together and ended apart weighs half', () => {
    const base = { place: 'H1', at: '2026-03-02T11:00:00+08:00', ridA: 'h:1', ridB: 'h:2', crowd: 2 };
    const [together] = scoreCoTravel([row(base)], POP, DEFAULT_COTRAVEL_SCORE);
    const [apart] = scoreCoTravel([row({ ...base, leftApart: true })], POP, DEFAULT_COTRAVEL_SCORE);
    expect(apart?.score).toBeCloseTo((together?.score ?? 0) / 2, 2);
    expect(apart?.reasons.top[0]?.leftApart).toBe(true);
  });

  it('both orientations of a pair merge into one pair from the smaller eid', () => {
    const r = row({ place: 'H1', at: '2026-03-02T11:00:00+08:00', ridA: 'h:1', ridB: 'h:2', crowd: 2 });
    const pairs = scoreCoTravel([r, { ...r, a: 'P2', b: 'P1', ridA: 'h:2', ridB: 'h:1' }], POP, DEFAULT_COTRAVEL_SCORE);
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ x: 'P1', y: 'P2' });
    expect(pairs[0]?.reasons.legs).toBe(1);
  });

  it('the threshold grows with the population: log10 of it per coincidence', () => {
    expect(minScoreOf(100, DEFAULT_COTRAVEL_SCORE)).toBeCloseTo(3.6, 5);
    expect(minScoreOf(100_000, DEFAULT_COTRAVEL_SCORE)).toBeCloseTo(9, 5);
    expect(surpriseOf(2, 1000)).toBeCloseTo(3, 5);
    expect(surpriseOf(101, 1000)).toBeCloseTo(1, 5);
  });
});
