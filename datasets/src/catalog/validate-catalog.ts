/**
 * Validates source catalog entries against the format in `@onemap/graph-schema`,
 * collecting every problem (each naming its source and field) and reporting once.
 */
import {
  ATTRIBUTES,
  derivationChain,
  ENTITY_LABELS,
  type EntityKind,
  PLACE_KINDS,
  RECORD_ATTRIBUTES,
  RECORD_RELATION_TYPES,
  SHARE_CLASSES,
  type SourceCatalogEntry,
  TRACE_KINDS,
} from '@onemap/graph-schema';

/** Result of a validation: `ok` is true when `problems` is empty. */
export interface CatalogValidation {
  ok: boolean;
  problems: string[];
}

const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const RELATION_TYPES: readonly string[] = RECORD_RELATION_TYPES;
const GRADES: readonly unknown[] = [1, 2, 3, 4];

function validateEntry(e: SourceCatalogEntry, problems: string[]): void {
  const where = `source ${e.id ?? '(no id)'}`;
  const need = (cond: unknown, msg: string) => {
    if (!cond) problems.push(`${where}: ${msg}`);
  };
  need(typeof e.id === 'string' && /^[a-z][a-z0-9_]*$/.test(e.id), 'id must be snake_case');
  need(e.name?.zh && e.name?.en, 'name needs zh and en');
  need(
    typeof e.ownerUnit === 'string' && /^\d{6}(\d{3})?$/.test(e.ownerUnit),
    'ownerUnit must be a 6- or 9-digit unit code',
  );
  need(
    e.updateMode === 'realtime' || e.updateMode === 'batch',
    `updateMode must be realtime|batch, got ${e.updateMode}`,
  );
  need(
    typeof e.frequency === 'string' && ISO_DURATION.test(e.frequency),
    `frequency must be an ISO 8601 duration, got ${e.frequency}`,
  );
  need((SHARE_CLASSES as readonly string[]).includes(e.shareClass), `shareClass ${e.shareClass} unknown`);
  need(GRADES.includes(e.grade), `grade must be 1..4, got ${e.grade}`);
  need(e.file && ['csv', 'jsonl'].includes(e.file.format), 'file.format must be csv|jsonl');
  need(e.file && ['utf-8', 'gbk'].includes(e.file.encoding), 'file.encoding must be utf-8|gbk');
  const roles = new Map<string, EntityKind>();
  for (const r of e.entities ?? []) {
    if (roles.has(r.role)) problems.push(`${where}: entity role ${r.role} declared twice`);
    if (!(ENTITY_LABELS as readonly string[]).includes(r.kind))
      problems.push(`${where}: entity role ${r.role} has unknown kind ${r.kind}`);
    if (r.placeKind && !(PLACE_KINDS as readonly string[]).includes(r.placeKind))
      problems.push(`${where}: entity role ${r.role} has unknown placeKind ${r.placeKind}`);
    roles.set(r.role, r.kind);
  }
  need(roles.size > 0, 'entities must declare at least one role');
  const columns = new Set<string>();
  for (const f of e.fields ?? []) {
    const at = `${where}, field ${f.column}`;
    if (columns.has(f.column)) problems.push(`${at}: column declared twice`);
    columns.add(f.column);
    if (!f.meaning) problems.push(`${at}: meaning missing`);
    if (!GRADES.includes(f.sensitivity)) problems.push(`${at}: sensitivity must be 1..4`);
    if (f.target === null) continue;
    if (typeof f.target !== 'string') {
      problems.push(`${at}: target must be a string or null`);
      continue;
    }
    const [prefix, attr, ...rest] = f.target.split('.');
    if (!prefix || !attr || rest.length > 0) {
      problems.push(`${at}: target ${f.target} must be <role>.<attribute>`);
    } else if (prefix === 'record') {
      if (!(RECORD_ATTRIBUTES as readonly string[]).includes(attr))
        problems.push(`${at}: unknown record attribute ${attr}`);
    } else {
      const kind = roles.get(prefix);
      if (!kind) problems.push(`${at}: target role ${prefix} is not declared in entities`);
      else if (!(ATTRIBUTES[kind] as readonly string[]).includes(attr))
        problems.push(`${at}: ${attr} is not an attribute of ${kind}`);
    }
  }
  need(columns.has(e.recordIdColumn), `recordIdColumn ${e.recordIdColumn} is not a declared field`);
  for (const a of e.authorityFor ?? []) {
    const [kind, attr] = a.split('.');
    const attrs = (ATTRIBUTES as Record<string, readonly string[]>)[kind ?? ''];
    // a mapped attribute, or one the pipeline derives from a mapped one (a person's household division from the home address)
    const known = !!attrs && !!attr && (attrs.includes(attr) || derivationChain(attr).some((o) => attrs.includes(o)));
    if (!known) problems.push(`${where}: authorityFor ${a} is not a Kind.attribute`);
  }
  for (const r of e.relations ?? []) {
    if (!RELATION_TYPES.includes(r.type)) problems.push(`${where}: relation type ${r.type} unknown`);
    if (!roles.has(r.from)) problems.push(`${where}: relation ${r.type} from undeclared role ${r.from}`);
    if (!roles.has(r.to)) problems.push(`${where}: relation ${r.type} to undeclared role ${r.to}`);
    if (r.roleColumn && !columns.has(r.roleColumn))
      problems.push(`${where}: relation roleColumn ${r.roleColumn} is not a field`);
  }
  for (const t of e.traces ?? []) {
    const subj = roles.get(t.subject);
    if (subj !== 'Person' && subj !== 'Vehicle')
      problems.push(`${where}: trace subject ${t.subject} must be a Person or Vehicle role`);
    if (roles.get(t.place) !== 'Place') problems.push(`${where}: trace place ${t.place} must be a Place role`);
    if (!(TRACE_KINDS as readonly string[]).includes(t.kind)) problems.push(`${where}: trace kind ${t.kind} unknown`);
    if (!columns.has(t.atColumn)) problems.push(`${where}: trace atColumn ${t.atColumn} is not a field`);
    if (t.untilColumn && !columns.has(t.untilColumn))
      problems.push(`${where}: trace untilColumn ${t.untilColumn} is not a field`);
  }
}

/**
 * Validate catalog entries; never throws, collects all problems.
 * @param entries entries as loaded by `loadCatalog`
 * @returns `{ ok, problems }`, each problem naming the source and, where it applies, the field
 * @example validateCatalog(loadCatalog()).problems // []
 */
export function validateCatalog(entries: SourceCatalogEntry[]): CatalogValidation {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const e of entries) {
    if (ids.has(e.id)) problems.push(`source ${e.id}: id used by more than one entry`);
    ids.add(e.id);
    validateEntry(e, problems);
  }
  return { ok: problems.length === 0, problems };
}
