import { Rel, type SourceCatalogEntry } from '@onemap/graph-schema';
import type { BatchRecord } from '../intake/read-batch.ts';
import type { Mention } from '../types.ts';

/** A relation or trace stated by one record, between roles of that record. */
export interface RoleRelation {
  type: string;
  fromRole: string;
  toRole: string;
  role: string | null;
}

export interface RoleVisit {
  subjectRole: string;
  placeRole: string;
  kind: string;
  at: string;
  until: string | null;
}

export interface RecordFacts {
  mentions: Mention[];
  relations: RoleRelation[];
  visits: RoleVisit[];
  /** facts that could not be used (e.g. a trace without a valid time), as `field:reason` */
  dropped: string[];
}

const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2})?)?$/;

/** Source times carry no zone; they are Beijing time. Returns ISO 8601 with +08:00, or null. */
export function toZonedTime(value: string | undefined): string | null {
  if (!value) return null;
  if (/[zZ]|[+-]\d{2}:\d{2}$/.test(value)) return Number.isNaN(Date.parse(value)) ? null : value;
  const m = LOCAL_TIME.exec(value.trim());
  if (!m) return null;
  return `${m[1]}T${m[2] ?? '00:00'}${m[3] ?? ':00'}+08:00`;
}

/** Value of a catalog column after standardization: `record.x` or `<role>.<attr>`. */
function valueOfColumn(entry: SourceCatalogEntry, rec: BatchRecord, byRole: Map<string, Mention>, column: string | undefined) {
  if (!column) return undefined;
  const target = entry.fields.find((f) => f.column === column)?.target;
  if (!target) return undefined;
  const [scope, attr] = target.split('.') as [string, string];
  if (scope === 'record') return rec.record[attr];
  return byRole.get(scope)?.attrs[attr];
}

/** The role of the phone `recordFacts` makes of a person's or organization's phone number (a source without a phone role of its own). */
function derivedPhoneRole(role: string): string {
  return `${role}_phone`;
}

/**
 * Every role a record of this source can have a mention in: its catalog entry's, and the phones
 * `recordFacts` derives from its persons and organizations (a mention key is `source:recordId:role`).
 */
export function mentionRolesOf(entry: SourceCatalogEntry): string[] {
  const roles = entry.entities.map((e) => e.role);
  for (const e of entry.entities) if (e.kind === 'Person' || e.kind === 'Organization') roles.push(derivedPhoneRole(e.role));
  return roles;
}

/**
 * Turns one standardized record into the facts the graph needs: its mentions (plus a Phone for
 * every person or company phone, so shared phones become one node), the relations and the
 * trajectory sightings the catalog entry declares.
 */
export function recordFacts(entry: SourceCatalogEntry, rec: BatchRecord): RecordFacts {
  const byRole = new Map(rec.mentions.map((m) => [m.role, m]));
  const out: RecordFacts = { mentions: [...rec.mentions], relations: [], visits: [], dropped: [] };
  for (const rel of entry.relations ?? []) {
    if (!byRole.has(rel.from) || !byRole.has(rel.to)) continue;
    const role = rel.roleColumn ? (valueOfColumn(entry, rec, byRole, rel.roleColumn) ?? null) : null;
    out.relations.push({ type: rel.type, fromRole: rel.from, toRole: rel.to, role });
    if (rel.type === Rel.ResidesAt) {
      const home = byRole.get(rel.to);
      const person = byRole.get(rel.from);
      if (home?.attrs.divisionCode && person) person.attrs.homeDivision = home.attrs.divisionCode;
    }
  }
  const hasPhoneRole = rec.mentions.some((m) => m.kind === 'Phone');
  if (!hasPhoneRole) {
    for (const m of rec.mentions) {
      if (m.kind !== 'Person' && m.kind !== 'Organization') continue;
      const phone = m.identifiers.find((i) => i.kind === 'phone');
      if (!phone) continue;
      const role = derivedPhoneRole(m.role);
      out.mentions.push({
        key: `${m.source}:${m.recordId}:${role}`,
        source: m.source,
        recordId: m.recordId,
        role,
        kind: 'Phone',
        attrs: { phone: phone.value },
        identifiers: [phone],
        flags: [],
        ...(m.line !== undefined ? { line: m.line } : {}),
      });
      out.relations.push({ type: Rel.HasPhone, fromRole: m.role, toRole: role, role: null });
    }
  }
  for (const t of entry.traces ?? []) {
    if (!byRole.has(t.subject) || !byRole.has(t.place)) continue;
    const at = toZonedTime(valueOfColumn(entry, rec, byRole, t.atColumn));
    if (!at) {
      out.dropped.push(`${t.atColumn}:no valid time for the ${t.kind} trace`);
      continue;
    }
    out.visits.push({ subjectRole: t.subject, placeRole: t.place, kind: t.kind, at, until: toZonedTime(valueOfColumn(entry, rec, byRole, t.untilColumn)) });
  }
  return out;
}
