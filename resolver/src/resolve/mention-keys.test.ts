import { describe, expect, it } from 'vitest';
import { MentionKeys, ROLE_SLOTS } from './mention-keys.ts';
import { RecordIds } from './record-ids.ts';

describe('MentionKeys', () => {
  it('gives every key back from its number: the record and the role, colons in the record id included', () => {
    const keys = new MentionKeys();
    const all = ['hotel:H1:guest', 'hotel:H1:hotel', 'hotel:H2:guest', 'rail:2026:05:01:T7:passenger', 'a::b', 'x:'];
    const numbers = all.map((k) => keys.numberOf(k));
    expect(new Set(numbers).size).toBe(all.length);
    expect(numbers.map((n) => keys.keyOf(n))).toEqual(all);
    expect(all.map((k) => keys.find(k))).toEqual(numbers);
    // one string, one number, however often it is numbered
    expect(all.map((k) => keys.numberOf(k))).toEqual(numbers);
  });

  it('numbers a key by its record, shared with whoever else numbers records', () => {
    const records = new RecordIds();
    const keys = new MentionKeys(records);
    const guest = keys.numberOf('hotel:H1:guest');
    const hotel = keys.numberOf('hotel:H1:hotel');
    expect(records.find('hotel:H1')).toBe(0);
    expect(Math.floor(guest / ROLE_SLOTS)).toBe(0);
    expect(Math.floor(hotel / ROLE_SLOTS)).toBe(0);
    // a record numbered elsewhere first keeps its number in the keys
    records.numberOf('rail:R9');
    expect(Math.floor(keys.numberOf('rail:R9:passenger') / ROLE_SLOTS)).toBe(records.find('rail:R9'));
    expect(records.size).toBe(2);
    // the record of a key's number, as the record table numbers it; none for a key kept as a string
    expect([guest, hotel, keys.numberOf('rail:R9:passenger')].map((n) => keys.recordOf(n))).toEqual([
      0,
      0,
      records.find('rail:R9'),
    ]);
    expect(keys.recordOf(keys.numberOf('no-role'))).toBeUndefined();
  });

  it('numbers nothing by looking, and keeps a key without a record or past the role slots as a string', () => {
    const records = new RecordIds();
    const keys = new MentionKeys(records);
    expect(keys.find('hotel:H1:guest')).toBeUndefined();
    expect(keys.find('P-0123456789abcdef')).toBeUndefined();
    expect(records.size).toBe(0);
    const custom = keys.numberOf('custom-key');
    expect(custom).toBeLessThan(0);
    expect(keys.keyOf(custom)).toBe('custom-key');
    for (let r = 0; r < ROLE_SLOTS; r++) keys.numberOf(`s:1:role${r}`);
    const past = keys.numberOf('s:1:one-role-too-many');
    expect(past).toBeLessThan(0);
    expect(keys.keyOf(past)).toBe('s:1:one-role-too-many');
    expect(keys.find('s:1:one-role-too-many')).toBe(past);
    expect(keys.keyOf(keys.numberOf(`s:1:role${ROLE_SLOTS - 1}`))).toBe(`s:1:role${ROLE_SLOTS - 1}`);
  });

  it('numbers a key by its record’s number as it numbers the key’s string, whichever comes first', () => {
    const all: [rid: string, role: string][] = [
      ['hotel:H1', 'guest'],
      ['hotel:H1', 'hotel'],
      ['rail:2026:05:01:T7', 'passenger'],
      ['hotel:H2', 'a:b'],
    ];
    for (let r = 0; r < ROLE_SLOTS + 3; r++) all.push([`s:${r}`, `role${r}`]);
    all.push(['hotel:H3', 'guest']);
    const keyOf = ([rid, role]: [string, string]) => `${rid}:${role}`;
    // by the record's number first, then by the string
    const keys = new MentionKeys();
    const byRecord = all.map(([rid, role]) => keys.numberOfRole(keys.records.numberOf(rid), role, `${rid}:${role}`));
    expect(all.map((k) => keys.numberOf(keyOf(k)))).toEqual(byRecord);
    expect(byRecord.map((n) => keys.keyOf(n))).toEqual(all.map(keyOf));
    // a role with a colon, and the roles past the slots (3 named before the 35 numbered ones), are keys kept as strings
    expect(byRecord.filter((n) => n < 0).length).toBe(1 + (ROLE_SLOTS + 3 + 3 - ROLE_SLOTS));
    // by the string first, then by the record's number
    const other = new MentionKeys();
    const byString = all.map((k) => other.numberOf(keyOf(k)));
    expect(all.map(([rid, role]) => other.numberOfRole(other.records.numberOf(rid), role, `${rid}:${role}`))).toEqual(
      byString,
    );
    expect(byString.map((n) => other.keyOf(n))).toEqual(all.map(keyOf));
  });
});
