import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCatalog, sampleFilesMatching } from '@onemap/datasets';
import { afterAll, describe, expect, it } from 'vitest';
import { CSV_QUOTE, writeImportCsv } from '../graph/bulk-import-csv.ts';
import { recordPlaceFacts } from '../graph/place-facts.ts';
import { entitySources } from '../graph/write-chunk.ts';
import { bulkCoTravel } from './bulk-co-travel.ts';
import { bulkRows, resolveBulkLoad } from './bulk-load.ts';
import { writeBulkLoadCsv } from './bulk-load-csv.ts';

/** The key of the entity ids these tests mint (one per file, as one graph has one). */
const eidKey = randomBytes(32);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-bulk-csv-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const CO_TRAVEL = { toleranceMinutes: 30, minCount: 2 };
const catalog = loadCatalog();
// the sample's first two days: corrected re-deliveries, places with home records, co-travel
// (laid out as `onemap load` reads a folder: registries first, files by name)
const files = sampleFilesMatching(/^2026-03-0[23]/);
const res = await resolveBulkLoad(files, { catalog, eidKey, stagingDir: path.join(dir, 'staging'), rejectsDir: path.join(dir, 'rejects'), spillFile: path.join(dir, 'spill.jsonl') });

/** The cells of one CSV line as the import reads them (quotes removed, doubled quotes undone). */
function cellsOf(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === CSV_QUOTE) {
      let v = '';
      i++;
      while (i < line.length) {
        if (line[i] === CSV_QUOTE && line[i + 1] === CSV_QUOTE) (v += CSV_QUOTE), (i += 2);
        else if (line[i] === CSV_QUOTE) break;
        else v += line[i++];
      }
      cells.push(v);
      i += 2; // the closing quote and the comma
    } else {
      const end = line.indexOf(',', i);
      cells.push(line.slice(i, end < 0 ? line.length : end));
      i = end < 0 ? line.length + 1 : end + 1;
    }
  }
  return cells;
}

/** A node file's rows by id (its first column), with the named columns. */
function columns(file: string, names: string[]): Map<string, string[]> {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const at = names.map((n) => header!.split(',').findIndex((h) => h.split(':')[0] === n));
  return new Map(lines.map((l) => cellsOf(l)).map((c) => [c[0]!, at.map((i) => c[i] ?? '')]));
}

describe('bulk load: the second pass streamed into the import CSVs', () => {
  it('writes the same files as the graph held whole (records, visits, entities, co-travel)', async () => {
    const records: Parameters<typeof writeImportCsv>[0]['records'] = [];
    const visits: Parameters<typeof writeImportCsv>[0]['visits'] = [];
    const { kindOf, ...rest } = bulkRows(res, { record: (r) => records.push(r), visit: (v) => visits.push(v) });
    const whole = { ...rest, records, visits, seq: 1, loadedAt: res.loadedAt, coTraveled: { edges: bulkCoTravel(visits, kindOf, CO_TRAVEL), toleranceMinutes: 30 } };
    expect(records.length).toBeGreaterThan(900);
    expect(whole.coTraveled.edges.length).toBeGreaterThan(0);
    const a = writeImportCsv(whole, path.join(dir, 'whole'));
    const b = (await writeBulkLoadCsv(res, path.join(dir, 'streamed'), CO_TRAVEL)).files;
    const names = (f: typeof a) => [...f.nodes, ...f.relationships].map((x) => path.basename(x)).sort();
    expect(names(b)).toEqual(names(a));
    for (const name of names(a)) expect(fs.readFileSync(path.join(dir, 'streamed', name), 'utf8'), name).toBe(fs.readFileSync(path.join(dir, 'whole', name), 'utf8'));
    expect([b.nodeCount, b.relationshipCount]).toEqual([a.nodeCount, a.relationshipCount]);
  });

  it("gathers each entity's inSources and place facts as the incremental writer computes them from every row", async () => {
    const records: Parameters<typeof writeImportCsv>[0]['records'] = [];
    const visits: Parameters<typeof writeImportCsv>[0]['visits'] = [];
    const rest = bulkRows(res, { record: (r) => records.push(r), visit: (v) => visits.push(v) });
    const sources = new Map(entitySources({ seq: 1, merges: [], entities: rest.entities, identifiers: rest.identifiers, records, relations: rest.relations, visits }).map((x) => [x.eid, x.sources.join(';')]));
    const facts = new Map(recordPlaceFacts(records).map((x) => [x.eid, [x.recordRoles.join(';'), x.homeSources.join(';'), x.pointStatements.join(';')]]));
    const out = path.join(dir, 'facts');
    await writeBulkLoadCsv(res, out, CO_TRAVEL);
    const places = columns(path.join(out, 'nodes-Place.csv'), ['eid', 'inSources', 'recordRoles', 'homeSources', 'pointStatements']);
    expect(places.size).toBeGreaterThan(10);
    let homes = 0;
    let points = 0;
    for (const [eid, [, inSources, roles, home, point]] of places) {
      expect(inSources, eid).toBe(sources.get(eid));
      expect([roles, home, point], eid).toEqual(facts.get(eid));
      if (home) homes++;
      if (point) points++;
    }
    expect(homes).toBeGreaterThan(0);
    expect(points).toBeGreaterThan(0);
    const persons = columns(path.join(out, 'nodes-Person.csv'), ['eid', 'inSources']);
    expect(persons.size).toBeGreaterThan(100);
    for (const [eid, [, inSources]] of persons) expect(inSources, eid).toBe(sources.get(eid));
  });
});
