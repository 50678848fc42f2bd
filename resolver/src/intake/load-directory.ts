/**
 * Load a delivery directory laid out as `<dir>/<sourceId>/<YYYY-MM-DD>[.redelivered].<csv|jsonl>`
 * with one catalog entry per source (`<catalogDir>/<sourceId>.json`). Files are read in date
 * order across sources; a redelivered file yields mentions with the same keys as the first
 * delivery (resolution drops the duplicates). Optional ground truth:
 * `<dir>/truth/records.csv` with `source,record_id,role,entity_kind,entity_id`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import { compileMapping } from '../standardize/compile-mapping.ts';
import type { FieldProblem, Mention, ProgressFn } from '../types.ts';
import { loadSource } from './load-source.ts';
import { parseCsv } from './parse-csv.ts';

export interface LoadedDirectory {
  files: number;
  rows: number;
  mentions: Mention[];
  rejects: FieldProblem[];
  problems: FieldProblem[];
  readMs: number;
  standardizeMs: number;
}

/**
 * @param opts.limit stop after this many rows
 * @param opts.sources read only these sources (default: every source with a catalog entry)
 * @param opts.onProgress called after each file (stage `standardize files`)
 */
export function loadDirectory(
  dir: string,
  catalogDir: string,
  opts: { limit?: number; sources?: string[]; onProgress?: ProgressFn } = {},
): LoadedDirectory {
  const files: Array<{ source: string; file: string; date: string }> = [];
  for (const source of readdirSync(dir).sort()) {
    if (opts.sources && !opts.sources.includes(source)) continue;
    const catalogFile = join(catalogDir, `${source}.json`);
    if (!existsSync(catalogFile)) continue;
    for (const f of readdirSync(join(dir, source))) {
      if (/\.(csv|jsonl)$/.test(f)) files.push({ source, file: join(dir, source, f), date: f.slice(0, 10) });
    }
  }
  files.sort((a, b) => (a.date === b.date ? a.file.localeCompare(b.file) : a.date.localeCompare(b.date)));
  const mappings = new Map<string, ReturnType<typeof compileMapping>>();
  const out: LoadedDirectory = {
    files: 0,
    rows: 0,
    mentions: [],
    rejects: [],
    problems: [],
    readMs: 0,
    standardizeMs: 0,
  };
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  for (const { source, file } of files) {
    if (out.rows >= limit) break;
    let cm = mappings.get(source);
    if (!cm) {
      const entry = JSON.parse(readFileSync(join(catalogDir, `${source}.json`), 'utf8')) as SourceCatalogEntry;
      cm = compileMapping(entry, source);
      mappings.set(source, cm);
    }
    const l = loadSource(file, cm, { limit: limit - out.rows });
    out.files++;
    out.rows += l.rows;
    for (const m of l.mentions) out.mentions.push(m);
    for (const r of l.rejects) out.rejects.push(r);
    for (const p of l.problems) out.problems.push(p);
    out.readMs += l.readMs;
    out.standardizeMs += l.standardizeMs;
    opts.onProgress?.('standardize files', out.files, files.length);
  }
  return out;
}

/** Ground truth `truth/records.csv`: mention key -> true entity id. */
export function loadTruth(file: string): Map<string, string> {
  const truth = new Map<string, string>();
  let header: string[] | undefined;
  parseCsv(readFileSync(file, 'utf8'), ',', (f) => {
    if (!header) {
      header = f;
      return true;
    }
    const [source, recordId, role, , entityId] = f;
    if (source && recordId && role && entityId) truth.set(`${source}:${recordId}:${role}`, entityId);
    return true;
  });
  return truth;
}
