/**
 * A model trained on an input is reused when the same input is resolved again: the cache key
 * is the content of the input file, of its mapping and of the starting model, so any change
 * to one of them trains afresh (Splink's advice: train once, predict many times).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, saveModel } from '../scoring/model-io.ts';
import type { Model } from '../scoring/model-settings.ts';

/** @returns the cache file for this input, mapping and starting model */
export function modelCachePath(dir: string, inputFile: string, mappingText: string, base: Model): string {
  const h = createHash('sha256');
  h.update(readFileSync(inputFile));
  h.update('\0');
  h.update(mappingText);
  h.update('\0');
  h.update(saveModel(base));
  return join(dir, `${base.kind.toLowerCase()}-${h.digest('hex').slice(0, 24)}.json`);
}

/** @returns the cached trained model, or undefined */
export function readCachedModel(path: string): Model | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return loadModel(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // an unreadable or outdated cache entry is trained again
  }
}

export function writeCachedModel(path: string, model: Model): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, saveModel(model));
}
