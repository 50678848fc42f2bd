import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Mention } from '../types.ts';
import { StringInterner } from './intern-mentions.ts';
import { loadDirectory } from './load-directory.ts';
import { packMentions, unpackMentions } from './packed-mentions.ts';

const ROOT = join(import.meta.dirname, '../../..');

const mention = (i: number, extra: Partial<Mention> = {}): Mention => ({
  key: `hotel:${i}:guest`,
  source: 'hotel',
  recordId: String(i),
  role: 'guest',
  kind: 'Person',
  attrs: { name: '张三', sex: 'M', birthDate: '1990-01-01' },
  identifiers: [{ kind: 'resident_id', value: '11010519491231002X' }],
  flags: ['name:traditional_converted'],
  ...extra,
});

describe('StringInterner', () => {
  it('returns the first copy of a string', () => {
    const i = new StringInterner();
    const first = 'hotel'.slice(0);
    expect(i.intern(first)).toBe(first);
    expect(i.intern(['ho', 'tel'].join(''))).toBe('hotel');
  });
});

describe('packMentions / unpackMentions', () => {
  it('gives back equal mentions, property order, line 0, empty lists and no line included', () => {
    const ms = [
      mention(1, { line: 0 }),
      mention(2),
      mention(3, { attrs: {}, identifiers: [], flags: [], line: 7 }),
      mention(4, { attrs: { b: '', a: 'x\u0000y' } }),
    ];
    const p = packMentions(ms);
    expect(p.codes.buffer.byteLength).toBe(p.codes.byteLength); // nothing extra to transfer
    const back = unpackMentions(p, new StringInterner());
    expect(JSON.stringify(back)).toBe(JSON.stringify(ms));
    expect(back.map((m) => Object.keys(m))).toEqual(ms.map((m) => Object.keys(m)));
    expect('line' in back[1]!).toBe(false);
    expect(unpackMentions(packMentions([]), new StringInterner())).toEqual([]);
  });

  it('round-trips every mention of the sample, across messages, writing each repeated string once', () => {
    const ms = loadDirectory(join(ROOT, 'datasets/sample'), join(ROOT, 'datasets/catalog'), {
      sources: ['hotel', 'household', 'telecom'],
    }).mentions;
    expect(ms.length).toBeGreaterThan(1000);
    const interner = new StringInterner();
    const a = unpackMentions(packMentions(ms.slice(0, 500)), interner);
    const b = unpackMentions(packMentions(ms.slice(500)), interner);
    expect(JSON.stringify([...a, ...b])).toBe(JSON.stringify(ms));
    // each distinct value once: far fewer strings than the mentions use
    const uses = ms.reduce((n, m) => n + 3 + 2 * Object.keys(m.attrs).length + 2 * m.identifiers.length, 0);
    expect(packMentions(ms).shared.length).toBeLessThan(uses / 4);
  });
});
