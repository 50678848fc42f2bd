/** Validate, save and load resolution models (JSON with a `version`). */
import { ENTITY_LABELS, IDENTIFIER_KINDS } from '@onemap/graph-schema';
import { checkKeyPart } from '../blocking/blocking-rule.ts';
import { ResolverError } from '../errors.ts';
import { MODEL_VERSION, type Model } from './model-settings.ts';

const TEST_TYPES = new Set([
  'null',
  'generic',
  'exact',
  'jaro_winkler',
  'damerau',
  'date_swap',
  'prefix',
  'nested',
  'else',
]);
const prob = (x: unknown) => typeof x === 'number' && x >= 0 && x <= 1;

/** @returns every problem in a model/settings object (empty when valid) */
export function validateModel(m: Model): string[] {
  const p: string[] = [];
  if (!m || typeof m !== 'object') return ['model is not an object'];
  if (m.version !== MODEL_VERSION) p.push(`version ${m.version} is not supported (expected ${MODEL_VERSION})`);
  if (!ENTITY_LABELS.includes(m.kind)) p.push(`kind "${m.kind}" is not an entity kind`);
  if (!(typeof m.lambda === 'number' && m.lambda > 0 && m.lambda < 1)) p.push('lambda must be in (0, 1)');
  if (!Array.isArray(m.comparisons) || m.comparisons.length === 0) p.push('comparisons must be a non-empty array');
  for (const [i, c] of (m.comparisons ?? []).entries()) {
    if (!c.name) p.push(`comparisons[${i}].name is missing`);
    if (!c.attr) p.push(`comparisons[${i}] (${c.name}): attr is missing`);
    if (!Array.isArray(c.levels) || c.levels.length < 2)
      p.push(`comparisons[${i}] (${c.name}): needs at least two levels`);
    for (const [j, l] of (c.levels ?? []).entries()) {
      const at = `comparisons[${i}].levels[${j}] (${c.name} / ${l?.label})`;
      if (!TEST_TYPES.has(l?.test?.type)) p.push(`${at}: unknown test type "${l?.test?.type}"`);
      if (!prob(l?.m) || !prob(l?.u)) p.push(`${at}: m and u must be probabilities`);
      else if (l.u === 0 || l.m === 0) p.push(`${at}: m and u must be > 0`);
      if (l?.test?.type === 'jaro_winkler' && !prob(l.test.threshold)) p.push(`${at}: threshold must be in [0, 1]`);
    }
    const last = c.levels?.[c.levels.length - 1];
    if (last && last.test?.type !== 'else') p.push(`comparisons[${i}] (${c.name}): last level must be "else"`);
  }
  if (!Array.isArray(m.blockingRules) || m.blockingRules.length === 0)
    p.push('blockingRules must be a non-empty array');
  for (const [i, r] of (m.blockingRules ?? []).entries()) {
    if (!Array.isArray(r.keys) || r.keys.length === 0) p.push(`blockingRules[${i}]: keys must be a non-empty array`);
    for (const k of r.keys ?? []) {
      const e = checkKeyPart(k);
      if (e) p.push(`blockingRules[${i}] (${r.name}): ${e}`);
    }
    if (r.maxBlockSize !== undefined && !(r.maxBlockSize >= 2))
      p.push(`blockingRules[${i}] (${r.name}): maxBlockSize must be >= 2`);
  }
  const t = m.thresholds;
  if (!t || !prob(t.match) || !prob(t.possible) || t.possible > t.match)
    p.push('thresholds need 0 <= possible <= match <= 1');
  for (const k of [...(m.anchors ?? []), ...(m.exclusive ?? [])]) {
    if (!IDENTIFIER_KINDS.includes(k)) p.push(`unknown identifier kind "${k}"`);
  }
  if (!(m.maxBlockSize >= 2)) p.push('maxBlockSize must be >= 2');
  if (!prob(m.cohesion)) p.push('cohesion must be in [0, 1]');
  for (const a of m.exclusiveAttrs ?? [])
    if (typeof a !== 'string' || !a) p.push('exclusiveAttrs must name attributes');
  return p;
}

export function assertModel(m: Model): Model {
  const problems = validateModel(m);
  if (problems.length) throw new ResolverError('ONEMAP_ERR_INVALID_MODEL', { detail: problems.join('; ') });
  return m;
}

/** Serialize a model to pretty JSON. */
export function saveModel(m: Model): string {
  return `${JSON.stringify(assertModel(m), null, 2)}\n`;
}

/** Parse and validate a model saved by `saveModel`. */
export function loadModel(json: string | object): Model {
  let obj: unknown;
  try {
    obj = typeof json === 'string' ? JSON.parse(json) : json;
  } catch (e) {
    throw new ResolverError('ONEMAP_ERR_INVALID_MODEL', { detail: (e as Error).message });
  }
  return assertModel(obj as Model);
}
