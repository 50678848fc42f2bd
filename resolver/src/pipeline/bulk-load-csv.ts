import fs from 'node:fs';
import path from 'node:path';
import type { EntityKind } from '@onemap/graph-schema';
import type { CoTravelSettings } from '../derive/co-travel.ts';
import { CSV_QUOTE, type ImportFiles, ImportCsvWriter } from '../graph/bulk-import-csv.ts';
import type { VisitRow } from '../graph/write-rows.ts';
import type { CoTravelEdgeRow } from '../graph/co-travel.ts';
import { bulkCoTravelOnThread } from './bulk-co-travel-thread.ts';
import { type BulkResolved, bulkRows } from './bulk-load.ts';

/**
 * The second pass of a bulk load written straight into the neo4j-admin import CSVs of `csvDir`
 * (emptied first, with its `manifest.json`): source records, RESOLVED_TO and VISITED as each
 * record's rows are made, then the entity-bounded rest and the CO_TRAVELED edges derived in
 * memory from the persons' traces (the only per-record rows kept), on a thread of their own
 * while this one makes the entity rows (`bulkCoTravelOnThread`). The same files
 * `writeImportCsv` writes for the graph `planBulkLoad` holds whole.
 * @returns the files, the time of the rows + CSV, the time waited for co-travel after the entity
 *   rows (its stage's share of the wall time), and the co-travel thread's own time (ms)
 */
export async function writeBulkLoadCsv(
  res: BulkResolved,
  csvDir: string,
  coTravel: CoTravelSettings,
): Promise<{ files: ImportFiles; coTraveled: number; ms: { csv: number; coTravel: number }; coTravelThreadMs: number }> {
  let t = performance.now();
  const kinds = new Map<string, EntityKind>();
  const writer = new ImportCsvWriter(csvDir, { seq: 1, loadedAt: res.loadedAt }, (eid) => kinds.get(eid));
  let personVisits: VisitRow[] = [];
  let coTraveled: Promise<{ edges: CoTravelEdgeRow[]; ms: number }> | undefined;
  const rest = bulkRows(
    res,
    {
      record: (r, points) => writer.record(r, points),
      spilledRecord: (r, cells) => writer.spilledRecord(r, cells),
      visit: (v) => {
        writer.visit(v);
        if (kinds.get(v.subject) === 'Person') personVisits.push(v);
      },
      recordsDone: () => {
        coTraveled = bulkCoTravelOnThread(personVisits, kinds, coTravel);
        personVisits = [];
      },
    },
    kinds,
  );
  let csv = performance.now() - t;
  t = performance.now();
  const { edges, ms: coTravelThreadMs } = await (coTraveled ?? bulkCoTravelOnThread(personVisits, kinds, coTravel));
  const coTravelMs = performance.now() - t;
  t = performance.now();
  const files = writer.finish({ ...rest, coTraveled: { edges, toleranceMinutes: coTravel.toleranceMinutes } });
  fs.writeFileSync(path.join(csvDir, 'manifest.json'), JSON.stringify({ nodes: files.nodes, relationships: files.relationships, multiline: files.multiline, quote: CSV_QUOTE }));
  csv += performance.now() - t;
  return { files, coTraveled: edges.length, ms: { csv, coTravel: coTravelMs }, coTravelThreadMs };
}
