/**
 * Series linking benchmark (类案串并): `npm run bench series -- [--input <dir> | --persons N] [--threshold T]`.
 * Reads the cases, involvements, phones, vehicles and sightings of a generated province with their
 * TRUE entity ids (`truth/records.csv`), so the figures measure series linking and not entity
 * resolution. For every case it asks what the server asks — the seed's candidates (same type,
 * within SERIES_WINDOW days and km), `seriesAround` over them — and counts each (seed, member)
 * pair it returns against the planted series (`truth/series.csv`). Prints precision / recall of
 * those pairs, per feature set (text only … all features), over a range of thresholds, with the
 * load average. `SERIES_DEBUG=1` also prints each true or ≥ 2-scoring pair with its features.
 * Figures are printed, never asserted.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatalog, SOURCE_ORDER } from '@onemap/datasets';
import {
  DEFAULT_SERIES_SETTINGS,
  NON_SUSPECT_ROLES,
  SERIES_WINDOW,
  type SeriesCase,
  type SeriesSettings,
  seriesAround,
} from '@onemap/resolver/derive';
import { loadTruth, readBatch, stageFile } from '@onemap/resolver/intake';
import { recordFacts } from '@onemap/resolver/pipeline';

const { values: a } = parseArgs({
  args: process.argv.slice(2).filter((x) => x !== '--'),
  options: {
    input: { type: 'string' },
    persons: { type: 'string', default: '2500' },
    seed: { type: 'string', default: 'onemap-series-bench' },
  },
});

let input = a.input;
if (!input) {
  input = path.resolve('datasets/out', `series-${a.persons}-${a.seed}`);
  if (!fs.existsSync(path.join(input, 'truth', 'series.csv'))) {
    console.log(`bench: generating ${a.persons} persons into ${input}…`);
    const r = spawnSync(
      'npx',
      ['tsx', 'datasets/src/cli.ts', '--persons', String(a.persons), '--seed', String(a.seed), '--out', input],
      { stdio: 'inherit' },
    );
    if (r.status !== 0) process.exit(2);
  }
}

const t0 = performance.now();
const truth = loadTruth(path.join(input, 'truth', 'records.csv'));
const catalog = loadCatalog();
const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-bser-'));
interface CaseRow {
  eid: string;
  caseType: string | null;
  at: number | null;
  lon: number | null;
  lat: number | null;
  text: string | null;
}
const cases = new Map<string, CaseRow>();
const involved = new Map<string, Set<string>>(); // case → persons (suspects, witnesses, parties)
const phonesOf = new Map<string, Set<string>>();
const vehiclesOf = new Map<string, Set<string>>();
const ownersOf = new Map<string, Set<string>>();
const placeAt = new Map<string, [number, number]>();
const sightings: { subject: string; place: string; t: number }[] = [];
const add = (m: Map<string, Set<string>>, k: string, v: string) => {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
};
const seenRid = new Set<string>();
for (const source of SOURCE_ORDER) {
  const entry = catalog.find((c) => c.id === source);
  const dir = path.join(input, source);
  if (!entry || !fs.existsSync(dir)) continue;
  for (const f of fs.readdirSync(dir).sort()) {
    const read = readBatch(stageFile(staging, source, path.join(dir, f), entry.file), entry);
    for (const rec of read.records) {
      if (seenRid.has(rec.rid)) continue;
      seenRid.add(rec.rid);
      const facts = recordFacts(entry, rec);
      const idOf = (role: string) => truth.get(`${rec.rid}:${role}`);
      for (const m of facts.mentions) {
        const id = idOf(m.role);
        if (!id) continue;
        const at = m.attrs as Record<string, string | number | undefined>;
        if (m.kind === 'Place' && at.lon !== undefined && at.lat !== undefined)
          placeAt.set(id, [Number(at.lon), Number(at.lat)]);
        if (m.kind === 'Case' && !cases.has(id)) {
          const when = typeof at.occurredAt === 'string' ? Date.parse(`${at.occurredAt}+08:00`) : Number.NaN;
          cases.set(id, {
            eid: id,
            caseType: (at.caseType as string) ?? null,
            at: Number.isNaN(when) ? null : when,
            lon: at.lon !== undefined ? Number(at.lon) : null,
            lat: at.lat !== undefined ? Number(at.lat) : null,
            text: (at.description as string) ?? null,
          });
        }
      }
      for (const r of facts.relations) {
        const from = idOf(r.fromRole);
        const to = idOf(r.toRole);
        if (!from || !to) continue;
        if (r.type === 'INVOLVED_IN' && !NON_SUSPECT_ROLES.includes(r.role ?? '')) add(involved, to, from);
        if (r.type === 'HAS_PHONE') add(phonesOf, from, to);
        if (r.type === 'OWNS') {
          add(vehiclesOf, from, to);
          add(ownersOf, to, from);
        }
      }
      for (const v of facts.visits) {
        const subject = idOf(v.subjectRole);
        const place = idOf(v.placeRole);
        if (subject && place && v.kind !== 'incident') sightings.push({ subject, place, t: Date.parse(v.at) });
      }
    }
  }
}
fs.rmSync(staging, { recursive: true, force: true });
console.log(
  `bench: ${input}: ${cases.size} cases, ${sightings.length.toLocaleString('en-US')} sightings (read in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
);

// ---- per case: linked entities and who was near the scene ----
const km = (p: [number, number], q: [number, number]) => {
  const r = Math.PI / 180;
  const h =
    Math.sin(((q[1] - p[1]) * r) / 2) ** 2 +
    Math.cos(p[1] * r) * Math.cos(q[1] * r) * Math.sin(((q[0] - p[0]) * r) / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(h));
};
const byPlace = new Map<string, { subject: string; t: number }[]>();
for (const s of sightings) byPlace.set(s.place, [...(byPlace.get(s.place) ?? []), s]);
const seriesCases = new Map<string, SeriesCase>();
for (const c of cases.values()) {
  const entities = new Set<string>();
  for (const p of involved.get(c.eid) ?? []) {
    entities.add(p);
    for (const x of phonesOf.get(p) ?? []) entities.add(x);
    for (const x of vehiclesOf.get(p) ?? []) entities.add(x);
  }
  const nearby = new Set<string>();
  if (c.lon !== null && c.lat !== null && c.at !== null) {
    const seen = new Set<string>();
    const days = new Map<string, Set<string>>();
    for (const [place, pt] of placeAt) {
      if (km(pt, [c.lon, c.lat]) * 1000 > SERIES_WINDOW.nearbyRadiusM) continue;
      for (const s of byPlace.get(place) ?? []) {
        if (Math.abs(s.t - c.at) < SERIES_WINDOW.routineWindowDays * 86_400_000)
          add(days, s.subject, new Date(s.t + 8 * 3_600_000).toISOString().slice(0, 10));
        if (
          s.t < c.at - SERIES_WINDOW.nearbyBeforeMinutes * 60_000 ||
          s.t >= c.at + SERIES_WINDOW.nearbyAfterMinutes * 60_000
        )
          continue;
        seen.add(s.subject);
      }
    }
    // routinely there (commuters, residents): not evidence
    for (const s of seen) {
      if ((days.get(s)?.size ?? 0) >= SERIES_WINDOW.routineDays) continue;
      nearby.add(s);
      for (const o of ownersOf.get(s) ?? []) nearby.add(o);
    }
  }
  seriesCases.set(c.eid, {
    eid: c.eid,
    caseType: c.caseType,
    occurredAt: c.at,
    lon: c.lon,
    lat: c.lat,
    entities: [...entities],
    nearby: [...nearby],
  });
}

// ---- planted truth ----
const planted = new Map<string, string>();
for (const line of fs
  .readFileSync(path.join(input, 'truth', 'series.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)) {
  const [sid, eid, kind] = line.split(',');
  if (sid && eid && kind === 'series') planted.set(eid, sid);
}
const truePairs = new Set<string>();
const bySeries = new Map<string, string[]>();
for (const [eid, sid] of planted) bySeries.set(sid, [...(bySeries.get(sid) ?? []), eid]);
for (const m of bySeries.values())
  for (let i = 0; i < m.length; i++)
    for (let j = i + 1; j < m.length; j++) truePairs.add([m[i], m[j]].sort().join('|'));

function candidatesOf(seed: SeriesCase): SeriesCase[] {
  const out = [seed];
  for (const c of seriesCases.values()) {
    if (c === seed || c.caseType !== seed.caseType || c.occurredAt === null || seed.occurredAt === null) continue;
    if (Math.abs(c.occurredAt - seed.occurredAt) > SERIES_WINDOW.days * 86_400_000) continue;
    if (
      c.lon === null ||
      c.lat === null ||
      seed.lon === null ||
      seed.lat === null ||
      km([c.lon, c.lat], [seed.lon, seed.lat]) > SERIES_WINDOW.km
    )
      continue;
    out.push(c);
  }
  return out.slice(0, SERIES_WINDOW.candidates + 1);
}

function run(label: string, settings: SeriesSettings, strip: (c: SeriesCase) => SeriesCase = (c) => c) {
  const t = performance.now();
  const got = new Set<string>();
  for (const seed of seriesCases.values()) {
    const list = candidatesOf(seed).map(strip);
    const texts = new Map(
      list.flatMap((c) => {
        const x = cases.get(c.eid)?.text;
        return x ? [[c.eid, x] as [string, string]] : [];
      }),
    );
    const { members } = seriesAround(seed.eid, list, texts, settings);
    for (const m of members) if (m !== seed.eid) got.add([seed.eid, m].sort().join('|'));
  }
  let correct = 0;
  for (const p of got) if (truePairs.has(p)) correct++;
  const precision = correct / Math.max(got.size, 1);
  const recall = correct / Math.max(truePairs.size, 1);
  const f1 = (2 * precision * recall) / Math.max(precision + recall, 1e-9);
  console.log(
    `   ${label.padEnd(44)} ${String(got.size).padStart(5)} pairs  precision ${precision.toFixed(3)}  recall ${recall.toFixed(3)}  F1 ${f1.toFixed(3)}  (${((performance.now() - t) / 1000).toFixed(1)} s)`,
  );
}

console.log(
  `bench: ${bySeries.size} planted series, ${planted.size} series cases, ${truePairs.size} true pairs; load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
const noEntities = (c: SeriesCase) => ({ ...c, entities: [], nearby: [] });
const noTrajectory = (c: SeriesCase) => ({ ...c, nearby: [] });
for (const threshold of [3, 3.5, 4, 4.5, 5, 6]) {
  const s = { ...DEFAULT_SERIES_SETTINGS, threshold };
  console.log(` threshold ${threshold}${threshold === DEFAULT_SERIES_SETTINGS.threshold ? ' (default)' : ''}`);
  run('text + space-time only', s, noEntities);
  run('+ shared entities', s, noTrajectory);
  run('all features (+ trajectory proximity)', s);
}
if (process.env.SERIES_DEBUG) {
  for (const seed of seriesCases.values()) {
    const list = candidatesOf(seed);
    const texts = new Map(
      list.flatMap((c) => {
        const x = cases.get(c.eid)?.text;
        return x ? [[c.eid, x] as [string, string]] : [];
      }),
    );
    const { pairs } = seriesAround(seed.eid, list, texts);
    for (const p of pairs)
      if ((p.a === seed.eid || p.b === seed.eid) && (truePairs.has(`${p.a}|${p.b}`) || p.score >= 2))
        console.log(
          truePairs.has(`${p.a}|${p.b}`) ? 'TRUE ' : 'false',
          p.a,
          p.b,
          p.score,
          p.features.map((f) => `${f.feature}=${JSON.stringify(f.value)}:${f.contribution}`).join(' '),
        );
  }
}
console.log(
  `bench: done; load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
