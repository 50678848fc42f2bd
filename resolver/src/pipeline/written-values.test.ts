import { describe, expect, it } from 'vitest';
import { entityWrite } from '../graph/write-chunk.ts';
import type { EntityRow } from '../graph/write-rows.ts';
import { shortHash, WrittenValues } from './written-values.ts';

function row(over: Partial<EntityRow> = {}): EntityRow {
  return {
    eid: 'P-1',
    kind: 'Person',
    props: { name: '张三', residentId: '620102199001011234', sex: 'M' },
    provenance: '{"name":{"source":"hotel","rid":"hotel:1"}}',
    searchText: '张三 zhangsan 620102199001011234',
    lon: null,
    lat: null,
    ...over,
  };
}

describe('WrittenValues', () => {
  it('knows nothing of an entity it never wrote: the whole row goes', () => {
    expect(new WrittenValues().changes(row())).toBeUndefined();
    expect(entityWrite(row()).props).toEqual({ name: '张三', residentId: '620102199001011234', sex: 'M', provenance: row().provenance, searchText: row().searchText });
  });

  it('an entity written with the same values is unchanged (null)', () => {
    const w = new WrittenValues();
    w.note(row());
    expect(w.changes(row())).toBeNull();
  });

  it('a new record moving the provenance sends the provenance alone, not the names and search text', () => {
    const w = new WrittenValues();
    w.note(row());
    const next = row({ provenance: '{"name":{"source":"hotel","rid":"hotel:2"}}' });
    const c = w.changes(next)!;
    expect(c).toEqual({ props: { provenance: next.provenance }, point: false });
    next.changes = c;
    expect(entityWrite(next)).toEqual({ eid: 'P-1', kind: 'Person', props: { provenance: next.provenance }, lon: null, lat: null });
  });

  it('a changed value, a new property and a gone property (null removes it), the point only when it moved', () => {
    const w = new WrittenValues();
    w.note(row({ lon: 103.8, lat: 36.06 }));
    const next = row({ props: { name: '张三', residentId: '620102199001011234', address: '兰州市城关区' }, lon: 103.8, lat: 36.06 });
    const c = w.changes(next)!;
    expect(c).toEqual({ props: { address: '兰州市城关区', sex: null }, point: false });
    next.changes = c;
    expect(entityWrite(next).lon).toBeNull(); // the location is not set again
    const moved = row({ lon: 103.9, lat: 36.06 });
    expect(w.changes(moved)).toEqual({ props: {}, point: true });
    moved.changes = w.changes(moved)!;
    expect(entityWrite(moved)).toMatchObject({ lon: 103.9, lat: 36.06 });
  });

  it('compares against the last noted row (values that change and change back are sent again)', () => {
    const w = new WrittenValues();
    w.note(row());
    w.note(row({ props: { name: '张叁', residentId: '620102199001011234', sex: 'M' } }));
    expect(w.changes(row())).toEqual({ props: { name: '张三' }, point: false });
    w.delete('P-1');
    expect(w.changes(row())).toBeUndefined();
  });

  it('shortHash tells apart strings that differ by one character and is stable', () => {
    expect(shortHash('hotel:1')).not.toBe(shortHash('hotel:2'));
    expect(shortHash('张三')).toBe(shortHash('张三'));
    const seen = new Set(Array.from({ length: 20000 }, (_, i) => shortHash(`rid:${i}`)));
    expect(seen.size).toBe(20000);
  });

  it('says exactly what differs from the last noted row, over random rows of changing shapes, values and points', () => {
    let seed = 11;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const names = ['name', 'sex', 'address', 'phone', 'provenance2', 'p', 'searchText2'];
    const randomRow = (eid: string): EntityRow => {
      const props: Record<string, string> = {};
      for (const n of names) if (rand() < 0.6) props[n] = `${n}-${Math.floor(rand() * 3)}`;
      const point = rand() < 0.3 ? null : Math.floor(rand() * 2);
      return row({ eid, props, provenance: `prov-${Math.floor(rand() * 3)}`, searchText: `s-${Math.floor(rand() * 2)}`, lon: point, lat: point });
    };
    /** the reference: the changes from `a` to `b` as EntityChanges says them */
    const diff = (a: EntityRow, b: EntityRow) => {
      const props: Record<string, string | null> = {};
      for (const [k, v] of Object.entries(b.props)) if (a.props[k] !== v) props[k] = v;
      for (const k of Object.keys(a.props)) if (!(k in b.props)) props[k] = null;
      if (a.provenance !== b.provenance) props.provenance = b.provenance;
      if (a.searchText !== b.searchText) props.searchText = b.searchText;
      const point = a.lon !== b.lon || a.lat !== b.lat;
      return Object.keys(props).length || point ? { props, point } : null;
    };
    const w = new WrittenValues();
    const last = new Map<string, EntityRow>();
    let compared = 0;
    for (let i = 0; i < 3000; i++) {
      const eid = `P-${Math.floor(rand() * 20)}`;
      const next = randomRow(eid);
      const before = last.get(eid);
      expect(w.changes(next)).toEqual(before ? diff(before, next) : undefined);
      if (before) compared++;
      if (rand() < 0.9) {
        w.note(next);
        last.set(eid, next);
      }
    }
    expect(compared).toBeGreaterThan(2500);
  });
});
