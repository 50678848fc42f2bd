/**
 * The first requests after a start, answered as fast as the rest. A Neo4j just started compiles
 * each statement on its first run (and again with generated code after a few runs) and reads
 * its store from disk: the first search after `npm start` took 2.3 s, the first review queue
 * 3.2–5.3 s, then 30–40 ms (docs/api.md, "Plans warmed at start"). So before the server process
 * listens (`server/src/main.ts`, at most `ONEMAP_WARM_UP_WAIT_MS`; an app listening without asking
 * warms once it listens), it runs the reads of its busiest routes a few times — search by Hanzi,
 * Pinyin, initials and digits, a profile, a trajectory, 2-hop relations, co-location, a path
 * between two persons, a collision, the review queue, the warning rules, watches and decisions
 * lists, the jurisdictions layer — as in-process analysts with a stated purpose (`warmUpViewers`), built by the same policy
 * as any viewer, and what a source system's first push and status poll read: a source key checked
 * and a batch looked up (made-up ones, refused and not found) — and rehearses the audit append every
 * answer makes, in transactions it rolls back. Nothing is written (no audit entry: nothing is
 * answered to anyone) and every answer is dropped. A failing step is logged and skipped.
 *
 * A compiled plan is not warm code: at a million persons a Neo4j just started spends 2–5× the CPU
 * of a warm one on each search for minutes, until the JVM has compiled Cypher's runtime, Lucene
 * and the index readers under the queries' own traffic (docs/api.md, "Cold, it is another
 * story"): a first user's p95 was seconds. So after the plans, `keepWarmWhileIdle` goes on running
 * the same reads with varied inputs (random digits, common names and their Pinyin, later pages,
 * the persons those find), a few at a time (`ONEMAP_WARM_UP_LANES`) and only while no request is
 * in flight, for `ONEMAP_WARM_UP_SECONDS`: the JIT's work is done in time no user is waiting on.
 */
import type { FastifyInstance } from 'fastify';
import { buildViewer, type Viewer } from '../access/viewer.ts';
import { type AuditInput, rehearseAudit } from '../audit/chain.ts';
import { listDecisions } from '../repositories/resolution.ts';
import { verifySourceKey } from '../repositories/source-keys.ts';
import { listWatches } from '../repositories/watches.ts';
import { collision, coLocation } from './analysis.ts';
import { buildProfile } from './entity-view.ts';
import { jurisdictionLayer } from './layers.ts';
import { neighbourhood, paths } from './relations.ts';
import { reviewQueue } from './review-queue.ts';
import { search } from './search.ts';
import { trajectory } from './trajectory.ts';
import { listRules } from './warnings.ts';

/** A well-formed source key no one holds (its id is all zeros): checked as a push's would be, and refused. */
const WARM_UP_SOURCE_KEY = `osk.SK-${'0'.repeat(8)}-${'0'.repeat(4)}-${'0'.repeat(4)}-${'0'.repeat(4)}-${'0'.repeat(12)}.${'0'.repeat(43)}`;

/** What the warm-up did: each step's name, time and outcome. */
export interface WarmUpReport {
  steps: { step: string; ms: number; error?: string }[];
  ms: number;
  /** stopped before its end (the server closing) */
  stopped: boolean;
}

/** Searches of each kind the search route plans differently: the commonest surnames, their Pinyin and initials, an identifier's last digits. */
const QUERIES = ['王', '张伟', 'wang', 'zhangwei', 'zw', '1234'];
/** Each read runs this often: Neo4j compiles a statement on its first run and again, with generated code, after a few. */
const ROUNDS = 3;
const DAY_MS = 86_400_000;

/**
 * The warm-up's viewers: analysts with a stated purpose of the top unit and of the first unit below
 * it, decided by the same policy as a user's (never handed to a request). Two, because what a
 * viewer sees chooses between statements (a hit decided on its node or by its records, a
 * neighbour named on its node or not): a unit seeing every source and one that does not.
 */
async function warmUpViewers(app: FastifyInstance): Promise<Viewer[]> {
  const snap = await app.access.snapshot();
  const units = [...snap.units.values()].sort((a, b) => a.code.localeCompare(b.code));
  const top = units.find((u) => u.parent === null) ?? units[0];
  if (!top) return [];
  const below = units.find((u) => u.parent === top.code);
  return [top, ...(below ? [below] : [])].map((unit) =>
    buildViewer({
      username: 'onemap-warm-up',
      displayName: 'warm-up',
      unitCode: unit.code,
      roles: ['analyst'],
      authMethod: 'jwt',
      purpose: {
        kind: 'investigation_lead',
        caseNumber: 'WARM-UP',
        text: 'query plans compiled at start; no answer leaves the server',
      },
      units: snap.units,
      sources: snap.sources,
      grants: snap.grants,
      authority: snap.authority,
      kAnonymity: app.config.K_ANONYMITY,
    }),
  );
}

/**
 * Rehearses the audit append of an answer to `viewer` (`rehearseAudit`: chained onto the head,
 * written and rolled back; nothing is committed). Every answer appends, so a start that skipped it
 * left the first two requests of any kind 0.2–0.3 s each to compile the append on a Neo4j just
 * started (measured 2026-12-06).
 */
function rehearseAppendFor(app: FastifyInstance, viewer: Viewer): Promise<void> {
  const input: AuditInput = {
    at: new Date().toISOString(),
    requestId: 'onemap-warm-up',
    user: 'onemap-warm-up',
    unit: viewer.unitCode,
    role: 'analyst',
    purposeJson: JSON.stringify(viewer.purpose ?? null),
    route: '/api/search',
    method: 'GET',
    paramsJson: '{}',
    resultCount: 20,
    outcome: 'allowed',
    status: 200,
  };
  return rehearseAudit(app.graph, input, {
    signingKey: app.config.AUDIT_SIGNING_KEY,
    checkpointEvery: app.config.AUDIT_CHECKPOINT_EVERY,
  });
}

/**
 * Runs the warm-up; resolves when done or when `stop()` says to stop (checked between steps).
 * Never rejects.
 */
export async function warmUp(app: FastifyInstance, stop: () => boolean = () => false): Promise<WarmUpReport> {
  const t0 = performance.now();
  const steps: WarmUpReport['steps'] = [];
  const report = (stopped: boolean): WarmUpReport => ({ steps, ms: Math.round(performance.now() - t0), stopped });
  const STOPPED = Symbol('stopped');
  // a read, timed; its failure recorded and skipped; before it, whether to stop
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T | null> => {
    if (stop()) throw STOPPED;
    const t = performance.now();
    try {
      const out = await work();
      steps.push({ step: name, ms: Math.round(performance.now() - t) });
      return out;
    } catch (e) {
      steps.push({ step: name, ms: Math.round(performance.now() - t), error: (e as Error).message });
      return null;
    }
  };
  let viewers: Viewer[] = [];
  try {
    viewers = await warmUpViewers(app);
    steps.push({ step: 'viewers', ms: Math.round(performance.now() - t0) });
  } catch (e) {
    steps.push({ step: 'viewers', ms: Math.round(performance.now() - t0), error: (e as Error).message });
  }
  const g = app.graph;
  const to = new Date().toISOString();
  const from = new Date(Date.now() - 365 * DAY_MS).toISOString();
  try {
    for (let round = 1; round <= ROUNDS; round++)
      for (const viewer of viewers) {
        const unit = viewer.unitCode;
        // the first two persons the searches find: the profile's reads for the first, a path between both
        const found: string[] = [];
        for (const q of QUERIES) {
          const res = await step(`${unit} search ${q}`, () => search(g, viewer, q, null, 1, 20));
          for (const h of res?.items ?? [])
            if (h.kind === 'Person' && found.length < 2 && !found.includes(h.eid)) found.push(h.eid);
        }
        await step(`${unit} search 王, page 2`, () => search(g, viewer, '王', null, 2, 20));
        const [person, other] = found;
        if (person) {
          const eid = person;
          await step(`${unit} profile`, () => buildProfile(g, eid, viewer));
          const track = await step(`${unit} trajectory`, () =>
            trajectory(g, eid, viewer, { from, to, stayRadiusM: 100, stayMinMinutes: 5, limit: 2000 }),
          );
          await step(`${unit} relations, 2 hops`, () => neighbourhood(g, eid, viewer, 2, undefined, 200));
          await step(`${unit} co-location`, () =>
            coLocation(g, viewer, { eid, from, to, windowMinutes: 30, radiusM: 100, minCount: 2, limit: 50 }),
          );
          if (other) await step(`${unit} paths`, () => paths(g, eid, other, viewer, 4, undefined, 5));
          // a collision of two windows where this person was (the same place twice: both windows hit, so the summaries are read too)
          const seen = track?.points.features[0];
          if (seen) {
            const [lon, lat] = seen.geometry.coordinates as [number, number];
            const at = Date.parse(seen.properties.at);
            const window = {
              lon,
              lat,
              radiusM: 300,
              from: new Date(at - DAY_MS).toISOString(),
              to: new Date(at + DAY_MS).toISOString(),
            };
            await step(`${unit} collision`, () => collision(g, viewer, { windows: [window, window], limit: 100 }));
          }
        }
        await step(`${unit} review queue`, () => reviewQueue(g, viewer, { source: null, unit: null }, 20));
        // the lists a unit's screens open with, and the jurisdictions layer (cached, but computed once first)
        await step(`${unit} warning rules`, () => listRules(g, viewer));
        await step(`${unit} watches`, () => listWatches(g, viewer.unitCode, viewer.recordSources));
        await step(`${unit} decisions`, () => listDecisions(g, null, 50, viewer.visibleSources));
        await step(`${unit} jurisdictions layer`, () =>
          jurisdictionLayer(g, viewer, { from: new Date(Date.now() - 30 * DAY_MS).toISOString(), to, level: 'county' }),
        );
      }
    // a source system's first push and its first status poll: its key checked, a batch looked up
    // (made-up ones: nothing is found, nothing is written)
    for (let round = 1; round <= ROUNDS; round++) {
      await step('ingest: a source key checked', () => verifySourceKey(g, WARM_UP_SOURCE_KEY));
      await step('ingest: a batch looked up', () => app.pipeline.findBatch('onemap-warm-up.none'));
    }
    // every answer's audit entry: its append rehearsed (rolled back), so no first request compiles it
    const viewer = viewers[0];
    if (viewer)
      for (let round = 1; round <= ROUNDS; round++)
        await step('audit: an entry appended, rolled back', () => rehearseAppendFor(app, viewer));
  } catch (e) {
    if (e === STOPPED) return report(true);
    throw e;
  }
  return report(false);
}

/** Names the idle rounds search by, in turn with random digits: common surnames and full names, their Pinyin and initials. */
const IDLE_NAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '张伟',
  '王芳',
  '李娜',
  '刘洋',
  'wang',
  'li',
  'zhangwei',
  'wangfang',
  'zw',
  'wf',
];
/** Persons found by the idle rounds' searches, kept to read their profiles, trajectories and relations. */
const PERSON_POOL = 200;
/** How often an idle round looks again whether a request is in flight. */
const BUSY_POLL_MS = 25;
/** Failed reads after which the idle warm-up ends (Neo4j away: no reason to keep asking). */
const MAX_FAILED = 20;
/** Searches after which the idle warm-up ends when none found a person (an empty graph: nothing to warm). */
const FIND_SOMEONE_WITHIN = 50;

/** What the idle warm-up did: reads run, and the median read's time at its start and at its end (the JIT's work, seen). */
export interface IdleWarmUpReport {
  reads: number;
  failed: number;
  /** time spent waiting for requests in flight to finish */
  waitedMs: number;
  ms: number;
  /** median time of the first and of the last 30 reads */
  firstMedianMs: number | null;
  lastMedianMs: number | null;
  stopped: boolean;
  /** why it ended before its time: reads kept failing, or none found a person to read */
  endedEarly?: 'failing' | 'nothing found';
  /** the first failure's message */
  firstError?: string;
  /** reads answered as the route would answer 4xx, by error code (a 4xx the warm-up meets is one some user meets) */
  refused: Record<string, number>;
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)]!);
}

/**
 * Runs the busiest reads with varied inputs in `lanes` loops, each one read at a time, whenever
 * `idle()` says no request is in flight, until `seconds` have passed since it began or `stop()` says
 * to stop. Under traffic it waits (the users' own reads warm the same code); it never runs more
 * than `lanes` reads at once, so a first user who arrives meanwhile shares Neo4j with at most
 * those. In the same 140 s two lanes left a 1 M store's searches cheaper than one (Neo4j 10.2–11.6
 * against 12.4 ms of CPU a search; docs/api.md, "Kept warm while idle"). Never rejects.
 */
export async function keepWarmWhileIdle(
  app: FastifyInstance,
  seconds: number,
  idle: () => boolean,
  stop: () => boolean = () => false,
  lanes = 1,
): Promise<IdleWarmUpReport> {
  const t0 = performance.now();
  const times: number[] = [];
  let failed = 0;
  let waitedMs = 0;
  let endedEarly: IdleWarmUpReport['endedEarly'];
  let firstError: string | undefined;
  const refused: Record<string, number> = {};
  const report = (stopped: boolean): IdleWarmUpReport => ({
    reads: times.length,
    failed,
    waitedMs: Math.round(waitedMs),
    ms: Math.round(performance.now() - t0),
    firstMedianMs: median(times.slice(0, 30)),
    lastMedianMs: median(times.slice(-30)),
    stopped,
    ...(endedEarly ? { endedEarly } : {}),
    ...(firstError ? { firstError } : {}),
    refused,
  });
  if (seconds <= 0) return report(false);
  let viewers: Viewer[];
  try {
    viewers = await warmUpViewers(app);
  } catch {
    return report(false);
  }
  if (!viewers.length) return report(false);
  // the time given is the reads' own: counted from when the viewers are known (their read may take a while)
  const end = performance.now() + seconds * 1000;
  const g = app.graph;
  const to = new Date().toISOString();
  const from = new Date(Date.now() - 365 * DAY_MS).toISOString();
  // each person with the viewer whose search found them: another viewer may not see them (a 404, not a read)
  const persons: { eid: string; viewer: Viewer }[] = [];
  let searches = 0;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
  // the pool of persons to read: once full, a new one takes a random place, so the reads go on reaching other persons' pages
  const keep = (eid: string, viewer: Viewer) => {
    if (persons.length < PERSON_POOL) persons.push({ eid, viewer });
    else persons[Math.floor(Math.random() * PERSON_POOL)] = { eid, viewer };
  };
  // a search whose persons join the pool (counted toward "nothing found")
  const searchAndKeep = async (viewer: Viewer, q: string, page: number) => {
    searches++;
    const res = await search(g, viewer, q, null, page, 20);
    for (const h of res.items) if (h.kind === 'Person') keep(h.eid, viewer);
  };
  // true when it is time to stop; waits while a request is in flight
  const mustStop = async (): Promise<boolean> => {
    if (failed >= MAX_FAILED) endedEarly = 'failing';
    else if (!persons.length && searches >= FIND_SOMEONE_WITHIN) endedEarly = 'nothing found';
    if (endedEarly) return true;
    for (;;) {
      if (stop()) return true;
      if (performance.now() >= end) return true;
      if (idle()) return false;
      const w = performance.now();
      await new Promise((r) => setTimeout(r, BUSY_POLL_MS));
      waitedMs += performance.now() - w;
    }
  };
  const read = async <T>(work: () => Promise<T>): Promise<T | null> => {
    const t = performance.now();
    try {
      const out = await work();
      times.push(performance.now() - t);
      return out;
    } catch (e) {
      // an answer the route would give as 4xx (a person this viewer may not trace, a window too
      // wide) is a read done; a failure is Neo4j's or ours
      const status = (e as { statusCode?: number }).statusCode;
      if (status !== undefined && status < 500) {
        times.push(performance.now() - t);
        const code = `${status} ${(e as { code?: string }).code ?? (e as Error).name}`;
        refused[code] = (refused[code] ?? 0) + 1;
        return null;
      }
      failed++;
      firstError ??= (e as Error).message;
      return null;
    }
  };
  // every answer appends to the audit: its write path rehearsed (executed, rolled back) after each search
  const rehearseAppend = (viewer: Viewer) => rehearseAppendFor(app, viewer);
  let stopped = false;
  // first the plan warm-up's own searches, page 1: the persons they find fill the pool at once
  for (const q of QUERIES) {
    if (await mustStop()) return report(stop());
    await read(() => searchAndKeep(viewers[0]!, q, 1));
  }
  const lane = async (first: number): Promise<void> => {
    for (let round = first; ; round += lanes) {
      const viewer = viewers[round % viewers.length]!;
      const digits = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
      const reads: (() => Promise<unknown>)[] = [
        () => searchAndKeep(viewer, digits, 1),
        () => rehearseAppend(viewer),
        // a later page only once someone was found: on a small graph it is empty
        () => searchAndKeep(viewer, pick(IDLE_NAMES), persons.length ? 1 + Math.floor(Math.random() * 5) : 1),
        () => rehearseAppend(viewer),
      ];
      if (persons.length) {
        const { eid, viewer: finder } = pick(persons);
        reads.push(
          () => buildProfile(g, eid, finder),
          () => trajectory(g, eid, finder, { from, to, stayRadiusM: 100, stayMinMinutes: 5, limit: 2000 }),
          () => neighbourhood(g, eid, finder, 2, undefined, 200),
          () => coLocation(g, finder, { eid, from, to, windowMinutes: 30, radiusM: 100, minCount: 2, limit: 50 }),
        );
      }
      for (const work of reads) {
        if (await mustStop()) {
          stopped ||= stop();
          return;
        }
        await read(work);
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i)));
  return report(stopped);
}
