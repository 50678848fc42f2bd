/**
 * Loads the source catalog: one JSON file per source in `datasets/catalog/<id>.json`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceCatalogEntry } from '@onemap/graph-schema';

/** Default catalog directory (`datasets/catalog`). */
export const CATALOG_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../catalog');

/**
 * Read every `*.json` catalog entry in a directory, sorted by file name. Does not
 * validate; pass the result to `validateCatalog`.
 * @param dir catalog directory, default `datasets/catalog`
 * @returns the entries, in file-name order
 * @example const entries = loadCatalog(); validateCatalog(entries).ok
 */
export function loadCatalog(dir: string = CATALOG_DIR): SourceCatalogEntry[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as SourceCatalogEntry);
}

/**
 * One catalog entry by source id.
 * @throws Error when no entry has that id
 */
export function getCatalogEntry(id: string, dir: string = CATALOG_DIR): SourceCatalogEntry {
  const entry = loadCatalog(dir).find((e) => e.id === id);
  if (!entry) throw new Error(`no catalog entry for source ${id}`);
  return entry;
}
