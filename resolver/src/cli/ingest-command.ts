/**
 * `onemap ingest <source> <file|folder>` and `onemap ingest --all-samples`: stage files, queue
 * them on BullMQ, and (unless --no-wait) run a worker in this process until they are done,
 * with progress and a summary per source. Re-running changes nothing: batches are idempotent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SAMPLE_DIR, SOURCE_ORDER } from '@onemap/datasets';
import { loadResolverConfig } from '../config.ts';
import { ResolverError } from '../errors.ts';
import { type BatchInfo, findBatch } from '../graph/batches.ts';
import { startIngestWorker } from '../jobs/ingest-worker.ts';
import { pipelineFromConfig } from '../pipeline/pipeline-from-config.ts';
import { progressBar } from './progress-bar.ts';


const USAGE = `usage: onemap ingest <source> <file|folder> [--no-wait]
       onemap ingest --all-samples [--dir <sample dir>] [--no-wait]`;

function filesOf(p: string): string[] {
  if (!fs.existsSync(p))
    throw new ResolverError('ONEMAP_ERR_FILE_UNREADABLE', { detail: 'no such file or folder' }, { file: p });
  if (fs.statSync(p).isFile()) return [p];
  const files = fs
    .readdirSync(p)
    .filter((f) => /\.(csv|jsonl|json|ndjson)$/i.test(f) && fs.statSync(path.join(p, f)).isFile())
    .sort()
    .map((f) => path.join(p, f));
  // a folder with nothing to deliver is a mistake to say, not a success with nothing done
  if (!files.length) throw new ResolverError('ONEMAP_ERR_FILE_UNREADABLE', { detail: 'no .csv, .jsonl, .json or .ndjson file in this folder' }, { file: p });
  return files;
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const noWait = argv.includes('--no-wait');
  const positional = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--dir');
  const dirAt = argv.indexOf('--dir');
  const pipeline = pipelineFromConfig(loadResolverConfig());
  const jobs: { source: string; file: string }[] = [];
  try {
    if (argv.includes('--all-samples')) {
      const dir = dirAt >= 0 ? argv[dirAt + 1]! : SAMPLE_DIR;
      const present = fs.readdirSync(dir).filter((d) => fs.statSync(path.join(dir, d)).isDirectory() && d !== 'truth');
      const ordered = [
        ...SOURCE_ORDER.filter((s) => present.includes(s)),
        ...present.filter((s) => !SOURCE_ORDER.includes(s)).sort(),
      ];
      for (const source of ordered) {
        pipeline.entry(source);
        for (const file of filesOf(path.join(dir, source))) jobs.push({ source, file });
      }
    } else {
      const [source, target] = positional;
      if (!source || !target) throw new ResolverError('ONEMAP_ERR_USAGE', { detail: USAGE });
      pipeline.entry(source);
      for (const file of filesOf(target)) jobs.push({ source, file });
    }
    const t0 = performance.now();
    const submitted: { source: string; file: string; batchId: string; duplicate: boolean }[] = [];
    for (const j of jobs) {
      const r = await pipeline.submitFile(j.source, j.file);
      submitted.push({ ...j, batchId: r.batchId, duplicate: r.duplicate });
    }
    const dupes = submitted.filter((s) => s.duplicate).length;
    console.log(
      `ingest: ${submitted.length} file(s) staged and queued${dupes ? `, ${dupes} already delivered before (no-op)` : ''}`,
    );
    if (noWait) return 0;

    const worker = startIngestWorker(pipeline, { concurrency: 1 });
    const results = new Map<string, BatchInfo>();
    const tty = process.stderr.isTTY;
    const bar = progressBar();
    try {
      for (;;) {
        let done = 0;
        for (const s of submitted) {
          if (results.has(s.batchId)) {
            done++;
            continue;
          }
          const info = await findBatch(pipeline.deps.graph, s.batchId);
          if (info && (info.status === 'done' || info.status === 'rejected' || info.status === 'failed')) {
            results.set(s.batchId, info);
            done++;
            if (!tty)
              console.log(
                `ingest: ${s.source} ${path.basename(s.file)} ${info.status} (${info.written ?? 0} written, ${info.unchanged ?? 0} unchanged, ${info.rejected ?? 0} rejected)`,
              );
          }
        }
        bar.report('ingest batches', done, submitted.length);
        if (done === submitted.length) break;
        for (const s of submitted) {
          if (results.has(s.batchId) || (await pipeline.jobState(s.batchId)) !== 'failed') continue;
          results.set(s.batchId, {
            batchId: s.batchId,
            source: s.source,
            originalName: path.basename(s.file),
            way: 'file',
            status: 'failed',
          });
          console.error(
            `ingest: ${s.source} ${path.basename(s.file)} failed every attempt; see the dead-letter queue (onemap jobs --dead)`,
          );
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    } finally {
      await worker.close();
    }
    bar.stop();
    printSummary(submitted, results, (performance.now() - t0) / 1000);
    // what was wrong and where: a file refused whole with its reason, records refused with their report
    for (const s of submitted) {
      const r = results.get(s.batchId);
      if (!r) continue;
      const where = `${s.source} ${s.file}`;
      if (r.status === 'rejected') console.error(`ingest: ${where} rejected: ${r.error ?? 'see its rejects report'}${r.rejectsFile ? ` (report ${r.rejectsFile})` : ''}`);
      else if ((r.rejected ?? 0) > 0) console.error(`ingest: ${where}: ${r.rejected} record(s) rejected with their reasons in ${r.rejectsFile ?? '.data/rejects'}`);
    }
    // a file that failed every attempt or was refused whole is not a success
    return [...results.values()].some((r) => r.status === 'failed' || r.status === 'rejected') ? 1 : 0;
  } finally {
    await pipeline.shutdown();
  }
}

function printSummary(
  submitted: { source: string; batchId: string }[],
  results: Map<string, BatchInfo>,
  seconds: number,
) {
  const rows = new Map<string, Record<string, number>>();
  const seen = new Set<string>();
  for (const s of submitted) {
    const r = results.get(s.batchId);
    const acc = rows.get(s.source) ?? {
      files: 0,
      rows: 0,
      written: 0,
      unchanged: 0,
      updated: 0,
      rejected: 0,
      flagged: 0,
      merges: 0,
      review: 0,
    };
    acc.files!++;
    if (r && !seen.has(s.batchId)) {
      seen.add(s.batchId);
      acc.rows! += r.rows ?? 0;
      acc.written! += r.written ?? 0;
      acc.unchanged! += r.unchanged ?? 0;
      acc.updated! += r.updated ?? 0;
      acc.rejected! += r.rejected ?? 0;
      acc.flagged! += r.flagged ?? 0;
      acc.merges! += r.merges ?? 0;
      acc.review! += r.possibleMatches ?? 0;
    }
    rows.set(s.source, acc);
  }
  const cols = ['files', 'rows', 'written', 'unchanged', 'updated', 'rejected', 'flagged', 'merges', 'review'];
  const w = 11;
  console.log(['source'.padEnd(18), ...cols.map((c) => c.padStart(w))].join(''));
  for (const [source, acc] of rows)
    console.log([source.padEnd(18), ...cols.map((c) => String(acc[c] ?? 0).padStart(w))].join(''));
  const written = [...rows.values()].reduce((a, r) => a + (r.written ?? 0), 0);
  console.log(
    `ingest: done in ${seconds.toFixed(1)} s (${Math.round(written / Math.max(seconds, 0.001))} records/s written); rejects reports in .data/rejects`,
  );
}
