/**
 * The committed default Organization model (`resolver/models/organization.json`, trained with
 * EM on the synthetic province), falling back to the untrained priors if the file is missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultOrganizationSettings } from './default-organization-settings.ts';
import { loadModel } from './model-io.ts';
import type { Model } from './model-settings.ts';

export const DEFAULT_ORGANIZATION_MODEL_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../models/organization.json',
);

export function defaultOrganizationModel(): Model {
  return existsSync(DEFAULT_ORGANIZATION_MODEL_PATH)
    ? loadModel(readFileSync(DEFAULT_ORGANIZATION_MODEL_PATH, 'utf8'))
    : defaultOrganizationSettings();
}
