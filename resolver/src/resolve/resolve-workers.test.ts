import { readFileSync } from 'node:fs';
import type { SourceMapping } from '@onemap/graph-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSource } from '../intake/load-source.ts';
import type { BatchResult } from '../result-types.ts';
import { alignNames } from '../scoring/align-names.ts';
import { ItemColumns } from '../scoring/batch-scorer.ts';
import { DataStats } from '../scoring/data-stats.ts';
import { defaultPersonSettings } from '../scoring/default-person-settings.ts';
import { PairScorer } from '../scoring/pair-scorer.ts';
import { countRandomPairLevels, levelOffsets } from '../scoring/train-model.ts';
import { standardizeEntityAttrs } from '../standardize/entity-attrs.ts';
import type { Attrs } from '../types.ts';
import { resolveBatch, resolveBatchParallel } from './resolve-batch.ts';
import { ResolveWorkers } from './resolve-workers.ts';

const person = (v: Record<string, string>): Attrs =>
  standardizeEntityAttrs('Person', new Map(Object.entries(v).map(([k, value]) => [k, { value, column: k }]))).attrs;

/** Persons whose pairs hit every kind of level, names to align (swapped, re-split) among them. */
function people(): Attrs[] {
  const raw: Array<Record<string, string>> = [
    { name: '张伟', residentId: '620402197411046954', birthDate: '1974-11-04', sex: 'M', phone: '13912345678' },
    { name: '张伟', residentId: '620402197411406954', birthDate: '1974-04-11', sex: 'M', phone: '13912345678' },
    {
      name: '張偉',
      birthDate: '1974-11-04',
      sex: 'M',
      phone: '13900000000',
      address: '甘肃省兰州市城关区东岗西路10号',
    },
    { name: 'ZHANG Wei', birthDate: '1974-11-05', phone: '13900000000' },
    { name: 'WEI Zhang', birthDate: '1974-11-04', phone: '13900000000' },
    { name: '李娜', birthDate: '1990-02-03', sex: 'F', address: '甘肃省天水市秦州区' },
    { name: '阿不都·热合曼', birthDate: '1985-07-07' },
    { name: '阿不都热合曼', birthDate: '1985-07-07', passport: 'E12345678' },
    { name: 'ABUDU REHEMAN', passport: 'E12345679' },
    { name: '王芳', email: 'wf@example.com', phone: '13811112222' },
    {},
  ];
  const items = raw.map(person);
  // filler enough for term frequencies, four names on one phone (generic)
  for (let i = 0; i < 240; i++)
    items.push(
      person({
        name: `${'赵钱孙李'[i % 4]}${'一二三四五六七八九十'[i % 10]}${i % 7}`,
        phone: i < 4 ? '13900000000' : `1370000${String(i).padStart(4, '0')}`,
        birthDate: `19${70 + (i % 20)}-0${1 + (i % 9)}-1${i % 10}`,
        postcode: '730000',
      }),
    );
  return items;
}

let pool: ResolveWorkers;
beforeAll(() => {
  pool = ResolveWorkers.start(1);
});
afterAll(async () => {
  await pool.close();
});

describe('ResolveWorkers', () => {
  it('a worker computes the same comparison vectors, weights and random-pair counts as this thread', async () => {
    const items = people();
    const model = defaultPersonSettings();
    const stats = new DataStats(model);
    for (const a of items) stats.add(a);
    const columns = new ItemColumns(items, stats);
    const batch = new PairScorer(model, stats).forItems(items, columns);
    pool.prepare('Person', model, columns);
    // every ordered pair: several chunks of each kind of work
    const n = items.length;
    const count = n * (n - 1);
    const left = new Int32Array(new SharedArrayBuffer(count * 4));
    const right = new Int32Array(new SharedArrayBuffer(count * 4));
    let p = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        left[p] = i;
        right[p++] = j;
      }
    // pairs whose names need aligning: the worker leaves them to this thread
    const aligned = Array.from({ length: count }, (_, q) => q).filter(
      (q) => alignNames(items[left[q]!]!, items[right[q]!]!) !== items[right[q]!],
    );
    expect(aligned.length).toBeGreaterThan(0);
    const K = batch.width;
    const serial = batch.levelsOfPairs(left, right, count);
    // in two parts, as the blocking rules hand them over
    const levels = new Uint8Array(new SharedArrayBuffer(count * K));
    const cut = 20_000;
    const head = levels.subarray(0, cut * K);
    const tail = new Uint8Array(new SharedArrayBuffer((count - cut) * K));
    await pool.run('Person', { type: 'levels', left, right, first: 0, count: cut, out: head }, batch, {
      takeChunks: false,
    });
    const work = { type: 'levels' as const, left, right, first: cut, count: count - cut, out: tail };
    await pool.run('Person', work, batch, { takeChunks: false });
    levels.set(tail, cut * K);
    expect(Buffer.from(levels).equals(Buffer.from(serial))).toBe(true);

    // weights with another model (as after training): the worker scores with the model it was sent
    const trained = structuredClone(model);
    trained.lambda = 1e-4;
    trained.comparisons[0]!.levels[0]!.m = 0.8;
    pool.setModel('Person', trained);
    const tBatch = new PairScorer(trained, stats).forItems(items, columns);
    const weights = new Float64Array(new SharedArrayBuffer(count * 8));
    await pool.run('Person', { type: 'weights', left, right, count, levels, out: weights }, tBatch, {
      takeChunks: false,
    });
    for (let q = 0; q < count; q++) expect(weights[q]).toBe(tBatch.weightOfLevels(left[q]!, right[q]!, serial, q * K));

    const offsets = levelOffsets(model);
    const want = new Float64Array(offsets[K]!);
    countRandomPairLevels(batch, n, 7, 0, 50_000, offsets, want);
    const got = new Float64Array(offsets[K]!);
    const random = { type: 'randomPairs' as const, n, seed: 7, count: 50_000, offsets, out: got };
    await pool.run('Person', random, batch, { takeChunks: false });
    expect([...got]).toEqual([...want]);
    pool.release('Person');
  }, 60_000);

  it('a worker that fails is a clear error, not a hang', async () => {
    const items = people().slice(0, 20);
    const batch = new PairScorer(defaultPersonSettings()).forItems(items);
    const left = Int32Array.from([0, 1]);
    const right = Int32Array.from([1, 2]);
    const out = new Uint8Array(new SharedArrayBuffer(2 * batch.width));
    // never prepared: the worker cannot score for it
    await expect(
      pool.run('Vehicle', { type: 'levels', left, right, first: 0, count: 2, out }, batch, { takeChunks: false }),
    ).rejects.toThrow(/resolve worker failed: .*Vehicle was not prepared/);
  }, 60_000);
});

describe('resolveBatchParallel', () => {
  const signature = (r: BatchResult) =>
    JSON.stringify([r.models, r.decisions, r.reviewQueue, r.clusters, r.generic]).replace(/"at":"[^"]*"/g, '');

  it('gives resolveBatch result exactly when the pair loops are shared (febrl dataset3, trained)', async () => {
    const dir = new URL('../../test-fixtures/febrl/', import.meta.url);
    const map = JSON.parse(readFileSync(new URL('mapping.json', dir), 'utf8')) as SourceMapping;
    const l = loadSource(new URL('febrl-dataset3.csv', dir).pathname, map, { truthColumn: 'true_id' });
    const runs = pool.runs;
    const shared = await resolveBatchParallel(l.mentions, { train: true, workers: pool, minParallelMentions: 0 });
    // comparison vectors (one part per blocking rule with new pairs), random pairs, weights
    expect(pool.runs - runs).toBeGreaterThanOrEqual(3);
    expect(signature(shared)).toBe(signature(resolveBatch(l.mentions, { train: true })));
  }, 120_000);

  it('gives the same result when the pool it starts stops before the last shared kind clusters', async () => {
    const dir = new URL('../../test-fixtures/febrl/', import.meta.url);
    const map = JSON.parse(readFileSync(new URL('mapping.json', dir), 'utf8')) as SourceMapping;
    const persons = loadSource(new URL('febrl-dataset3.csv', dir).pathname, map).mentions.slice(0, 400);
    // a second kind after the persons: the persons' kind is released, the pool stops after the
    // organizations' weights, and both kinds still cluster as on one thread
    const orgs = persons.slice(0, 200).map((m, i) => ({
      ...m,
      key: `org:${i}`,
      kind: 'Organization' as const,
      identifiers: [],
      attrs: { name: `${m.attrs.nameFull ?? m.attrs.name ?? 'x'} 有限公司`, ...(i % 3 ? {} : { city: 'a' }) },
    }));
    const mentions = [...persons, ...orgs];
    const r = await resolveBatchParallel(mentions, { train: true, workers: 1, minParallelMentions: 0 });
    expect(r.clusters.some((c) => c.kind === 'Organization')).toBe(true);
    expect(signature(r)).toBe(signature(resolveBatch(mentions, { train: true })));
  }, 120_000);

  it('keeps a small kind on this thread', async () => {
    const items = people().slice(0, 12);
    const mentions = items.map((attrs, i) => ({
      key: `s:${i}:p`,
      source: 's',
      recordId: String(i),
      role: 'p',
      kind: 'Person' as const,
      attrs,
      identifiers: [],
      flags: [],
    }));
    const runs = pool.runs;
    const r = await resolveBatchParallel(mentions, { workers: pool });
    expect(pool.runs).toBe(runs);
    expect(signature(r)).toBe(signature(resolveBatch(mentions)));
  });
});
