/**
 * The one module that talks to the OneMap HTTP API. Every URL, header and response shape the
 * web app relies on is here, so adapting to a server change is a one-file edit.
 *
 * Individual-level calls take a `Purpose` (事由); it travels as `x-purpose-*` headers
 * (URI-encoded, so Hanzi survive) and, for POST bodies, also as a `purpose` field.
 */
import type {
  AuditEntry,
  EntityKind,
  Role,
  AuditVerify,
  CollisionArea,
  CollisionHit,
  CoLocated,
  DensityCell,
  GraphResult,
  IncidentPoint,
  JurisdictionCount,
  LoginResponse,
  PlaceFeature,
  DecisionInfo,
  PossibleMatch,
  Profile,
  Purpose,
  QualityReport,
  SearchHit,
  Trajectory,
  TrendPoint,
  User,
  Watch,
  WatchAlert,
} from './types.ts';
import type * as W from './wire.ts';
import { name, toGraph, toProfile, toTrajectory } from './adapters.ts';

import { ApiError, retryAfterSeconds } from './api-error.ts';

export { ApiError };

export type TimeRange = {
  from: string;
  to: string;
};

type Query = Record<string, string | number | boolean | undefined | null>;

let token: string | null = sessionStorage.getItem('onemap.token');

export function setToken(t: string | null): void {
  token = t;
  if (t) sessionStorage.setItem('onemap.token', t);
  else sessionStorage.removeItem('onemap.token');
}

export function getToken(): string | null {
  return token;
}

function qs(q?: Query): string {
  if (!q) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** The purpose travels as URI-encoded JSON in `x-onemap-purpose` (server/src/access/purpose.ts). */
export const PURPOSE_HEADER = 'x-onemap-purpose';

export function encodePurpose(p: Purpose): string {
  return encodeURIComponent(JSON.stringify(p));
}

function purposeHeaders(purpose?: Purpose): Record<string, string> {
  return purpose ? { [PURPOSE_HEADER]: encodePurpose(purpose) } : {};
}

export async function request<T>(method: string, path: string, opts: { query?: Query; body?: unknown; purpose?: Purpose; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...purposeHeaders(opts.purpose) };
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(`/api${path}${qs(opts.query)}`, { method, headers, body, signal: opts.signal });
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: text };
  }
  if (!res.ok) {
    const d = (data ?? {}) as { code?: string; message?: string; error?: string; detail?: string };
    if (res.status === 401) onUnauthorized?.();
    throw new ApiError(res.status, d.code ?? `HTTP_${res.status}`, [d.message ?? d.error ?? res.statusText, d.detail].filter(Boolean).join(' — '), retryAfterSeconds(res.headers.get('retry-after')));
  }
  return data as T;
}


// Adapters (server answer shapes → view models) live in ./adapters.ts.

/** Place eid → where and what it is, from the (aggregate, purpose-free) facilities layer. */
let placeIndex: Promise<Map<string, PlaceFeature>> | null = null;
export function places(): Promise<Map<string, PlaceFeature>> {
  placeIndex ??= api
    .places()
    .then(({ places: ps }) => new Map(ps.map((p) => [p.eid, p])))
    .catch(() => {
      placeIndex = null;
      return new Map<string, PlaceFeature>();
    });
  return placeIndex;
}

/** The widest range the server accepts (at most 3660 days), ending tomorrow: for the trend's extent. */
function wide(): TimeRange {
  const now = Date.now();
  return { from: new Date(now - 3650 * 86_400_000).toISOString(), to: new Date(now + 86_400_000).toISOString() };
}

/** Why a pair is companions (the API's `CO_TRAVELED` `props.reasons`, abridged). */
export interface CompanionReasons {
  legs: number;
  places: number;
  days: number;
  minScore: number;
}

/** One derived companion of a subject. */
export interface Companion {
  eid: string;
  name: string;
  score: number;
  reasons: CompanionReasons;
}

let onUnauthorized: (() => void) | undefined;
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export const api = {
  // ---- auth
  login: async (username: string, password: string): Promise<LoginResponse> => {
    const r = await request<W.LoginAnswer>('POST', '/auth/login', { body: { username, password } });
    const roles = r.user.roles as Role[];
    return { token: r.token, user: { username: r.user.username, name: r.user.displayName, role: roles[0] ?? 'planner', roles, unitCode: r.user.unitCode } };
  },
  /** Ends this token's session on the server (`POST /api/auth/logout`). */
  logout: async (): Promise<void> => {
    await request<unknown>('POST', '/auth/logout');
  },
  me: async (): Promise<User> => {
    const m = await request<W.MeAnswer>('GET', '/auth/me');
    const roles = m.roles as Role[];
    return { username: m.username, name: m.displayName, role: roles[0] ?? 'planner', roles, unitCode: m.unitCode, unitName: m.unitName };
  },

  // ---- aggregates (no purpose: the server implies `statistics` and suppresses small cells)
  /**
   * Counts per jurisdiction with the k the server applied. Units under k are absent from the answer
   * (the server does not say which: 0 and "fewer than k" look the same on purpose).
   */
  // Every layer answer says when it was computed (`computedAt`, +08:00): the server may serve one
  // up to LAYER_MAX_STALE_MS old while it refreshes it, and the panel says "as of" then.
  jurisdictionCounts: async (t: TimeRange, level = 'county'): Promise<{ counts: JurisdictionCount[]; k: number; computedAt: string | null }> => {
    const r = await request<W.JurisdictionLayer>('GET', '/layers/jurisdictions', { query: { ...t, level } });
    const counts = r.cells.map((c) => ({ code: c.unitCode, count: c.persons, suppressed: false }));
    return { counts, k: r.k, computedAt: r.computedAt };
  },
  places: async (kind?: string): Promise<{ places: PlaceFeature[]; computedAt: string | null }> => {
    const r = await request<W.FacilityLayer>('GET', '/layers/facilities', { query: { kind, limit: 20000 } });
    const places = r.features.map((f) => ({ eid: f.properties.eid, name: f.properties.name ?? '—', kind: f.properties.placeKind, lon: f.geometry.coordinates[0] ?? 0, lat: f.geometry.coordinates[1] ?? 0 }));
    return { places, computedAt: r.computedAt };
  },
  density: async (t: TimeRange): Promise<{ cells: DensityCell[]; computedAt: string | null }> => {
    const r = await request<W.HexbinLayer>('GET', '/layers/hexbin', { query: { ...t, resolution: 6 } });
    return { cells: r.cells.map((c) => ({ lon: c.lon, lat: c.lat, count: c.traces, h3: c.h3 })), computedAt: r.computedAt };
  },
  incidents: async (t: TimeRange): Promise<{ points: IncidentPoint[]; computedAt: string | null }> => {
    const r = await request<W.HeatLayer>('GET', '/layers/heat', { query: { ...t } });
    return { points: r.points.map((p) => ({ lon: p.lon, lat: p.lat, at: t.from, weight: p.weight })), computedAt: r.computedAt };
  },
  /** The first and last trace time the caller's sources hold (null when there is no data). */
  extent: async (): Promise<{ from: string | null; to: string | null }> => request<W.DataExtent>('GET', '/layers/extent'),
  trend: async (t: TimeRange): Promise<TrendPoint[]> => {
    const r = await request<W.TrendLayer>('GET', '/layers/trend', { query: t.from ? t : wide() });
    return r.days.map((d) => ({ t: d.day, count: d.traces }));
  },

  // ---- individual level (purpose required)
  search: async (q: string, purpose: Purpose): Promise<SearchHit[]> => {
    const r = await request<W.SearchResponse>('GET', '/search', { query: { q, pageSize: 50 }, purpose });
    return r.items.map((h) => ({
      eid: h.eid,
      kind: h.kind as EntityKind,
      name: name(h.name, h.nameMasked, h.eid),
      detail: h.eid,
      score: h.score,
      birthYear: h.birthYear,
      sex: h.sex,
      homeCounty: h.homeCounty,
      idTail: h.idTail,
      sources: h.sources,
    }));
  },
  profile: async (eid: string, purpose: Purpose): Promise<Profile> => toProfile(await request<W.Profile>('GET', `/entities/${encodeURIComponent(eid)}`, { purpose })),
  trajectory: async (eid: string, t: TimeRange, purpose: Purpose): Promise<Trajectory> => {
    const [r, idx] = await Promise.all([request<W.Trajectory>('GET', `/entities/${encodeURIComponent(eid)}/trajectory`, { query: t, purpose }), places()]);
    return toTrajectory(r, idx);
  },
  relations: async (eid: string, hops: number, purpose: Purpose): Promise<GraphResult> => {
    const [r, idx] = await Promise.all([request<W.GraphAnswer>('GET', `/entities/${encodeURIComponent(eid)}/relations`, { query: { depth: hops }, purpose }), places()]);
    return toGraph(r.nodes, r.edges, idx);
  },
  path: async (from: string, to: string, purpose: Purpose): Promise<GraphResult> => {
    const [r, idx] = await Promise.all([request<W.PathsAnswer>('GET', '/paths', { query: { from, to, limit: 1 }, purpose }), places()]);
    const p = r.paths[0];
    if (!p) throw new ApiError(404, 'NO_PATH', 'no path');
    return toGraph(p.nodes, p.edges, idx);
  },
  /** Companions (同行): the subject's derived CO_TRAVELED edges with their chance score and reasons, most likely first. */
  companions: async (eid: string, purpose: Purpose): Promise<Companion[]> => {
    const r = await request<W.GraphAnswer>('GET', `/entities/${encodeURIComponent(eid)}/relations`, { query: { depth: 1, types: 'CO_TRAVELED' }, purpose });
    const names = new Map(r.nodes.map((n) => [n.eid, name(n.name, n.nameMasked, n.eid)]));
    return r.edges
      .filter((e) => e.type === 'CO_TRAVELED')
      .map((e) => {
        const other = e.from === eid ? e.to : e.from;
        const reasons = (e.props.reasons ?? {}) as Partial<CompanionReasons>;
        return {
          eid: other,
          name: names.get(other) ?? other,
          score: Number(e.props.score ?? 0),
          reasons: { legs: reasons.legs ?? 0, places: reasons.places ?? 0, days: reasons.days ?? 0, minScore: reasons.minScore ?? 0 },
        };
      })
      .sort((a, b) => b.score - a.score);
  },
  /** Co-location (同地出现): entities of any kind seen near this one (not the derived CO_TRAVELED companions). */
  coLocation: async (eid: string, t: TimeRange, purpose: Purpose): Promise<{ coLocated: CoLocated[]; truncated: boolean }> => {
    const [r, idx] = await Promise.all([request<W.CoLocationAnswer>('GET', '/analysis/co-location', { query: { eid, ...t }, purpose }), places()]);
    const coLocated = r.coLocated.map((c) => ({
      eid: c.entity.eid,
      name: name(c.entity.name, c.entity.nameMasked, c.entity.eid),
      kind: c.entity.kind as EntityKind,
      count: c.together,
      first: c.first,
      last: c.last,
      places: c.places.flatMap((pe) => {
        const p = idx.get(pe);
        return p ? [{ eid: pe, name: p.name, lon: p.lon, lat: p.lat }] : [];
      }),
    }));
    return { coLocated, truncated: r.truncated };
  },
  /** From a case, its likely series (类案串并): cases, links with each feature's contribution, near misses. */
  caseSeries: (eid: string, purpose: Purpose): Promise<W.CaseSeriesAnswer> => request<W.CaseSeriesAnswer>('GET', '/analysis/series', { query: { eid }, purpose }),
  /** Who was inside every circle during its window. */
  collision: async (areas: CollisionArea[], purpose: Purpose): Promise<CollisionHit[]> => {
    const [r, idx] = await Promise.all([
      request<W.CollisionAnswer>('POST', '/analysis/collision', { body: { windows: areas.map((a) => ({ lon: a.center[0], lat: a.center[1], radiusM: Math.round(a.radiusM), from: a.from, to: a.to })) }, purpose }),
      places(),
    ]);
    return r.matches.map((m) => ({
      eid: m.entity.eid,
      name: name(m.entity.name, m.entity.nameMasked, m.entity.eid),
      kind: m.entity.kind as EntityKind,
      visits: m.hits.map((h) => ({ area: h.window, at: h.at, place: idx.get(h.placeEid)?.name ?? h.placeEid })),
    }));
  },

  // ---- review and quality
  /** The possible-match queue (analyst + purpose), most uncertain first; `source`/`unit` filter it. */
  matches: async (filter: { source?: string; unit?: string }, purpose: Purpose): Promise<PossibleMatch[]> => {
    const query: Record<string, string> = {};
    if (filter.source) query.source = filter.source;
    if (filter.unit) query.unit = filter.unit;
    const r = await request<W.List<W.Candidate>>('GET', '/resolution/candidates', { query, purpose });
    return r.items.map((c) => ({
      id: c.id,
      rid: c.rid,
      source: c.source,
      score: c.score,
      left: { eid: c.left.eid, kind: c.left.kind as EntityKind, name: name(c.left.name, c.left.nameMasked, c.left.eid) },
      right: { eid: c.right.eid, kind: c.right.kind as EntityKind, name: name(c.right.name, c.right.nameMasked, c.right.eid) },
      explanation: c.explanation,
    }));
  },
  /** Merge the right entity into the left, or record that the two are different (keep apart). */
  decide: async (left: string, right: string, decision: 'merge' | 'keep-apart', reason: string, purpose: Purpose): Promise<DecisionInfo> =>
    decision === 'merge'
      ? request<W.Decision>('POST', '/resolution/merge', { body: { survivor: left, merged: [right], reason }, purpose })
      : request<W.Decision>('POST', '/resolution/confirm', { body: { eids: [left, right], match: false, reason }, purpose }),
  split: (eid: string, rids: string[], reason: string, purpose: Purpose) => request<{ newEid: string; decision: DecisionInfo }>('POST', '/resolution/split', { body: { eid, rids, reason }, purpose }),
  /** Reverse a merge, keep-apart or split. */
  undo: (id: string, purpose: Purpose) => request<W.Decision>('POST', `/resolution/decisions/${encodeURIComponent(id)}/undo`, { purpose }),
  /** Data-quality reports (one per batch or period) adapted to the screen's per-source cards: rules with failures. */
  qualityReports: async (): Promise<QualityReport[]> =>
    (await request<W.List<W.QualityReportW>>('GET', '/quality/reports')).items.map((r) => ({
      source: r.batchId ? `${r.source} · ${r.batchId}` : r.source,
      ...(r.ownerUnit ? { ownerUnit: r.ownerUnit } : {}),
      records: Math.max(0, ...r.scores.map((x) => x.checked)),
      issues: r.scores
        .filter((x) => x.failed > 0)
        .map((x) => ({ code: x.rule, count: x.failed, examples: r.examples.filter((e) => e.rule === x.rule).map((e) => `${e.rid} ${e.field}`) })),
    })),
  catalog: async () => (await request<W.CatalogAnswer>('GET', '/catalog')).items,

  // ---- watches
  /** The unit's watches on entities the caller may see under the session's purpose (a grant may open more for it). */
  watches: async (purpose: Purpose): Promise<Watch[]> =>
    (await request<W.List<W.WatchW>>('GET', '/watches', { purpose })).items.map((w) => ({ id: w.id, eid: w.eid, createdAt: w.createdAt })),
  addWatch: (eid: string, purpose: Purpose) => request<W.WatchW>('POST', '/watches', { body: { eid }, purpose }),
  removeWatch: (id: string, purpose: Purpose) => request<unknown>('DELETE', `/watches/${encodeURIComponent(id)}`, { purpose }),
  // ---- early-warning rules (预警): the unit's rules; alerts arrive on the watch stream
  warningRules: async (purpose: Purpose): Promise<W.WarningRule[]> => (await request<W.List<W.WarningRule>>('GET', '/warnings/rules', { purpose })).items,
  createWarningRule: (body: W.WarningRuleBody, purpose: Purpose) => request<W.WarningRule>('POST', '/warnings/rules', { body, purpose }),
  warningHits: async (id: string, purpose: Purpose): Promise<W.WarningHit[]> => (await request<W.List<W.WarningHit>>('GET', `/warnings/rules/${encodeURIComponent(id)}/hits`, { purpose })).items,
  endWarningRule: (id: string, purpose: Purpose) => request<unknown>('DELETE', `/warnings/rules/${encodeURIComponent(id)}`, { purpose }),
  /**
   * EventSource cannot send headers, and a token in a URL is logged: each (re)connection first asks
   * for a single-use ticket (token and purpose in headers) and opens the stream with it. The server
   * closes the stream (event `closed`) when the account, role or unit no longer allows it.
   */
  watchStream: (purpose: Purpose, onAlert: (a: WatchAlert) => void, onState: (open: boolean) => void): (() => void) => {
    let es: EventSource | null = null;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | null = null;
    const handle = (e: MessageEvent) => {
      try {
        const d: Partial<W.WatchEvent> & { ruleId?: string; hitId?: string; kind?: string; eids?: string[]; placeEid?: string | null } = JSON.parse(String(e.data));
        if (!d.eid || !d.at) return;
        if (e.type === 'warning') {
          onAlert({ id: d.hitId, ruleId: d.ruleId, eid: (d.eids ?? [d.eid]).join(' + '), at: d.at, kind: `warning:${d.kind ?? ''}`, place: d.placeEid ?? undefined, message: d.ruleId });
          return;
        }
        onAlert({ eid: d.eid, at: d.at, kind: d.type ?? e.type, message: [d.source, d.rid].filter(Boolean).join(' · ') });
      } catch {
        /* a keep-alive or a comment */
      }
    };
    const connect = async () => {
      if (stopped) return;
      try {
        const { ticket } = await request<{ ticket: string }>('POST', '/watches/stream-ticket', { purpose });
        if (stopped) return;
        es = new EventSource(`/api/watches/stream${qs({ ticket })}`);
      } catch {
        onState(false);
        retry = setTimeout(connect, 5000);
        return;
      }
      es.addEventListener('ready', () => onState(true));
      es.onopen = () => onState(true);
      // A ticket opens one stream: on an error, or when the server ends it, reconnect with a new one.
      const reconnect = () => {
        es?.close();
        onState(false);
        if (!stopped) retry = setTimeout(connect, 3000);
      };
      es.onerror = reconnect;
      es.addEventListener('closed', (e) => {
        // The login that opened it ended (a token's expiry, a certificate's lifetime): ask again —
        // a certificate still registered gets a new ticket; an expired token gets 401 and the sign-in.
        // Access withdrawn (account, role, unit) stays closed.
        let reason = '';
        try {
          reason = String((JSON.parse(String((e as MessageEvent).data)) as { reason?: string }).reason ?? '');
        } catch {
          /* no reason: stay closed */
        }
        if (reason === 'signed out') reconnect();
        else {
          es?.close();
          onState(false);
        }
      });
      es.addEventListener('trace', handle as EventListener);
      es.addEventListener('relation', handle as EventListener);
      es.addEventListener('warning', handle as EventListener);
    };
    void connect();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      es?.close();
    };
  },

  // ---- audit
  audit: async (q: { user?: string; outcome?: string; limit?: number }): Promise<AuditEntry[]> => {
    const r = await request<W.List<W.AuditEntryW>>('GET', '/audit/entries', { query: q });
    return r.items.map((e) => {
      let purpose: string | null = null;
      try {
        const p = e.purposeJson ? (JSON.parse(e.purposeJson) as Purpose) : null;
        purpose = p ? `${p.caseNumber} ${p.text}` : null;
      } catch {
        purpose = e.purposeJson;
      }
      return { seq: e.seq, at: e.at, user: e.user ?? '—', unit: e.unit ?? undefined, role: e.role ?? undefined, purpose, action: `${e.method} ${e.route}`, target: e.paramsJson === '{}' ? null : e.paramsJson, results: e.resultCount, allowed: e.outcome === 'allowed', intent: e.outcome === 'intent', hash: e.hash };
    });
  },
  auditVerify: async (): Promise<AuditVerify> => {
    const r = await request<W.AuditVerifyW>('GET', '/audit/verify');
    return { ok: r.ok, checked: r.entries, firstBad: r.problems[0]?.seq ?? null, message: r.problems.map((p) => `#${p.seq} ${p.kind}: ${p.message}`).join('; ') };
  },
};
