import { standardizeEntityAttrs } from '@onemap/resolver/standardize';
import { describe, expect, it } from 'vitest';
import type { StoredRecordRow } from '../repositories/resolution.ts';
import { explainCandidate, type MaskValue, mentionOf } from './review-queue.ts';

const plain: MaskValue = (_a, value) => ({ value, masked: false });

/** A source record stored as the pipeline stores it (attrs and mention metadata as JSON, by role). */
function stored(rid: string, v: Record<string, string>): StoredRecordRow {
  const r = standardizeEntityAttrs('Person', new Map(Object.entries(v).map(([k, value]) => [k, { value, column: k }])));
  const [source = '', recordId = ''] = rid.split(':');
  const attrs = JSON.stringify({ person: r.attrs });
  const mentions = JSON.stringify({ person: { kind: 'Person', identifiers: r.identifiers, flags: r.flags } });
  return { rid, source, recordId, role: 'person', attrs, mentions };
}

describe('review queue explanations', () => {
  it('rebuilds the stored mention of the role that resolved', () => {
    const m = mentionOf(stored('hotel:H1', { name: '张伟', birthDate: '1990-03-07' }));
    expect(m).toMatchObject({ source: 'hotel', recordId: 'H1', role: 'person', kind: 'Person' });
    expect(mentionOf({ ...stored('hotel:H1', { name: '张伟' }), role: 'guest' })).toBeNull();
  });

  it('explains the pair by the candidate record that matches best: prior first, the waterfall adds up to the weight', () => {
    const e = explainCandidate(stored('netcafe:N1', { name: '张伟', birthDate: '1990-03-07' }), [
      stored('hotel:H9', { name: '李娜', birthDate: '1971-01-01' }),
      stored('hotel:H2', { name: 'ZHANG Wei', birthDate: '1990-03-07' }),
    ], plain);
    expect(e?.compared).toEqual({ left: 'netcafe:N1', right: 'hotel:H2' });
    expect(e?.waterfall[0]).toMatchObject({ label: 'prior', tfAdjustment: 0 });
    expect(e?.waterfall.at(-1)?.cumulative).toBeCloseTo(e?.weight ?? Number.NaN, 9);
    expect(e?.waterfall.map((w) => w.label)).toContain('birth date: exact');
  });

  it('names a shared identifier as the viewer may see it: masked when either record masks it', () => {
    const RID = '62010219900307123X';
    const left = stored('netcafe:N1', { name: '张伟', residentId: RID });
    const right = stored('hotel:H2', { name: '张伟', residentId: RID });
    expect(explainCandidate(left, [right], plain)?.anchors).toEqual([`resident_id=${RID}`]);
    const hotelMasked: MaskValue = (attribute, value, source) =>
      source === 'hotel' && attribute === 'residentId' ? { value: `${value.slice(0, 6)}********${value.slice(-4)}`, masked: true } : { value, masked: false };
    const e = explainCandidate(left, [right], hotelMasked);
    expect(e?.anchors).toEqual(['resident_id=620102********123X']);
    expect(JSON.stringify(e)).not.toContain(RID);
  });

  it('has no explanation when no candidate record of the same kind is visible', () => {
    expect(explainCandidate(stored('netcafe:N1', { name: '张伟' }), [], plain)).toBeNull();
  });
});
