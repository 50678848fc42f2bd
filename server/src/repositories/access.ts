import { type Graph, readTx } from '@onemap/graph-schema/server';
import type { RecordShape } from 'neo4j-driver';
import type { Role, UserInfo } from '../access/types.ts';

/** Rows the access store builds its snapshot from, as stored (the store fills in catalog defaults). */
export interface GovernanceRows {
  units: RecordShape[];
  sources: RecordShape[];
  grants: RecordShape[];
}

/** Reads every unit, source node and unrevoked grant in one read transaction. */
export async function readGovernance(graph: Graph): Promise<GovernanceRows> {
  return readTx(graph, async (tx) => {
    const u = await tx.run('MATCH (u:Unit) RETURN u.code AS code, u.name AS name, u.level AS level, u.parent AS parent');
    const s = await tx.run(
      'MATCH (s:Source) RETURN s.id AS id, s.nameZh AS nameZh, s.nameEn AS nameEn, s.ownerUnit AS ownerUnit, s.shareClass AS shareClass, s.grade AS grade, s.fieldSensitivity AS fs',
    );
    const g = await tx.run(
      'MATCH (g:Grant) WHERE coalesce(g.revoked, false) = false RETURN g.id AS id, g.unitCode AS unitCode, g.sourceId AS sourceId, g.purposes AS purposes, toString(g.expiresAt) AS expiresAt, coalesce(g.fields, []) AS fields, g.createdBy AS createdBy, toString(g.createdAt) AS createdAt',
    );
    return { units: u.records.map((r) => r.toObject()), sources: s.records.map((r) => r.toObject()), grants: g.records.map((r) => r.toObject()) };
  });
}

/** The only keys a user is looked up by (a whitelist: the WHERE clause is never built from input). */
const USER_KEYS = {
  username: 'u.username = $key',
  certificate: 'u.certFingerprint = $key',
} as const;

/** Reads one user by username or by client-certificate fingerprint; null when there is none. */
export async function readUser(graph: Graph, by: keyof typeof USER_KEYS, key: string): Promise<UserInfo | null> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (u:User) WHERE ${USER_KEYS[by]}
       RETURN u.username AS username, coalesce(u.displayName, u.username) AS displayName, u.unitCode AS unitCode,
              u.roles AS roles, u.passwordHash AS passwordHash, u.certFingerprint AS certFingerprint, coalesce(u.disabled, false) AS disabled,
              coalesce(u.tokenVersion, 0) AS tokenVersion`,
      { key },
    );
    const row = r.records[0]?.toObject();
    if (!row) return null;
    return { ...row, roles: (row.roles ?? []) as Role[], certFingerprint: row.certFingerprint ?? null, tokenVersion: Number(row.tokenVersion) } as UserInfo;
  });
}
