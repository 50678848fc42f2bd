/**
 * `onemap resolve --input <file.csv|.jsonl> --mapping <mapping.json> --out <clusters.csv>
 *   [--truth <column>] [--model <model.json>] [--train|--no-train] [--rejects <file>]
 *   [--review <file>] [--save-model <file>] [--source <id>]`
 * Output columns: `record_id,entity_id` (plus `role,kind` when the mapping has several roles).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ENTITY_LABELS, type EntityKind, type SourceMapping } from '@onemap/graph-schema';
import { ResolverError } from '../errors.ts';
import { loadSource } from '../intake/load-source.ts';
import { evaluate, formatScores } from '../resolve/evaluate.ts';
import { resolveBatchParallel } from '../resolve/resolve-batch.ts';
import { defaultSettings } from '../scoring/default-kind-settings.ts';
import { loadModel, saveModel } from '../scoring/model-io.ts';
import type { Model } from '../scoring/model-settings.ts';
import { type DivisionEntry, setDivisionGazetteer } from '../standardize/address.ts';
import { compileMapping, restrictMapping } from '../standardize/compile-mapping.ts';
import type { FieldProblem } from '../types.ts';
import { modelCachePath, readCachedModel, writeCachedModel } from './model-cache.ts';
import { progressBar } from './progress-bar.ts';

const HELP = `usage: onemap resolve --input <file> --mapping <mapping.json> --out <clusters.csv> [options]
  --input <file>        CSV or JSON lines (encoding and delimiter from the mapping's "file")
  --mapping <file>      catalog entry or mapping JSON (recordIdColumn, entities, fields)
  --out <file>          record_id,entity_id CSV
  --truth <column>      column with the true entity id: print precision, recall, F1
  --model <file>        model JSON for the person kind (default: train on the input)
  --no-train            do not learn m/u from the input
  --save-model <file>   write the (trained) person model
  --model-cache <dir>   reuse the person model trained on this same input, mapping and base model
                        (default .data/model-cache; --no-model-cache to always train)
  --rejects <file>      rejected rows as CSV (default: <out>.rejects.csv)
  --review <file>       possible matches as CSV (default: <out>.review.csv)
  --source <id>         source id (default: the mapping's id)
  --kinds <a,b>         resolve only these entity kinds (e.g. Person): other roles are not standardized
  --gazetteer <file>    JSON array of {code, name} divisions to turn addresses into division codes
                        (default: every division of China)`;

function csvCell(v: string | number | undefined): string {
  const s = v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ResolverError(
      'ONEMAP_ERR_FILE_UNREADABLE',
      { detail: (e as NodeJS.ErrnoException).code ?? String(e) },
      { file: path },
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ResolverError(
      'ONEMAP_ERR_INVALID_MAPPING',
      { detail: `${what} is not JSON: ${(e as Error).message}` },
      { file: path },
    );
  }
}

/** A gazetteer file: `[{ code, name }]` (e.g. datasets/geo/units.json); 6-digit codes only. */
export function readGazetteer(path: string): DivisionEntry[] {
  const list = readJson(path, 'gazetteer');
  if (!Array.isArray(list))
    throw new ResolverError(
      'ONEMAP_ERR_USAGE',
      { detail: 'gazetteer must be a JSON array of {code, name}' },
      { file: path },
    );
  return list.filter(
    (e): e is DivisionEntry => typeof e?.code === 'string' && /^\d{6}$/.test(e.code) && typeof e?.name === 'string',
  );
}

export function problemsCsv(problems: FieldProblem[]): string {
  const lines = ['file,line,record_id,field,code,reason,value'];
  for (const p of problems)
    lines.push([p.file, p.line, p.recordId, p.field, p.code, p.reason, p.value].map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}

export async function run(argv: string[]): Promise<number> {
  const { values: a } = parseArgs({
    args: argv,
    options: {
      input: { type: 'string' },
      mapping: { type: 'string' },
      out: { type: 'string' },
      truth: { type: 'string' },
      model: { type: 'string' },
      train: { type: 'boolean' },
      'no-train': { type: 'boolean' },
      'save-model': { type: 'string' },
      'model-cache': { type: 'string', default: '.data/model-cache' },
      'no-model-cache': { type: 'boolean' },
      rejects: { type: 'string' },
      review: { type: 'string' },
      source: { type: 'string' },
      gazetteer: { type: 'string' },
      kinds: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (a.help) {
    console.log(HELP);
    return 0;
  }
  for (const k of ['input', 'mapping', 'out'] as const) {
    if (!a[k]) throw new ResolverError('ONEMAP_ERR_USAGE', { detail: `--${k} is required\n${HELP}` });
  }
  let mapping: ReturnType<typeof compileMapping>;
  try {
    mapping = compileMapping(readJson(a.mapping!, 'mapping') as SourceMapping, a.source);
  } catch (e) {
    if (e instanceof ResolverError && !e.location.file)
      throw new ResolverError(e.code, { detail: e.message.replace(/^invalid mapping: /, '') }, { file: a.mapping! });
    throw e;
  }
  if (a.kinds) {
    const kinds = a.kinds.split(',').filter(Boolean);
    const unknown = kinds.filter((k) => !(ENTITY_LABELS as readonly string[]).includes(k));
    if (unknown.length)
      throw new ResolverError('ONEMAP_ERR_USAGE', {
        detail: `--kinds: unknown kind ${unknown.join(', ')} (known: ${ENTITY_LABELS.join(', ')})`,
      });
    const restricted = restrictMapping(mapping, new Set(kinds));
    if (!restricted)
      throw new ResolverError('ONEMAP_ERR_USAGE', {
        detail: `--kinds: the mapping has no role of kind ${kinds.join(', ')}`,
      });
    mapping = restricted;
  }
  if (a.gazetteer) setDivisionGazetteer(readGazetteer(a.gazetteer));
  const bar = progressBar();
  const loaded = loadSource(a.input!, mapping, {
    ...(a.truth ? { truthColumn: a.truth } : {}),
    onProgress: bar.report,
  });
  const models: Partial<Record<EntityKind, Model>> = {};
  if (a.model) models.Person = loadModel(readJson(a.model, 'model') as object);
  let train = a['no-train'] ? false : (a.train ?? !a.model);
  const cachePath =
    train && !a.model && !a['no-model-cache']
      ? modelCachePath(a['model-cache']!, a.input!, readFileSync(a.mapping!, 'utf8'), defaultSettings('Person'))
      : undefined;
  const cached = cachePath ? readCachedModel(cachePath) : undefined;
  if (cached) {
    models.Person = cached;
    train = false;
  }
  const t0 = performance.now();
  // the pair loops on every core (kinds too small for it stay on this thread)
  const result = await resolveBatchParallel(loaded.mentions, { models, train, onProgress: bar.report });
  const ms = performance.now() - t0;
  bar.stop();
  if (cached) console.log(`reused the person model trained on this input (${cachePath})`);
  else if (cachePath && result.models.Person) writeCachedModel(cachePath, result.models.Person);

  const multiRole = mapping.roles.length > 1;
  const out = [multiRole ? 'record_id,entity_id,role,kind' : 'record_id,entity_id'];
  for (const m of loaded.mentions) {
    const e = result.entityOf.get(m.key) ?? '';
    out.push(
      multiRole ? [m.recordId, e, m.role, m.kind].map(csvCell).join(',') : `${csvCell(m.recordId)},${csvCell(e)}`,
    );
  }
  writeFileSync(a.out!, `${out.join('\n')}\n`);
  const rejectsFile = a.rejects ?? `${a.out}.rejects.csv`;
  writeFileSync(rejectsFile, problemsCsv([...loaded.rejects, ...loaded.problems]));
  const reviewFile = a.review ?? `${a.out}.review.csv`;
  writeFileSync(
    reviewFile,
    `mention_a,mention_b,probability,weight\n${result.reviewQueue.map((d) => [d.a, d.b, d.probability?.toFixed(4), d.weight?.toFixed(2)].map(csvCell).join(',')).join('\n')}\n`,
  );
  if (a['save-model'] && result.models.Person) writeFileSync(a['save-model'], saveModel(result.models.Person));

  console.log(
    `read ${loaded.rows} rows: ${loaded.mentions.length} mentions, ${loaded.rejects.length} rejected, ${loaded.problems.length} values flagged`,
  );
  for (const r of loaded.rejects.slice(0, 10)) {
    console.log(`  rejected ${r.code}: ${r.reason} (${r.file}:${r.line}${r.field ? ` ${r.field}` : ''})`);
  }
  if (loaded.rejects.length > 10) console.log(`  ... ${loaded.rejects.length - 10} more in ${rejectsFile}`);
  for (const [kind, st] of Object.entries(result.blockingStats)) {
    if (!st.length) continue;
    console.log(
      `blocking ${kind}: ${st.map((s) => `${s.rule}=${s.pairs}${s.skippedBlocks ? ` (skipped ${s.skippedBlocks} blocks)` : ''}`).join(', ')}`,
    );
  }
  console.log(
    `resolved into ${result.clusters.length} entities in ${ms.toFixed(0)} ms; ${result.reviewQueue.length} possible matches to review`,
  );
  console.log(`wrote ${a.out}, ${rejectsFile}, ${reviewFile}`);
  if (loaded.truth) {
    const byKind = new Map<string, Map<string, string>>();
    for (const m of loaded.mentions) {
      if (!byKind.has(m.kind)) byKind.set(m.kind, new Map());
      const e = result.entityOf.get(m.key);
      if (e) byKind.get(m.kind)!.set(m.key, e);
    }
    for (const [kind, pred] of byKind) {
      const ev = evaluate(pred, loaded.truth);
      if (!ev.mentions) continue;
      console.log(
        `${kind}: ${ev.mentions} mentions, ${ev.trueEntities} true / ${ev.predictedEntities} predicted entities`,
      );
      console.log(`  pairwise ${formatScores(ev.pairwise)}`);
      console.log(`  cluster  ${formatScores(ev.cluster)}`);
    }
  }
  return 0;
}
