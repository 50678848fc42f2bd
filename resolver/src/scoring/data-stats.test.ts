import { describe, expect, it } from 'vitest';
import { DataStats } from './data-stats.ts';
import { defaultPersonModel } from './default-person-model.ts';

describe('DataStats', () => {
  it('counts attributes added again (values added before) as `add` does: the same frequencies, the same generic values', () => {
    const model = defaultPersonModel();
    // 300 persons in 7 families, six of them stating one phone (four distinct names make it generic)
    const rows = Array.from({ length: 300 }, (_, i) => ({
      pyFamily: `f${i % 7}`,
      pyGiven: `g${i}`,
      phone: i % 50 === 0 ? '13800000000' : `139${String(i).padStart(8, '0')}`,
      postcode: `73000${i % 3}`,
      nameScript: 'Hani',
    }));
    const plain = new DataStats(model);
    const again = new DataStats(model);
    const seen = new Set<number>();
    // each person seen one to four times, rounds interleaved
    for (let round = 0; round < 4; round++)
      rows.forEach((a, i) => {
        if (i % 4 < round) return;
        plain.add({ ...a });
        again.add({ ...a }, seen.has(i));
        seen.add(i);
      });
    expect(again.total).toBe(plain.total);
    expect(plain.genericValues()).toEqual({ phone: ['13800000000'] });
    expect(again.genericValues()).toEqual(plain.genericValues());
    for (const a of rows) {
      expect(again.tf('phone', a.phone)).toBe(plain.tf('phone', a.phone));
      expect(again.tf('postcode', a.postcode)).toBe(plain.tf('postcode', a.postcode));
    }
    // the repeats are counted: a person seen four times weighs four times one seen once
    expect(plain.tf('phone', rows[3]!.phone)).toBeCloseTo(4 * plain.tf('phone', rows[4]!.phone)!, 12);
  });
});
