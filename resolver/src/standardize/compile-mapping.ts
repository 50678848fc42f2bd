/**
 * Validate a source mapping (catalog field-mapping format) and compile it into the plan the
 * record standardizer follows. Every problem is collected and reported at once.
 */
import {
  ATTRIBUTES,
  ENTITY_LABELS,
  type EntityKind,
  RECORD_ATTRIBUTES,
  type SourceMapping,
} from '@onemap/graph-schema';
import { ResolverError } from '../errors.ts';

export interface CompiledField {
  column: string;
  attr: string;
  format?: string;
  required: boolean;
}

export interface CompiledRole {
  role: string;
  kind: EntityKind;
  placeKind?: string;
  fields: CompiledField[];
  /**
   * set by `restrictMapping`: the role is read for another role's sake (a relation's evidence,
   * or its required fields, which reject the record) but makes no mention
   */
  hidden?: true;
}

export interface CompiledMapping {
  source: string;
  recordIdColumn: string;
  roles: CompiledRole[];
  recordFields: CompiledField[];
  /** Every column the mapping reads (to check against a file header). */
  columns: string[];
  /** `HAS_PHONE` relations: the phone of the `to` role is also evidence on the `from` role. */
  phoneLinks: Array<{ from: string; to: string }>;
  /** `LEGAL_REP_OF` relations: the representative's name (`from`) is evidence on the organization (`to`). */
  legalRepLinks: Array<{ from: string; to: string }>;
  /** `OWNS` relations from an organization (`from`) to a vehicle (`to`): the plate's prefecture is evidence of the owner's region. */
  fleetLinks: Array<{ from: string; to: string }>;
  encoding: 'utf-8' | 'gbk';
  format?: 'csv' | 'jsonl';
  delimiter: string;
  /**
   * set by `restrictMapping`: columns of the roles it dropped or hid; a record with no mention of
   * the kept kinds is passed on without mentions when one of them has a value (it would have made
   * a mention of another kind), and rejected as having nothing usable only when all are empty
   */
  droppedColumns?: string[];
}

/** @returns every problem found in the mapping (empty when valid). */
export function validateMapping(mapping: SourceMapping): string[] {
  const problems: string[] = [];
  if (!mapping || typeof mapping !== 'object') return ['mapping is not an object'];
  if (typeof mapping.recordIdColumn !== 'string' || !mapping.recordIdColumn) problems.push('recordIdColumn is missing');
  if (!Array.isArray(mapping.entities) || mapping.entities.length === 0)
    problems.push('entities must list at least one role');
  if (!Array.isArray(mapping.fields)) problems.push('fields must be an array');
  const roles = new Map<string, EntityKind>();
  for (const [i, e] of (mapping.entities ?? []).entries()) {
    if (!e?.role) problems.push(`entities[${i}].role is missing`);
    else if (roles.has(e.role)) problems.push(`entities[${i}].role "${e.role}" is declared twice`);
    if (!ENTITY_LABELS.includes(e?.kind))
      problems.push(`entities[${i}].kind "${e?.kind}" is not one of ${ENTITY_LABELS.join(', ')}`);
    else if (e.role) roles.set(e.role, e.kind);
  }
  for (const [i, f] of (Array.isArray(mapping.fields) ? mapping.fields : []).entries()) {
    if (!f || typeof f.column !== 'string' || !f.column) {
      problems.push(`fields[${i}].column is missing`);
      continue;
    }
    if (f.target === null || f.target === undefined) continue;
    const [prefix, attr, ...rest] = String(f.target).split('.');
    if (!prefix || !attr || rest.length) {
      problems.push(`fields[${i}] (${f.column}): target "${f.target}" is not <role>.<attribute>`);
      continue;
    }
    if (prefix === 'record') {
      if (!(RECORD_ATTRIBUTES as readonly string[]).includes(attr))
        problems.push(`fields[${i}] (${f.column}): unknown record attribute "${attr}"`);
      continue;
    }
    const kind = roles.get(prefix);
    if (!kind) {
      problems.push(`fields[${i}] (${f.column}): role "${prefix}" is not declared in entities`);
      continue;
    }
    if (!(ATTRIBUTES[kind] as readonly string[]).includes(attr)) {
      problems.push(
        `fields[${i}] (${f.column}): ${kind} has no attribute "${attr}" (known: ${ATTRIBUTES[kind].join(', ')})`,
      );
    }
  }
  return problems;
}

/** @throws ResolverError ONEMAP_ERR_INVALID_MAPPING listing every problem */
export function compileMapping(mapping: SourceMapping, source?: string): CompiledMapping {
  const problems = validateMapping(mapping);
  if (problems.length) throw new ResolverError('ONEMAP_ERR_INVALID_MAPPING', { detail: problems.join('; ') });
  const roles: CompiledRole[] = mapping.entities.map((e) => {
    const r: CompiledRole = { role: e.role, kind: e.kind, fields: [] };
    if (e.placeKind) r.placeKind = e.placeKind;
    return r;
  });
  const byRole = new Map(roles.map((r) => [r.role, r]));
  const recordFields: CompiledField[] = [];
  const columns = new Set<string>([mapping.recordIdColumn]);
  for (const f of mapping.fields) {
    columns.add(f.column);
    if (!f.target) continue;
    const [prefix, attr] = f.target.split('.') as [string, string];
    const cf: CompiledField = { column: f.column, attr, required: f.required === true };
    if (f.format) cf.format = f.format;
    if (prefix === 'record') recordFields.push(cf);
    else byRole.get(prefix)?.fields.push(cf);
  }
  const c: CompiledMapping = {
    source: source ?? mapping.id ?? 'source',
    recordIdColumn: mapping.recordIdColumn,
    roles,
    recordFields,
    columns: [...columns],
    phoneLinks: (mapping.relations ?? [])
      .filter((r) => r.type === 'HAS_PHONE')
      .map((r) => ({ from: r.from, to: r.to })),
    legalRepLinks: (mapping.relations ?? [])
      .filter((r) => r.type === 'LEGAL_REP_OF')
      .map((r) => ({ from: r.from, to: r.to })),
    fleetLinks: (mapping.relations ?? [])
      .filter((r) => r.type === 'OWNS' && byRole.get(r.from)?.kind === 'Organization' && byRole.get(r.to)?.kind === 'Vehicle')
      .map((r) => ({ from: r.from, to: r.to })),
    encoding: mapping.file?.encoding ?? 'utf-8',
    delimiter: mapping.file?.delimiter ?? ',',
  };
  if (mapping.file?.format) c.format = mapping.file.format;
  return c;
}

/**
 * The mapping as far as mentions of `kinds` need it, or `undefined` when the source makes none
 * (its files need not be read). Roles of other kinds are dropped, except a role whose value is
 * evidence on a kept role (the phone of `HAS_PHONE`'s \`to\`, the representative of
 * `LEGAL_REP_OF`'s \`from\`, the vehicle an organization `OWNS`), kept whole, and a role with required fields, kept with those fields
 * only, so exactly the same records are rejected; both are hidden (make no mention). The mentions
 * of the kept kinds are exactly the full mapping's; the problems flagged on dropped fields are not
 * looked for.
 */
export function restrictMapping(cm: CompiledMapping, kinds: ReadonlySet<string>): CompiledMapping | undefined {
  const kept = new Set(cm.roles.filter((r) => kinds.has(r.kind)).map((r) => r.role));
  if (kept.size === 0) return undefined;
  if (kept.size === cm.roles.length) return cm;
  const helpers = new Set<string>();
  for (const l of cm.phoneLinks) if (kept.has(l.from)) helpers.add(l.to);
  for (const l of cm.legalRepLinks) if (kept.has(l.to)) helpers.add(l.from);
  for (const l of cm.fleetLinks) if (kept.has(l.from)) helpers.add(l.to);
  const roles: CompiledRole[] = [];
  const dropped = new Set<string>();
  for (const r of cm.roles) {
    if (kept.has(r.role)) roles.push(r);
    else if (helpers.has(r.role)) roles.push({ ...r, hidden: true });
    else {
      for (const f of r.fields) dropped.add(f.column);
      const required = r.fields.filter((f) => f.required);
      if (required.length) roles.push({ ...r, fields: required, hidden: true });
    }
  }
  return { ...cm, roles, droppedColumns: [...dropped] };
}
