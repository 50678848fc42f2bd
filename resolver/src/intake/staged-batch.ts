import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';

/**
 * A batch in the staging area (临时库): the raw bytes exactly as delivered, named by their
 * content hash. The same content delivered twice, under any file name, is the same batch.
 */
export interface StagedBatch {
  /** `<source>.<first 24 hex of sha256>`; also the BullMQ job id, so re-delivery is a no-op. */
  batchId: string;
  source: string;
  hash: string;
  stagedPath: string;
  originalName: string;
  format: 'csv' | 'jsonl';
  encoding: 'utf-8' | 'gbk';
  way: 'file' | 'push';
  receivedAt: string;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** How a real-time push is staged: JSON lines in UTF-8, whatever the source's file format. */
export const PUSH_FILE = { format: 'jsonl', encoding: 'utf-8' } as const;

/** Where a delivery with this content hash is staged: `<staging>/<source>/<sha256>.<format>`. */
export function stagedPathOf(stagingDir: string, source: string, hash: string, format: StagedBatch['format']): string {
  return path.join(stagingDir, source, `${hash}.${format}`);
}

function stage(stagingDir: string, source: string, bytes: Buffer, meta: Omit<StagedBatch, 'batchId' | 'hash' | 'stagedPath' | 'receivedAt' | 'source'>): StagedBatch {
  const hash = sha256(bytes);
  const stagedPath = stagedPathOf(stagingDir, source, hash, meta.format);
  fs.mkdirSync(path.dirname(stagedPath), { recursive: true });
  if (!fs.existsSync(stagedPath)) {
    // write-then-rename: a crash never leaves a half file under the final name (one temporary
    // name per thread: a bulk load's read-ahead workers may stage the same content at once)
    const tmp = `${stagedPath}.${process.pid}.${threadId}.tmp`;
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, stagedPath);
  }
  return { batchId: `${source}.${hash.slice(0, 24)}`, source, hash, stagedPath, receivedAt: new Date().toISOString(), ...meta };
}

/** Copies a delivered file into staging. Format and encoding come from the source's catalog entry. */
export function stageFile(
  stagingDir: string,
  source: string,
  filePath: string,
  file: { format: 'csv' | 'jsonl'; encoding: 'utf-8' | 'gbk' },
): StagedBatch {
  const bytes = fs.readFileSync(filePath);
  return stage(stagingDir, source, bytes, { originalName: path.basename(filePath), format: file.format, encoding: file.encoding, way: 'file' });
}

/** Stages records pushed in real time as one JSON-lines batch (UTF-8, keys sorted for a stable hash). */
export function stageRecords(stagingDir: string, source: string, records: unknown[]): StagedBatch {
  // keys in order (the same record twice is the same content); an item that is no object is staged
  // as it came, and the reader rejects it with its position ("not an object")
  const lines = records.map((r) => (r && typeof r === 'object' && !Array.isArray(r) ? JSON.stringify(r, Object.keys(r).sort()) : JSON.stringify(r ?? null))).join('\n');
  return stage(stagingDir, source, Buffer.from(`${lines}\n`, 'utf8'), { originalName: `push-${records.length}.jsonl`, ...PUSH_FILE, way: 'push' });
}
