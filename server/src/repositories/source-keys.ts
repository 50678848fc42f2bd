import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { type Graph, readTx, writeTx } from '@onemap/graph-schema/server';

/** A source system's credential as stored: the secret only as its SHA-256. */
export interface SourceKeyRow {
  id: string;
  name: string;
  /** Sources this key may deliver. */
  sources: string[];
  /** The unit whose admin issued it (the sources' owner or a unit above it). */
  unitCode: string;
  createdBy: string;
  createdAt: string;
  revoked: boolean;
}

/** Header a source system sends its key in. */
export const SOURCE_KEY_HEADER = 'x-onemap-source-key';
const KEY_RE = /^osk\.(SK-[0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const RETURN_ROW = `k.id AS id, k.name AS name, k.sources AS sources, k.unitCode AS unitCode, k.createdBy AS createdBy,
                    toString(k.createdAt) AS createdAt, coalesce(k.revoked, false) AS revoked`;

/**
 * Issues a key for a source system: `osk.<id>.<secret>`. The secret (256 random bits) is shown
 * once, in the return value; the graph keeps its SHA-256 only.
 */
export async function issueSourceKey(
  graph: Graph,
  k: { name: string; sources: string[]; unitCode: string; createdBy: string },
): Promise<SourceKeyRow & { key: string }> {
  const id = `SK-${randomUUID()}`;
  const secret = randomBytes(32).toString('base64url');
  const row = await writeTx(graph, async (tx) => {
    const r = await tx.run(
      `CREATE (k:SourceKey {id: $id, name: $k.name, sources: $k.sources, unitCode: $k.unitCode, createdBy: $k.createdBy,
                            secretHash: $hash, createdAt: datetime(), revoked: false})
       RETURN ${RETURN_ROW}`,
      { id, k, hash: sha256(secret) },
    );
    return r.records[0]?.toObject() as SourceKeyRow;
  });
  return { ...row, key: `osk.${id}.${secret}` };
}

/** The key a presented credential stands for, or null (malformed, unknown, wrong secret, revoked). */
export async function verifySourceKey(graph: Graph, presented: string): Promise<SourceKeyRow | null> {
  const m = KEY_RE.exec(presented.trim());
  if (!m) return null;
  const [, id, secret] = m as unknown as [string, string, string];
  const found = await readTx(graph, async (tx) => {
    const r = await tx.run(`MATCH (k:SourceKey {id: $id}) RETURN ${RETURN_ROW}, k.secretHash AS secretHash`, { id });
    return r.records[0]?.toObject() as (SourceKeyRow & { secretHash: string }) | undefined;
  });
  if (!found || found.revoked) return null;
  const a = Buffer.from(found.secretHash, 'hex');
  const b = Buffer.from(sha256(secret), 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
  const { secretHash: _h, ...row } = found;
  return row;
}

/** Keys issued by the given units (active and revoked), newest first; never the secret. */
export async function listSourceKeys(graph: Graph, unitCodes: readonly string[]): Promise<SourceKeyRow[]> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (k:SourceKey) WHERE k.unitCode IN $units RETURN ${RETURN_ROW} ORDER BY k.createdAt DESC`,
      { units: [...unitCodes] },
    );
    return r.records.map((x) => x.toObject() as SourceKeyRow);
  });
}

/** Revokes a key issued by one of `unitCodes`; null when there is no such key there. */
export async function revokeSourceKey(
  graph: Graph,
  id: string,
  unitCodes: readonly string[],
  by: string,
): Promise<SourceKeyRow | null> {
  return writeTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (k:SourceKey {id: $id}) WHERE k.unitCode IN $units
       SET k.revoked = true, k.revokedBy = $by, k.revokedAt = datetime()
       RETURN ${RETURN_ROW}`,
      { id, units: [...unitCodes], by },
    );
    return (r.records[0]?.toObject() as SourceKeyRow | undefined) ?? null;
  });
}
