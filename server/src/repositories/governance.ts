import { randomUUID } from 'node:crypto';
import { GraphError, GraphErrorCode, type Graph, readTx, writeTx } from '@onemap/graph-schema/server';
import type { UserTarget } from '../access/admin-scope.ts';
import type { GrantInfo, UnitInfo } from '../access/types.ts';

export interface NewUser {
  username: string;
  displayName: string;
  unitCode: string;
  roles: string[];
  passwordHash: string;
  certFingerprint?: string | null;
}

/**
 * Creates or replaces a user (idempotent on username) — for the operator's seed CLI only; the
 * admin API creates with `createUser`, which never replaces. A change of roles, unit or enabled
 * state revokes the user's earlier tokens (tokenVersion + 1).
 */
export async function upsertUser(graph: Graph, u: NewUser): Promise<void> {
  await writeTx(graph, (tx) =>
    tx.run(
      `MERGE (n:User {username: $u.username})
       SET n.tokenVersion = coalesce(n.tokenVersion, 0) +
             CASE WHEN n.roles <> $u.roles OR n.unitCode <> $u.unitCode OR coalesce(n.disabled, false) THEN 1 ELSE 0 END
       SET n.displayName = $u.displayName, n.unitCode = $u.unitCode, n.roles = $u.roles, n.passwordHash = $u.passwordHash,
           n.certFingerprint = $u.certFingerprint, n.disabled = false, n.updatedAt = datetime()`,
      { u: { ...u, certFingerprint: u.certFingerprint ?? null } },
    ),
  );
}

/** Ends every session of a user: raises its token version, so every token signed before is refused. */
export async function endEverySession(graph: Graph, username: string): Promise<void> {
  await writeTx(graph, (tx) =>
    tx.run('MATCH (n:User {username: $username}) SET n.tokenVersion = coalesce(n.tokenVersion, 0) + 1, n.updatedAt = datetime()', { username }),
  );
}

/** A uniqueness violation on the user's username (`username`) or certificate (`certificate`), else null. */
function userConflict(e: unknown): 'username' | 'certificate' | null {
  if (!(e instanceof GraphError) || e.code !== GraphErrorCode.UniqueViolation) return null;
  return /certFingerprint/.test(String(e.details.properties ?? e.message)) ? 'certificate' : 'username';
}

/**
 * Creates a user; never replaces one. Answers `taken` when the username (or the certificate)
 * exists anywhere, `no_unit` when the unit does not exist at write time.
 */
export async function createUser(graph: Graph, u: NewUser): Promise<'created' | 'taken' | 'certificate_taken' | 'no_unit'> {
  try {
    return await writeTx(graph, async (tx) => {
      // a name that differs from another only in case is taken too: the login limit counts them as
      // one account (`LoginThrottle`), so a variant's successful login cleared the other's failures
      const exists = await tx.run('MATCH (n:User) WHERE toLower(n.username) = toLower($username) RETURN count(n) AS n', { username: u.username });
      if ((exists.records[0]?.get('n') as number) > 0) return 'taken';
      const r = await tx.run(
        `MATCH (unit:Unit {code: $u.unitCode})
         CREATE (n:User {username: $u.username, displayName: $u.displayName, unitCode: unit.code, roles: $u.roles, passwordHash: $u.passwordHash,
                         certFingerprint: $u.certFingerprint, disabled: false, tokenVersion: 0, createdAt: datetime(), updatedAt: datetime()})
         RETURN count(n) AS n`,
        { u: { ...u, certFingerprint: u.certFingerprint ?? null } },
      );
      return (r.records[0]?.get('n') as number) > 0 ? 'created' : 'no_unit';
    });
  } catch (e) {
    const conflict = userConflict(e);
    if (conflict) return conflict === 'certificate' ? 'certificate_taken' : 'taken';
    throw e;
  }
}

export interface UserPatch {
  disabled?: boolean;
  roles?: string[];
  passwordHash?: string;
  unitCode?: string;
  certFingerprint?: string | null;
}

/**
 * Changes a user in one transaction: reads it, lets `decide` refuse (anything it throws is
 * rethrown and nothing is written) or say whether the change revokes earlier tokens, then writes.
 * The new unit must exist at write time. Answers false when the user or the unit is gone.
 */
export async function changeUser(graph: Graph, username: string, patch: UserPatch, decide: (current: UserTarget | null) => { revokesTokens: boolean }): Promise<'changed' | 'gone' | 'certificate_taken'> {
  let refusal: unknown = null;
  try {
    const out = await writeTx(graph, async (tx) => {
      const r = await tx.run(
        'MATCH (n:User {username: $username}) RETURN n.username AS username, n.unitCode AS unitCode, coalesce(n.roles, []) AS roles, coalesce(n.disabled, false) AS disabled',
        { username },
      );
      const current = (r.records[0]?.toObject() as UserTarget | undefined) ?? null;
      let revokesTokens: boolean;
      try {
        revokesTokens = decide(current).revokesTokens;
      } catch (e) {
        refusal = e;
        return 'gone' as const;
      }
      const w = await tx.run(
        `MATCH (n:User {username: $username})
         OPTIONAL MATCH (unit:Unit {code: coalesce($p.unitCode, n.unitCode)})
         WITH n, unit WHERE unit IS NOT NULL OR $p.unitCode IS NULL
         SET n.disabled = coalesce($p.disabled, n.disabled), n.roles = coalesce($p.roles, n.roles),
             n.passwordHash = coalesce($p.passwordHash, n.passwordHash), n.unitCode = coalesce($p.unitCode, n.unitCode),
             n.certFingerprint = CASE WHEN $setCert THEN $p.certFingerprint ELSE n.certFingerprint END,
             n.tokenVersion = coalesce(n.tokenVersion, 0) + CASE WHEN $revoke THEN 1 ELSE 0 END, n.updatedAt = datetime()
         RETURN count(n) AS n`,
        {
          username,
          p: { disabled: patch.disabled ?? null, roles: patch.roles ?? null, passwordHash: patch.passwordHash ?? null, unitCode: patch.unitCode ?? null, certFingerprint: patch.certFingerprint ?? null },
          setCert: patch.certFingerprint !== undefined,
          revoke: revokesTokens,
        },
      );
      return (w.records[0]?.get('n') as number) > 0 ? ('changed' as const) : ('gone' as const);
    });
    if (refusal) throw refusal;
    return out;
  } catch (e) {
    if (userConflict(e) === 'certificate') return 'certificate_taken';
    throw e;
  }
}

export async function listUsers(graph: Graph, unitPrefixes: string[] | null) {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (n:User) WHERE $units IS NULL OR n.unitCode IN $units
       RETURN n.username AS username, coalesce(n.displayName, n.username) AS displayName, n.unitCode AS unitCode, n.roles AS roles,
              coalesce(n.disabled, false) AS disabled, n.certFingerprint IS NOT NULL AS hasCertificate ORDER BY username`,
      { units: unitPrefixes },
    );
    return r.records.map((x) => x.toObject() as { username: string; displayName: string; unitCode: string; roles: string[]; disabled: boolean; hasCertificate: boolean });
  });
}

export async function createGrant(graph: Graph, g: Omit<GrantInfo, 'id'> & { createdBy: string }): Promise<GrantInfo> {
  const id = `G-${randomUUID()}`;
  await writeTx(graph, (tx) =>
    tx.run(
      `CREATE (n:Grant {id: $id, unitCode: $g.unitCode, sourceId: $g.sourceId, purposes: $g.purposes, expiresAt: datetime($g.expiresAt),
                        fields: $g.fields, createdBy: $g.createdBy, createdAt: datetime(), revoked: false})`,
      { id, g },
    ),
  );
  return { id, ...g, createdAt: new Date().toISOString() };
}

/** Revokes a live grant to one of `units`; null when there is none (missing, revoked or outside them). */
export async function revokeGrant(graph: Graph, id: string, units: string[], by: string): Promise<GrantInfo | null> {
  return writeTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (n:Grant {id: $id}) WHERE coalesce(n.revoked, false) = false AND n.unitCode IN $units
       SET n.revoked = true, n.revokedBy = $by, n.revokedAt = datetime()
       RETURN n.id AS id, n.unitCode AS unitCode, n.sourceId AS sourceId, n.purposes AS purposes, toString(n.expiresAt) AS expiresAt, coalesce(n.fields, []) AS fields`,
      { id, units, by },
    );
    return (r.records[0]?.toObject() as GrantInfo | undefined) ?? null;
  });
}

export async function upsertSources(
  graph: Graph,
  sources: { id: string; nameZh: string; nameEn: string; ownerUnit: string; shareClass: string; grade: number; updateMode?: string | null; frequency?: string | null; fieldSensitivity?: string | null }[],
): Promise<void> {
  await writeTx(graph, (tx) =>
    tx.run(
      `UNWIND $rows AS s
       MERGE (n:Source {id: s.id})
       SET n.nameZh = s.nameZh, n.nameEn = s.nameEn, n.ownerUnit = s.ownerUnit, n.shareClass = s.shareClass, n.grade = s.grade,
           n.updateMode = coalesce(s.updateMode, n.updateMode), n.frequency = coalesce(s.frequency, n.frequency),
           n.fieldSensitivity = coalesce(s.fieldSensitivity, n.fieldSensitivity)`,
      { rows: sources.map((s) => ({ updateMode: null, frequency: null, fieldSensitivity: null, ...s })) },
    ),
  );
}

/**
 * Writes a batch of units in one transaction, serialized with every other batch (a lock node):
 * reads the whole tree, lets `plan` validate the batch against it (anything it throws is rethrown
 * and nothing is written) and return the rows, then writes them, moving each unit's PARENT edge.
 */
export async function writeUnitChanges(graph: Graph, plan: (current: ReadonlyMap<string, UnitInfo>) => UnitInfo[]): Promise<number> {
  let refusal: unknown = null;
  const n = await writeTx(graph, async (tx) => {
    await tx.run("MERGE (l:GovernanceLock {id: 'units'}) SET l.at = datetime()");
    const r = await tx.run('MATCH (u:Unit) RETURN u.code AS code, coalesce(u.name, u.code) AS name, u.level AS level, u.parent AS parent');
    const current = new Map<string, UnitInfo>();
    for (const row of r.records) current.set(row.get('code') as string, row.toObject() as UnitInfo);
    let rows: UnitInfo[];
    try {
      rows = plan(current);
    } catch (e) {
      refusal = e;
      return 0;
    }
    await tx.run(
      `UNWIND $rows AS u
       MERGE (n:Unit {code: u.code}) SET n.name = u.name, n.level = u.level, n.parent = u.parent
       WITH n, u
       OPTIONAL MATCH (n)-[old:PARENT]->(p:Unit) WHERE p.code <> u.parent
       DELETE old`,
      { rows },
    );
    await tx.run(
      `UNWIND $rows AS u
       MATCH (c:Unit {code: u.code}), (p:Unit {code: u.parent})
       MERGE (c)-[:PARENT]->(p)`,
      { rows },
    );
    return rows.length;
  });
  if (refusal) throw refusal;
  return n;
}

/** Creates or renews grants with fixed ids (idempotent on id), all expiring at `expiresAt`; for seeding. */
export async function upsertGrants(
  graph: Graph,
  grants: { id: string; unitCode: string; sourceId: string; purposes: string[]; fields: string[] }[],
  expiresAt: string,
  createdBy: string,
): Promise<void> {
  await writeTx(graph, (tx) =>
    tx.run(
      `UNWIND $grants AS g
       MERGE (n:Grant {id: g.id})
       SET n.unitCode = g.unitCode, n.sourceId = g.sourceId, n.purposes = g.purposes, n.fields = g.fields,
           n.expiresAt = datetime($expiresAt), n.createdBy = $createdBy, n.createdAt = datetime(), n.revoked = false`,
      { grants, expiresAt, createdBy },
    ),
  );
}
