import { attributeMeta } from '@onemap/graph-schema';
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
    const { explanation: e, withheld } = explainCandidate(stored('netcafe:N1', { name: '张伟', birthDate: '1990-03-07' }), [
      stored('hotel:H9', { name: '李娜', birthDate: '1971-01-01' }),
      stored('hotel:H2', { name: 'ZHANG Wei', birthDate: '1990-03-07' }),
    ], plain);
    expect(withheld).toBe(false);
    expect(e?.compared).toEqual({ left: 'netcafe:N1', right: 'hotel:H2' });
    expect(e?.waterfall[0]).toMatchObject({ label: 'prior', tfAdjustment: 0 });
    expect(e?.waterfall.at(-1)?.cumulative).toBeCloseTo(e?.weight ?? Number.NaN, 9);
    expect(e?.waterfall.map((w) => w.label)).toContain('birth date: exact');
  });

  it('compares only values the viewer sees plain on both sides: a masked identifier is neither an anchor, an exact term nor a conflict', () => {
    const RID = '62010219900307123X';
    const left = stored('netcafe:N1', { name: '张伟', residentId: RID });
    const right = stored('hotel:H2', { name: '张伟', residentId: RID });
    const other = stored('hotel:H3', { name: '张伟', residentId: '620102199003071258' });
    expect(explainCandidate(left, [right], plain).explanation?.anchors).toEqual([`resident_id=${RID}`]);
    // (two characters apart is another id: a relative's, not a typo)
    expect(explainCandidate(left, [other], plain).explanation?.waterfall.map((w) => w.label).join(' ')).toMatch(/resident id: different/);
    // The hotel's resident ID is masked for this viewer, and what derives from it (birth date, sex,
    // county, an invalid ID kept raw) with it, as `maskForViewer` grades them.
    const fromId = (a: string) => a === 'residentId' || (attributeMeta(a).derivedFrom ?? []).includes('residentId');
    const hotelMasked: MaskValue = (attribute, value, source) => (source === 'hotel' && fromId(attribute) ? { value: `${value.slice(0, 2)}****`, masked: true } : { value, masked: false });
    for (const candidate of [right, other]) {
      const { explanation: e, withheld } = explainCandidate(left, [candidate], hotelMasked);
      expect(withheld).toBe(true);
      expect(e?.anchors).toEqual([]);
      expect(e?.conflicts.join(' ')).not.toMatch(/resident|birth|sex|county/);
      expect(e?.waterfall.map((w) => w.label).join(' ')).not.toMatch(/resident|birth|sex|county/);
      expect(JSON.stringify(e)).not.toContain(RID);
    }
    // The same pair explains the same whichever of its resident IDs matched: nothing tells them apart.
    const a = explainCandidate(left, [right], hotelMasked).explanation;
    const b = explainCandidate(left, [other], hotelMasked).explanation;
    expect({ ...a, compared: null }).toEqual({ ...b, compared: null });
  });

  it('has no explanation when no candidate record of the same kind is visible', () => {
    expect(explainCandidate(stored('netcafe:N1', { name: '张伟' }), [], plain).explanation).toBeNull();
  });
});
