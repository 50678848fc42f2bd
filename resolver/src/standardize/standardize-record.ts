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
import { plateRegionCode, regionFillsName } from './plate-region.ts';
import { cleanText } from './text.ts';

export interface RecordContext {
  source?: string;
  file?: string;
  line?: number;
}

const compiledCache = new WeakMap<SourceMapping, CompiledMapping>();

/** The longest record id taken (characters): ids are the graph's keys (`SourceRecord.rid`); real ones are tens of characters. */
export const MAX_RECORD_ID_CHARS = 256;

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
  // one state object instead of closures per record (allocation is a large part of the cost)
  const st: RecordState = { raw, cm, source, ctx, problems };
  const recordId = cleanText(getValue(st, cm.recordIdColumn));
  if (!recordId) {
    return rejectWith(st, recordId, { ...whereOf(st, cm.recordIdColumn), code: 'ONEMAP_ERR_REQUIRED_MISSING', reason: 'record id is empty' });
  }
  // the record's graph key (`SourceRecord.rid`, a unique index: keys of at most 8,167 bytes)
  if (recordId.length > MAX_RECORD_ID_CHARS) {
    return rejectWith(st, recordId.slice(0, MAX_RECORD_ID_CHARS), { ...whereOf(st, cm.recordIdColumn), code: 'ONEMAP_ERR_BAD_VALUE', reason: `record id longer than ${MAX_RECORD_ID_CHARS} characters` });
  }
  const mentions: Mention[] = [];
  // mentions of hidden roles (`restrictMapping`): read for the relations, not passed on
  let hidden: Mention[] | undefined;
  for (const role of cm.roles) {
    const values = new Map<string, AttrValue>();
    for (const f of role.fields) {
      const v = cleanText(getValue(st, f.column));
      if (!v) {
        if (f.required) {
          const enc = st.badEncoding?.has(f.column) === true;
          return rejectWith(st, recordId, {
            ...whereOf(st, f.column),
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
        ...whereOf(st, p.column, p.value),
        recordId,
        code: p.checksum ? 'ONEMAP_ERR_BAD_ID_CHECKSUM' : 'ONEMAP_ERR_BAD_VALUE',
        reason: `${role.role}.${p.attr}: ${p.reason}`,
      };
      if (requiredField) return rejectWith(st, recordId, { ...fp, code: 'ONEMAP_ERR_REQUIRED_INVALID' });
      problems.push(fp);
    }
    const usable = hasUsableAttr(r.attrs);
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
  for (const link of cm.phoneLinks) {
    const owner = mentions.find((m) => m.role === link.from);
    const phone = byRole(mentions, hidden, link.to)?.attrs.phone;
    if (owner && phone && !owner.attrs.phone) {
      owner.attrs.phone = phone;
      owner.flags.push('phone:from_has_phone_relation');
    }
  }
  for (const link of cm.legalRepLinks) {
    const rep = byRole(mentions, hidden, link.from)?.attrs;
    const org = mentions.find((m) => m.role === link.to);
    // the Pinyin of the name, so a homophone or traditional rendering of it still agrees
    const name = rep && (rep.pyFamily || rep.pyGiven ? `${rep.pyFamily ?? ''}${rep.pyGiven ?? ''}` : rep.name);
    if (org && name && !org.attrs.legalRep) org.attrs.legalRep = name;
  }
  for (const link of cm.fleetLinks) {
    const org = mentions.find((m) => m.role === link.from);
    const region = plateRegionCode(byRole(mentions, hidden, link.to)?.attrs.plate);
    // the plate's prefecture is the owner's, unless the name states a city or county of its own
    if (org && region && regionFillsName(org.attrs.orgRegionCode, region)) {
      org.attrs.orgRegionCode = region;
      org.flags.push('orgRegionCode:from_fleet_plate');
    }
  }
  const record: Attrs = { id: recordId };
  for (const f of cm.recordFields) {
    const v = cleanText(getValue(st, f.column));
    if (!v) {
      if (f.required)
        return rejectWith(st, recordId, {
          ...whereOf(st, f.column),
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
          ...whereOf(st, f.column, v),
          recordId,
          code: 'ONEMAP_ERR_BAD_VALUE',
          reason: `record.${f.attr}: ${d.reason}`,
        };
        if (f.required) return rejectWith(st, recordId, { ...fp, code: 'ONEMAP_ERR_REQUIRED_INVALID' });
        problems.push(fp);
      }
    } else record[f.attr] = v;
  }
  if (mentions.length === 0) {
    // a restricted mapping: the record made (or would have made) a mention of another kind
    if (hidden?.length || cm.droppedColumns?.some((c) => cleanText(raw[c] ?? '') !== ''))
      return { ok: true, recordId, mentions, record, problems };
    return rejectWith(st, recordId, {
      ...whereOf(st, cm.recordIdColumn, recordId),
      recordId,
      code: 'ONEMAP_ERR_NOTHING_USABLE',
      reason: 'no entity attribute is usable',
    });
  }
  return { ok: true, recordId, mentions, record, problems };
}

interface RecordState {
  raw: Record<string, string | undefined>;
  cm: CompiledMapping;
  source: string;
  ctx: RecordContext;
  problems: FieldProblem[];
  /** columns whose value was not valid in the file's encoding (made when one is found) */
  badEncoding?: Set<string>;
}

function whereOf(
  st: RecordState,
  field: string,
  value?: string,
): Pick<FieldProblem, 'source' | 'file' | 'line' | 'field' | 'value'> {
  const p: Pick<FieldProblem, 'source' | 'file' | 'line' | 'field' | 'value'> = { source: st.source, field };
  if (st.ctx.file !== undefined) p.file = st.ctx.file;
  if (st.ctx.line !== undefined) p.line = st.ctx.line;
  if (value !== undefined) p.value = value;
  return p;
}

/** The column's value as a string ('' when absent or not valid in the file's encoding, flagged). */
function getValue(st: RecordState, column: string): string {
  const v = st.raw[column];
  if (v === undefined || v === null) return '';
  const s = typeof v === 'string' ? v : String(v);
  if (s.includes('\uFFFD')) {
    (st.badEncoding ??= new Set()).add(column);
    st.problems.push({
      ...whereOf(st, column, s),
      code: 'ONEMAP_ERR_BAD_ENCODING',
      reason: `value is not valid ${st.cm.encoding}`,
    });
    return '';
  }
  return s;
}

function rejectWith(st: RecordState, recordId: string, p: FieldProblem): StandardizeResult {
  const r: StandardizeResult = { ok: false, rejection: p, problems: st.problems };
  if (recordId) r.recordId = recordId;
  return r;
}

function byRole(mentions: Mention[], hidden: Mention[] | undefined, role: string): Mention | undefined {
  return mentions.find((m) => m.role === role) ?? hidden?.find((m) => m.role === role);
}

/** Some attribute other than a kept-raw invalid value (`<attr>Raw`). */
function hasUsableAttr(attrs: Attrs): boolean {
  for (const k in attrs) if (!k.endsWith('Raw') && !k.endsWith('Masked')) return true;
  return false;
}
