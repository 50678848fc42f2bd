import { describe, expect, it } from 'vitest';
import { MoCorpus, moTokens } from './mo-text.ts';
import {
  clusterSeries,
  DEFAULT_SERIES_SETTINGS,
  type SeriesCase,
  scoreSeriesPair,
  seriesAround,
} from './series-score.ts';

const H = 3_600_000;
const base = Date.parse('2026-03-03T02:00:00+08:00');
function kase(eid: string, over: Partial<SeriesCase> = {}): SeriesCase {
  return { eid, caseType: '盗窃', occurredAt: base, lon: 103.83, lat: 36.06, entities: [], nearby: [], ...over };
}
const TEXTS = new Map([
  ['C1', '凌晨嫌疑人用锡纸撬开如家酒店附近住户防盗门锁芯，入室盗走金项链、手镯'],
  ['C2', '凌晨有人用锡纸开锁进入汉庭附近民宅，翻找卧室后盗走金项链、手镯'],
  ['C3', '报警人称其放在住处的财物被盗'],
  ['C4', '两车在路口附近发生轻微碰撞'],
]);

describe('MO text (jieba words, TF-IDF cosine)', () => {
  it('cuts Chinese into words and drops stop words', () => {
    const t = moTokens('嫌疑人用锡纸撬开防盗门锁芯');
    expect(t).toContain('锡纸');
    expect(t).toContain('撬开');
    expect(t).not.toContain('嫌疑人');
  });

  it('rates two wordings of one MO above an unrelated summary', () => {
    const c = new MoCorpus(TEXTS);
    expect(c.similarity('C1', 'C2') as number).toBeGreaterThan(0.3);
    expect(c.similarity('C1', 'C2') as number).toBeGreaterThan((c.similarity('C1', 'C4') as number) + 0.2);
    expect(c.sharedWords('C1', 'C2')).toContain('锡纸');
    expect(c.similarity('C1', 'missing')).toBeNull();
  });
});

describe('series pair score', () => {
  const corpus = new MoCorpus(TEXTS);

  it('explains every feature and sums their contributions', () => {
    const p = scoreSeriesPair(
      kase('C2', { entities: ['P1'], occurredAt: base + 26 * H }),
      kase('C1', { entities: ['P1', 'T1'] }),
      corpus,
    );
    expect([p.a, p.b]).toEqual(['C1', 'C2']);
    expect(p.features.map((f) => f.feature)).toEqual([
      'caseType',
      'moText',
      'spaceTime',
      'timeOfDay',
      'sharedEntities',
      'trajectory',
    ]);
    expect(p.score).toBeCloseTo(
      p.features.reduce((s, f) => s + f.contribution, 0),
      5,
    );
    expect(p.features.find((f) => f.feature === 'sharedEntities')?.value).toEqual(['P1']);
    expect(p.score).toBeGreaterThanOrEqual(DEFAULT_SERIES_SETTINGS.threshold);
  });

  it('a shared suspect outweighs distance, another case type vetoes', () => {
    const far = { lon: 98.5, lat: 39.7, occurredAt: base + 40 * 24 * H };
    expect(
      scoreSeriesPair(kase('C1', { entities: ['P1'] }), kase('C2', { entities: ['P1'], ...far }), corpus).score,
    ).toBeLessThan(scoreSeriesPair(kase('C1', { entities: ['P1'] }), kase('C2', { entities: ['P1'] }), corpus).score);
    const other = scoreSeriesPair(
      kase('C1', { entities: ['P1'] }),
      kase('C2', { entities: ['P1'], caseType: '诈骗' }),
      corpus,
    );
    expect(other.score).toBeLessThan(DEFAULT_SERIES_SETTINGS.threshold);
  });

  it('counts someone near both scenes as trajectory evidence, once (not again when linked already)', () => {
    const p = scoreSeriesPair(
      kase('C1', { nearby: ['V9', 'P1'], entities: ['P1'] }),
      kase('C2', { nearby: ['V9', 'P1'], entities: ['P1'] }),
      corpus,
    );
    expect(p.features.find((f) => f.feature === 'trajectory')?.value).toEqual(['V9']);
  });

  it('someone involved in one case and sighted near the other scene is trajectory evidence', () => {
    const p = scoreSeriesPair(kase('C1', { entities: ['P1'] }), kase('C2', { nearby: ['P1'] }), corpus);
    expect(p.features.find((f) => f.feature === 'trajectory')).toMatchObject({
      value: ['P1'],
      contribution: DEFAULT_SERIES_SETTINGS.trajectory,
    });
    expect(p.features.find((f) => f.feature === 'sharedEntities')?.value).toEqual([]);
  });

  it('a masked or missing summary compares as unknown (0), not as dissimilar', () => {
    const p = scoreSeriesPair(kase('C1'), kase('C9'), corpus);
    expect(p.features.find((f) => f.feature === 'moText')).toMatchObject({ value: null, contribution: 0 });
  });
});

describe('series clusters', () => {
  it('joins pairs at or above the threshold transitively and leaves singletons out', () => {
    const pairs = [
      { a: 'C1', b: 'C2', score: 5 },
      { a: 'C2', b: 'C3', score: 4 },
      { a: 'C4', b: 'C5', score: 3.9 },
    ];
    expect(clusterSeries(pairs, 4)).toEqual([['C1', 'C2', 'C3']]);
  });

  it('finds the series around a seed and not the look-alike', () => {
    const cases = [
      kase('C1', { entities: ['P1'] }),
      kase('C2', { entities: ['P1'], occurredAt: base + 48 * H }),
      kase('C3', { lon: 104.5, lat: 35.5 }),
    ];
    const r = seriesAround('C1', cases, TEXTS);
    expect(r.members).toEqual(['C1', 'C2']);
    expect(r.pairs).toHaveLength(3);
  });
});
