import { describe, expect, it } from 'vitest';
import type { Mention } from '../types.ts';
import { eachStoredRecord, mentionsToJson, type RecordPage, storedRecordsOf } from './load-index.ts';

function mention(recordId: string, role: string, name: string): Mention {
  return {
    key: `hotel:${recordId}:${role}`,
    source: 'hotel',
    recordId,
    role,
    kind: role === 'hotel' ? 'Place' : 'Person',
    attrs: { name },
    identifiers: [],
    flags: [],
  };
}

/** A page as `readRecordPage` returns it, of records each stating a guest and a hotel. */
function pageOf(
  records: { recordId: string; guest: string; resolved: [role: string, eid: string][]; attrs?: string }[],
): RecordPage {
  const page: RecordPage = {
    rid: [],
    hash: [],
    seq: [],
    batchId: [],
    receivedAt: [],
    source: [],
    recordId: [],
    attrs: [],
    meta: [],
    roles: [],
    eids: [],
    resolvedEnd: [],
  };
  records.forEach((r, i) => {
    const json = mentionsToJson([mention(r.recordId, 'guest', r.guest), mention(r.recordId, 'hotel', '如家')]);
    page.rid.push(`hotel:${r.recordId}`);
    page.hash.push(`h${i}`);
    page.seq.push(i + 1);
    page.batchId.push(i % 2 ? null : 'hotel.b1');
    page.receivedAt.push(1_700_000_000_000 + i);
    page.source.push('hotel');
    page.recordId.push(r.recordId);
    page.attrs.push(r.attrs ?? json.attrs);
    page.meta.push(json.mentions);
    for (const [role, eid] of r.resolved) {
      page.roles.push(role);
      page.eids.push(eid);
    }
    page.resolvedEnd.push(page.roles.length);
  });
  return page;
}

describe('a page of stored records', () => {
  const page = pageOf([
    {
      recordId: 'a',
      guest: '张伟',
      resolved: [
        ['guest', 'P-1'],
        ['hotel', 'L-1'],
      ],
    },
    { recordId: 'b', guest: '李娜', resolved: [['hotel', 'L-1']] },
    {
      recordId: 'c',
      guest: '王芳',
      resolved: [
        ['guest', 'P-3'],
        ['hotel', 'L-1'],
      ],
    },
  ]);

  it('gives each record its mentions with their entities, a mention with no entity left out', () => {
    const records = storedRecordsOf(page);
    expect(
      records.map((r) => [
        r.rid,
        r.seq,
        r.batchId,
        r.mentions.map((m) => [m.mention.role, m.eid, m.mention.attrs.name]),
      ]),
    ).toEqual([
      [
        'hotel:a',
        1,
        'hotel.b1',
        [
          ['guest', 'P-1', '张伟'],
          ['hotel', 'L-1', '如家'],
        ],
      ],
      ['hotel:b', 2, null, [['hotel', 'L-1', '如家']]],
      [
        'hotel:c',
        3,
        'hotel.b1',
        [
          ['guest', 'P-3', '王芳'],
          ['hotel', 'L-1', '如家'],
        ],
      ],
    ]);
    expect(records[0]!.mentions[0]!.mention).toEqual(mention('a', 'guest', '张伟'));
    expect([...eachStoredRecord(page)]).toEqual(records);
  });

  it('says whether a record’s mention keys begin with its rid, and keys them by source and record id either way', () => {
    expect(storedRecordsOf(page).map((r) => r.keyedByRid)).toEqual([true, true, true]);
    const odd = pageOf([
      { recordId: 'a', guest: '张伟', resolved: [['guest', 'P-1']] },
      { recordId: 'b', guest: '李娜', resolved: [['guest', 'P-2']] },
      { recordId: 'c', guest: '王芳', resolved: [['guest', 'P-3']] },
    ]);
    // rids another writer made otherwise: the record id alone, another source's, one character more
    odd.rid[0] = 'a';
    odd.rid[1] = 'rail:b';
    odd.rid[2] = 'hotel:cc';
    const records = storedRecordsOf(odd);
    expect(records.map((r) => r.keyedByRid)).toEqual([false, false, false]);
    expect(records.map((r) => r.mentions[0]!.mention.key)).toEqual(['hotel:a:guest', 'hotel:b:guest', 'hotel:c:guest']);
  });

  it('makes a record’s objects only when it is taken (the records before a broken one come out first)', () => {
    const broken = pageOf([
      { recordId: 'a', guest: '张伟', resolved: [['guest', 'P-1']] },
      { recordId: 'b', guest: '李娜', resolved: [['guest', 'P-2']], attrs: '{"guest":' },
    ]);
    const records = eachStoredRecord(broken);
    const first = records.next();
    expect(first.done).toBe(false);
    expect(first.value?.rid).toBe('hotel:a');
    expect(() => records.next()).toThrow(SyntaxError);
    expect(() => storedRecordsOf(broken)).toThrow(SyntaxError);
  });
});
