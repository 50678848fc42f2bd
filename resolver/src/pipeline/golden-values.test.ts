import { describe, expect, it } from 'vitest';
import { NAMING_ATTRIBUTES } from '@onemap/graph-schema';
import type { Mention } from '../types.ts';
import { authorityFromCatalog, goldenValues } from './golden-values.ts';

function person(source: string, recordId: string, attrs: Record<string, string>): Mention {
  return { key: `${source}:${recordId}:p`, source, recordId, role: 'p', kind: 'Person', attrs, identifiers: [], flags: [] };
}

const authority = authorityFromCatalog([{ id: 'household', authorityFor: ['Person.name', 'Person.address'] }]);

describe('golden values (一数一源)', () => {
  it('takes the authoritative source over a more frequent value, and says where each value came from', () => {
    const g = goldenValues(
      'Person',
      [
        person('hotel', 'h1', { name: '张三丰', address: '旧地址1号' }),
        person('hotel', 'h2', { name: '张三丰', address: '旧地址1号', phone: '+8613900000001' }),
        person('household', 'r1', { name: '张三峰', address: '新地址2号', pyFamily: 'zhang', pyGiven: 'san feng' }),
      ],
      authority,
    );
    expect(g.props.name).toBe('张三峰');
    expect(g.props.address).toBe('新地址2号');
    expect(g.props.phone).toBe('+8613900000001');
    expect(g.provenance.name).toEqual({ source: 'household', rid: 'household:r1' });
    expect(g.provenance.phone).toEqual({ source: 'hotel', rid: 'hotel:h2' });
    expect(g.props.namePinyin).toBe('zhang san feng');
    // every spelling stays searchable
    expect(g.searchText).toContain('张三丰');
    expect(g.searchText).toContain('张三峰');
    // its Pinyin (joined, initials: one search term each) is indexed apart from names and identifiers
    expect(String(g.props.pinyinInitials).split(' ')).toContain('zsf');
    expect(String(g.props.pinyinKeys).split(' ')).toContain('zhangsanfeng');
    expect(g.searchText.split(' ')).not.toContain('zsf');
    expect(g.searchText.split(' ')).not.toContain('zhangsanfeng');
  });

  it('without an authority, the most frequent value wins, then the latest', () => {
    const g = goldenValues('Person', [person('a', '1', { sex: 'M' }), person('b', '2', { sex: 'F' }), person('c', '3', { sex: 'M' }), person('d', '4', { birthDate: '1990-01-01' }), person('e', '5', { birthDate: '1991-01-01' })], authority);
    expect(g.props.sex).toBe('M');
    expect(g.props.birthDate).toBe('1991-01-01');
  });

  it('with receive times, recency is by time (as on the server), not by list order', () => {
    const mentions = [person('d', '4', { birthDate: '1990-01-01' }), person('e', '5', { birthDate: '1991-01-01' })];
    const at: Record<string, number> = { d: 2_000, e: 1_000 };
    const g = goldenValues('Person', mentions, authority, (m) => at[m.source] ?? null);
    expect(g.props.birthDate).toBe('1990-01-01');
    expect(g.provenance.birthDate).toEqual({ source: 'd', rid: 'd:4' });
  });

  it('maps a place division code to unitCode and keeps coordinates for the location point', () => {
    const place: Mention = { key: 'hotel:1:hotel', source: 'hotel', recordId: '1', role: 'hotel', kind: 'Place', attrs: { name: '如家', divisionCode: '620102', lon: '103.8', lat: '36.05' }, identifiers: [], flags: [] };
    const g = goldenValues('Place', [place], authority);
    expect(g.props).toMatchObject({ name: '如家', unitCode: '620102', lon: '103.8', lat: '36.05' });
  });

  it('names a vehicle, phone and case by their naming attributes (graph-schema NAMING_ATTRIBUTES), each with the provenance of its property', () => {
    const m = (kind: Mention['kind'], attrs: Record<string, string>): Mention => ({ key: `s:1:${kind}`, source: 's', recordId: '1', role: 'x', kind, attrs, identifiers: [], flags: [] });
    const named = (kind: Mention['kind'], attrs: Record<string, string>) => goldenValues(kind, [m(kind, attrs)], authority);
    expect(named('Vehicle', { plate: '甘A12345', color: '白' }).props.name).toBe('甘A12345');
    expect(named('Phone', { phone: '+8613800000001' }).props.name).toBe('+8613800000001');
    expect(named('Case', { caseType: '盗窃', caseNumber: 'A6201022026110001' }).props.name).toBe('盗窃 A6201022026110001');
    expect(named('Case', { caseNumber: 'A6201022026110001' }).props.name).toBe('A6201022026110001');
    expect(named('Vehicle', { color: '白' }).props.name).toBeUndefined();
    // every naming property is a property the node is written with, so its provenance names its source
    for (const kind of ['Person', 'Organization', 'Place', 'Vehicle', 'Phone', 'Case'] as const) {
      const attrs = Object.fromEntries(NAMING_ATTRIBUTES[kind].map((a) => [a.attribute, `v-${a.attribute}`]));
      const g = named(kind, attrs);
      for (const a of NAMING_ATTRIBUTES[kind]) expect(g.provenance[a.property], `${kind}.${a.property}`).toEqual({ source: 's', rid: 's:1' });
    }
  });
});
