import { loadCatalog } from '@onemap/datasets';
import type { Grade, SourceCatalogEntry } from '@onemap/graph-schema';
import { type Graph, readTx } from '@onemap/graph-schema/server';
import type { GrantInfo, Role, SourceInfo, UnitInfo, UserInfo } from './types.ts';

interface Snapshot {
  at: number;
  units: Map<string, UnitInfo>;
  sources: Map<string, SourceInfo>;
  grants: GrantInfo[];
  authority: Map<string, Set<string>>;
}

/** Source info from a catalog entry (field grades keyed by `role.attribute`). */
export function sourceFromCatalog(e: SourceCatalogEntry): SourceInfo {
  const fieldSensitivity: Record<string, Grade> = {};
  for (const f of e.fields) if (f.target && !f.target.startsWith('record.')) fieldSensitivity[f.target] = f.sensitivity;
  return { id: e.id, nameZh: e.name.zh, nameEn: e.name.en, ownerUnit: e.ownerUnit, shareClass: e.shareClass, grade: e.grade, fieldSensitivity };
}

function safeCatalog(): SourceCatalogEntry[] {
  try {
    return loadCatalog();
  } catch {
    return [];
  }
}

/**
 * The governance data every request consults — units, sources, grants, users — read from Neo4j
 * and cached for `ttlMs` (admin writes call `invalidate`). Sources are the `Source` nodes, with
 * field grades from the catalog when the node has none; a catalog entry without a node still counts.
 */
export class AccessStore {
  private snap: Snapshot | null = null;
  private loading: Promise<Snapshot> | null = null;
  private users = new Map<string, { at: number; user: UserInfo | null }>();
  private readonly catalog: SourceCatalogEntry[];

  constructor(
    private readonly graph: Graph,
    private readonly ttlMs: number,
    catalog?: SourceCatalogEntry[],
  ) {
    this.catalog = catalog ?? safeCatalog();
  }

  invalidate(): void {
    this.snap = null;
    this.users.clear();
  }

  async snapshot(): Promise<Snapshot> {
    if (this.snap && Date.now() - this.snap.at < this.ttlMs) return this.snap;
    if (!this.loading) {
      this.loading = this.load().finally(() => {
        this.loading = null;
      });
    }
    this.snap = await this.loading;
    return this.snap;
  }

  private async load(): Promise<Snapshot> {
    const rows = await readTx(this.graph, async (tx) => {
      const u = await tx.run('MATCH (u:Unit) RETURN u.code AS code, u.name AS name, u.level AS level, u.parent AS parent');
      const s = await tx.run(
        'MATCH (s:Source) RETURN s.id AS id, s.nameZh AS nameZh, s.nameEn AS nameEn, s.ownerUnit AS ownerUnit, s.shareClass AS shareClass, s.grade AS grade, s.fieldSensitivity AS fs',
      );
      const g = await tx.run(
        'MATCH (g:Grant) WHERE coalesce(g.revoked, false) = false RETURN g.id AS id, g.unitCode AS unitCode, g.sourceId AS sourceId, g.purposes AS purposes, toString(g.expiresAt) AS expiresAt, coalesce(g.fields, []) AS fields, g.createdBy AS createdBy, toString(g.createdAt) AS createdAt',
      );
      return { u: u.records.map((r) => r.toObject()), s: s.records.map((r) => r.toObject()), g: g.records.map((r) => r.toObject()) };
    });
    const units = new Map<string, UnitInfo>();
    for (const r of rows.u) units.set(r.code as string, { code: r.code, name: r.name ?? r.code, level: r.level, parent: r.parent ?? null });
    const sources = new Map<string, SourceInfo>();
    const authority = new Map<string, Set<string>>();
    for (const e of this.catalog) {
      sources.set(e.id, sourceFromCatalog(e));
      authority.set(e.id, new Set(e.authorityFor));
    }
    for (const r of rows.s) {
      const base = sources.get(r.id as string);
      let fs: Record<string, Grade> = base?.fieldSensitivity ?? {};
      if (typeof r.fs === 'string' && r.fs) {
        try {
          fs = JSON.parse(r.fs) as Record<string, Grade>;
        } catch {
          /* keep catalog grades */
        }
      }
      sources.set(r.id as string, {
        id: r.id,
        nameZh: r.nameZh ?? base?.nameZh ?? r.id,
        nameEn: r.nameEn ?? base?.nameEn ?? r.id,
        ownerUnit: r.ownerUnit ?? base?.ownerUnit ?? '',
        shareClass: r.shareClass ?? base?.shareClass ?? 'none',
        grade: (r.grade ?? base?.grade ?? 4) as Grade,
        fieldSensitivity: fs,
      });
    }
    const grants: GrantInfo[] = rows.g.map((r) => ({
      id: r.id,
      unitCode: r.unitCode,
      sourceId: r.sourceId,
      purposes: r.purposes ?? [],
      expiresAt: r.expiresAt,
      fields: r.fields ?? [],
      createdBy: r.createdBy ?? undefined,
      createdAt: r.createdAt ?? undefined,
    }));
    return { at: Date.now(), units, sources, grants, authority };
  }

  async user(username: string): Promise<UserInfo | null> {
    const hit = this.users.get(username);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.user;
    const user = await this.readUser('u.username = $key', username);
    this.users.set(username, { at: Date.now(), user });
    return user;
  }

  async userByCertificate(fingerprint: string): Promise<UserInfo | null> {
    return this.readUser('u.certFingerprint = $key', fingerprint);
  }

  private async readUser(where: string, key: string): Promise<UserInfo | null> {
    return readTx(this.graph, async (tx) => {
      const r = await tx.run(
        `MATCH (u:User) WHERE ${where}
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
}
