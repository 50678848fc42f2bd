/**
 * The first requests after a start, answered as fast as the rest. A Neo4j just started compiles
 * each statement on its first run (and again with generated code after a few runs) and reads
 * its store from disk: the first search after `npm start` took 2.3 s, the first review queue
 * 3.2–5.3 s, then 30–40 ms (docs/api.md, "Plans warmed at start"). So once the server listens, it
 * runs the reads of its busiest routes a few times in the background — search by Hanzi, Pinyin,
 * initials and digits, a profile, a trajectory, 2-hop relations, co-location, the review queue —
 * as in-process analysts with a stated purpose (`warmUpViewers`), built by the same policy as any
 * viewer. Nothing is written (no audit entry: nothing is answered to anyone) and every answer is
 * dropped. A failing step is logged and skipped; the server answers requests meanwhile.
 */
import type { FastifyInstance } from 'fastify';
import { buildViewer, type Viewer } from '../access/viewer.ts';
import { coLocation } from './analysis.ts';
import { buildProfile } from './entity-view.ts';
import { neighbourhood } from './relations.ts';
import { reviewQueue } from './review-queue.ts';
import { search } from './search.ts';
import { trajectory } from './trajectory.ts';

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
        let person: string | null = null;
        for (const q of QUERIES) {
          const res = await step(`${unit} search ${q}`, () => search(g, viewer, q, null, 1, 20));
          person ??= res?.items.find((h) => h.kind === 'Person')?.eid ?? null;
        }
        await step(`${unit} search 王, page 2`, () => search(g, viewer, '王', null, 2, 20));
        if (person) {
          const eid = person;
          await step(`${unit} profile`, () => buildProfile(g, eid, viewer));
          await step(`${unit} trajectory`, () =>
            trajectory(g, eid, viewer, { from, to, stayRadiusM: 100, stayMinMinutes: 5, limit: 2000 }),
          );
          await step(`${unit} relations, 2 hops`, () => neighbourhood(g, eid, viewer, 2, undefined, 200));
          await step(`${unit} co-location`, () =>
            coLocation(g, viewer, { eid, from, to, windowMinutes: 30, radiusM: 100, minCount: 2, limit: 50 }),
          );
        }
        await step(`${unit} review queue`, () => reviewQueue(g, viewer, { source: null, unit: null }, 20));
      }
  } catch (e) {
    if (e === STOPPED) return report(true);
    throw e;
  }
  return report(false);
}
