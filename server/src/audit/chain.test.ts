import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { type AuditEntry, auditDigestKey, chainGroup, entryHash, GENESIS_HASH, signCheckpoint, unkeyedEntryHash, verifyCheckpointSignature } from './chain.ts';

const KEY = auditDigestKey('k'.repeat(16));

const base: Omit<AuditEntry, 'hash'> = {
  seq: 1,
  prevHash: GENESIS_HASH,
  at: '2026-11-22T00:00:00.000Z',
  requestId: 'r1',
  user: 'u',
  unit: '620102',
  role: 'officer',
  purposeJson: null,
  route: '/api/entities/:eid',
  method: 'GET',
  paramsJson: '{}',
  resultCount: 1,
  outcome: 'allowed',
  status: 200,
};

describe('entryHash', () => {
  it('is stable and depends on every field and the link', () => {
    const h = entryHash(KEY, base);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(entryHash(KEY, { ...base })).toBe(h);
    for (const [k, v] of Object.entries({ seq: 2, prevHash: '1'.repeat(64), user: 'v', resultCount: 2, outcome: 'denied', status: 403, paramsJson: '{"a":1}' })) {
      expect(entryHash(KEY, { ...base, [k]: v } as Omit<AuditEntry, 'hash'>), k).not.toBe(h);
    }
  });
  it('is keyed: another key gives another hash, and no unkeyed SHA-256 of the fields matches it (a reader of a masked entry cannot test a guess)', () => {
    const h = entryHash(KEY, base);
    expect(entryHash(auditDigestKey('x'.repeat(16)), base)).not.toBe(h);
    expect(unkeyedEntryHash(base)).not.toBe(h);
    expect(h).not.toBe(createHash('sha256').update(JSON.stringify(Object.values(base))).digest('hex'));
  });
  it('treats a missing field like null (Neo4j drops nulls)', () => {
    const { purposeJson: _p, ...rest } = base;
    expect(entryHash(KEY, rest as Omit<AuditEntry, 'hash'>)).toBe(entryHash(KEY, base));
  });
});

describe('checkpoint signatures', () => {
  it('verify with the key and fail with another or after an edit', () => {
    const c = { seq: 10, hash: 'a'.repeat(64), at: '2026-11-22T00:00:00.000Z', by: 'auto', signature: signCheckpoint('k'.repeat(16), 10, 'a'.repeat(64), '2026-11-22T00:00:00.000Z') };
    expect(verifyCheckpointSignature('k'.repeat(16), c)).toBe(true);
    expect(verifyCheckpointSignature('x'.repeat(16), c)).toBe(false);
    expect(verifyCheckpointSignature('k'.repeat(16), { ...c, seq: 11 })).toBe(false);
  });
});

describe('chainGroup', () => {
  it('chains a group onto the head: consecutive seqs, each linking the one before, checkpoints where due', () => {
    const { seq: _s, prevHash: _p, ...input } = base;
    const head = { seq: 8, hash: 'b'.repeat(64) };
    const group = chainGroup(head, [input, { ...input, requestId: 'r2' }, { ...input, requestId: 'r3' }], { signingKey: 'k'.repeat(16), checkpointEvery: 10 });
    expect(group.map((g) => g.entry.seq)).toEqual([9, 10, 11]);
    expect(group[0]?.entry.prevHash).toBe(head.hash);
    expect(group[1]?.entry.prevHash).toBe(group[0]?.hash);
    expect(group[2]?.entry.prevHash).toBe(group[1]?.hash);
    for (const g of group) expect(g.hash).toBe(entryHash(KEY, g.entry));
    expect(group.map((g) => g.checkpoint !== null)).toEqual([false, true, false]);
    const cp = group[1]?.checkpoint;
    if (!cp) throw new Error('no checkpoint');
    expect(verifyCheckpointSignature('k'.repeat(16), { seq: 10, hash: group[1]?.hash ?? '', at: cp.at, by: cp.by, signature: cp.signature })).toBe(true);
  });
});
