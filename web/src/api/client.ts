/**
 * The one module that talks to the OneMap HTTP API. Every URL, header and response shape the
 * web app relies on is here, so adapting to a server change is a one-file edit.
 *
 * Individual-level calls take a `Purpose` (事由); it travels as `x-purpose-*` headers
 * (URI-encoded, so Hanzi survive) and, for POST bodies, also as a `purpose` field.
 */
import type {
  AuditEntry,
  AuditVerify,
  CollisionArea,
  CollisionHit,
  CoTraveler,
  DensityCell,
  GraphResult,
  IncidentPoint,
  JobStatus,
  JurisdictionCount,
  LoginResponse,
  PlaceFeature,
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

/** An API failure with the server's stable error code (e.g. ONEMAP_ERR_PURPOSE_REQUIRED). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

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

function purposeHeaders(purpose?: Purpose): Record<string, string> {
  if (!purpose) return {};
  return {
    'x-purpose-kind': encodeURIComponent(purpose.kind),
    'x-purpose-case': encodeURIComponent(purpose.caseNumber),
    'x-purpose-text': encodeURIComponent(purpose.text),
  };
}

async function request<T>(method: string, path: string, opts: { query?: Query; body?: unknown; purpose?: Purpose; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...purposeHeaders(opts.purpose) };
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.purpose && typeof opts.body === 'object' ? { ...(opts.body as object), purpose: opts.purpose } : opts.body);
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
    const d = (data ?? {}) as { code?: string; message?: string; error?: string };
    if (res.status === 401) onUnauthorized?.();
    throw new ApiError(res.status, d.code ?? `HTTP_${res.status}`, d.message ?? d.error ?? res.statusText);
  }
  return data as T;
}

/** Accepts either a bare array or `{ items | results | rows | data: [...] }`. */
function list<T>(data: unknown, ...keys: string[]): T[] {
  if (Array.isArray(data)) return data as T[];
  const o = (data ?? {}) as Record<string, unknown>;
  for (const k of [...keys, 'items', 'results', 'rows', 'data']) if (Array.isArray(o[k])) return o[k] as T[];
  return [];
}

let onUnauthorized: (() => void) | undefined;
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export const api = {
  // ---- auth
  login: (username: string, password: string) => request<LoginResponse>('POST', '/auth/login', { body: { username, password } }),
  me: async () => {
    const d = await request<User | { user: User }>('GET', '/auth/me');
    return 'user' in d ? d.user : d;
  },

  // ---- aggregates (planner and up; no purpose needed)
  jurisdictionCounts: async (t: TimeRange, level = 'county') => list<JurisdictionCount>(await request('GET', '/layers/jurisdictions', { query: { ...t, level } }), 'counts'),
  places: async (kind?: string) => list<PlaceFeature>(await request('GET', '/layers/places', { query: { kind } }), 'places'),
  density: async (t: TimeRange) => list<DensityCell>(await request('GET', '/layers/density', { query: t }), 'cells'),
  incidents: async (t: TimeRange) => list<IncidentPoint>(await request('GET', '/layers/incidents', { query: t }), 'incidents'),
  trend: async (t: TimeRange, bucket = 'day') => list<TrendPoint>(await request('GET', '/layers/trend', { query: { ...t, bucket } }), 'series', 'points'),

  // ---- individual level (purpose required)
  search: async (q: string, purpose: Purpose) => list<SearchHit>(await request('GET', '/search', { query: { q }, purpose }), 'hits'),
  profile: (eid: string, purpose: Purpose) => request<Profile>('GET', `/entities/${encodeURIComponent(eid)}/profile`, { purpose }),
  trajectory: (eid: string, t: TimeRange, purpose: Purpose) => request<Trajectory>('GET', `/entities/${encodeURIComponent(eid)}/trajectory`, { query: t, purpose }),
  relations: (eid: string, hops: number, purpose: Purpose) => request<GraphResult>('GET', `/entities/${encodeURIComponent(eid)}/relations`, { query: { hops }, purpose }),
  path: (from: string, to: string, purpose: Purpose) => request<GraphResult>('GET', '/relations/path', { query: { from, to }, purpose }),
  coTravel: async (eid: string, purpose: Purpose) => list<CoTraveler>(await request('GET', `/analysis/co-travel/${encodeURIComponent(eid)}`, { purpose }), 'companions'),
  /** Starts a collision analysis; the server may answer at once (`result`) or with a job to poll. */
  collision: (areas: CollisionArea[], purpose: Purpose) => request<JobStatus<CollisionHit[]> | { results: CollisionHit[] }>('POST', '/analysis/collision', { body: { areas }, purpose }),
  job: <T>(id: string) => request<JobStatus<T>>('GET', `/analysis/jobs/${encodeURIComponent(id)}`),

  // ---- review and quality
  matches: async () => list<PossibleMatch>(await request('GET', '/review/matches'), 'matches'),
  decide: (id: string, decision: 'merge' | 'keep-apart', purpose?: Purpose) => request<unknown>('POST', `/review/matches/${encodeURIComponent(id)}`, { body: { decision }, purpose }),
  split: (eid: string, rids: string[], purpose?: Purpose) => request<unknown>('POST', `/entities/${encodeURIComponent(eid)}/split`, { body: { rids }, purpose }),
  qualityReports: async () => list<QualityReport>(await request('GET', '/quality/reports'), 'reports', 'sources'),

  // ---- watches
  watches: async () => list<Watch>(await request('GET', '/watches'), 'watches'),
  addWatch: (eid: string, purpose: Purpose) => request<Watch>('POST', '/watches', { body: { eid }, purpose }),
  removeWatch: (id: string) => request<unknown>('DELETE', `/watches/${encodeURIComponent(id)}`),
  /** EventSource cannot send headers: the token goes in the query string. */
  watchStream: (onAlert: (a: WatchAlert) => void, onState: (open: boolean) => void): (() => void) => {
    const es = new EventSource(`/api/watches/stream${qs({ token })}`);
    const handle = (e: MessageEvent) => {
      try {
        onAlert(JSON.parse(e.data as string) as WatchAlert);
      } catch {
        /* a keep-alive or a comment */
      }
    };
    es.onopen = () => onState(true);
    es.onerror = () => onState(false);
    es.onmessage = handle;
    es.addEventListener('alert', handle as EventListener);
    return () => es.close();
  },

  // ---- audit
  audit: async (q: Query) => list<AuditEntry>(await request('GET', '/audit', { query: q }), 'entries'),
  auditVerify: () => request<AuditVerify>('GET', '/audit/verify'),
};
