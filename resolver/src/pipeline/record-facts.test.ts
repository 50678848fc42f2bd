import type { SourceCatalogEntry } from '@onemap/graph-schema';
import { describe, expect, it } from 'vitest';
import type { BatchRecord } from '../intake/read-batch.ts';
import { recordFacts, toZonedTime } from './record-facts.ts';

describe('toZonedTime', () => {
  it('reads source times as Beijing time', () => {
    expect(toZonedTime('2026-03-02T12:15:26')).toBe('2026-03-02T12:15:26+08:00');
    expect(toZonedTime('2026-03-02 12:15')).toBe('2026-03-02T12:15:00+08:00');
    expect(toZonedTime('2026-03-02')).toBe('2026-03-02T00:00:00+08:00');
    expect(toZonedTime('2026-03-02T04:15:26Z')).toBe('2026-03-02T04:15:26Z');
  });
  it('refuses what is not a time', () => {
    expect(toZonedTime('yesterday')).toBeNull();
    expect(toZonedTime(undefined)).toBeNull();
  });
});

const entry = {
  id: 'hotel',
  fields: [
    { column: 'check_in', target: 'record.at', meaning: '', sensitivity: 1 },
    { column: 'check_out', target: 'record.until', meaning: '', sensitivity: 1 },
  ],
  entities: [],
  traces: [{ subject: 'guest', place: 'hotel', kind: 'hotel_stay', atColumn: 'check_in', untilColumn: 'check_out' }],
  relations: [],
} as unknown as SourceCatalogEntry;

function rec(record: Record<string, string>, phone?: string): BatchRecord {
  return {
    rid: 'hotel:1',
    recordId: '1',
    line: 2,
    hash: 'h',
    raw: {},
    record,
    problems: [],
    mentions: [
      { key: 'hotel:1:guest', source: 'hotel', recordId: '1', role: 'guest', kind: 'Person', attrs: phone ? { phone } : {}, identifiers: phone ? [{ kind: 'phone', value: phone }] : [], flags: [] },
      { key: 'hotel:1:hotel', source: 'hotel', recordId: '1', role: 'hotel', kind: 'Place', attrs: {}, identifiers: [], flags: [] },
    ],
  };
}

describe('recordFacts', () => {
  it('turns the catalog trace into a VISITED sighting with zoned times', () => {
    const f = recordFacts(entry, rec({ at: '2026-03-02T20:00:00', until: '2026-03-03T08:00:00' }));
    expect(f.visits).toEqual([{ subjectRole: 'guest', placeRole: 'hotel', kind: 'hotel_stay', at: '2026-03-02T20:00:00+08:00', until: '2026-03-03T08:00:00+08:00' }]);
    expect(f.dropped).toEqual([]);
  });

  it('a person phone becomes a Phone mention with HAS_PHONE, so people sharing a phone meet at one node', () => {
    const f = recordFacts(entry, rec({ at: '2026-03-02T20:00:00' }, '+8613900000001'));
    const phone = f.mentions.find((m) => m.kind === 'Phone');
    expect(phone).toMatchObject({ key: 'hotel:1:guest_phone', identifiers: [{ kind: 'phone', value: '+8613900000001' }] });
    expect(f.relations).toEqual([{ type: 'HAS_PHONE', fromRole: 'guest', toRole: 'guest_phone', role: null }]);
  });

  it('a trace without a valid time is dropped with its reason, the record still counts', () => {
    const f = recordFacts(entry, rec({ at: 'not a time' }));
    expect(f.visits).toEqual([]);
    expect(f.dropped).toEqual(['check_in:no valid time for the hotel_stay trace']);
  });
});
