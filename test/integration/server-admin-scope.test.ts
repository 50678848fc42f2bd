/**
 * Issue 12 items 1, 2, 10 and 15: admin writes stay inside the admin's unit subtree — before and
 * after the change — for users, grants, sources and units; creating never replaces; the unit tree
 * stays a tree; nobody grants themselves anything; and whatever lies outside the subtree answers
 * exactly like something that does not exist.
 *
 * Fixture units: 620000 province → 620100 city → 620102 county (→ 620102001 station), 620103
 * (→ 620103001), 620104; 620200 another city. Admins `fx_<level>_admin` sit at each of them.
 */
import { type Graph, readTx } from '@onemap/graph-schema/server';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { FX, PASSWORD, username } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000 }, (s) => {
  ({ app, graph } = s);
});

const NEW_PASSWORD = 'another-password-2';
let loginAddress = 0;
/** Logs in from a fresh address each time (login has its own per-client limit). */
async function login(user: string, password: string) {
  loginAddress += 1;
  return app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: `10.12.0.${loginAddress}`,
    payload: { username: user, password },
  });
}

async function userRow(name: string) {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      'MATCH (u:User {username: $name}) RETURN u.unitCode AS unitCode, u.roles AS roles, coalesce(u.disabled, false) AS disabled',
      { name },
    );
    return r.records[0]?.toObject() as { unitCode: string; roles: string[]; disabled: boolean } | undefined;
  });
}

async function unitRow(code: string) {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      'MATCH (u:Unit {code: $code}) OPTIONAL MATCH (u)-[:PARENT]->(p:Unit) RETURN u.name AS name, u.parent AS parent, collect(p.code) AS parentEdges',
      { code },
    );
    return r.records[0]?.toObject() as { name: string; parent: string | null; parentEdges: string[] } | undefined;
  });
}

/** Status, code and message, with the probed id replaced so two probes can be compared. */
function answer(res: LightMyRequestResponse, id: string) {
  const b = res.json() as { code: string; message: string };
  return { status: res.statusCode, code: b.code, message: b.message.replaceAll(id, '<id>') };
}

const admin = (level: Parameters<typeof as>[1]) => as(app, level, 'admin', null);
const newUser = (name: string, unitCode: string, roles = ['officer']) => ({
  username: name,
  displayName: name,
  unitCode,
  roles,
  password: NEW_PASSWORD,
});

describe('creating users never takes over an account', () => {
  it('creating a user whose username exists in another unit answers 409 and leaves that account untouched', async () => {
    const victim = username('otherCity', 'officer');
    const res = await admin('county')({
      method: 'POST',
      url: '/api/admin/users',
      payload: newUser(victim, '620102001'),
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('ONEMAP_ERR_USERNAME_TAKEN');
    expect(await userRow(victim)).toMatchObject({ unitCode: '620200', roles: ['officer'], disabled: false });
    expect((await login(victim, PASSWORD)).statusCode).toBe(200);
    expect((await login(victim, NEW_PASSWORD)).statusCode).toBe(401);
  });

  it('a username differing from another only in case is taken (the login limit counts them as one account)', async () => {
    const name = `casevar${process.pid}`;
    expect((await admin('county')({ method: 'POST', url: '/api/admin/users', payload: newUser(name, '620102001') })).statusCode).toBe(201);
    for (const variant of [name.toUpperCase(), `Casevar${process.pid}`]) {
      const res = await admin('county')({ method: 'POST', url: '/api/admin/users', payload: newUser(variant, '620102001') });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('ONEMAP_ERR_USERNAME_TAKEN');
      expect(await userRow(variant)).toBeUndefined();
    }
    expect((await login(name, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('the province admin cannot replace an account of its own subtree by creating it again either', async () => {
    const existing = username('station', 'officer');
    const res = await admin('province')({
      method: 'POST',
      url: '/api/admin/users',
      payload: newUser(existing, '620102001', ['officer', 'analyst']),
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('ONEMAP_ERR_USERNAME_TAKEN');
    expect(await userRow(existing)).toMatchObject({ unitCode: '620102001', roles: ['officer'] });
    expect((await login(existing, PASSWORD)).statusCode).toBe(200);
  });

  it('a new username is created in a unit below the admin and can log in', async () => {
    const res = await admin('county')({
      method: 'POST',
      url: '/api/admin/users',
      payload: newUser('fx_new_station_officer', '620102001'),
    });
    expect(res.statusCode).toBe(201);
    expect((await login('fx_new_station_officer', NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('a user in a unit outside the admin’s scope answers like a unit that does not exist, and nothing is created', async () => {
    const outside = await admin('county')({
      method: 'POST',
      url: '/api/admin/users',
      payload: newUser('fx_probe_a', '620103001'),
    });
    const missing = await admin('county')({
      method: 'POST',
      url: '/api/admin/users',
      payload: newUser('fx_probe_b', '620102999'),
    });
    expect(outside.statusCode).toBe(404);
    expect(answer(outside, '620103001')).toEqual(answer(missing, '620102999'));
    expect(await userRow('fx_probe_a')).toBeUndefined();
    expect(await userRow('fx_probe_b')).toBeUndefined();
  });
});

describe('changing users: inside the scope before and after', () => {
  it('moving a user out of the admin’s scope is refused and changes nothing', async () => {
    const name = username('station', 'planner');
    const res = await admin('county')({
      method: 'PATCH',
      url: `/api/admin/users/${name}`,
      payload: { unitCode: '620103001' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('ONEMAP_ERR_NOT_FOUND');
    expect((await userRow(name))?.unitCode).toBe('620102001');
  });

  it('a city admin moves a user between two of its counties', async () => {
    const name = username('otherCounty', 'analyst');
    const res = await admin('city')({
      method: 'PATCH',
      url: `/api/admin/users/${name}`,
      payload: { unitCode: '620104' },
    });
    expect(res.statusCode).toBe(200);
    expect((await userRow(name))?.unitCode).toBe('620104');
  });

  it('a user outside the admin’s scope answers exactly like a user that does not exist', async () => {
    const outside = username('otherCity', 'planner');
    const a = await admin('county')({
      method: 'PATCH',
      url: `/api/admin/users/${outside}`,
      payload: { disabled: true },
    });
    const b = await admin('county')({
      method: 'PATCH',
      url: '/api/admin/users/fx_nobody_at_all',
      payload: { disabled: true },
    });
    expect(a.statusCode).toBe(404);
    expect(answer(a, outside)).toEqual(answer(b, 'fx_nobody_at_all'));
    expect((await userRow(outside))?.disabled).toBe(false);
  });
});

describe('grants and sources: inside the scope before and after', () => {
  const grant = (unitCode: string) => ({
    unitCode,
    sourceId: FX.closed,
    purposes: ['criminal_case'],
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    fields: [],
  });

  it('granting to a unit outside the scope answers like a unit that does not exist, and grants nothing', async () => {
    const outside = await admin('county')({ method: 'POST', url: '/api/admin/grants', payload: grant('620103') });
    const missing = await admin('county')({ method: 'POST', url: '/api/admin/grants', payload: grant('620102998') });
    expect(outside.statusCode).toBe(404);
    expect(answer(outside, '620103')).toEqual(answer(missing, '620102998'));
    const list = await admin('province')({ url: '/api/admin/grants' });
    expect(list.json().items.filter((g: { sourceId: string }) => g.sourceId === FX.closed)).toEqual([]);
  });

  it('revoking a grant outside the scope answers like a grant that does not exist, and revokes nothing', async () => {
    const made = await admin('province')({
      method: 'POST',
      url: '/api/admin/grants',
      payload: { ...grant('620103'), sourceId: FX.cond },
    });
    expect(made.statusCode).toBe(201);
    const outside = made.json().id as string; // a grant to 620103, outside the county admin's 620102
    const missing = 'G-00000000-0000-4000-8000-00000000ffff';
    const a = await admin('county')({ method: 'DELETE', url: `/api/admin/grants/${outside}` });
    const b = await admin('county')({ method: 'DELETE', url: `/api/admin/grants/${missing}` });
    expect(a.statusCode).toBe(404);
    expect(answer(a, outside)).toEqual(answer(b, missing));
    const list = await admin('province')({ url: '/api/admin/grants' });
    expect(list.json().items.map((g: { id: string }) => g.id)).toContain(outside);
  });

  it('a source outside the scope answers exactly like a source that does not exist', async () => {
    const a = await admin('county')({ method: 'PATCH', url: `/api/admin/sources/${FX.open}`, payload: { grade: 1 } });
    const b = await admin('county')({
      method: 'PATCH',
      url: '/api/admin/sources/fx_no_such_source',
      payload: { grade: 1 },
    });
    expect(a.statusCode).toBe(404);
    expect(answer(a, FX.open)).toEqual(answer(b, 'fx_no_such_source'));
  });

  it('handing a source to a unit outside the scope is refused and changes nothing', async () => {
    const res = await admin('county')({
      method: 'PATCH',
      url: `/api/admin/sources/${FX.closed}`,
      payload: { ownerUnit: '620103' },
    });
    const missing = await admin('county')({
      method: 'PATCH',
      url: `/api/admin/sources/${FX.closed}`,
      payload: { ownerUnit: '620102997' },
    });
    expect(res.statusCode).toBe(404);
    expect(answer(res, '620103')).toEqual(answer(missing, '620102997'));
    const owner = await readTx(graph, async (tx) =>
      (await tx.run('MATCH (s:Source {id: $id}) RETURN s.ownerUnit AS o', { id: FX.closed })).records[0]?.get('o'),
    );
    expect(owner).toBe('620102');
  });
});

describe('units: only the admin’s subtree changes, and the tree stays a tree', () => {
  const post = (level: Parameters<typeof as>[1], units: object[]) =>
    admin(level)({ method: 'POST', url: '/api/admin/units', payload: { units } });

  it('a county admin cannot put the province under itself', async () => {
    const res = await post('county', [{ code: '620000', name: '甘肃省', level: 'province', parent: '620102' }]);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('ONEMAP_ERR_OWN_UNIT');
    expect(await unitRow('620000')).toMatchObject({ parent: null, parentEdges: [] });
  });

  it('an admin cannot rename or move its own unit', async () => {
    const res = await post('county', [{ code: '620102', name: '改名分局', level: 'county', parent: '620100' }]);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('ONEMAP_ERR_OWN_UNIT');
    expect((await unitRow('620102'))?.name).toBe('城关区');
  });

  it('a city admin cannot pull another city’s unit into its subtree', async () => {
    const res = await post('city', [{ code: '620200', name: '嘉峪关市', level: 'county', parent: '620100' }]);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('ONEMAP_ERR_UNIT_CODE_TAKEN');
    expect(await unitRow('620200')).toMatchObject({ parent: '620000', parentEdges: ['620000'] });
  });

  it('a move that would close a cycle is refused', async () => {
    const res = await post('city', [{ code: '620102', name: '城关区', level: 'county', parent: '620102001' }]);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('ONEMAP_ERR_UNIT_TREE');
    expect(await unitRow('620102')).toMatchObject({ parent: '620100', parentEdges: ['620100'] });
  });

  it('a new root is refused: the tree keeps one root', async () => {
    const res = await post('province', [{ code: '630000', name: '青海省', level: 'province', parent: null }]);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('ONEMAP_ERR_UNIT_TREE');
    expect(await unitRow('630000')).toBeUndefined();
  });

  it('a unit’s level is below its parent’s', async () => {
    const res = await post('city', [{ code: '620104002', name: '错级单位', level: 'city', parent: '620104' }]);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('ONEMAP_ERR_UNIT_TREE');
    expect(await unitRow('620104002')).toBeUndefined();
  });

  it('a batch with one bad entry writes nothing', async () => {
    const res = await post('city', [
      { code: '620102002', name: '新派出所', level: 'station', parent: '620102' },
      { code: '620200', name: '嘉峪关市', level: 'county', parent: '620100' },
    ]);
    expect(res.statusCode).toBe(409);
    expect(await unitRow('620102002')).toBeUndefined();
  });

  it('a city admin moves a station between its counties and adds one: every unit keeps exactly one parent', async () => {
    const res = await post('city', [
      { code: '620103001', name: '西园派出所', level: 'station', parent: '620104' },
      { code: '620104001', name: '西固新派出所', level: 'station', parent: '620104' },
    ]);
    expect(res.statusCode).toBe(200);
    expect(await unitRow('620103001')).toMatchObject({ parent: '620104', parentEdges: ['620104'] });
    expect(await unitRow('620104001')).toMatchObject({ parent: '620104', parentEdges: ['620104'] });
    const units = (await admin('city')({ url: '/api/admin/units' })).json().items as { code: string; parent: string }[];
    expect(units.find((u) => u.code === '620103001')?.parent).toBe('620104');
  });
});

describe('nobody grants themselves anything', () => {
  const self = username('county', 'admin');

  it('an admin cannot add roles to itself', async () => {
    const res = await admin('county')({
      method: 'PATCH',
      url: `/api/admin/users/${self}`,
      payload: { roles: ['admin', 'officer', 'analyst'] },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('ONEMAP_ERR_SELF_ADMINISTRATION');
    expect((await userRow(self))?.roles).toEqual(['admin']);
  });

  it('an admin cannot move, disable or re-enable itself', async () => {
    for (const payload of [{ unitCode: '620102001' }, { disabled: true }, { disabled: false }]) {
      const res = await admin('county')({ method: 'PATCH', url: `/api/admin/users/${self}`, payload });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('ONEMAP_ERR_SELF_ADMINISTRATION');
    }
    expect(await userRow(self)).toMatchObject({ unitCode: '620102', disabled: false });
  });

  it('roles of users of the admin’s own unit change only by an admin of a unit above', async () => {
    const peer = username('county', 'officer');
    const own = await admin('county')({
      method: 'PATCH',
      url: `/api/admin/users/${peer}`,
      payload: { roles: ['officer', 'analyst'] },
    });
    expect(own.statusCode).toBe(403);
    expect(own.json().code).toBe('ONEMAP_ERR_NEEDS_HIGHER_UNIT');
    expect((await userRow(peer))?.roles).toEqual(['officer']);
    const above = await admin('city')({
      method: 'PATCH',
      url: `/api/admin/users/${peer}`,
      payload: { roles: ['officer', 'analyst'] },
    });
    expect(above.statusCode).toBe(200);
    expect((await userRow(peer))?.roles).toEqual(['officer', 'analyst']);
  });

  it('an admin cannot take over a peer of its own unit: no password reset, re-enable or certificate', async () => {
    const peer = username('county', 'analyst');
    const fingerprint = Array.from({ length: 32 }, () => 'AB').join(':');
    for (const payload of [{ password: NEW_PASSWORD }, { disabled: false }, { certFingerprint: fingerprint }]) {
      const res = await admin('county')({ method: 'PATCH', url: `/api/admin/users/${peer}`, payload });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('ONEMAP_ERR_NEEDS_HIGHER_UNIT');
    }
    expect((await login(peer, PASSWORD)).statusCode).toBe(200);
  });

  it('an admin may still disable a peer of its own unit (that only takes rights away)', async () => {
    const peer = username('county', 'planner');
    const res = await admin('county')({
      method: 'PATCH',
      url: `/api/admin/users/${peer}`,
      payload: { disabled: true },
    });
    expect(res.statusCode).toBe(200);
    expect((await userRow(peer))?.disabled).toBe(true);
  });

  it('creating a user in the admin’s own unit needs an admin of a unit above', async () => {
    const own = await admin('county')({
      method: 'POST',
      url: '/api/admin/users',
      payload: newUser('fx_new_county_admin', '620102', ['admin']),
    });
    expect(own.statusCode).toBe(403);
    expect(own.json().code).toBe('ONEMAP_ERR_NEEDS_HIGHER_UNIT');
    expect(await userRow('fx_new_county_admin')).toBeUndefined();
    const above = await admin('city')({
      method: 'POST',
      url: '/api/admin/users',
      payload: newUser('fx_new_county_admin', '620102', ['admin']),
    });
    expect(above.statusCode).toBe(201);
  });

  it('an admin changes its own password', async () => {
    const res = await admin('otherCity')({
      method: 'PATCH',
      url: `/api/admin/users/${username('otherCity', 'admin')}`,
      payload: { password: NEW_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    expect((await login(username('otherCity', 'admin'), NEW_PASSWORD)).statusCode).toBe(200);
  });
});
