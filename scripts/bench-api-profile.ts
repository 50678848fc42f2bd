/**
 * `npm run bench api-profile [-- --persons 1000000 --samples 5]`
 *
 * PROFILE plans of the query API's hot queries on the bench store of `npm run bench api` (same
 * ports and data dir; start it with that bench first): the repository functions run unchanged
 * through a read that prefixes `PROFILE`, for a few random persons, as a viewer who sees
 * every source but `incident` (a whole request's statements, e.g. a search's, as the HTTP bench's caller). `--only search` runs the
 * scenarios whose name starts with a given word. Prints per query the db hits and rows of each operator (the plan
 * of the first sample) and the db hits of every sample, for docs/api.md.
 */
import os from 'node:os';
import path from 'node:path';
import { createDriver, type ReadRunner, readTx } from '@onemap/graph-schema/server';
import type { ProfiledPlan } from 'neo4j-driver';
import { identifierTailCandidates, readEntities, readProfile, readRecordRoles, readSearchNodes, searchCandidates } from '../server/src/repositories/entities.ts';
import { expandHop } from '../server/src/repositories/relations.ts';
import { readTrajectory } from '../server/src/repositories/traces.ts';
import { readCoLocation } from '../server/src/repositories/analysis.ts';
import { countByJurisdiction, countByPlace } from '../server/src/repositories/layers.ts';
import { AccessStore } from '../server/src/access/store.ts';
import { buildViewer, type Viewer } from '../server/src/access/viewer.ts';
import { buildProfile, PROFILE_LIMITS } from '../server/src/services/entity-view.ts';
import { DEFAULT_RELATION_TYPES, neighbourhood } from '../server/src/services/relations.ts';
import { ID_TAIL_KINDS, luceneQuery, search, SEARCH_CANDIDATE_CAP, SEARCH_RECORDS_PER_HIT, type SearchStats } from '../server/src/services/search.ts';
import { rng } from './bench-api-graph.ts';
// @ts-expect-error plain ESM script without types
import { up } from './services.mjs';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const PERSONS = opt('persons', 20_000);
const SAMPLES = opt('samples', 5);
/** `--only search,profile`: only the scenarios whose name starts with one of these. */
const ONLY = args.includes('--only') ? String(args[args.indexOf('--only') + 1]).split(',') : null;
const VS = ['business', 'checkpoint', 'hotel', 'household', 'netcafe', 'rail', 'telecom', 'vehicle_registry'];

if (!process.env.NEO4J_URI) {
  process.env.NEO4J_BOLT_PORT ??= '7695';
  process.env.REDIS_PORT ??= '6395';
  process.env.ONEMAP_DATA_DIR ??= path.join('.data', 'bench-api', `n${PERSONS}`);
  await up('dev');
}
const uri = process.env.NEO4J_URI ?? `bolt://127.0.0.1:${process.env.NEO4J_BOLT_PORT}`;
const database = process.env.NEO4J_DATABASE ?? 'neo4j';
const graph = { driver: createDriver({ uri, user: process.env.NEO4J_USER ?? 'neo4j', password: process.env.NEO4J_PASSWORD ?? 'onemap-local', database }), database };

/** The HTTP bench's caller (`lz_analyst`, city analyst, a criminal-case purpose) as the access layer builds it. */
async function benchViewer(): Promise<Viewer> {
  const store = new AccessStore(graph, 60_000);
  const snap = await store.snapshot();
  const user = await store.user('lz_analyst');
  if (!user) throw new Error('bench api-profile: no user lz_analyst (run `npm run bench api` on this store first)');
  const { username, displayName, unitCode, roles } = user;
  const purpose = { kind: 'criminal_case' as const, caseNumber: 'A6201002026110001', text: '性能测试' };
  return buildViewer({ username, displayName, unitCode, roles, authMethod: 'jwt', purpose, units: snap.units, sources: snap.sources, grants: snap.grants, authority: snap.authority, kAnonymity: 5 });
}
const viewer = await benchViewer();

interface Captured {
  query: string;
  plan: ProfiledPlan;
  ms: number;
}

/** A read whose every query runs under PROFILE, its plan kept. */
function profiling(tx: ReadRunner, out: Captured[]): ReadRunner {
  return new Proxy(tx, {
    get(target, prop) {
      if (prop !== 'run') return Reflect.get(target, prop);
      return async (q: string, p?: Record<string, unknown>) => {
        const t = performance.now();
        const r = await target.run(`PROFILE ${q}`, p);
        if (r.summary.profile) out.push({ query: q, plan: r.summary.profile, ms: performance.now() - t });
        return r;
      };
    },
  });
}

function totalHits(p: ProfiledPlan): number {
  return p.dbHits + p.children.reduce((s, c) => s + totalHits(c), 0);
}

function printPlan(p: ProfiledPlan, depth = 0): string[] {
  const details = String((p.arguments as Record<string, unknown>).Details ?? '').replace(/\s+/g, ' ').slice(0, 90);
  const line = `${'  '.repeat(depth)}${p.operatorType.replace(/@.*$/, '')}  rows=${p.rows} dbHits=${p.dbHits}${details ? `  ${details}` : ''}`;
  return [line, ...p.children.flatMap((c) => printPlan(c, depth + 1))];
}

const rand = rng(11);
const person = () => `P-B${Math.floor(rand() * PERSONS)}`;
const hanzi = () => `王${'伟芳娜敏静'[Math.floor(rand() * 5)]}`;
const from = '2026-10-02T00:00:00Z';
const to = '2026-11-01T00:00:00Z';
const scenarios: Record<string, (tx: ReadRunner, eid: string) => Promise<unknown>> = {
  'profile (readProfile)': (tx, eid) => readProfile({ tx }, eid, VS, PROFILE_LIMITS),
  // The whole request's reads as the HTTP bench's caller sees them: every statement is printed.
  'profile, every statement (buildProfile as lz_analyst)': (tx, eid) => buildProfile({ tx }, eid, viewer).catch(() => null),
  'trajectory 30 days (readTrajectory)': (tx, eid) => readTrajectory({ tx }, eid, from, to, VS, 501),
  'places of a trajectory (readEntities, 20 records each)': async (tx, eid) => {
    const rows = await readTrajectory({ tx: unprofiled(tx) }, eid, from, to, VS, 501);
    return readEntities({ tx }, [...new Set(rows.map((r) => r.placeEid))], VS, 20);
  },
  'relations hop 1 (expandHop)': (tx, eid) => expandHop({ tx }, [eid], DEFAULT_RELATION_TYPES, VS, 201),
  'relations hop 2 (expandHop over hop 1)': async (tx, eid) => {
    const hop1 = await expandHop({ tx: unprofiled(tx) }, [eid], DEFAULT_RELATION_TYPES, VS, 201);
    return expandHop({ tx }, [...new Set(hop1.map((e) => e.to))], DEFAULT_RELATION_TYPES, VS, 201 - hop1.length);
  },
  // The whole 2-hop request's reads as the HTTP bench asks it (depth 2, limit 200): every statement printed.
  'relations 2-hop, every statement (neighbourhood as lz_analyst)': (tx, eid) => neighbourhood({ tx }, eid, viewer, 2, undefined, 200).catch(() => null),
  // Co-location as the HTTP bench asks it (30 days, radius 0, ±30 min): both statements printed.
  'co-location 30 days, every statement (readCoLocation)': (tx, eid) => readCoLocation({ tx }, { eid, from, to, windowMinutes: 30, radiusM: 0, minCount: 2, limit: 50 }, VS),
  // Layers as the HTTP bench asks them (the same window every sample: the db hits of one answer).
  'layer: jurisdictions 30 days (countByJurisdiction)': (tx) => countByJurisdiction({ tx }, { from, to, traceKinds: null, vs: VS, bbox: null }, 'county', 5),
  'layer: hexbin 1 day (countByPlace)': (tx) => countByPlace({ tx }, { from: '2026-10-15T00:00:00Z', to: '2026-10-16T00:00:00Z', traceKinds: null, vs: VS, bbox: null }),
  // Search: the candidates' cost per query, as the bench's queries ask (a two-character name, Pinyin initials, an ID tail).
  'search 王伟: candidates (searchCandidates)': (tx) => searchCandidates({ tx }, luceneQuery(hanzi()), ['Person'], VS, SEARCH_CANDIDATE_CAP),
  'search 王伟: candidate nodes (readSearchNodes: no attrs; no identifiers, as for a Hanzi query)': async (tx) => {
    const c = await searchCandidates({ tx: unprofiled(tx) }, luceneQuery(hanzi()), ['Person'], VS, SEARCH_CANDIDATE_CAP);
    return readSearchNodes({ tx }, c.map((x) => x.eid), VS, SEARCH_RECORDS_PER_HIT, false);
  },
  'search 王伟: the golden name\'s record per candidate (readRecordRoles)': async (tx) => {
    const c = await searchCandidates({ tx: unprofiled(tx) }, luceneQuery(hanzi()), ['Person'], VS, SEARCH_CANDIDATE_CAP);
    const nodes = await readSearchNodes({ tx: unprofiled(tx) }, c.map((x) => x.eid), VS, SEARCH_RECORDS_PER_HIT);
    const pairs = [...nodes.values()].flatMap((n) => {
      const rid = n.provenance ? (JSON.parse(n.provenance) as { name?: { rid?: string } }).name?.rid : undefined;
      return rid ? [{ eid: n.eid, rid }] : [];
    });
    return readRecordRoles({ tx }, pairs, VS);
  },
  'search 王伟: every candidate\'s records (readEntities, the record path)': async (tx) => {
    const c = await searchCandidates({ tx: unprofiled(tx) }, luceneQuery(hanzi()), ['Person'], VS, SEARCH_CANDIDATE_CAP);
    return readEntities({ tx }, c.map((x) => x.eid), VS, SEARCH_RECORDS_PER_HIT);
  },
  // A whole search request's reads as the HTTP bench's caller (every statement printed), page 1 of 20.
  'search 王伟, every statement (search as lz_analyst)': (tx) => search({ tx }, viewer, hanzi(), null, 1, 20),
  'search 王伟 page 5, every statement (search as lz_analyst)': (tx) => search({ tx }, viewer, hanzi(), null, 5, 20),
  'search ww, every statement (search as lz_analyst)': (tx) => search({ tx }, viewer, `w${'wfnmj'[Math.floor(rand() * 5)]}`, null, 1, 20),
  'search wangwei, every statement (search as lz_analyst)': (tx) => search({ tx }, viewer, `wang${['wei', 'fang', 'na', 'min', 'jing'][Math.floor(rand() * 5)]}`, null, 1, 20),
  'search ID tail, every statement (search as lz_analyst)': (tx) => search({ tx }, viewer, String(Math.floor(rand() * 10_000)).padStart(4, '0'), null, 1, 20),
  'search ww: candidates (searchCandidates)': (tx) => searchCandidates({ tx }, luceneQuery(`w${'wfnmj'[Math.floor(rand() * 5)]}`), ['Person'], VS, SEARCH_CANDIDATE_CAP),
  'search ID tail: candidates (identifierTailCandidates)': (tx) => identifierTailCandidates({ tx }, String(Math.floor(rand() * 10_000)).padStart(4, '0'), ID_TAIL_KINDS, Object.fromEntries(ID_TAIL_KINDS.map((k) => [k, VS])), SEARCH_CANDIDATE_CAP),
};
const raw = new WeakMap<ReadRunner, ReadRunner>();
function unprofiled(tx: ReadRunner): ReadRunner {
  return raw.get(tx) ?? tx;
}

/** A read whose statements are timed (no PROFILE): wall time and rows of each. */
function timing(tx: ReadRunner, out: { ms: number; rows: number }[]): ReadRunner {
  return new Proxy(tx, {
    get(target, prop) {
      if (prop !== 'run') return Reflect.get(target, prop);
      return async (q: string, p?: Record<string, unknown>) => {
        const t = performance.now();
        const r = await target.run(q, p);
        out.push({ ms: performance.now() - t, rows: r.records.length });
        return r;
      };
    },
  });
}

/**
 * `--only 'search timing'`: the five HTTP search scenarios in-process, without PROFILE, `SAMPLES`
 * each after two to warm: per request the wall time, the time spent waiting for statements
 * (round trips and the database's work) and the rest (Node: building, checking, masking and ranking
 * candidates, describing the page), with what the search read (`SearchStats`).
 */
async function searchTiming(): Promise<void> {
  const queries: [string, () => string, number][] = [
    ['Hanzi', hanzi, 1],
    ['Pinyin initials', () => `w${'wfnmj'[Math.floor(rand() * 5)]}`, 1],
    ['full Pinyin', () => `wang${['wei', 'fang', 'na', 'min', 'jing'][Math.floor(rand() * 5)]}`, 1],
    ['Hanzi, page 5', hanzi, 5],
    ['ID tail', () => String(Math.floor(rand() * 10_000)).padStart(4, '0'), 1],
  ];
  for (const [name, q, page] of queries) {
    const rows: string[] = [];
    for (let i = 0; i < SAMPLES + 2; i++) {
      const statements: { ms: number; rows: number }[] = [];
      const stats = {} as SearchStats;
      const query = q();
      const t = performance.now();
      await readTx(graph, (tx) => search({ tx: timing(tx, statements) }, viewer, query, null, page, 20, { stats }));
      const total = performance.now() - t;
      const db = statements.reduce((a, s) => a + s.ms, 0);
      if (i < 2) continue;
      rows.push(`  ${query} p${page}: ${total.toFixed(0)} ms = statements ${db.toFixed(0)} ms (${statements.map((s) => `${s.ms.toFixed(0)} ms/${s.rows} rows`).join(', ')}) + Node ${(total - db).toFixed(0)} ms; ${JSON.stringify(stats)}`);
    }
    console.log(`\n### search timing: ${name} (load ${os.loadavg()[0]?.toFixed(1)})\n${rows.join('\n')}`);
  }
}

console.log(`bench api-profile: ${PERSONS} persons, ${SAMPLES} random persons per query, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')}`);
try {
  for (const [name, work] of Object.entries(scenarios)) {
    if (ONLY && !ONLY.some((w) => name.startsWith(w))) continue;
    const hits: number[] = [];
    const ms: number[] = [];
    let first: Captured | null = null;
    for (let i = 0; i < SAMPLES; i++) {
      const eid = person();
      const captured: Captured[] = [];
      await readTx(graph, async (tx) => {
        const p = profiling(tx, captured);
        raw.set(p, tx);
        await work(p, eid);
      });
      const last = captured.at(-1);
      if (!last) continue;
      hits.push(totalHits(last.plan));
      ms.push(Math.round(last.ms));
      first ??= last;
      if (name.includes('every statement')) {
        const each = captured.map((c) => `${c.query.replace(/\s+/g, ' ').slice(0, 32)}… ${totalHits(c.plan)} hits ${Math.round(c.ms)} ms`);
        console.log(`  ${eid}: ${captured.length} statements, ${captured.reduce((a, c) => a + totalHits(c.plan), 0)} hits: ${each.join(' | ')}`);
      }
    }
    console.log(`\n### ${name}\ndb hits per sample: ${hits.join(', ')} (ms under PROFILE: ${ms.join(', ')}; load ${os.loadavg()[0]?.toFixed(1)})`);
    if (first) console.log(printPlan(first.plan).join('\n'));
  }
  if (!ONLY || ONLY.some((w) => w.startsWith('search timing'))) await searchTiming();
} finally {
  await graph.driver.close();
}
