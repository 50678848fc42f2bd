import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCatalog, sampleFilesMatching } from '@onemap/datasets';
import type { EntityKind } from '@onemap/graph-schema';
import { afterAll, describe, expect, it } from 'vitest';
import { readBatch } from '../intake/read-batch.ts';
import { stageFile } from '../intake/staged-batch.ts';
import { authorityFromCatalog, goldenValues } from './golden-values.ts';
import { RecordResolver } from './record-resolver.ts';

/** The key of the entity ids these tests mint (one per file, as one graph has one). */
const eidKey = randomBytes(32);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-golden-fold-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('golden values kept per entity (the real-time leader) and recomputed from all mentions', () => {
  it('give the same rows over a long random sequence of records, re-deliveries, merges and splits', () => {
    // the hubs' folds are kept (the sequence makes hubs of hundreds of mentions)
    expect(sameRowsOverARandomSequence().keptFolds).toBeGreaterThan(0);
  });

  it('the same with only a few folds kept (the least recently used dropped and folded again when touched again)', () => {
    const kept = sameRowsOverARandomSequence(3);
    expect(kept.keptFolds).toBeLessThanOrEqual(3);
    expect(kept.keptFolds).toBeGreaterThan(0);
  });

  it('the same with the folds of small entities kept too (from 2 mentions: persons seen twice, not only hubs)', () => {
    const kept = sameRowsOverARandomSequence(undefined, 2);
    expect(kept.keptFolds).toBeGreaterThan(sameRowsOverARandomSequence().keptFolds);
  });
});

function sameRowsOverARandomSequence(goldenFoldsKept?: number, goldenKeptFrom?: number): RecordResolver {
  const catalog = loadCatalog();
  const authority = authorityFromCatalog(catalog);
  const rand = random(13);
  const kept = new RecordResolver({
    catalog,
    authority,
    eidKey,
    keepGolden: true,
    ...(goldenFoldsKept ? { goldenFoldsKept } : {}),
    ...(goldenKeptFrom ? { goldenKeptFrom } : {}),
  });
  // a few hundred records of every source, again and again: places and hotels become hubs
  const records = sampleFilesMatching(/^2026-03-02/).flatMap((f) => {
    const entry = catalog.find((c) => c.id === f.source)!;
    const batch = stageFile(path.join(dir, 'staging'), f.source, f.path, entry.file);
    return readBatch(batch, entry)
      .records.slice(0, f.source === 'hotel' ? 120 : 6)
      .map((rec) => ({ entry, rec }));
  });
  // records come again and again (hubs gain hundreds of mentions), at random times, some of them
  // corrected (a new hash: its mentions are withdrawn and resolved again)
  const seq = Array.from({ length: 6_000 }, () => records[Math.floor(rand() * records.length)]!);
  const kinds = new Map<string, EntityKind>();
  const reference = (eid: string) =>
    goldenValues(
      kinds.get(eid)!,
      kept.index.mentionsOf(eid),
      authority,
      (m) => kept.known.receivedAt(`${m.source}:${m.recordId}`) ?? null,
    );
  let compared = 0;
  const analyst = { splits: 0, merges: 0 };
  let t = Date.parse('2026-03-02T00:00:00Z');
  for (let i = 0; i < seq.length; i++) {
    const { entry, rec } = seq[i]!;
    t += Math.floor(rand() * 60_000);
    const id = `${rec.recordId}-${i}`;
    const copy =
      rand() < 0.7
        ? {
            ...rec,
            rid: `${entry.id}:${id}`,
            recordId: id,
            mentions: rec.mentions.map((m) => ({ ...m, recordId: id, key: `${m.source}:${id}:${m.role}` })),
          }
        : // a correction, now and then stating one role fewer (its mention there is kept, at the new time)
          {
            ...rec,
            hash: `${rec.hash}-${i}`,
            mentions: rec.mentions.length > 1 && rand() < 0.3 ? rec.mentions.slice(0, -1) : rec.mentions,
          };
    const p = kept.resolveRecord(entry, copy, new Date(t).toISOString());
    if (!p) continue;
    const touched = new Set<string>();
    for (const m of p.facts.mentions) {
      const eid = kept.eidOf(m.key);
      kinds.set(eid, m.kind);
      touched.add(eid);
    }
    for (const l of p.left) if (kept.index.memberKeys(l.eid).size) touched.add(l.eid);
    // now and then an analyst's split or merge of a touched entity
    const some = [...touched][Math.floor(rand() * touched.size)]!;
    const members = kept.index.mentionKeysOf(some);
    if (rand() < 0.02 && members.length > 3) {
      const moved = kept.index.splitEntity(
        some,
        members.filter(() => rand() < 0.3),
      );
      kinds.set(moved, kinds.get(some)!);
      analyst.splits++;
      touched.add(moved);
    } else if (rand() < 0.02) {
      const other = [...kinds.keys()].find(
        (e) => e !== some && kinds.get(e) === kinds.get(some) && kept.index.memberKeys(e).size,
      );
      if (other) {
        kept.index.mergeEntities(some, other);
        kept.forgetFold(other);
        analyst.merges++;
      }
    }
    for (const eid of touched) {
      if (!kept.index.memberKeys(eid).size) continue;
      const row = kept.entityRow(eid, kinds.get(eid)!);
      const g = reference(eid);
      expect({ props: row.props, provenance: JSON.parse(row.provenance), searchText: row.searchText }).toEqual(g);
      compared++;
    }
  }
  // every entity's row, touched lately or not (a correction's time reaches entities it names no more)
  for (const [eid, kind] of kinds) {
    if (!kept.index.memberKeys(eid).size) continue;
    const row = kept.entityRow(eid, kind);
    expect({ props: row.props, provenance: JSON.parse(row.provenance), searchText: row.searchText }).toEqual(reference(eid));
  }
  // hubs were folded incrementally: some entity has far more mentions than a row was ever sampled from
  const biggest = Math.max(...[...kinds.keys()].map((e) => kept.index.memberKeys(e).size));
  expect(biggest).toBeGreaterThan(300);
  expect(compared).toBeGreaterThan(6_000);
  expect(analyst).toEqual({ splits: expect.any(Number), merges: expect.any(Number) });
  expect(analyst.splits).toBeGreaterThan(5);
  expect(analyst.merges).toBeGreaterThan(5);
  return kept;
}
