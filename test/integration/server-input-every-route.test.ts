/**
 * Bad input on EVERY route, not only the ones a test names: the routes are read from the server's
 * own OpenAPI document, and each parameter (path, query, purpose header) and each body property is
 * replaced in turn by values a careless or hostile client sends — empty, huge, NUL, emoji, numbers
 * out of range, impossible dates, the wrong JSON type, malformed JSON. Whatever a route makes of
 * them, it must answer: never a 5xx (an unhandled error), and a 4xx always carries an
 * `ONEMAP_ERR_*` code and a message. Each route is tried as the first fixture role it lets in
 * (so the values reach the handler, not only the authorization check).
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { E, FX } from '../helpers/server-fixtures.ts';

let app: FastifyInstance;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000, BODY_LIMIT_BYTES: 65_536 }, (s) => {
  ({ app } = s);
});

interface Param {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
}
interface Operation {
  method: string;
  path: string;
  params: Param[];
  body: { properties?: Record<string, unknown>; required?: string[] } | null;
  stream: boolean;
}

/** Values a route is given where a valid one is needed to reach the parameter under test. */
const VALID: Record<string, string> = {
  q: '王',
  eid: E.P1,
  from: '2026-11-01T00:00:00Z',
  to: '2026-11-03T00:00:00Z',
  level: 'county',
  resolution: '7',
  ticket: 'x',
  name: 'f.csv',
  afterSeq: '0',
  id: 'x',
  username: 'fx_nobody',
  source: FX.open,
  batchId: 'x',
};

/** What a careless or hostile client sends in a parameter. */
const BAD_VALUES = [
  '',
  ' ',
  '-1',
  '1e309',
  'NaN',
  '99999999999999999999',
  '1.5',
  'x'.repeat(3000),
  '\u0000',
  '😀',
  '\'"})//',
  '2026-02-30T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '[]',
];

/** What a careless or hostile client sends as a JSON property. */
const BAD_JSON: unknown[] = [null, '', 'x'.repeat(3000), -1, 1e308, true, [], {}, [[[[[]]]]], { $where: '1' }];

/** Bodies that are no object at all, or no JSON. */
const BAD_BODIES = ['null', '[]', '"x"', '123', '{}', '{"a":', '['.repeat(5000) + ']'.repeat(5000)];

const PURPOSE_HEADERS = [
  '',
  'null',
  '%E0%A4%A',
  encodeURIComponent('{"kind":1}'),
  encodeURIComponent(JSON.stringify({ kind: 'criminal_case', caseNumber: '9'.repeat(5000), text: 'x' })),
];

function operations(): Operation[] {
  const spec = app.swagger() as unknown as { paths: Record<string, Record<string, Record<string, unknown>>> };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(spec.paths))
    for (const [method, op] of Object.entries(methods)) {
      const content = (op.requestBody as { content?: Record<string, { schema?: Operation['body'] }> } | undefined)
        ?.content;
      const responses = Object.values((op.responses ?? {}) as Record<string, { content?: Record<string, unknown> }>);
      ops.push({
        method: method.toUpperCase(),
        path,
        params: ((op.parameters ?? []) as Param[]).filter((p) => p.in !== 'header' || p.name === 'x-onemap-purpose'),
        body: content?.['application/json']?.schema ?? null,
        stream: responses.some((r) => Object.keys(r.content ?? {}).includes('text/event-stream')),
      });
    }
  return ops;
}

/** The request for `op` with every path parameter and required query parameter valid, then `change` applied. */
function request(op: Operation, change: { param?: Param; value?: string; body?: string }): InjectOptions {
  let url = op.path;
  const query = new URLSearchParams();
  const headers: Record<string, string> = {};
  for (const p of op.params) {
    const value = p === change.param ? change.value : VALID[p.name];
    if (value === undefined) continue;
    if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(value));
    else if (
      p.in === 'query' &&
      (p.required || p === change.param) &&
      !(p.name in { page: 1, pageSize: 1, limit: 1, depth: 1 } && p !== change.param)
    )
      query.set(p.name, value);
    else if (p.in === 'header' && p === change.param) headers[p.name] = value;
  }
  const qs = query.toString();
  const opts: InjectOptions = { method: op.method as InjectOptions['method'], url: qs ? `${url}?${qs}` : url, headers };
  if (change.body !== undefined) {
    opts.payload = change.body;
    headers['content-type'] = 'application/json';
  } else if (op.body) {
    opts.payload = '{}';
    headers['content-type'] = 'application/json';
  }
  return opts;
}

/** Fixture callers, tried in this order: a route is exercised as the first one it lets in. */
const CALLERS = [
  { role: 'analyst', purpose: undefined },
  { role: 'officer', purpose: undefined },
  { role: 'planner', purpose: null },
  { role: 'admin', purpose: null },
  { role: 'auditor', purpose: null },
] as const;

/** What is wrong with an answer to bad input (null: nothing). */
function fault(res: LightMyRequestResponse): string | null {
  if (res.statusCode >= 500) return `${res.statusCode} ${res.body.slice(0, 200)}`;
  if (res.statusCode < 400) return null;
  let body: { code?: unknown; message?: unknown };
  try {
    body = res.json();
  } catch {
    return `${res.statusCode} not JSON: ${res.body.slice(0, 200)}`;
  }
  if (typeof body.code !== 'string' || !body.code.startsWith('ONEMAP_ERR_'))
    return `${res.statusCode} code ${String(body.code)}: ${res.body.slice(0, 200)}`;
  if (typeof body.message !== 'string' || body.message.length === 0) return `${res.statusCode} without a message`;
  return null;
}

describe('every route answers bad input with a 4xx that says what, never a 5xx', () => {
  it('the OpenAPI document lists the routes this test walks', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(50);
    expect(ops.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining(['GET /api/entities/{eid}', 'POST /api/analysis/collision', 'POST /api/ingest/{source}']),
    );
  });

  it('each parameter, each body property and the body itself, replaced by bad values, on every route', async () => {
    let requests = 0;
    const faults: string[] = [];
    const check = (res: LightMyRequestResponse, what: string) => {
      const f = fault(res);
      if (f) faults.push(`${what} → ${f}`);
    };
    for (const op of operations()) {
      if (op.stream) continue; // an event stream with a valid ticket never ends; its ticket is a query parameter checked below with the others
      let caller: ReturnType<typeof as> = as(app, 'province', CALLERS[0].role, CALLERS[0].purpose);
      for (const c of CALLERS) {
        const call = as(app, 'province', c.role, c.purpose);
        const res = await call(request(op, {}));
        requests++;
        check(res, `${op.method} ${op.path} as ${c.role} with valid values`);
        if (res.statusCode !== 401 && res.statusCode !== 403) {
          caller = call;
          break;
        }
      }
      for (const param of op.params) {
        const values = param.name === 'x-onemap-purpose' ? PURPOSE_HEADERS : BAD_VALUES;
        for (const value of values) {
          const res = await caller(request(op, { param, value }));
          requests++;
          check(res, `${op.method} ${op.path} ${param.in} ${param.name}=${JSON.stringify(value.slice(0, 20))}`);
        }
      }
      if (!op.body) continue;
      for (const body of BAD_BODIES) {
        const res = await caller(request(op, { body }));
        requests++;
        check(res, `${op.method} ${op.path} body ${body.slice(0, 20)}`);
      }
      for (const prop of Object.keys(op.body.properties ?? {}))
        for (const value of BAD_JSON) {
          const res = await caller(request(op, { body: JSON.stringify({ [prop]: value }) }));
          requests++;
          check(res, `${op.method} ${op.path} body.${prop}=${JSON.stringify(value)?.slice(0, 20)}`);
        }
    }
    expect(faults, faults.slice(0, 40).join('\n')).toEqual([]);
    expect(requests).toBeGreaterThan(500);
    // and the server still answers
    expect((await app.inject('/health')).statusCode).toBe(200);
  }, 600_000);
});
