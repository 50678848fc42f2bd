import { UNIT_LEVELS, type UnitLevel } from '@onemap/graph-schema';
import { httpError } from '../errors.ts';
import type { UnitInfo } from './types.ts';

/**
 * What an admin may change, decided in one place for every admin write (users, grants, sources,
 * units). The rules (docs/security.md, "Administration"):
 * - An admin administers its own unit's subtree: the unit and every existing unit below it.
 *   Whatever it changes must be inside that subtree before AND after the change; anything outside
 *   answers exactly like something that does not exist (404, same message).
 * - Nobody grants themselves anything: an admin never changes its own roles, unit or enabled state.
 * - Roles, credentials and unit of the users of the admin's own unit are decided by an admin of a
 *   unit above it (a higher unit, not a peer); a peer may only be disabled.
 * - Units: only units already inside the subtree change, never the admin's own unit or one above
 *   it; the result is still one tree (one root, no cycles, each unit below its parent's level).
 */

/** The units an admin administers: `root` and every unit below it. */
export function subtreeOf(root: string, units: ReadonlyMap<string, Pick<UnitInfo, 'code' | 'parent'>>): Set<string> {
  const children = new Map<string, string[]>();
  for (const u of units.values()) {
    if (!u.parent) continue;
    const list = children.get(u.parent) ?? [];
    list.push(u.code);
    children.set(u.parent, list);
  }
  const out = new Set<string>();
  if (!units.has(root)) return out;
  const todo = [root];
  while (todo.length) {
    const code = todo.pop() as string;
    if (out.has(code)) continue;
    out.add(code);
    todo.push(...(children.get(code) ?? []));
  }
  return out;
}

export interface AdminScope {
  /** The admin's username and unit. */
  username: string;
  unitCode: string;
  /** The admin's unit and every existing unit below it. */
  units: ReadonlySet<string>;
}

export function adminScope(admin: {
  username: string;
  unitCode: string;
  units: ReadonlyMap<string, UnitInfo>;
}): AdminScope {
  return { username: admin.username, unitCode: admin.unitCode, units: subtreeOf(admin.unitCode, admin.units) };
}

/** A unit referenced by an admin write: outside the scope answers like a unit that does not exist. */
export function requireUnitInScope(scope: AdminScope, code: string): void {
  if (!scope.units.has(code)) throw httpError('NOT_FOUND', { what: `unit ${code}` });
}

/** Where a new user may be created: a unit strictly below the admin's (roles are decided from above). */
export function checkUserCreate(scope: AdminScope, unitCode: string): void {
  requireUnitInScope(scope, unitCode);
  if (unitCode === scope.unitCode) throw httpError('NEEDS_HIGHER_UNIT', { what: 'creating accounts' });
}

export interface UserTarget {
  username: string;
  unitCode: string;
  roles: string[];
  disabled: boolean;
}
export interface UserChange {
  disabled?: boolean;
  roles?: string[];
  /** True when the password is being set. */
  password?: boolean;
  unitCode?: string;
  certFingerprint?: string | null;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * Decides a change of an existing user (throws the refusal) and says whether it revokes the
 * tokens issued before it: a password change, a role change, a unit move or a disable does.
 * `target` is null when no such user exists; one outside the scope answers the same.
 */
export function checkUserChange(
  scope: AdminScope,
  username: string,
  target: UserTarget | null,
  change: UserChange,
): { revokesTokens: boolean } {
  if (!target || !scope.units.has(target.unitCode)) throw httpError('NOT_FOUND', { what: `user ${username}` });
  if (change.unitCode !== undefined) requireUnitInScope(scope, change.unitCode);
  const rolesChange = change.roles !== undefined && !sameSet(change.roles, target.roles);
  const unitChange = change.unitCode !== undefined && change.unitCode !== target.unitCode;
  if (target.username === scope.username) {
    const what =
      change.roles !== undefined
        ? 'roles'
        : change.unitCode !== undefined
          ? 'unit'
          : change.disabled !== undefined
            ? 'enabled state'
            : null;
    if (what) throw httpError('SELF_ADMINISTRATION', { what });
  } else if (target.unitCode === scope.unitCode || change.unitCode === scope.unitCode) {
    // A peer of the admin's own unit (or a user moved into it): only taking rights away is allowed.
    const what =
      change.roles !== undefined
        ? 'the roles'
        : change.password
          ? 'the password'
          : change.certFingerprint !== undefined
            ? 'the certificate'
            : change.unitCode !== undefined
              ? 'the unit'
              : change.disabled === false
                ? 'enabling an account'
                : null;
    if (what) throw httpError('NEEDS_HIGHER_UNIT', { what });
  }
  return { revokesTokens: Boolean(change.password) || rolesChange || unitChange || change.disabled === true };
}

const rank = (level: UnitLevel) => UNIT_LEVELS.indexOf(level);

/**
 * Validates a whole batch of unit writes against the current tree before anything is written,
 * and returns the rows to write. `current` must be read in the transaction that writes.
 */
export function planUnitChanges(
  scope: AdminScope,
  current: ReadonlyMap<string, UnitInfo>,
  entries: readonly UnitInfo[],
): UnitInfo[] {
  const before = subtreeOf(scope.unitCode, current);
  const aboveOrOwn = new Set<string>();
  for (
    let code: string | null = scope.unitCode;
    code && !aboveOrOwn.has(code);
    code = current.get(code)?.parent ?? null
  )
    aboveOrOwn.add(code);
  const batch = new Map<string, UnitInfo>();
  for (const e of entries) {
    if (batch.has(e.code)) throw httpError('UNIT_TREE', { detail: `unit ${e.code} appears twice in one batch` });
    batch.set(e.code, e);
  }
  for (const e of entries) {
    if (aboveOrOwn.has(e.code)) throw httpError('OWN_UNIT', { code: e.code });
    if (current.has(e.code) && !before.has(e.code)) throw httpError('UNIT_CODE_TAKEN', { code: e.code });
    if (e.parent === null)
      throw httpError('UNIT_TREE', { detail: `unit ${e.code} has no parent, and the tree has one root already` });
    if (!batch.has(e.parent) && !before.has(e.parent)) throw httpError('NOT_FOUND', { what: `unit ${e.parent}` });
  }
  const after = new Map(current);
  for (const e of entries) after.set(e.code, e);
  for (const e of entries) {
    // Every parent is inside the subtree or in the batch, so each chain ends at the admin's unit — or loops.
    const seen = new Set<string>();
    for (let code: string | null = e.code; code !== scope.unitCode; code = after.get(code as string)?.parent ?? null) {
      if (code === null || seen.has(code))
        throw httpError('UNIT_TREE', { detail: `moving unit ${e.code} under ${e.parent} would make a cycle` });
      seen.add(code);
    }
  }
  for (const u of after.values()) {
    if (!u.parent || !(batch.has(u.code) || batch.has(u.parent))) continue;
    const parent = after.get(u.parent);
    if (parent && rank(u.level) <= rank(parent.level))
      throw httpError('UNIT_TREE', {
        detail: `unit ${u.code} (${u.level}) would sit under ${parent.code} (${parent.level}); a unit's level is below its parent's`,
      });
  }
  return [...batch.values()];
}
