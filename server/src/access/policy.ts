import type { Grade } from '@onemap/graph-schema';
import { attributeMeta, derivationChain } from '@onemap/graph-schema';
import type { FieldDecision, GrantInfo, PurposeKind, Role, SourceAccess, SourceInfo, UnitInfo } from './types.ts';
import { ancestorsOf, isWithin } from './units.ts';

/** Highest field grade a role may read in plain text without a field grant. */
export const ROLE_CLEARANCE: Record<Role, number> = { officer: 3, analyst: 3, admin: 1, auditor: 1, planner: 0 };

/** Roles that may see individual-level data at all. */
export const INDIVIDUAL_ROLES: readonly Role[] = ['officer', 'analyst'];

export interface PolicyInput {
  unitCode: string;
  roles: readonly Role[];
  /** Purpose kind of the request; aggregate requests use `statistics`. */
  purposeKind: PurposeKind;
  units: ReadonlyMap<string, UnitInfo>;
  sources: ReadonlyMap<string, SourceInfo>;
  grants: readonly GrantInfo[];
  now: Date;
}

/** Active grants that cover a unit: granted to it or to a unit above it. */
export function grantsCovering(unitCode: string, grants: readonly GrantInfo[], units: ReadonlyMap<string, UnitInfo>): GrantInfo[] {
  const chain = new Set(ancestorsOf(unitCode, units));
  return grants.filter((g) => chain.has(g.unitCode));
}

/**
 * Decides whether one source is visible to a viewer (R8):
 * unconditional → everyone; the owner unit and units above it → always;
 * conditional → a grant to the viewer's unit (or above) for this source, unexpired, listing the purpose kind;
 * not shared → nobody else.
 */
export function decideSource(source: SourceInfo, input: PolicyInput): SourceAccess {
  if (source.shareClass === 'unconditional') return { visible: true, via: 'unconditional' };
  if (isWithin(source.ownerUnit, input.unitCode, input.units)) return { visible: true, via: 'owner' };
  if (source.shareClass === 'none') return { visible: false, reason: 'not_shared' };
  const mine = grantsCovering(input.unitCode, input.grants, input.units).filter((g) => g.sourceId === source.id);
  if (mine.length === 0) return { visible: false, reason: 'no_grant' };
  const live = mine.filter((g) => Date.parse(g.expiresAt) > input.now.getTime());
  if (live.length === 0) return { visible: false, reason: 'grant_expired' };
  const fit = live.find((g) => g.purposes.includes(input.purposeKind));
  if (!fit) return { visible: false, reason: 'purpose_not_granted' };
  return { visible: true, via: 'grant', grantId: fit.id };
}

/** Every source's decision for one viewer and purpose, and the list of visible source ids. */
export function decideSources(input: PolicyInput): { access: Record<string, SourceAccess>; visible: string[] } {
  const access: Record<string, SourceAccess> = {};
  const visible: string[] = [];
  for (const s of input.sources.values()) {
    const d = decideSource(s, input);
    access[s.id] = d;
    if (d.visible) visible.push(s.id);
  }
  return { access, visible: visible.sort() };
}

/**
 * The grade a field is treated with: the catalog's grade for what the source delivers, raised to
 * the attribute's floor (4 for identifying and contact attributes). An attribute the source does
 * not deliver itself was derived by the standardizer (birth date from the resident ID, `addressKey`
 * from the address …): it takes the highest grade of what it was derived from (graph-schema
 * `ATTRIBUTE_META`), so a derived value is never plainer than its origin.
 */
export function effectiveGrade(source: SourceInfo | undefined, role: string, attribute: string, seen: ReadonlySet<string> = new Set()): Grade {
  const meta = attributeMeta(attribute);
  const floor = meta.minGrade ?? 1;
  const delivered = source?.fieldSensitivity[`${role}.${attribute}`];
  let g: number = delivered ?? 0;
  if (!delivered) {
    for (const parent of meta.derivedFrom ?? []) {
      if (seen.has(parent)) continue;
      g = Math.max(g, effectiveGrade(source, role, parent, new Set([...seen, attribute])));
    }
    if (!g) g = meta.defaultGrade ?? 1;
  }
  // A home's position is its address, to the metre, whatever grade the source gives its
  // coordinate columns (the household registry grades them 1): never plainer than the address.
  if (role === HOME_ROLE && POSITION_ATTRIBUTES.has(attribute) && !seen.has('address')) {
    g = Math.max(g, effectiveGrade(source, role, 'address', new Set([...seen, attribute])));
  }
  return Math.min(4, Math.max(g, floor)) as Grade;
}

/** The role of a person's home in a record (its address and position are the person's). */
export const HOME_ROLE = 'home';
/** A place's exact position, which for a home says as much as its address. */
export const POSITION_ATTRIBUTES: ReadonlySet<string> = new Set(['lon', 'lat', 'location']);

/**
 * Plain or masked, for one field of one visible source (R9):
 * grade ≤ 2 plain; grade 3 plain for roles cleared to 3 (officer, analyst), else masked;
 * grade 4 plain only under an individual-level purpose, for cleared roles whose unit owns the
 * source (or is above the owner) or holds a live grant for this source and purpose that lists the
 * attribute (or `*`): `statistics`, the purpose of a request that states none, never unmasks a
 * grade-4 value, whoever owns the source and whatever a grant lists.
 */
export function decideField(source: SourceInfo | undefined, role: string, attribute: string, input: PolicyInput): FieldDecision {
  const grade = effectiveGrade(source, role, attribute);
  const clearance = Math.max(0, ...input.roles.map((r) => ROLE_CLEARANCE[r] ?? 0));
  if (grade <= 2) return clearance >= 1 ? 'plain' : 'masked';
  if (clearance < 3) return 'masked';
  if (grade === 3) return 'plain';
  if (!source) return 'masked';
  // A request that states no purpose (`statistics`) is no individual-level work: it reads no
  // grade-4 value in plain, not even of its own unit's sources (a quality example's resident ID).
  if (input.purposeKind === 'statistics') return 'masked';
  if (isWithin(source.ownerUnit, input.unitCode, input.units)) return 'plain';
  const now = input.now.getTime();
  // a grant that unmasks an attribute unmasks what was derived from it (birth date from the resident ID)
  const names = [attribute, ...derivationChain(attribute)];
  const ok = grantsCovering(input.unitCode, input.grants, input.units).some(
    (g) =>
      g.sourceId === source.id &&
      Date.parse(g.expiresAt) > now &&
      g.purposes.includes(input.purposeKind) &&
      (g.fields.includes('*') || names.some((n) => g.fields.includes(n))),
  );
  return ok ? 'plain' : 'masked';
}
