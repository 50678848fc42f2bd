/**
 * Standardize one raw record (a CSV row or JSON line) with a source mapping into the
 * mentions it makes (one per entity role with usable attributes), its `record.*` attributes
 * and the problems found. A record is rejected only when its id or a `required` field is
 * missing or invalid, or when it yields nothing usable.
 */
import type { SourceMapping } from '@onemap/graph-schema';
import type { Attrs, FieldProblem, Mention, StandardizeResult } from '../types.ts';
import { type CompiledMapping, compileMapping } from './compile-mapping.ts';
import { standardizeDate } from './date.ts';
import { type AttrValue, standardizeEntityAttrs } from './entity-attrs.ts';
import { cleanText } from './text.ts';

export interface RecordContext {
  source?: string;
  file?: string;
  line?: number;
}

const compiledCache = new WeakMap<SourceMapping, CompiledMapping>();

function compiled(m: SourceMapping | CompiledMapping, source?: string): CompiledMapping {
  if ('roles' in m) return m;
  let c = compiledCache.get(m);
  if (!c) {
    c = compileMapping(m, source);
    compiledCache.set(m, c);
  }
  return c;
}

/**
 * @param raw column -> value (strings; `undefined` for absent)
 * @param mapping a catalog `SourceMapping` or its compiled form
 * @example standardizeRecord({ id: '1', name: '張三' }, mapping, { source: 'hotel', line: 2 })
 */
export function standardizeRecord(
  raw: Record<string, string | undefined>,
  mapping: SourceMapping | CompiledMapping,
  ctx: RecordContext = {},
): StandardizeResult {
  const cm = compiled(mapping, ctx.source);
  const source = ctx.source ?? cm.source;
  const problems: FieldProblem[] = [];
  const where = (field: string, value?: string): Pick<FieldProblem, 'source' | 'file' | 'line' | 'field' | 'value'> => {
    const p: Pick<FieldProblem, 'source' | 'file' | 'line' | 'field' | 'value'> = { source, field };
    if (ctx.file !== undefined) p.file = ctx.file;
    if (ctx.line !== undefined) p.line = ctx.line;
    if (value !== undefined) p.value = value;
    return p;
  };
  const badEncoding = new Set<string>();
  const get = (column: string): string => {
    const v = raw[column];
    if (v === undefined || v === null) return '';
    const s = typeof v === 'string' ? v : String(v);
    if (s.includes('\uFFFD')) {
      badEncoding.add(column);
      problems.push({
        ...where(column, s),
        code: 'ONEMAP_ERR_BAD_ENCODING',
        reason: `value is not valid ${cm.encoding}`,
      });
      return '';
    }
    return s;
  };
  const recordId = cleanText(get(cm.recordIdColumn));
  const reject = (p: FieldProblem): StandardizeResult => {
    const r: StandardizeResult = { ok: false, rejection: p, problems };
    if (recordId) r.recordId = recordId;
    return r;
  };
  if (!recordId) {
    return reject({ ...where(cm.recordIdColumn), code: 'ONEMAP_ERR_REQUIRED_MISSING', reason: 'record id is empty' });
  }
  const mentions: Mention[] = [];
  // mentions of hidden roles (`restrictMapping`): read for the relations, not passed on
  let hidden: Mention[] | undefined;
  for (const role of cm.roles) {
    const values = new Map<string, AttrValue>();
    for (const f of role.fields) {
      const v = cleanText(get(f.column));
      if (!v) {
        if (f.required) {
          const enc = badEncoding.has(f.column);
          return reject({
            ...where(f.column),
            recordId,
            code: enc ? 'ONEMAP_ERR_BAD_ENCODING' : 'ONEMAP_ERR_REQUIRED_MISSING',
            reason: enc
              ? `${role.role}.${f.attr} is required and not valid ${cm.encoding}`
              : `${role.role}.${f.attr} is required`,
          });
        }
        continue;
      }
      const prev = values.get(f.attr);
      if (prev) prev.value = `${prev.value} ${v}`;
      else {
        const av: AttrValue = { value: v, column: f.column };
        if (f.format) av.format = f.format;
        values.set(f.attr, av);
      }
    }
    if (values.size === 0) continue;
    const r = standardizeEntityAttrs(role.kind, values);
    for (const p of r.problems) {
      const requiredField = role.fields.find((f) => f.column === p.column && f.required);
      const fp: FieldProblem = {
        ...where(p.column, p.value),
        recordId,
        code: p.checksum ? 'ONEMAP_ERR_BAD_ID_CHECKSUM' : 'ONEMAP_ERR_BAD_VALUE',
        reason: `${role.role}.${p.attr}: ${p.reason}`,
      };
      if (requiredField) return reject({ ...fp, code: 'ONEMAP_ERR_REQUIRED_INVALID' });
      problems.push(fp);
    }
    const usable = Object.keys(r.attrs).some((k) => !k.endsWith('Raw'));
    if (!usable && r.identifiers.length === 0) continue;
    if (role.placeKind) r.attrs.placeKind ??= role.placeKind;
    const m: Mention = {
      key: `${source}:${recordId}:${role.role}`,
      source,
      recordId,
      role: role.role,
      kind: role.kind,
      attrs: r.attrs,
      identifiers: r.identifiers,
      flags: r.flags,
    };
    if (ctx.line !== undefined) m.line = ctx.line;
    if (role.hidden) (hidden ??= []).push(m);
    else mentions.push(m);
  }
  const byRole = (role: string) => mentions.find((m) => m.role === role) ?? hidden?.find((m) => m.role === role);
  for (const link of cm.phoneLinks) {
    const owner = mentions.find((m) => m.role === link.from);
    const phone = byRole(link.to)?.attrs.phone;
    if (owner && phone && !owner.attrs.phone) {
      owner.attrs.phone = phone;
      owner.flags.push('phone:from_has_phone_relation');
    }
  }
  for (const link of cm.legalRepLinks) {
    const rep = byRole(link.from)?.attrs;
    const org = mentions.find((m) => m.role === link.to);
    // the Pinyin of the name, so a homophone or traditional rendering of it still agrees
    const name = rep && (rep.pyFamily || rep.pyGiven ? `${rep.pyFamily ?? ''}${rep.pyGiven ?? ''}` : rep.name);
    if (org && name && !org.attrs.legalRep) org.attrs.legalRep = name;
  }
  const record: Attrs = { id: recordId };
  for (const f of cm.recordFields) {
    const v = cleanText(get(f.column));
    if (!v) {
      if (f.required)
        return reject({
          ...where(f.column),
          recordId,
          code: 'ONEMAP_ERR_REQUIRED_MISSING',
          reason: `record.${f.attr} is required`,
        });
      continue;
    }
    if (f.attr === 'at' || f.attr === 'until') {
      const d = standardizeDate(v, f.format);
      if (d.ok) record[f.attr] = d.value;
      else {
        const fp: FieldProblem = {
          ...where(f.column, v),
          recordId,
          code: 'ONEMAP_ERR_BAD_VALUE',
          reason: `record.${f.attr}: ${d.reason}`,
        };
        if (f.required) return reject({ ...fp, code: 'ONEMAP_ERR_REQUIRED_INVALID' });
        problems.push(fp);
      }
    } else record[f.attr] = v;
  }
  if (mentions.length === 0) {
    // a restricted mapping: the record made (or would have made) a mention of another kind
    if (hidden?.length || cm.droppedColumns?.some((c) => cleanText(raw[c] ?? '') !== ''))
      return { ok: true, recordId, mentions, record, problems };
    return reject({
      ...where(cm.recordIdColumn, recordId),
      recordId,
      code: 'ONEMAP_ERR_NOTHING_USABLE',
      reason: 'no entity attribute is usable',
    });
  }
  return { ok: true, recordId, mentions, record, problems };
}
