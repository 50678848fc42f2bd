import { loadCatalog } from '@onemap/datasets';
import type { Grade, SourceCatalogEntry } from '@onemap/graph-schema';
import type { Graph } from '@onemap/graph-schema/server';
import { readGovernance, readUser } from '../repositories/access.ts';
import type { GrantInfo, SourceInfo, UnitInfo, UserInfo } from './types.ts';
import type { Viewer } from './viewer.ts';

/** Most viewers one snapshot keeps (callers × purposes); past it the snapshot's viewers are dropped and rebuilt. */
export const VIEWER_CACHE_MAX = 5_000;
/** Most users cached (every name tried at login is read once); past it the cache starts again. */
export const USER_CACHE_MAX = 10_000;

export interface Snapshot {
  at: number;
  units: Map<string, UnitInfo>;
  sources: Map<string, SourceInfo>;
  grants: GrantInfo[];
  authority: Map<string, Set<string>>;
  /** Viewers built on this snapshot, by caller and purpose (`AccessStore.viewer`). */
  viewers: Map<string, Viewer>;
  /** When the first grant of this snapshot expires (ms): from then on its viewers are not reused. */
  viewersUntil: number;
}

/**
 * Source info from a catalog entry: field grades keyed by `role.attribute`, and the record's own
 * columns (its time, its id, the role a person plays in a case) as `record.<name>`.
 */
export function sourceFromCatalog(e: SourceCatalogEntry): SourceInfo {
  const fieldSensitivity: Record<string, Grade> = {};
  for (const f of e.fields) if (f.target) fieldSensitivity[f.target] = f.sensitivity;
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
  /** User reads under way: requests that find a user's entry expired at once share one read. */
  private userReads = new Map<string, Promise<UserInfo | null>>();
  /** Raised by `invalidate`: a read begun before a change is not cached after it (it may predate the change). */
  private generation = 0;
  private readonly catalog: SourceCatalogEntry[];

  constructor(
    private readonly graph: Graph,
    private readonly ttlMs: number,
    catalog?: SourceCatalogEntry[],
  ) {
    this.catalog = catalog ?? safeCatalog();
  }

  /** Raised by every admin change (`invalidate`): what is derived from governance data (the layer cache) compares it. */
  get epoch(): number {
    return this.generation;
  }

  invalidate(): void {
    this.generation++;
    this.snap = null;
    this.loading = null;
    this.users.clear();
    // a read under way may predate the change: later requests read again
    this.userReads.clear();
  }

  async snapshot(): Promise<Snapshot> {
    if (this.snap && Date.now() - this.snap.at < this.ttlMs) return this.snap;
    const gen = this.generation;
    if (!this.loading) {
      const loading = this.load().finally(() => {
        if (this.loading === loading) this.loading = null;
      });
      this.loading = loading;
    }
    const snap = await this.loading;
    // a snapshot read before an admin change is answered once but not kept
    if (gen === this.generation) this.snap = snap;
    return snap;
  }

  private async load(): Promise<Snapshot> {
    const g = await readGovernance(this.graph);
    const rows = { u: g.units, s: g.sources, g: g.grants };
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
          // the node's grades over the catalog's: a field the node does not grade (a node written
          // before the catalog graded it) keeps the catalog's grade, never the default of 1
          fs = { ...fs, ...(JSON.parse(r.fs) as Record<string, Grade>) };
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
    const at = Date.now();
    const viewersUntil = Math.min(Number.POSITIVE_INFINITY, ...grants.map((g) => Date.parse(g.expiresAt)).filter((t) => t > at));
    return { at, units, sources, grants, authority, viewers: new Map(), viewersUntil };
  }

  /**
   * The viewer `build` makes, built once per snapshot and `key` (the caller, roles, auth method and
   * purpose): a viewer depends on nothing else but the clock, and the clock only matters where a
   * grant expires, so viewers are reused until the snapshot's next grant expiry. An admin change
   * (`invalidate`) or the snapshot's TTL starts a new snapshot and so new viewers.
   */
  viewer(snap: Snapshot, key: string, build: () => Viewer): Viewer {
    const reusable = Date.now() < snap.viewersUntil;
    const hit = reusable ? snap.viewers.get(key) : undefined;
    if (hit) return hit;
    const v = build();
    if (reusable) {
      if (snap.viewers.size >= VIEWER_CACHE_MAX) snap.viewers.clear();
      snap.viewers.set(key, v);
    }
    return v;
  }

  /**
   * The user as read at most `ttlMs` ago. Requests that find the entry expired together share one
   * read (begun after the entry expired, so as fresh as a read of their own would be).
   */
  async user(username: string): Promise<UserInfo | null> {
    const hit = this.users.get(username);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.user;
    const pending = this.userReads.get(username);
    if (pending) return pending;
    const gen = this.generation;
    const read = readUser(this.graph, 'username', username)
      .then((user) => {
        if (gen === this.generation) {
          if (this.users.size >= USER_CACHE_MAX) this.users.clear();
          this.users.set(username, { at: Date.now(), user });
        }
        return user;
      })
      .finally(() => {
        if (this.userReads.get(username) === read) this.userReads.delete(username);
      });
    this.userReads.set(username, read);
    return read;
  }

  async userByCertificate(fingerprint: string): Promise<UserInfo | null> {
    return readUser(this.graph, 'certificate', fingerprint);
  }
}
