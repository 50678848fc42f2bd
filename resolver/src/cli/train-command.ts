/**
 * `onemap train --input <dir|file> [--catalog datasets/catalog | --mapping <mapping.json>]
 *   [--kind Person|Organization] --out <model.json>`: learn a Person (default) or Organization
 * model (u from random pairs, m and lambda by EM) from a delivery directory (one catalog entry
 * per source) or one file with its mapping, and save it as JSON. `resolver/models/person.json`
 * and `resolver/models/organization.json` are made this way.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SourceMapping } from '@onemap/graph-schema';
import { ResolverError } from '../errors.ts';
import { loadDirectory } from '../intake/load-directory.ts';
import { loadSource } from '../intake/load-source.ts';
import { defaultOrganizationSettings } from '../scoring/default-organization-settings.ts';
import { defaultPersonSettings } from '../scoring/default-person-settings.ts';
import { saveModel } from '../scoring/model-io.ts';
import { trainModel } from '../scoring/train-model.ts';
import { setDivisionGazetteer } from '../standardize/address.ts';
import type { Mention } from '../types.ts';
import { progressBar } from './progress-bar.ts';
import { readGazetteer } from './resolve-command.ts';

export async function run(argv: string[]): Promise<number> {
  const { values: a } = parseArgs({
    args: argv,
    options: {
      input: { type: 'string' },
      catalog: { type: 'string', default: 'datasets/catalog' },
      mapping: { type: 'string' },
      out: { type: 'string' },
      kind: { type: 'string', default: 'Person' },
      gazetteer: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (a.help || !a.input || !a.out) {
    console.log(
      'usage: onemap train --input <dir|file> [--catalog <dir> | --mapping <mapping.json>] [--kind Person|Organization] [--gazetteer units.json] --out <model.json>',
    );
    if (a.help) return 0;
    throw new ResolverError('ONEMAP_ERR_USAGE', { detail: '--input and --out are required' });
  }
  const base =
    a.kind === 'Person'
      ? defaultPersonSettings()
      : a.kind === 'Organization'
        ? defaultOrganizationSettings()
        : undefined;
  if (!base)
    throw new ResolverError('ONEMAP_ERR_USAGE', { detail: `--kind must be Person or Organization, got ${a.kind}` });
  if (a.gazetteer) setDivisionGazetteer(readGazetteer(a.gazetteer));
  let mentions: Mention[];
  let isDir = false;
  try {
    isDir = statSync(a.input).isDirectory();
  } catch (e) {
    throw new ResolverError(
      'ONEMAP_ERR_FILE_UNREADABLE',
      { detail: (e as NodeJS.ErrnoException).code ?? String(e) },
      { file: a.input },
    );
  }
  const bar = progressBar();
  if (isDir) mentions = loadDirectory(a.input, a.catalog!, { onProgress: bar.report }).mentions;
  else {
    if (!a.mapping) throw new ResolverError('ONEMAP_ERR_USAGE', { detail: '--mapping is required for a single file' });
    mentions = loadSource(a.input, JSON.parse(readFileSync(a.mapping, 'utf8')) as SourceMapping, {
      onProgress: bar.report,
    }).mentions;
  }
  const seen = new Set<string>();
  const persons = mentions.filter((m) => m.kind === base.kind && !seen.has(m.key) && seen.add(m.key));
  const model = trainModel(persons, base, { onProgress: bar.report });
  bar.stop();
  writeFileSync(a.out, saveModel(model));
  console.log(
    `trained on ${persons.length} ${base.kind} mentions (${model.training?.candidatePairs} candidate pairs), lambda ${model.lambda.toExponential(3)}; wrote ${a.out}`,
  );
  for (const c of model.comparisons) {
    console.log(
      `  ${c.name.padEnd(18)} ${c.levels.map((l) => `${l.label} m=${l.m.toPrecision(2)} u=${l.u.toPrecision(2)}`).join(' | ')}`,
    );
  }
  return 0;
}
