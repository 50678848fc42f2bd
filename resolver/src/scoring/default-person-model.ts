/**
 * The committed default Person model (`resolver/models/person.json`, trained with EM on the
 * synthetic province), falling back to the untrained priors if the file is missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPersonSettings } from './default-person-settings.ts';
import { loadModel } from './model-io.ts';
import type { Model } from './model-settings.ts';

export const DEFAULT_PERSON_MODEL_PATH = join(dirname(fileURLToPath(import.meta.url)), '../../models/person.json');

export function defaultPersonModel(): Model {
  return existsSync(DEFAULT_PERSON_MODEL_PATH)
    ? loadModel(readFileSync(DEFAULT_PERSON_MODEL_PATH, 'utf8'))
    : defaultPersonSettings();
}
