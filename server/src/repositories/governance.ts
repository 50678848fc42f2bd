import { randomUUID } from 'node:crypto';
import { type Graph, readTx, writeTx } from '@onemap/graph-schema/server';
import type { GrantInfo } from '../access/types.ts';

export interface NewUser {
  username: string;
  displayName: string;
  unitCode: string;
  roles: string[];
  passwordHash: string;
  certFingerprint?: string | null;
}

/** Creates or replaces a user (idempotent on username). */
export async function upsertUser(graph: Graph, u: NewUser): Promise<void> {
  await writeTx(graph, (tx) =>
    tx.run(
      `MERGE (n:User {username: $u.username})
       SET n.displayName = $u.displayName, n.unitCode = $u.unitCode, n.roles = $u.roles, n.passwordHash = $u.passwordHash,
           n.certFingerprint = $u.certFingerprint, n.disabled = false, n.updatedAt = datetime()`,
      { u: { ...u, certFingerprint: u.certFingerprint ?? null } },
    ),
  );
}

export async function updateUser(graph: Graph, username: string, patch: { disabled?: boolean; roles?: string[]; passwordHash?: string; unitCode?: string; certFingerprint?: string | null }): Promise<boolean> {
  return writeTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (n:User {username: $username})
       SET n.disabled = coalesce($p.disabled, n.disabled), n.roles = coalesce($p.roles, n.roles),
           n.passwordHash = coalesce($p.passwordHash, n.passwordHash), n.unitCode = coalesce($p.unitCode, n.unitCode),
           n.certFingerprint = CASE WHEN $setCert THEN $p.certFingerprint ELSE n.certFingerprint END, n.updatedAt = datetime()
       RETURN count(n) AS n`,
      { username, p: { disabled: patch.disabled ?? null, roles: patch.roles ?? null, passwordHash: patch.passwordHash ?? null, unitCode: patch.unitCode ?? null, certFingerprint: patch.certFingerprint ?? null }, setCert: patch.certFingerprint !== undefined },
    );
    return (r.records[0]?.get('n') as number) > 0;
  });
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

export async function revokeGrant(graph: Graph, id: string, by: string): Promise<GrantInfo | null> {
  return writeTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (n:Grant {id: $id}) WHERE coalesce(n.revoked, false) = false
       SET n.revoked = true, n.revokedBy = $by, n.revokedAt = datetime()
       RETURN n.id AS id, n.unitCode AS unitCode, n.sourceId AS sourceId, n.purposes AS purposes, toString(n.expiresAt) AS expiresAt, coalesce(n.fields, []) AS fields`,
      { id, by },
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
