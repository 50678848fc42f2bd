/**
 * Load a delivery directory laid out as `<dir>/<sourceId>/<YYYY-MM-DD>[.redelivered].<csv|jsonl>`
 * with one catalog entry per source (`<catalogDir>/<sourceId>.json`). Files are read in date
 * order across sources; a redelivered file yields mentions with the same keys as the first
 * delivery (resolution drops the duplicates). Optional ground truth:
 * `<dir>/truth/records.csv` with `source,record_id,role,entity_kind,entity_id`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SourceCatalogEntry, SourceMapping } from '@onemap/graph-schema';
import { divisionGazetteer } from '../standardize/address.ts';
import { type CompiledMapping, compileMapping, restrictMapping } from '../standardize/compile-mapping.ts';
import type { FieldProblem, Mention, ProgressFn } from '../types.ts';
import { StringInterner } from './intern-mentions.ts';
import { loadSource } from './load-source.ts';
import { type PackedMentions, unpackMentions } from './packed-mentions.ts';
import { parseCsv } from './parse-csv.ts';
import { workerBoot } from '../worker-boot.ts';

export interface LoadedDirectory {
  files: number;
  rows: number;
  mentions: Mention[];
  rejects: FieldProblem[];
  problems: FieldProblem[];
  readMs: number;
  standardizeMs: number;
  /** `loadDirectoryParallel` only: each worker's largest JS heap (used, allocated) after a file, bytes */
  workerHeaps?: Array<{ files: number; maxUsed: number; maxTotal: number }>;
}

/**
 * @param opts.limit stop after this many rows
 * @param opts.sources read only these sources (default: every source with a catalog entry)
 * @param opts.kinds make mentions of these entity kinds only: a source with no role of them is not
 *   read, and other roles are not standardized (`restrictMapping`; the mentions of these kinds
 *   are exactly the full read's)
 * @param opts.onProgress called after each file (stage `standardize files`)
 */
export function loadDirectory(
  dir: string,
  catalogDir: string,
  opts: { limit?: number; sources?: string[]; kinds?: string[]; onProgress?: ProgressFn } = {},
): LoadedDirectory {
  const files = listFiles(dir, catalogDir, opts.sources, opts.kinds);
  const mappings = new Map<string, CompiledMapping>();
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
      const c = kindMapping(entry, source, opts.kinds);
      if (!c) continue;
      cm = c;
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

/** The source's compiled mapping, restricted to `kinds` when given (undefined: no role of them). */
export function kindMapping(entry: SourceMapping, source: string, kinds?: string[]) {
  const cm = compileMapping(entry, source);
  return kinds ? restrictMapping(cm, new Set(kinds)) : cm;
}

function listFiles(dir: string, catalogDir: string, sources?: string[], kinds?: string[]) {
  const files: Array<{ source: string; file: string; date: string }> = [];
  for (const source of readdirSync(dir).sort()) {
    if (sources && !sources.includes(source)) continue;
    const catalogFile = join(catalogDir, `${source}.json`);
    if (!existsSync(catalogFile)) continue;
    if (kinds) {
      const entry = JSON.parse(readFileSync(catalogFile, 'utf8')) as SourceCatalogEntry;
      if (!entry.entities?.some((e) => kinds.includes(e.kind))) continue;
    }
    for (const f of readdirSync(join(dir, source))) {
      if (/\.(csv|jsonl)$/.test(f)) files.push({ source, file: join(dir, source, f), date: f.slice(0, 10) });
    }
  }
  files.sort((a, b) => (a.date === b.date ? a.file.localeCompare(b.file) : a.date.localeCompare(b.date)));
  return files;
}

/**
 * A load worker's young generation (three semi-spaces' worth): Node's default 16 MiB semi-spaces,
 * not the 64 of the scripts' NODE_OPTIONS, which each worker would otherwise inherit: a worker's
 * objects are short-lived (one file's rows and mentions) and two workers run beside the parent's
 * mentions.
 */
const WORKER_YOUNG_MB = 48;

/**
 * `loadDirectory` on worker threads (one per core, at most `workers`): the files are shared out
 * by size, each worker reads and standardizes whole files, and the results come back in the
 * serial order, so the mentions, rejects and problems are exactly `loadDirectory`'s.
 * `readMs` and `standardizeMs` are summed over the workers (thread time, not wall time).
 */
export async function loadDirectoryParallel(
  dir: string,
  catalogDir: string,
  opts: {
    sources?: string[];
    kinds?: string[];
    workers?: number;
    onProgress?: ProgressFn;
    /** mentions per message from a worker (tests; default 10,000) */
    chunkMentions?: number;
  } = {},
): Promise<LoadedDirectory> {
  const files = listFiles(dir, catalogDir, opts.sources, opts.kinds);
  const n = Math.max(1, Math.min(opts.workers ?? availableParallelism(), files.length));
  if (n < 2) return loadDirectory(dir, catalogDir, opts);
  const entries = new Map<string, SourceCatalogEntry>();
  const jobs: Array<Array<{ index: number; source: string; file: string; entry: SourceCatalogEntry }>> = Array.from(
    { length: n },
    () => [],
  );
  const load = new Array<number>(n).fill(0);
  // largest first to the least loaded worker
  const bySize = files
    .map((f, index) => ({ ...f, index, size: statSync(f.file).size }))
    .sort((a, b) => b.size - a.size);
  for (const f of bySize) {
    let entry = entries.get(f.source);
    if (!entry) {
      entry = JSON.parse(readFileSync(join(catalogDir, `${f.source}.json`), 'utf8')) as SourceCatalogEntry;
      entries.set(f.source, entry);
    }
    let w = 0;
    for (let i = 1; i < n; i++) if (load[i]! < load[w]!) w = i;
    load[w]! += f.size;
    jobs[w]!.push({ index: f.index, source: f.source, file: f.file, entry });
  }
  for (const j of jobs) j.sort((a, b) => a.index - b.index);
  // a worker holds one file's rows and mentions at a time: bound its heap (it would otherwise
  // inherit the parent's limit and grow lazily, on top of the parent's copy of the mentions)
  const largestMb = (bySize[0]?.size ?? 0) / 2 ** 20;
  const heapMb = Math.max(1536, Math.ceil(largestMb * 16));
  interface Part {
    rows: number;
    mentions: Mention[];
    rejects: FieldProblem[];
    problems: FieldProblem[];
    readMs: number;
    standardizeMs: number;
  }
  type WorkerMessage =
    | { index: number; done?: undefined; mentions: PackedMentions }
    | (Omit<Part, 'mentions'> & { index: number; done: true; heapUsed: number; heapTotal: number });
  const parts = new Array<Part | undefined>(files.length);
  let done = 0;
  const gazetteer = divisionGazetteer();
  const interner = new StringInterner();
  const workerHeaps = jobs.map(() => ({ files: 0, maxUsed: 0, maxTotal: 0 }));
  await Promise.all(
    jobs.map(
      (job, wi) =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(workerBoot(new URL('./load-directory-worker.ts', import.meta.url)), {
            eval: true,
            resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
            workerData: {
              files: job,
              ...(opts.kinds ? { kinds: opts.kinds } : {}),
              ...(opts.chunkMentions ? { chunkMentions: opts.chunkMentions } : {}),
              ...(gazetteer.length ? { gazetteer } : {}),
            },
          });
          w.on('message', (m: WorkerMessage) => {
            // a worker's messages arrive in order: a file's chunks, then its counts
            let part = parts[m.index];
            if (!part) {
              part = { rows: 0, mentions: [], rejects: [], problems: [], readMs: 0, standardizeMs: 0 };
              parts[m.index] = part;
            }
            if (!m.done) {
              for (const x of unpackMentions(m.mentions, interner)) part.mentions.push(x);
              return;
            }
            const { index, done: _, heapUsed, heapTotal, ...counts } = m;
            parts[index] = { ...counts, mentions: part.mentions };
            const h = workerHeaps[wi]!;
            h.files++;
            h.maxUsed = Math.max(h.maxUsed, heapUsed);
            h.maxTotal = Math.max(h.maxTotal, heapTotal);
            done++;
            opts.onProgress?.('standardize files', done, files.length);
          });
          w.on('error', reject);
          w.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`load worker exited with ${code}`))));
        }),
    ),
  );
  if (done !== files.length) throw new Error('a load worker did not return every file');
  const out: LoadedDirectory = {
    files: files.length,
    rows: 0,
    mentions: [],
    rejects: [],
    problems: [],
    readMs: 0,
    standardizeMs: 0,
    workerHeaps,
  };
  for (const p of parts) {
    if (!p) throw new Error('a load worker did not return every file');
    out.rows += p.rows;
    for (const m of p.mentions) out.mentions.push(m);
    for (const r of p.rejects) out.rejects.push(r);
    for (const r of p.problems) out.problems.push(r);
    out.readMs += p.readMs;
    out.standardizeMs += p.standardizeMs;
  }
  return out;
}

/**
 * Ground truth `truth/records.csv`: mention key -> true entity id.
 * @param kinds keep the records of these entity kinds only (the whole file holds every kind's)
 */
export function loadTruth(file: string, kinds?: string[]): Map<string, string> {
  const truth = new Map<string, string>();
  const keep = kinds ? new Set(kinds) : undefined;
  let header: string[] | undefined;
  parseCsv(readFileSync(file, 'utf8'), ',', (f) => {
    if (!header) {
      header = f;
      return true;
    }
    const [source, recordId, role, kind, entityId] = f;
    if (keep && !keep.has(kind!)) return true;
    if (source && recordId && role && entityId) truth.set(`${source}:${recordId}:${role}`, entityId);
    return true;
  });
  return truth;
}
