/**
 * A bulk load's co-travel (`bulkCoTravel`) on a thread of its own: started once every record's
 * rows are made, it runs beside the entity rows (golden values) of the second pass, which keep
 * the loading thread busy for longer; the load waits for it only before the files are finished.
 */
import { Worker } from 'node:worker_threads';
import type { EntityKind } from '@onemap/graph-schema';
import type { CoTravelSettings } from '../derive/co-travel.ts';
import type { CoTravelEdgeRow } from '../graph/co-travel.ts';
import type { VisitRow } from '../graph/write-rows.ts';
import { workerBoot } from '../worker-boot.ts';

/** What the thread is started with: the visits, the kinds of the entities they name, the settings. */
export interface CoTravelJob {
  visits: VisitRow[];
  kinds: [string, EntityKind][];
  settings: CoTravelSettings;
}

/**
 * `bulkCoTravel(visits, kindOf, s)` on a worker thread (the same edges): the visits and the kinds
 * of the entities they name are copied to it at once, so the caller may drop or change its own.
 * @returns the edges, and the thread's time computing them (ms)
 */
export function bulkCoTravelOnThread(
  visits: VisitRow[],
  kindOf: ReadonlyMap<string, EntityKind>,
  s: CoTravelSettings,
): Promise<{ edges: CoTravelEdgeRow[]; ms: number }> {
  const kinds: [string, EntityKind][] = [];
  const named = new Set<string>();
  const name = (eid: string) => {
    if (named.has(eid)) return;
    named.add(eid);
    const k = kindOf.get(eid);
    if (k) kinds.push([eid, k]);
  };
  for (const v of visits) {
    name(v.subject);
    name(v.place);
  }
  const job: CoTravelJob = { visits, kinds, settings: s };
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerBoot(new URL('./bulk-co-travel-worker.ts', import.meta.url)), {
      eval: true,
      workerData: job,
    });
    let done = false;
    worker.once('message', (m: { edges: CoTravelEdgeRow[]; ms: number }) => {
      done = true;
      resolve(m);
    });
    worker.once('error', (e) => reject(new Error(`bulk co-travel thread: ${e.message}`, { cause: e })));
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`bulk co-travel thread exited with ${code} before its edges`));
    });
  });
}
