import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RecordIds } from '../resolve/record-ids.ts';
import { RecordTable } from './record-table.ts';

const hashOf = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

describe('RecordTable', () => {
  it('gives back every hash, time and batch it was given, past its first growth', () => {
    const t = new RecordTable();
    const n = 5000;
    for (let i = 0; i < n; i++) {
      t.setHash(`hotel:${i}`, hashOf(String(i)));
      if (i % 3) t.setReceivedAt(`hotel:${i}`, 1_700_000_000_000 + i);
      t.setWrittenBy(`hotel:${i}`, `B${i % 7}`);
    }
    for (let i = 0; i < n; i++) {
      const rid = `hotel:${i}`;
      expect(t.hash(rid)).toBe(hashOf(String(i)));
      expect(t.hasHash(rid, hashOf(String(i)))).toBe(true);
      expect(t.hasHash(rid, hashOf(String(i + 1)))).toBe(false);
      expect(t.receivedAt(rid)).toBe(i % 3 ? 1_700_000_000_000 + i : undefined);
      expect(t.writtenBy(rid)).toBe(`B${i % 7}`);
      expect(t.known(rid)).toBe(true);
    }
  });

  it('keeps leading zeros, hashes of another form, and tells an unknown record', () => {
    const t = new RecordTable();
    t.setHash('a:1', '0000000f00000000000000000000000a');
    expect(t.hash('a:1')).toBe('0000000f00000000000000000000000a');
    t.setHash('a:2', '');
    expect(t.hash('a:2')).toBe('');
    expect(t.hasHash('a:2', '')).toBe(true);
    t.setHash('a:3', 'ABC');
    expect(t.hasHash('a:3', 'ABC')).toBe(true);
    // a later version in the usual form replaces an odd one, and back
    t.setHash('a:3', hashOf('x'));
    expect(t.hash('a:3')).toBe(hashOf('x'));
    t.setHash('a:3', 'odd again');
    expect(t.hash('a:3')).toBe('odd again');
    expect(t.hash('a:4')).toBeUndefined();
    expect(t.known('a:4')).toBe(false);
    expect(t.hasHash('a:4', hashOf('x'))).toBe(false);
    // a time or a batch alone does not make a record known (no version of it resolved)
    t.setReceivedAt('a:5', 1);
    t.setWrittenBy('a:6', 'B');
    expect(t.known('a:5')).toBe(false);
    expect(t.known('a:6')).toBe(false);
    expect(t.receivedAt('a:5')).toBe(1);
    expect(t.writtenBy('a:5')).toBeUndefined();
    expect(t.writtenBy('a:6')).toBe('B');
  });

  it('knows nothing of records numbered elsewhere (by the index mention keys) until told, and keeps a fact that grows it', () => {
    const ids = new RecordIds();
    const t = new RecordTable(ids);
    for (let i = 0; i < 5000; i++) ids.numberOf(`hotel:${i}`);
    for (const rid of ['hotel:5', 'hotel:2500']) {
      expect(t.known(rid)).toBe(false);
      expect(t.hash(rid)).toBeUndefined();
      expect(t.receivedAt(rid)).toBeUndefined();
      expect(t.writtenBy(rid)).toBeUndefined();
    }
    t.setReceivedAt('hotel:2500', 7);
    expect(t.receivedAt('hotel:2500')).toBe(7);
    expect(t.receivedAt('hotel:2499')).toBeUndefined();
    t.setWrittenBy('hotel:4500', 'B');
    expect(t.writtenBy('hotel:4500')).toBe('B');
    t.setHash('hotel:5', hashOf('5'));
    expect(t.hash('hotel:5')).toBe(hashOf('5'));
    expect(ids.find('hotel:5')).toBe(5);
    expect(ids.size).toBe(5000);
  });
});
