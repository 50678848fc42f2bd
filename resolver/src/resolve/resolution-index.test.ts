import { residentIdCheckChar, type SourceMapping } from '@onemap/graph-schema';
import { describe, expect, it, vi } from 'vitest';
import { blockOn } from '../blocking/blocking-rule.ts';
import { defaultSettings } from '../scoring/default-kind-settings.ts';
import { PairScorer } from '../scoring/pair-scorer.ts';
import { standardizeRecord } from '../standardize/standardize-record.ts';
import type { Mention } from '../types.ts';
import { entityIdFor } from './entity-id.ts';
import { keyHash } from './hashed-key-map.ts';
import { ResolutionIndex } from './resolution-index.ts';
import { resolveBatch } from './resolve-batch.ts';

const mapping: SourceMapping = {
  recordIdColumn: 'id',
  entities: [{ role: 'p', kind: 'Person' }],
  fields: ['name', 'residentId', 'birthDate', 'phone', 'sex'].map((a) => ({
    column: a,
    target: `p.${a}`,
    meaning: a,
    sensitivity: 1 as const,
  })),
};
let n = 0;
function mention(r: Record<string, string>): Mention {
  const s = standardizeRecord({ id: String(++n), ...r }, mapping, { source: 'rt' });
  if (!s.ok || !s.mentions[0]) throw new Error('bad fixture');
  return s.mentions[0];
}
const id1 = `11010519900307002${residentIdCheckChar('11010519900307002')}`;
const id2 = `11010519900307004${residentIdCheckChar('11010519900307004')}`;

describe('ResolutionIndex', () => {
  it('never mints the id of an entity it holds or retired: a key minted again at the count it was first minted at (another process, a rebuild) gets another', () => {
    const guest = mention({ name: '王芳', birthDate: '1990-01-02' });
    // the first process: the guest's record made an entity, minted at count 0
    const first = new ResolutionIndex().newEntityId(guest);
    // a later process reads that entity from the graph (another record of it too), then the
    // guest's corrected re-delivery leaves it for an entity of its own, minted at count 0 again
    const later = new ResolutionIndex();
    later.add(guest, first);
    later.add(mention({ name: '王芳', birthDate: '1990-01-02' }), first);
    expect(later.withdraw(guest.key)).toEqual({ entityId: first, emptied: false });
    const again = later.newEntityId(guest);
    expect(again).not.toBe(first);
    // nor one retired into another (a merged-away id stays a redirect)
    const merged = new ResolutionIndex();
    const other = mention({ name: '赵强', birthDate: '1970-03-04' });
    merged.add(guest, first);
    merged.add(other, 'P-survivor');
    merged.mergeEntities('P-survivor', first);
    expect(merged.newEntityId(guest)).not.toBe(first);
    // an index that holds neither mints as before: the same history, the same ids
    expect(new ResolutionIndex().newEntityId(guest)).toBe(first);
  });

  it('mints keyed ids with a key (every writer of the graph has one): the same history and key, the same ids; without the key nothing relates them to the record', () => {
    const guest = mention({ name: '李娜', birthDate: '1991-02-03' });
    const key = new TextEncoder().encode('k'.repeat(32));
    const id = new ResolutionIndex({ eidKey: key }).newEntityId(guest);
    expect(id).toMatch(/^P-[0-9a-f]{16}$/);
    expect(new ResolutionIndex({ eidKey: key }).newEntityId(guest)).toBe(id);
    expect(id).toBe(entityIdFor('Person', `${guest.key}#0`, key));
    // not the unkeyed hash of the same seed (what a viewer could compute from a guessed record id), nor another key's
    expect(id).not.toBe(new ResolutionIndex().newEntityId(guest));
    expect(id).not.toBe(new ResolutionIndex({ eidKey: new TextEncoder().encode('m'.repeat(32)) }).newEntityId(guest));
  });

  it('scores one mention per entity and attributes, and keeps finding the entity when that mention changes', () => {
    const ix = new ResolutionIndex();
    const values = { name: '李娜', birthDate: '1985-11-02', phone: '13912345678' };
    const first = ix.resolveAndAdd(mention(values));
    // the same guest again and again: one entity, and candidates stay found
    const again = Array.from({ length: 50 }, () => ix.resolveAndAdd(mention(values)));
    expect(new Set(again.map((r) => r.entityId))).toEqual(new Set([first.entityId]));
    expect(ix.mentionsOf(first.entityId)).toHaveLength(51);
    // a corrected re-delivery of the first mention (the one scored for the others) moves it out of the
    // block; the others still stand for the entity
    const firstKey = ix.mentionsOf(first.entityId)[0]!.key;
    const moved = { ...mention({ name: '赵伟', birthDate: '1970-01-01', phone: '13700000000' }), key: firstKey };
    ix.add(moved, ix.newEntityId(moved));
    expect(ix.resolveOne(mention(values))).toMatchObject({ decision: 'match', entityId: first.entityId });
  });

  it('scores a candidate group once per mention, however many blocks hold it, and not when its entity is anchored', () => {
    const ix = new ResolutionIndex();
    const values = { name: '李娜', birthDate: '1985-11-02', phone: '13912345678', sex: '女' };
    const first = ix.resolveAndAdd(mention({ ...values, residentId: id1 }));
    const weight = vi.spyOn(PairScorer.prototype, 'weight');
    try {
      // the same values key several blocking rules (name and birth date, phone, …): one group, one scoring
      const scored = ix.resolveOne(mention(values));
      expect(scored).toMatchObject({ decision: 'match', entityId: first.entityId });
      expect(weight).toHaveBeenCalledTimes(1);
      weight.mockClear();
      // anchored by the resident ID: the anchor's own group is not scored at all
      expect(ix.resolveOne(mention({ ...values, residentId: id1 }))).toMatchObject({ decision: 'anchor', entityId: first.entityId });
      expect(weight).not.toHaveBeenCalled();
    } finally {
      weight.mockRestore();
    }
  });

  it('resolves by anchor, by score, or as new', () => {
    const ix = new ResolutionIndex();
    const a = ix.resolveAndAdd(
      mention({ name: '王芳', residentId: id1, birthDate: '1990-03-07', phone: '13800138000' }),
    );
    expect(a.decision).toBe('new');
    expect(ix.resolveOne(mention({ name: '王芳', residentId: id1 }))).toMatchObject({
      decision: 'anchor',
      entityId: a.entityId,
      reason: 'resident_id',
    });
    const m = ix.resolveOne(mention({ name: '王芳', birthDate: '1990-03-07', phone: '13800138000' }));
    expect(m).toMatchObject({ decision: 'match', entityId: a.entityId });
    expect(m.explanation?.waterfall[0]?.label).toBe('prior');
    expect(ix.resolveOne(mention({ name: '李四', birthDate: '1970-01-01' }))).toMatchObject({
      decision: 'new',
      entityId: null,
    });
  });

  it('a mention anchored to a big entity is not cohesion-checked against it (scoring per record stays flat as the entity grows)', () => {
    const ix = new ResolutionIndex();
    const values = { name: '王芳', residentId: id1, birthDate: '1990-03-07', phone: '13800138000' };
    const first = ix.resolveAndAdd(mention(values));
    // the same guest checking in again and again: an entity of 101 mentions, one candidate per block
    for (let i = 0; i < 100; i++) ix.resolveAndAdd(mention(values));
    const weight = vi.spyOn(PairScorer.prototype, 'weight');
    try {
      const r = ix.resolveOne(mention(values));
      expect(r).toMatchObject({ decision: 'anchor', entityId: first.entityId });
      expect(r.mergeOf).toBeUndefined();
      // the block's candidates (one per distinct attributes) are scored; the 64-pair cohesion sample is not
      expect(weight.mock.calls.length).toBeLessThan(16);
    } finally {
      weight.mockRestore();
    }
  });

  it('never matches an entity holding a different valid resident id', () => {
    const ix = new ResolutionIndex();
    ix.resolveAndAdd(mention({ name: '王芳', residentId: id1, birthDate: '1990-03-07', phone: '13800138000' }));
    const r = ix.resolveOne(mention({ name: '王芳', residentId: id2, birthDate: '1990-03-07', phone: '13800138000' }));
    expect(r.decision).toBe('new');
  });

  it('reports mergeOf when one mention proves two entities are one', () => {
    const ix = new ResolutionIndex();
    const a = ix.resolveAndAdd(mention({ name: '赵敏', residentId: id1 }));
    const b = ix.resolveAndAdd(mention({ name: 'ZHAO Min', phone: '13900139000' }));
    expect(b.entityId).not.toBe(a.entityId);
    const c = ix.resolveOne(mention({ name: '赵敏', residentId: id1, phone: '13900139000' }));
    expect(c.decision).toBe('anchor');
    expect(c.mergeOf).toEqual([a.entityId, b.entityId]);
  });

  it('applies merges, splits and cannot-links from analysts', () => {
    const ix = new ResolutionIndex();
    const a = ix.resolveAndAdd(mention({ name: '孙丽', birthDate: '1980-01-01' }));
    const b = ix.resolveAndAdd(mention({ name: '钱多', birthDate: '1970-01-01' }));
    ix.mergeEntities(a.entityId, b.entityId);
    expect(ix.mentionsOf(a.entityId)).toHaveLength(2);
    const keyB = ix.mentionsOf(a.entityId)[1]!.key;
    const split = ix.splitEntity(a.entityId, [keyB]);
    expect(ix.entityOf(keyB)).toBe(split);
    // after a split the two parts are cannot-linked: a record matching both does not merge them
    const r = ix.resolveOne(mention({ name: '孙丽', birthDate: '1980-01-01' }));
    expect(r.mergeOf).toBeUndefined();
  });

  it('a merged entity keeps the exclusive ids of both parts and the anchors of the merged-away one', () => {
    const ix = new ResolutionIndex();
    const withId = ix.resolveAndAdd(mention({ name: '张伟', residentId: id1, birthDate: '1990-03-07' }));
    const noId = ix.resolveAndAdd(mention({ name: '张伟', birthDate: '1990-03-07', phone: '13600136000' }));
    ix.mergeEntities(noId.entityId, withId.entityId);
    // the survivor now holds id1: the anchor on id1 finds it, a different resident id never joins it
    expect(ix.resolveOne(mention({ name: '张伟', residentId: id1 }))).toMatchObject({ decision: 'anchor', entityId: noId.entityId });
    const other = ix.resolveOne(mention({ name: '张伟', residentId: id2, birthDate: '1990-03-07', phone: '13600136000' }));
    expect(other.entityId).toBeNull();
  });

  it('a corrected mention no longer holds its old exclusive id', () => {
    const ix = new ResolutionIndex();
    const first = mention({ name: '王芳', residentId: id1, birthDate: '1990-03-07' });
    const a = ix.resolveAndAdd(first);
    const corrected = { ...mention({ name: '王芳', residentId: id2, birthDate: '1990-03-07' }), key: first.key };
    ix.add(corrected, a.entityId);
    expect(ix.resolveOne(mention({ name: '王芳', residentId: id2 }))).toMatchObject({ decision: 'anchor', entityId: a.entityId });
    // a split-off part takes its ids along: the rest no longer conflicts with them
    const b = ix.resolveAndAdd(mention({ name: '王芳', birthDate: '1990-03-07', phone: '13800138000' }));
    expect(b.entityId).toBe(a.entityId);
    ix.splitEntity(a.entityId, [first.key]);
    expect(ix.resolveOne(mention({ name: '王芳', residentId: id1, birthDate: '1990-03-07', phone: '13800138000' })).entityId).toBe(a.entityId);
  });

  it('never merges two entities holding different exclusive ids, and forgets an id when its last mention leaves', () => {
    // a model anchoring on the phone too: a mention anchored on one entity may strongly match another
    const person = defaultSettings('Person');
    const ix = new ResolutionIndex({ models: { Person: { ...person, anchors: [...person.anchors, 'phone'] } } });
    const values = { name: '赵敏', birthDate: '1992-02-02', sex: '女' };
    const a = ix.resolveAndAdd(mention({ ...values, residentId: id1, phone: '13811112222' }));
    const b = ix.resolveAndAdd(mention({ ...values, residentId: id2, phone: '13933334444' }));
    expect(b.entityId).not.toBe(a.entityId);
    // anchored on a's phone, as strong a match for b: b holds another resident id than a, never merged
    const anchored = ix.resolveOne(mention({ ...values, phone: '13811112222' }));
    expect(anchored).toMatchObject({ decision: 'anchor', entityId: a.entityId });
    expect(anchored.mergeOf).toBeUndefined();
    // the same with b's resident id withdrawn (its only mention corrected to hold none): merged
    const bKey = ix.mentionsOf(b.entityId)[0]!.key;
    ix.add({ ...mention({ ...values, phone: '13933334444' }), key: bKey }, b.entityId);
    expect(ix.resolveOne(mention({ ...values, phone: '13811112222' })).mergeOf).toEqual([a.entityId, b.entityId]);
    // an entity holding two resident ids (a correction, kept apart) conflicts with either; the count
    // of each id goes down with its mentions: once the last mention of id2 leaves, id1 alone is held
    const ix3 = new ResolutionIndex();
    const m1 = mention({ name: '钱多', residentId: id1 });
    const m2 = mention({ name: '钱多', residentId: id1 });
    const e = ix3.resolveAndAdd(m1).entityId;
    ix3.add(m2, e);
    const odd = mention({ name: '钱多', residentId: id2 });
    ix3.add(odd, e);
    expect(ix3.resolveOne(mention({ name: '钱多', residentId: id1 })).entityId).toBeNull();
    ix3.withdraw(odd.key);
    expect(ix3.resolveOne(mention({ name: '钱多', residentId: id1 }))).toMatchObject({ decision: 'anchor', entityId: e });
    ix3.withdraw(m1.key);
    expect(ix3.resolveOne(mention({ name: '钱多', residentId: id1 }))).toMatchObject({ decision: 'anchor', entityId: e });
    expect(ix3.resolveOne(mention({ name: '钱多', residentId: id2 })).entityId).toBeNull();
  });

  it('loads entities from a batch and resolves the same way', () => {
    const ms = [
      mention({ name: '周杰', birthDate: '1979-01-18', phone: '13700137000' }),
      mention({ name: '周傑', birthDate: '1979-01-18' }),
    ];
    const batch = resolveBatch(ms);
    const ix = new ResolutionIndex();
    ix.load(
      batch.clusters.map((c) => ({ entityId: c.entityId, mentions: ms.filter((m) => c.mentionKeys.includes(m.key)) })),
    );
    expect(ix.size).toBe(2);
    expect(ix.resolveOne(mention({ name: 'ZHOU Jie', birthDate: '1979-01-18', phone: '13700137000' }))).toMatchObject({
      decision: 'match',
      entityId: batch.clusters[0]!.entityId,
    });
  });

  it('holds one representative for repeated values, and a withdrawal or split of interned mentions gives back each mention as it was added', () => {
    const ix = new ResolutionIndex();
    const values = { name: '刘洋', birthDate: '1988-08-08', phone: '13512345678' };
    const plain = Array.from({ length: 20 }, () => mention(values));
    const withId = mention({ ...values, residentId: id1 });
    const first = ix.resolveAndAdd(plain[0]!);
    for (const m of plain.slice(1)) expect(ix.resolveAndAdd(m).entityId).toBe(first.entityId);
    expect(ix.resolveAndAdd(withId).entityId).toBe(first.entityId);
    // 21 mentions, two distinct attributes (one with the resident id): two groups, one representative each
    expect(ix.counts()).toMatchObject({ mentions: 21, entities: 1, groups: 2, reps: 2 });
    const asAdded = (m: Mention) => ({ key: m.key, source: m.source, recordId: m.recordId, role: m.role, kind: m.kind, attrs: m.attrs, identifiers: m.identifiers });
    expect(ix.mentionsOf(first.entityId).map(asAdded)).toEqual([...plain, withId].map(asAdded));
    // the scored mention leaves: the next one of its group is scored, the entity is still found
    expect(ix.withdraw(plain[0]!.key)).toEqual({ entityId: first.entityId, emptied: false });
    expect(ix.resolveOne(mention(values))).toMatchObject({ decision: 'match', entityId: first.entityId });
    // a split of the one mention with the resident id takes it (and its anchor) to the new entity
    const split = ix.splitEntity(first.entityId, [withId.key]);
    expect(ix.mentionsOf(split).map(asAdded)).toEqual([asAdded(withId)]);
    expect(ix.mentionsOf(first.entityId).map((m) => m.key)).toEqual(plain.slice(1).map((m) => m.key));
    expect(ix.resolveOne(mention({ name: '刘洋', residentId: id1 }))).toMatchObject({ decision: 'anchor', entityId: split });
    // merged back, every mention keeps its own identifiers
    ix.mergeEntities(first.entityId, split);
    expect(ix.mentionsOf(first.entityId).map(asAdded)).toEqual([...plain.slice(1), withId].map(asAdded));
    expect(ix.counts()).toMatchObject({ mentions: 20, entities: 1 });
  });

  it('a mention whose key does not name its source and record keeps them', () => {
    const ix = new ResolutionIndex();
    const m = { ...mention({ name: '陈静', birthDate: '1991-01-01' }), key: 'custom-key' };
    const r = ix.resolveAndAdd(m);
    expect(ix.mentionsOf(r.entityId)[0]).toMatchObject({ key: 'custom-key', source: m.source, recordId: m.recordId, role: m.role });
  });

  it('gives back mention keys as they were added (record ids with colons, odd keys) and numbers none by looking', () => {
    const ix = new ResolutionIndex();
    const a = { ...mention({ name: '陈静', birthDate: '1991-01-01' }), recordId: '2026:05:01', key: 'rt:2026:05:01:p' };
    const b = { ...mention({ name: '陈静', birthDate: '1991-01-01' }), key: 'no-colon' };
    const r = ix.resolveAndAdd(a);
    expect(ix.resolveAndAdd(b).entityId).toBe(r.entityId);
    expect(ix.mentionKeysOf(r.entityId)).toEqual(['rt:2026:05:01:p', 'no-colon']);
    expect([...ix.memberKeys(r.entityId)]).toEqual(['rt:2026:05:01:p', 'no-colon']);
    expect(ix.memberKeys(r.entityId).size).toBe(2);
    expect(ix.mentionsOf(r.entityId).map((m) => [m.source, m.recordId, m.role])).toEqual([
      ['rt', '2026:05:01', 'p'],
      [b.source, b.recordId, b.role],
    ]);
    expect([...ix.mentionsFrom(r.entityId, 0)]).toEqual(ix.mentionsOf(r.entityId));
    expect([...ix.mentionsFrom(r.entityId, 1)]).toEqual(ix.mentionsOf(r.entityId).slice(1));
    expect(ix.sourceOf('rt:2026:05:01:p')).toBe('rt');
    expect(ix.entityOf('rt:2026:05:01:q')).toBeUndefined();
    expect(ix.entityOf(r.entityId)).toBeUndefined();
    expect(ix.withdraw('rt:9:p')).toBeUndefined();
    expect(ix.splitEntity(r.entityId, ['no-colon'])).not.toBe(r.entityId);
    expect(ix.mentionKeysOf(r.entityId)).toEqual(['rt:2026:05:01:p']);
  });

  it('two block keys with the same hash stay two blocks: neither is a candidate through the other', () => {
    // blocks are kept by their key's hash (`HashedKeyMap`); these two birth dates hash alike
    const [d1, d2] = ['1922-11-28', '1933-07-31'];
    expect(keyHash(d1)).toBe(keyHash(d2));
    const models = { Person: { ...defaultSettings('Person'), blockingRules: [blockOn('birthDate')], keyRules: [] } };
    const ix = new ResolutionIndex({ models });
    const a = ix.resolveAndAdd(mention({ name: '王芳', birthDate: d1, phone: '13800138000' }));
    const b = ix.resolveAndAdd(mention({ name: '李娜', birthDate: d2, phone: '13912345678' }));
    expect(b.decision).toBe('new');
    expect(ix.counts()).toMatchObject({ blockKeys: 2, blockKeysCollided: 1 });
    // a's name and phone with b's birth date: only b's block is searched, so a is no candidate
    const r = ix.resolveOne(mention({ name: '王芳', birthDate: d2, phone: '13800138000' }));
    expect(r.entityId === a.entityId || r.candidate === a.entityId).toBe(false);
    // each block still finds its own entity, the collided one included
    expect(ix.resolveOne(mention({ name: '李娜', birthDate: d2, phone: '13912345678' }))).toMatchObject({
      decision: 'match',
      entityId: b.entityId,
    });
    // the first key's block emptied, the second is still found, and a mention of the first key starts its block again
    ix.withdraw(ix.mentionKeysOf(a.entityId)[0]!);
    expect(ix.counts()).toMatchObject({ blockKeys: 1, blockKeysCollided: 1 });
    expect(ix.resolveOne(mention({ name: '李娜', birthDate: d2, phone: '13912345678' }))).toMatchObject({
      decision: 'match',
      entityId: b.entityId,
    });
    const a2 = ix.resolveAndAdd(mention({ name: '王芳', birthDate: d1, phone: '13800138000' }));
    expect(ix.resolveOne(mention({ name: '王芳', birthDate: d1, phone: '13800138000' }))).toMatchObject({
      decision: 'match',
      entityId: a2.entityId,
    });
    expect(ix.counts()).toMatchObject({ blockKeys: 2, blockKeysCollided: 1 });
  });

  it('a mention joining its entity’s group of the same attributes with an identifier more is anchored by it; one that leaves takes nothing the others need', () => {
    const ix = new ResolutionIndex();
    const values = { name: '周敏', birthDate: '1979-05-06', phone: '13612345678', residentId: id1 };
    const first = ix.resolveAndAdd(mention(values));
    // the same attributes (one group), a passport more: a representative of its own
    const withPassport = mention(values);
    withPassport.identifiers = [...withPassport.identifiers, { kind: 'passport', value: 'E12345678' }];
    ix.add(withPassport, first.entityId);
    // a record naming only that passport, under other values, is anchored to the entity
    const byPassport = mention({ name: 'ZHOU MIN', birthDate: '1979-05-06' });
    byPassport.identifiers = [{ kind: 'passport', value: 'E12345678' }];
    expect(ix.resolveOne(byPassport)).toMatchObject({ entityId: first.entityId, decision: 'anchor' });
    // the group's first mention leaves: the rest of the group still stands for the entity, by its resident id too
    ix.withdraw(ix.mentionsOf(first.entityId)[0]!.key);
    expect(ix.resolveOne(mention({ name: '周敏', residentId: id1 }))).toMatchObject({ entityId: first.entityId, decision: 'anchor' });
    expect(ix.resolveOne(mention(values))).toMatchObject({ entityId: first.entityId });
  });
});

