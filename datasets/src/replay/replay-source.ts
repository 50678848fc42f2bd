/**
 * Replays a source's daily files to the ingest endpoint as a live push would:
 * `POST <url>/api/ingest/<sourceId>` with `{"records": [...]}` in small batches at a
 * fixed record rate, authenticated as the source system with its key (`x-onemap-source-key`;
 * an admin of the source's owner unit issues one: `POST /api/admin/source-keys`).
 */
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import { getCatalogEntry } from '../catalog/load-catalog.ts';
import { SAMPLE_DIR } from '../sample.ts';
import { listSourceFiles, readSourceFile } from './read-source-files.ts';

/** Options of `replaySource`. */
export interface ReplayOptions {
  /** Catalog source id, e.g. `hotel`. */
  source: string;
  /** Base URL of the server, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Records per second. Default 50. */
  rate?: number;
  /** The source system's key (`osk.…`); default `process.env.ONEMAP_SOURCE_KEY`. */
  key?: string;
  /** Directory holding `<sourceId>/<date>.<ext>` files. Default `datasets/sample`. */
  dir?: string;
  /** Records per POST. Default rate/10 clamped to 1..100. */
  batchSize?: number;
  /** Stop after this many records. */
  limit?: number;
  /** Progress messages. */
  log?: (message: string) => void;
  /** Catalog entry to use instead of loading `datasets/catalog/<source>.json`. */
  entry?: SourceCatalogEntry;
}

/** Counts of a replay. */
export interface ReplayResult {
  sent: number;
  accepted: number;
  rejected: number;
  batches: number;
  failedBatches: number;
}

function countOf(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) return v.length;
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Push a source's records in time order (per day, by its first trace's `atColumn`).
 * The response may report `accepted` / `rejected` as numbers or arrays; without them a
 * 2xx counts the batch as accepted and anything else as rejected.
 * @example await replaySource({ source: 'hotel', url: 'http://127.0.0.1:3000', rate: 100 })
 */
export async function replaySource(opts: ReplayOptions): Promise<ReplayResult> {
  const entry = opts.entry ?? getCatalogEntry(opts.source);
  const rate = opts.rate ?? 50;
  const batchSize = opts.batchSize ?? Math.max(1, Math.min(100, Math.ceil(rate / 10)));
  const key = opts.key ?? process.env.ONEMAP_SOURCE_KEY;
  const endpoint = `${opts.url.replace(/\/$/, '')}/api/ingest/${entry.id}`;
  const atColumn = entry.traces?.[0]?.atColumn;
  const log = opts.log ?? (() => {});
  const result: ReplayResult = { sent: 0, accepted: 0, rejected: 0, batches: 0, failedBatches: 0 };
  const started = Date.now();
  for (const file of listSourceFiles(opts.dir ?? SAMPLE_DIR, entry)) {
    const rows = readSourceFile(file, entry);
    if (atColumn) rows.sort((a, b) => String(a[atColumn]).localeCompare(String(b[atColumn])));
    for (let i = 0; i < rows.length; i += batchSize) {
      const remaining = opts.limit !== undefined ? opts.limit - result.sent : Infinity;
      if (remaining <= 0) return result;
      const records = rows.slice(i, i + Math.min(batchSize, remaining));
      let accepted = 0;
      let rejected = records.length;
      try {
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(key ? { 'x-onemap-source-key': key } : {}) },
          body: JSON.stringify({ records }),
        });
        const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
        const a = countOf(body.accepted);
        const r = countOf(body.rejected);
        if (res.ok) {
          accepted = a ?? records.length - (r ?? 0);
          rejected = r ?? records.length - accepted;
        } else {
          result.failedBatches++;
          log(`  batch ${result.batches + 1}: HTTP ${res.status}`);
        }
      } catch (err) {
        result.failedBatches++;
        log(`  batch ${result.batches + 1}: ${(err as Error).message}`);
      }
      result.sent += records.length;
      result.accepted += accepted;
      result.rejected += rejected;
      result.batches++;
      if (result.batches % 20 === 0)
        log(`  sent ${result.sent}, accepted ${result.accepted}, rejected ${result.rejected}`);
      const due = started + (result.sent / rate) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
  }
  return result;
}
