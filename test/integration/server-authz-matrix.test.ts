/**
 * The authorization matrix: every /api route × role × unit level × purpose (present / absent /
 * another kind), with the expected allow / deny and — for allowed answers — exactly which
 * sharing classes and grant states show through and what is masked. The expectations are written
 * out here from the access model in docs/security.md, independently of server/src/access.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ADMIN_PURPOSE, as, PURPOSE, useServerApp } from '../helpers/server-app.ts';
import { E, FX, LEVELS, type LevelName } from '../helpers/server-fixtures.ts';
import { SR, seedSeriesFixture } from '../helpers/series-fixtures.ts';

const ROLES = ['officer', 'analyst', 'planner', 'admin', 'auditor'] as const;
type Role = (typeof ROLES)[number];
type PurposeCase = 'none' | 'criminal' | 'administrative';

/** Which fixture sources a level sees, per purpose kind (statistics for aggregates). */
function expectedSources(level: LevelName, purposeKind: 'criminal_case' | 'administrative_case' | 'statistics'): Set<string> {
  const s = new Set<string>([FX.open]); // unconditional: everyone
  // fx_cond (conditional, owner 620000): the province as owner; the county 620102 and its station by an
  // active grant for criminal_case + statistics; 620104 by a grant for administrative_case only;
  // 620103's grant has expired; the city 620100 and 620200 have none.
  if (level === 'province') s.add(FX.cond);
  if ((level === 'county' || level === 'station') && purposeKind !== 'administrative_case') s.add(FX.cond);
  if (level === 'wrongPurposeCounty' && purposeKind === 'administrative_case') s.add(FX.cond);
  // fx_closed (not shared, owner 620102): the owner and the units above it, nobody below or beside.
  if (level === 'county' || level === 'city' || level === 'province') s.add(FX.closed);
  return s;
}

interface RouteCase {
  name: string;
  req: InjectOptions;
  roles: readonly Role[];
  purpose: boolean;
  /** Statuses an admitted caller may get (default 200, 201 for a POST that creates). */
  ok?: number[];
  /** Checks an allowed (2xx) answer against the sources the viewer should see. */
  check?: (body: any, visible: Set<string>, level: LevelName) => void;
}

const WINDOW = 'from=2026-11-01T00:00:00Z&to=2026-11-03T00:00:00Z';
const INDIVIDUAL: Role[] = ['officer', 'analyst'];
const AGGREGATE: Role[] = ['planner', 'analyst', 'officer'];

const ROUTES: RouteCase[] = [
  { name: 'me', req: { url: '/api/auth/me' }, roles: ROLES, purpose: false },
  {
    name: 'search (name only in the non-shared source)',
    req: { url: `/api/search?q=${encodeURIComponent('李娜')}` },
    roles: INDIVIDUAL,
    purpose: true,
    check: (b, vis) => expect(b.items.some((i: any) => i.eid === E.P2)).toBe(vis.has(FX.closed)),
  },
  {
    name: 'search (phone known only to the non-shared source)',
    req: { url: '/api/search?q=13900000009' },
    roles: INDIVIDUAL,
    purpose: true,
    check: (b, vis) => expect(b.items.map((i: any) => i.eid)).toEqual(vis.has(FX.closed) ? [E.P1] : []),
  },
  {
    name: 'profile',
    req: { url: `/api/entities/${E.P1}` },
    roles: INDIVIDUAL,
    purpose: true,
    check: (b, vis, level) => {
      expect(new Set(b.sources.map((s: any) => s.source))).toEqual(vis);
      for (const v of Object.values(b.golden) as any[]) expect(vis.has(v.source)).toBe(true);
      for (const r of b.relations) expect(vis.has(r.source)).toBe(true);
      for (const t of b.recentTraces) expect(vis.has(t.source)).toBe(true);
      // residentId comes only from fx_cond: absent without it; plain for the owner (province) and for
      // units whose grant lists residentId (county, station); masked otherwise.
      const rid = b.golden.residentId;
      if (!vis.has(FX.cond)) expect(rid).toBeUndefined();
      else if (level === 'province' || level === 'county' || level === 'station') expect(rid).toMatchObject({ value: '620102198805051234', masked: false });
      else expect(rid).toMatchObject({ value: '620102********1234', masked: true });
      // phone: grade 4; plain only for the owner of the source it came from (or above).
      const phone = b.golden.phone;
      if (vis.has(FX.closed)) expect(phone).toMatchObject({ value: '+8613900000009', masked: false, source: FX.closed });
      else expect(phone).toMatchObject({ source: FX.open, masked: level !== 'province' });
      if (phone.masked) expect(phone.value).toBe('+86138****0001');
    },
  },
  {
    name: 'relations',
    req: { url: `/api/entities/${E.P1}/relations?depth=2` },
    roles: ['analyst'],
    purpose: true,
    check: (b, vis) => {
      for (const e of b.edges) expect(vis.has(e.source)).toBe(true);
      const ids = new Set(b.nodes.map((n: any) => n.eid));
      expect(ids.has(E.case)).toBe(vis.has(FX.closed));
      expect(ids.has(E.P2)).toBe(vis.has(FX.closed));
      expect(ids.has(E.org)).toBe(vis.has(FX.cond));
      expect(ids.has(E.P3)).toBe(true);
    },
  },
  {
    name: 'trajectory',
    req: { url: `/api/entities/${E.P1}/trajectory?${WINDOW}` },
    roles: INDIVIDUAL,
    purpose: true,
    check: (b, vis) => {
      const n = 2 + (vis.has(FX.cond) ? 2 : 0) + (vis.has(FX.closed) ? 1 : 0);
      expect(b.points.features).toHaveLength(n);
      for (const f of b.points.features) expect(vis.has(f.properties.source)).toBe(true);
      expect(b.stayPoints.length).toBeGreaterThanOrEqual(1);
    },
  },
  {
    name: 'paths',
    req: { url: `/api/paths?from=${E.P1}&to=${E.P3}` },
    roles: ['analyst'],
    purpose: true,
    check: (b, vis) => {
      expect(b.paths.length).toBeGreaterThan(0);
      for (const p of b.paths) for (const e of p.edges) expect(vis.has(e.source)).toBe(true);
    },
  },
  {
    name: 'co-location',
    req: { url: `/api/analysis/co-location?eid=${E.P1}&${WINDOW}&minCount=1` },
    roles: ['analyst'],
    purpose: true,
    check: (b, vis) => {
      const ids = b.coLocated.map((c: any) => c.entity.eid);
      expect(ids).toContain(E.P3);
      expect(ids.includes(E.P2)).toBe(vis.has(FX.closed));
    },
  },
  {
    name: 'case series (类案串并)',
    req: { url: `/api/analysis/series?eid=${SR.sr1}` },
    roles: ['analyst'],
    purpose: true,
    check: (b, vis) => {
      const ids = b.cases.filter((c: any) => c.inSeries).map((c: any) => c.entity.eid);
      expect(ids).toEqual(expect.arrayContaining([SR.sr1, SR.sr2]));
      // the case only in the non-shared source: shown exactly to those who may see that source
      expect(JSON.stringify(b).includes(SR.sr4)).toBe(vis.has(FX.closed));
    },
  },
  {
    name: 'scene collision (多点碰撞)',
    req: { method: 'POST', url: '/api/analysis/scene-collision', payload: { cases: [SR.sr1, SR.sr2, SR.sr3] } },
    roles: ['analyst'],
    purpose: true,
    check: (b, vis) => {
      const ids = b.matches.map((m: any) => m.entity.eid);
      expect(ids).toContain(SR.walker);
      expect(ids.includes(SR.hidden)).toBe(vis.has(FX.closed));
    },
  },
  {
    name: 'collision',
    req: {
      method: 'POST',
      url: '/api/analysis/collision',
      payload: {
        windows: [
          { lon: 103.83, lat: 36.06, radiusM: 100, from: '2026-11-01T07:00:00Z', to: '2026-11-01T09:00:00Z' },
          { lon: 103.84, lat: 36.07, radiusM: 100, from: '2026-11-01T09:30:00Z', to: '2026-11-01T11:00:00Z' },
        ],
      },
    },
    roles: ['analyst'],
    purpose: true,
    check: (b, vis) => {
      const ids = b.matches.map((m: any) => m.entity.eid);
      expect(ids).toContain(E.P3);
      expect(ids.includes(E.P2)).toBe(vis.has(FX.closed));
      expect(ids.includes(E.P1)).toBe(vis.has(FX.cond)); // P1's café login is in fx_cond
    },
  },
  {
    name: 'layer jurisdictions',
    req: { url: `/api/layers/jurisdictions?${WINDOW}` },
    roles: AGGREGATE,
    purpose: false,
    check: (b, vis) => {
      const units = b.cells.map((c: any) => c.unitCode);
      expect(units).toContain('620102');
      expect(units.includes('620103')).toBe(vis.has(FX.closed)); // the far hotel's crowd is non-shared
      for (const c of b.cells) expect(c.persons).toBeGreaterThanOrEqual(5);
      expect(b).not.toHaveProperty('suppressed');
    },
  },
  {
    name: 'layer hexbin',
    req: { url: `/api/layers/hexbin?${WINDOW}&resolution=7` },
    roles: AGGREGATE,
    purpose: false,
    check: (b, vis) => {
      expect(b.cells.length).toBe(vis.has(FX.closed) ? 2 : 1);
      for (const c of b.cells) expect(c.persons).toBeGreaterThanOrEqual(5);
    },
  },
  {
    name: 'layer heat',
    req: { url: `/api/layers/heat?${WINDOW}` },
    roles: AGGREGATE,
    purpose: false,
    check: (b, vis) => {
      expect(b.points.length).toBe(vis.has(FX.closed) ? 2 : 1);
      for (const p of b.points) expect(p.weight).toBeGreaterThanOrEqual(5);
    },
  },
  {
    name: 'layer trend',
    req: { url: `/api/layers/trend?${WINDOW}` },
    roles: AGGREGATE,
    purpose: false,
    check: (b, vis) => {
      // 2026-11-01 has at most 3 persons: always suppressed, and not counted anywhere. 2026-11-02 has
      // 6 (or 12 with fx_closed), published rounded to a multiple of 5 (issue 12.11).
      expect(b.days.map((d: any) => d.day)).toEqual(['2026-11-02']);
      expect(b.days[0].persons).toBe(vis.has(FX.closed) ? 10 : 5);
      expect(b).not.toHaveProperty('suppressed');
    },
  },
  {
    name: 'layer facilities',
    req: { url: '/api/layers/facilities' },
    roles: AGGREGATE,
    purpose: false,
    check: (b, vis) => {
      const ids = b.features.map((f: any) => f.properties.eid);
      expect(ids).toContain(E.hotel);
      expect(ids.includes(E.far)).toBe(vis.has(FX.closed));
      expect(ids).not.toContain(E.home);
      // kinds as the viewer's sources say them (issue 12.5)
      for (const f of b.features) if (f.properties.eid === E.hotel) expect(f.properties.placeKind).toBe('hotel');
    },
  },
  // the data's time range for the map (issue 16), from the caller's visible sources
  { name: 'layer extent', req: { url: '/api/layers/extent' }, roles: AGGREGATE, purpose: false },
  {
    name: 'catalog',
    req: { url: '/api/catalog' },
    roles: ROLES,
    purpose: false,
    check: (b, vis) => {
      for (const s of b.items.filter((x: any) => x.id.startsWith('fx_'))) expect(s.access.visible).toBe(vis.has(s.id));
    },
  },
  { name: 'watch list', req: { url: '/api/watches' }, roles: INDIVIDUAL, purpose: true },
  { name: 'watch create', req: { method: 'POST', url: '/api/watches', payload: { eid: E.P3 } }, roles: INDIVIDUAL, purpose: true },
  { name: 'watch stream ticket', req: { method: 'POST', url: '/api/watches/stream-ticket' }, roles: INDIVIDUAL, purpose: true },
  // Early warning (预警, docs/analysis.md): rules of the caller's unit; hits only when every record that fired them is visible (warning-rules.test.ts).
  { name: 'warning rules', req: { url: '/api/warnings/rules' }, roles: INDIVIDUAL, purpose: true },
  {
    name: 'warning rule create',
    req: { method: 'POST', url: '/api/warnings/rules', payload: { name: '矩阵', kind: 'area', subjects: [E.P3], polygon: { type: 'Polygon', coordinates: [[[103.82, 36.05], [103.85, 36.05], [103.85, 36.08], [103.82, 36.05]]] }, expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString() } },
    roles: INDIVIDUAL,
    purpose: true,
    check: (b, _vis, level) => expect(b).toMatchObject({ unitCode: LEVELS[level], subjects: [E.P3], active: true }),
  },
  { name: 'warning hits', req: { url: '/api/warnings/rules/R-00000000-0000-0000-0000-000000000000/hits' }, roles: INDIVIDUAL, purpose: true, ok: [404] },
  { name: 'warning rule end', req: { method: 'DELETE', url: '/api/warnings/rules/R-00000000-0000-0000-0000-000000000000' }, roles: INDIVIDUAL, purpose: true, ok: [404] },
  { name: 'decisions', req: { url: '/api/resolution/decisions' }, roles: ['analyst'], purpose: true },
  // the review queue (issue 16): possible matches whose records the viewer may all see
  { name: 'review candidates', req: { url: '/api/resolution/candidates' }, roles: ['analyst'], purpose: true },
  // P1 has a record of the non-shared source: units that do not see it whole get 404 (server-resolution.test.ts › seen whole).
  { name: 'confirm', req: { method: 'POST', url: '/api/resolution/confirm', payload: { eids: [E.P1, E.P3], match: false, reason: '不同人' } }, roles: ['analyst'], purpose: true, ok: [404] },
  { name: 'admin units', req: { url: '/api/admin/units' }, roles: ['admin'], purpose: false },
  { name: 'admin users', req: { url: '/api/admin/users' }, roles: ['admin'], purpose: false },
  { name: 'admin grants', req: { url: '/api/admin/grants' }, roles: ['admin'], purpose: false },
  { name: 'audit entries', req: { url: '/api/audit/entries?limit=5' }, roles: ['auditor'], purpose: false },
  { name: 'audit checkpoints', req: { url: '/api/audit/checkpoints' }, roles: ['auditor'], purpose: false },
  // The pipeline's routes: no user role delivers (a source system's key does: ingest-source-credential.test.ts);
  // admins read batch metadata of the sources they may see.
  { name: 'ingest push', req: { method: 'POST', url: '/api/ingest/no_such_source', payload: { records: [] } }, roles: [], purpose: false },
  { name: 'ingest upload', req: { method: 'POST', url: '/api/ingest/no_such_source/files?name=x.csv', headers: { 'content-type': 'text/csv' }, payload: 'a,b\n' }, roles: [], purpose: false },
  { name: 'ingest jobs', req: { url: '/api/ingest/jobs' }, roles: ['admin'], purpose: false },
  { name: 'ingest job', req: { url: '/api/ingest/jobs/no-such-batch' }, roles: ['admin'], purpose: false, ok: [400, 404] },
  { name: 'ingest rejects', req: { url: '/api/ingest/jobs/no-such-batch/rejects' }, roles: ['admin'], purpose: false, ok: [400, 404] },
  // Source keys: admins issue them for sources their unit owns (or owns from above); who may and may not, in ingest-source-credential.test.ts.
  { name: 'source keys', req: { url: '/api/admin/source-keys' }, roles: ['admin'], purpose: false },
  // Data quality (docs/quality.md): reports and summaries show only visible sources; a ticket opens only on a visible record.
  {
    name: 'quality reports',
    req: { url: '/api/quality/reports' },
    roles: ['planner', 'analyst', 'admin'],
    purpose: false,
    check: (b, vis) => {
      for (const r of b.items) expect(vis.has(r.source)).toBe(true);
    },
  },
  {
    name: 'quality summary',
    req: { url: '/api/quality/summary' },
    roles: ['planner', 'analyst', 'admin'],
    purpose: false,
    check: (b, vis) => {
      for (const s of b.sources) expect(vis.has(s.source)).toBe(true);
    },
  },
  { name: 'quality summary csv', req: { url: '/api/quality/summary.csv' }, roles: ['planner', 'analyst', 'admin'], purpose: false },
  { name: 'quality run', req: { method: 'POST', url: '/api/quality/reports/run' }, roles: ['admin'], purpose: false },
  { name: 'quality tickets', req: { url: '/api/quality/tickets' }, roles: ['officer', 'analyst', 'admin', 'planner'], purpose: false },
  {
    name: 'quality ticket open (record in the non-shared source)',
    req: { method: 'POST', url: '/api/quality/tickets', payload: { rid: 'fx_closed:2', field: 'person.name', reason: '姓名有误' } },
    roles: INDIVIDUAL,
    purpose: true,
    ok: [404],
    check: (b, vis) => {
      expect(vis.has(FX.closed)).toBe(true);
      expect(b).toMatchObject({ source: FX.closed, ownerUnit: '620102', rid: 'fx_closed:2', reportedValue: '李娜' });
    },
  },
];

let app: FastifyInstance;
useServerApp(
  { RATE_LIMIT_PER_MINUTE: 1_000_000 },
  (s) => {
    ({ app } = s);
  },
  async (graph) => {
    await seedSeriesFixture(graph);
  },
);

const PURPOSES: Record<PurposeCase, object | null> = { none: null, criminal: PURPOSE, administrative: ADMIN_PURPOSE };

describe('authorization matrix: route × role × unit level × purpose', () => {
  for (const route of ROUTES) {
    it(route.name, async () => {
      const failures: string[] = [];
      let cells = 0;
      for (const level of Object.keys(LEVELS) as LevelName[]) {
        for (const role of ROLES) {
          for (const pc of Object.keys(PURPOSES) as PurposeCase[]) {
            if (pc === 'administrative' && level !== 'wrongPurposeCounty' && level !== 'county') continue;
            cells++;
            const res = await as(app, level, role, PURPOSES[pc])(route.req);
            const allowedRole = route.roles.includes(role);
            const admitted = allowedRole && !(route.purpose && pc === 'none');
            const want = !allowedRole ? 403 : !admitted ? 428 : route.ok?.includes(res.statusCode) ? res.statusCode : route.req.method === 'POST' && res.statusCode === 201 ? 201 : 200;
            const where = `${route.name} as ${level}/${role} purpose=${pc}`;
            if (res.statusCode !== want) {
              failures.push(`${where}: expected ${want}, got ${res.statusCode} ${res.body.slice(0, 200)}`);
              continue;
            }
            if (want >= 400 || !admitted) {
              const body = res.json();
              if (!body.code?.startsWith('ONEMAP_ERR_') || !body.message) failures.push(`${where}: error without code/message`);
              continue;
            }
            if (route.check) {
              const kind = !route.purpose ? 'statistics' : pc === 'administrative' ? 'administrative_case' : 'criminal_case';
              try {
                route.check(res.json(), expectedSources(level, kind), level);
              } catch (e) {
                failures.push(`${where}: ${(e as Error).message.split('\n')[0]}`);
              }
            }
          }
        }
      }
      expect(failures, failures.join('\n')).toEqual([]);
      expect(cells).toBeGreaterThanOrEqual(7 * 5 * 2);
    });
  }

  it('every /api route anyone registers (the pipeline and quality routes included) refuses a caller without a token', async () => {
    const paths = app.swagger().paths as Record<string, Record<string, unknown>>;
    const failures: string[] = [];
    for (const [p, methods] of Object.entries(paths)) {
      if (!p.startsWith('/api') || p === '/api/auth/login') continue;
      for (const m of Object.keys(methods)) {
        const res = await app.inject({ method: m.toUpperCase() as 'GET', url: p.replace(/\{(\w+)\}/g, 'x') });
        if (res.statusCode !== 401) failures.push(`${m} ${p}: ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('the matrix covers every /api route of the query, access and pipeline trees (except those tested on their own)', () => {
    const separately = new Set([
      // ends the caller's session (a token of the matrix would end every session of its user): server-token-revocation.test.ts
      'POST /api/auth/logout',
      'POST /api/auth/login',
      'GET /api/watches/stream',
      'DELETE /api/watches/:id',
      'POST /api/resolution/merge',
      'POST /api/resolution/split',
      'POST /api/resolution/decisions/:id/undo',
      'POST /api/admin/units',
      'POST /api/admin/users',
      'PATCH /api/admin/users/:username',
      'POST /api/admin/grants',
      'DELETE /api/admin/grants/:id',
      // issuing and revoking source keys, with who may and may not, in ingest-source-credential.test.ts
      'POST /api/admin/source-keys',
      'DELETE /api/admin/source-keys/:id',
      'PATCH /api/admin/sources/:id',
      'GET /api/audit/verify',
      'POST /api/audit/checkpoints',
      // ticket steps by id: the life cycle, with who may and may not, in quality-tickets.test.ts
      'GET /api/quality/tickets/:id',
      'POST /api/quality/tickets/:id/fixed',
      'POST /api/quality/tickets/:id/confirm',
    ]);
    const covered = new Set(
      ROUTES.map((r) =>
        `${r.req.method ?? 'GET'} ${(r.req.url as string).split('?')[0]}`
          .replace(`/${E.P1}`, '/:eid')
          .replace('/no_such_source', '/:source')
          .replace('/no-such-batch', '/:batchId')
          .replace(/\/$/, ''),
      ),
    );
    const paths = app.swagger().paths as Record<string, Record<string, unknown>>;
    const missing: string[] = [];
    for (const [p, methods] of Object.entries(paths)) {
      const mine = /^\/api\/(auth|search|entities|paths|analysis|layers|catalog|watches|resolution|admin|audit|ingest)\b/;
      if (!mine.test(p)) continue;
      for (const m of Object.keys(methods)) {
        const key = `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1').replace(/\/$/, '')}`;
        if (!covered.has(key) && !separately.has(key)) missing.push(key);
      }
    }
    expect(missing).toEqual([]);
  });
});
