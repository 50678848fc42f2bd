/**
 * The synthetic province generator: seeded, deterministic, streaming. Persons are made
 * in blocks of 1,000; each block's records go straight to the daily files, so memory is
 * bounded by one block plus the venue list and an id-uniqueness set.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { NoiseInjector } from '../noise/noise-injector.ts';
import { Rng } from '../random/rng.ts';
import { type ActivityContext, groupActivities, personActivities } from './activities.ts';
import { Geography } from './geography.ts';
import { type GenerateOptions, resolveOptions, SOURCE_IDS, type SourceId } from './options.ts';
import { type FileEntry, OutputSet } from './output-set.ts';
import { eid, PlaceRegistry } from './places.ts';
import { newPopulationState, PopulationGenerator } from './population.ts';
import { plantSeries } from './series.ts';
import { businessRow, householdRow, telecomRow, vehicleRegistryRow } from './rows/registry-rows.ts';
import type { RecordContext } from './rows/row-context.ts';
import { dayStart } from './time.ts';

const BLOCK = 1000;
const DAY = 86_400;

/** What a run produced; also written (without timings) as `manifest.json`. */
export interface Summary {
  seed: string;
  persons: number;
  foreigners: number;
  days: number;
  startDate: string;
  noiseScale: number;
  records: Record<string, number>;
  /** Noise tags written to `truth/noise.csv`, per kind. */
  noise: Record<string, number>;
  /** Mentions where each rate-driven noise kind could have applied (drawn before records outside the window are dropped). */
  noiseOpportunities: Record<string, number>;
  /** Applied and opportunities per source and kind. */
  noiseBySource: Record<string, Record<string, { applied: number; opportunities: number }>>;
  planted: {
    companionGroups: number;
    companionMembers: number;
    sharedPhones: number;
    aliases: number;
    moves: number;
    venues: number;
    /** Planted case series and look-alike cases (present only when series are planted). */
    series?: number;
    seriesCases?: number;
    lookalikeCases?: number;
  };
  duplicateFiles: string[];
  files: FileEntry[];
  outDir: string;
}

/**
 * Generate a synthetic Gansu-like province with ground truth.
 * @param options persons, seed, outDir, days, startDate, noiseScale, noise overrides
 * @returns the summary; `manifest.json` in `outDir` holds the same without `outDir`
 * @example await generateProvince({ persons: 2000, seed: 'demo', outDir: '/tmp/p' })
 */
export async function generateProvince(options: GenerateOptions): Promise<Summary> {
  const opts = resolveOptions(options);
  const catalog = new Map(loadCatalog().map((e) => [e.id as SourceId, e] as [SourceId, SourceCatalogEntry]));
  const start = dayStart(opts.startDate);
  const geo = new Geography();
  const places = new PlaceRegistry(geo, opts.seed, opts.persons);
  const noise = new NoiseInjector(opts);
  const out = new OutputSet(opts, catalog, SOURCE_IDS, start, noise);
  const emit = out.emit.bind(out);
  const rc0 = { noise, emit };
  const actx: ActivityContext = { seed: opts.seed, start, days: opts.days, geo, places, cases: { count: 0 } };
  const pop = new PopulationGenerator(opts.seed, geo, places, start, opts.persons, opts.companies);
  const state = newPopulationState();
  const planted: Summary['planted'] = {
    companionGroups: 0,
    companionMembers: 0,
    sharedPhones: 0,
    aliases: 0,
    moves: 0,
    venues: places.venues.length,
  };
  let foreigners = 0;
  let lastLog = -1;
  for (let from = 0; from < opts.persons; from += BLOCK) {
    const to = Math.min(opts.persons, from + BLOCK);
    const block = pop.block(from, to, state);
    const rc: RecordContext = { ...rc0, rng: Rng.derive(opts.seed, 'registries', from) };
    for (const p of block.persons) {
      const registered = start - rc.rng.range(30, 20 * 365) * DAY;
      if (p.oldAddress && p.oldCounty && opts.days > 1 && rc.rng.chance(0.05)) {
        // moved during the window: the registry still lists the old home on day 0
        const oldHome = {
          id: eid('H', places.venues.length + 1 + opts.persons + p.idx),
          address: p.oldAddress,
          point: geo.pointIn(rc.rng, p.oldCounty, 0.04),
        };
        householdRow(rc, p, start + 3600, registered, oldHome);
        const day = rc.rng.range(1, opts.days - 1);
        householdRow(rc, p, start + day * DAY + 36_000, start + day * DAY);
        planted.moves++;
      } else {
        householdRow(rc, p, start + 3600, registered);
      }
      for (const line of p.phones) telecomRow(rc, p, line, start + 7200);
      if (p.alias) {
        out.truth.aliases.writeLine(`${p.eid},${p.name},${p.alias}`);
        planted.aliases++;
      }
    }
    for (const p of block.foreigners) for (const line of p.phones) telecomRow(rc, p, line, start + 7200);
    for (const v of block.vehicles) vehicleRegistryRow(rc, v, start + 3600);
    for (const c of block.companies) {
      businessRow(rc, c, start + 3600);
      if (opts.days > 1 && c.status === '存续' && rc.rng.chance(0.02)) {
        businessRow(rc, c, start + rc.rng.range(1, opts.days - 1) * DAY + 36_000, '注销');
      }
      // a change registration, written by another clerk: the name and code as they write them
      const crng = Rng.derive(opts.seed, 'org-change', c.eid);
      if (opts.days > 1 && c.status === '存续' && crng.chance(opts.companies.changeRecord)) {
        businessRow({ ...rc, rng: crng }, c, start + crng.range(1, opts.days - 1) * DAY + 40_000, '存续', true);
      }
    }
    for (const g of block.groups) {
      planted.companionGroups++;
      for (const m of g.members) {
        out.truth.companions.writeLine(`${g.gid},${m.eid}`);
        planted.companionMembers++;
      }
    }
    for (const s of block.sharedPhones) {
      planted.sharedPhones++;
      for (const p of s.persons) out.truth.sharedPhones.writeLine(`${s.phone},${p.eid}`);
    }
    for (const p of block.persons) personActivities(rc0, actx, p, block.persons);
    for (const p of block.foreigners) personActivities(rc0, actx, p, block.persons);
    for (const g of block.groups) groupActivities(rc0, actx, g);
    if (out.truth.series) {
      const rows = plantSeries(rc0, actx, opts.series, block.persons, from);
      for (const r of rows) out.truth.series.writeLine(`${r.seriesId},${r.caseEid},${r.kind},${r.offenders.join(' ')}`);
      planted.series = (planted.series ?? 0) + new Set(rows.filter((r) => r.kind === 'series').map((r) => r.seriesId)).size;
      planted.seriesCases = (planted.seriesCases ?? 0) + rows.filter((r) => r.kind === 'series').length;
      planted.lookalikeCases = (planted.lookalikeCases ?? 0) + rows.filter((r) => r.kind === 'lookalike').length;
    }
    foreigners += block.foreigners.length;
    const pct = Math.floor((to / opts.persons) * 20);
    if (pct !== lastLog) {
      lastLog = pct;
      const mem = Math.round(process.memoryUsage().rss / 2 ** 20);
      opts.log(
        `  ${to.toLocaleString('en')} / ${opts.persons.toLocaleString('en')} persons (${pct * 5}%), rss ${mem} MiB`,
      );
    }
  }
  const files = out.close();
  const summary: Summary = {
    seed: opts.seed,
    persons: opts.persons,
    foreigners,
    days: opts.days,
    startDate: opts.startDate,
    noiseScale: opts.noiseScale,
    records: Object.fromEntries(SOURCE_IDS.map((s) => [s, out.records.get(s) ?? 0])),
    noise: sortKeys(out.noiseWritten),
    noiseOpportunities: sortKeys(noise.opportunities),
    noiseBySource: Object.fromEntries(SOURCE_IDS.map((s) => [s, noise.bySource[s] ?? {}])),
    planted,
    duplicateFiles: files.filter((f) => f.path.includes('.redelivered.')).map((f) => f.path),
    files,
    outDir: opts.outDir,
  };
  const { outDir: _omit, ...manifest } = summary;
  writeFileSync(join(opts.outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return summary;
}

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}
