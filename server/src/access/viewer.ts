import type { UnitLevel } from '@onemap/graph-schema';
import { decideField, decideSources, type PolicyInput } from './policy.ts';
import type { FieldDecision, GrantInfo, Purpose, Role, SourceAccess, SourceInfo, UnitInfo } from './types.ts';
import { parentByCode } from './units.ts';

/** How the caller proved who it is: a user's token or client certificate, or a source system's key. */
export type AuthMethod = 'jwt' | 'certificate' | 'source_key';

/**
 * Who is asking, and what they may see for this request. Built by the access hook, once per
 * governance snapshot, caller and purpose (reused across requests, hence frozen); every repository that reads individual-level data takes `viewer.visibleSources`.
 */
export interface Viewer {
  username: string;
  displayName: string;
  unitCode: string;
  unitName: string;
  unitLevel: UnitLevel;
  roles: Role[];
  authMethod: AuthMethod;
  purpose: Purpose | null;
  /** Source ids whose records, edges and traces this request may read. Sorted. */
  visibleSources: string[];
  /**
   * Of those, the sources whose individual values (a record's cell, a rid) this request may read
   * OUTSIDE the query paths that filter by `visibleSources` under a stated purpose: all of them when a
   * purpose is stated; without one (its visibility decided under `statistics`), only those visible
   * unconditionally or to the owner unit — a grant for statistics opens aggregates, never records.
   */
  recordSources: string[];
  sourceAccess: Record<string, SourceAccess>;
  /** Cells with fewer distinct persons are suppressed in aggregates. */
  kAnonymity: number;
  hasRole(...roles: Role[]): boolean;
  source(id: string): SourceInfo | undefined;
  /** Plain or masked, for attribute `attribute` of role `role` in a record of `sourceId`. */
  fieldDecision(sourceId: string, role: string, attribute: string): FieldDecision;
  /** True when `sourceId` is the authority (一数一源) for `Kind.attribute`. */
  isAuthority(sourceId: string, kindAttribute: string): boolean;
  /** Unit codes at and below which this viewer administers (admins). */
  units: ReadonlyMap<string, UnitInfo>;
}

export interface ViewerInput {
  username: string;
  displayName: string;
  unitCode: string;
  roles: Role[];
  authMethod: AuthMethod;
  purpose: Purpose | null;
  units: ReadonlyMap<string, UnitInfo>;
  sources: ReadonlyMap<string, SourceInfo>;
  grants: readonly GrantInfo[];
  authority: ReadonlyMap<string, ReadonlySet<string>>;
  kAnonymity: number;
  now?: Date;
}

function levelOf(code: string, units: ReadonlyMap<string, UnitInfo>): UnitLevel {
  const u = units.get(code);
  if (u) return u.level;
  if (code.length === 9) return 'station';
  if (!parentByCode(code)) return 'province';
  return code.endsWith('00') ? 'city' : 'county';
}

export function buildViewer(v: ViewerInput): Viewer {
  const policy: PolicyInput = {
    unitCode: v.unitCode,
    roles: v.roles,
    purposeKind: v.purpose?.kind ?? 'statistics',
    units: v.units,
    sources: v.sources,
    grants: v.grants,
    now: v.now ?? new Date(),
  };
  const { access, visible } = decideSources(policy);
  const fieldCache = new Map<string, FieldDecision>();
  // Frozen: one viewer serves every request of the same caller and purpose (AccessStore.viewer).
  Object.freeze(visible);
  Object.freeze(access);
  return Object.freeze<Viewer>({
    username: v.username,
    displayName: v.displayName,
    unitCode: v.unitCode,
    unitName: v.units.get(v.unitCode)?.name ?? v.unitCode,
    unitLevel: levelOf(v.unitCode, v.units),
    roles: v.roles,
    authMethod: v.authMethod,
    purpose: v.purpose,
    visibleSources: visible,
    recordSources: v.purpose ? visible : visible.filter((id) => access[id]?.visible === true && access[id].via !== 'grant'),
    sourceAccess: access,
    kAnonymity: v.kAnonymity,
    units: v.units,
    hasRole: (...roles) => roles.some((r) => v.roles.includes(r)),
    source: (id) => v.sources.get(id),
    fieldDecision(sourceId, role, attribute) {
      if (!access[sourceId]?.visible) return 'masked';
      const key = `${sourceId}|${role}|${attribute}`;
      let d = fieldCache.get(key);
      if (!d) {
        d = decideField(v.sources.get(sourceId), role, attribute, policy);
        fieldCache.set(key, d);
      }
      return d;
    },
    isAuthority: (sourceId, ka) => v.authority.get(sourceId)?.has(ka) ?? false,
  });
}
