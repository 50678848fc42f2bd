/**
 * What a viewer may not see must not come back another way: as the equality a review explanation
 * states, as a colleague's rule or watch count, as record-level artefacts a purpose or a
 * statistics grant would open to roles that do not work on individuals, or as a login limit that
 * concurrent tries pass.
 */
import { type Graph, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_PURPOSE, as, useServerApp } from '../helpers/server-app.ts';
import { E, FX } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;

const ID = '620102199001011234';
const mention = (id: string) => JSON.stringify({ person: { kind: 'Person', identifiers: [{ kind: 'resident_id', value: id }], flags: [] } });
const attrs = (id: string) => JSON.stringify({ person: { name: '孙悟空', nameScript: 'han', family: '孙', given: '悟空', pyFamily: 'sun', pyGiven: 'wukong', residentId: id } });

useServerApp(
  { RATE_LIMIT_PER_MINUTE: 1_000_000 },
  (s) => {
    ({ app, graph } = s);
  },
  async (g) => {
    // A: a possible match from the open source (resident ID masked for the county: the province owns it);
    // B: its candidate, from the conditional source whose grant unmasks the resident ID for the county.
    await writeTx(g, (tx) =>
      tx.run(
        `CREATE (a:Entity:Person {eid: 'P-SCA', name: '孙悟空', provenance: $pa})
         CREATE (b:Entity:Person {eid: 'P-SCB', name: '孙悟空', provenance: $pb})
         CREATE (ra:SourceRecord {rid: 'fx_open:scA', source: $open, recordId: 'scA', receivedAt: datetime('2026-10-02T00:00:00Z'), attrs: $attrs, mentions: $mention, hash: 'scA'})
         CREATE (rb:SourceRecord {rid: 'fx_cond:scB', source: $cond, recordId: 'scB', receivedAt: datetime('2026-10-02T00:00:00Z'), attrs: $attrs, mentions: $mention, hash: 'scB'})
         CREATE (ra)-[:RESOLVED_TO {role: 'person', decision: 'possible_match', candidate: 'P-SCB', score: 0.55, at: datetime()}]->(a)
         CREATE (rb)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(b)
         // C/D: a pair the county sees whole (names only, nothing masked), stored a little further from 0.5 than A's
         CREATE (c:Entity:Person {eid: 'P-SCC', name: '猪八戒', provenance: $pc})
         CREATE (d:Entity:Person {eid: 'P-SCD', name: '猪八戒', provenance: $pd})
         CREATE (rc:SourceRecord {rid: 'fx_open:scC', source: $open, recordId: 'scC', receivedAt: datetime('2026-10-02T00:00:00Z'), attrs: $attrsC, mentions: $mentionC, hash: 'scC'})
         CREATE (rd:SourceRecord {rid: 'fx_open:scD', source: $open, recordId: 'scD', receivedAt: datetime('2026-10-02T00:00:00Z'), attrs: $attrsC, mentions: $mentionC, hash: 'scD'})
         CREATE (rc)-[:RESOLVED_TO {role: 'person', decision: 'possible_match', candidate: 'P-SCD', score: 0.56, at: datetime()}]->(c)
         CREATE (rd)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(d)`,
        {
          open: FX.open,
          cond: FX.cond,
          pa: JSON.stringify({ name: { source: FX.open, rid: 'fx_open:scA' } }),
          pb: JSON.stringify({ name: { source: FX.cond, rid: 'fx_cond:scB' } }),
          attrs: attrs(ID),
          mention: mention(ID),
          pc: JSON.stringify({ name: { source: FX.open, rid: 'fx_open:scC' } }),
          pd: JSON.stringify({ name: { source: FX.open, rid: 'fx_open:scD' } }),
          attrsC: JSON.stringify({ person: { name: '猪八戒', nameScript: 'han', family: '猪', given: '八戒', pyFamily: 'zhu', pyGiven: 'bajie' } }),
          mentionC: JSON.stringify({ person: { kind: 'Person', identifiers: [], flags: [] } }),
        },
      ),
    );
  },
);

describe('the review queue explains a pair only by values the analyst sees plain on both sides', () => {
  it('a resident ID masked on one record is neither an anchor nor an "exact" beside the plain one, and the score says no more', async () => {
    const county = as(app, 'county', 'analyst');
    expect((await county({ url: '/api/entities/P-SCA' })).json().golden.residentId.masked).toBe(true);
    expect((await county({ url: '/api/entities/P-SCB' })).json().golden.residentId).toMatchObject({ value: ID, masked: false });
    const res = await county({ url: '/api/resolution/candidates' });
    expect(res.statusCode, res.body).toBe(200);
    const item = res.json().items.find((i: { rid: string }) => i.rid === 'fx_open:scA');
    expect(item, 'the pair is listed').toBeDefined();
    const said = JSON.stringify(item.explanation);
    expect(said).not.toMatch(/resident|birth|sex|county/i);
    // what the analyst sees plain on both (the name, and its internal Pinyin keys with it) is still compared
    expect(item.explanation.waterfall.map((w: { label: string }) => w.label).join(' ')).toMatch(/name/);
    expect(item.explanation.anchors).toEqual([]);
    // the stored 0.55 weighed the masked ID: it is not shown
    expect(item.score).toBeNull();
  });

  it('the queue is ordered by what the analyst is shown, never by a withheld score', async () => {
    const county = as(app, 'county', 'analyst');
    const res = await county({ url: '/api/resolution/candidates' });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as { rid: string; score: number | null; explanation: { probability: number } | null }[];
    const a = items.find((i) => i.rid === 'fx_open:scA');
    const c = items.find((i) => i.rid === 'fx_open:scC');
    expect(a?.score, 'A is withheld').toBeNull();
    expect(c?.score, 'C is shown').toBe(0.56);
    const shown = items.map((i) => Math.abs((i.score ?? i.explanation?.probability ?? Number.NaN) - 0.5));
    // by the stored scores A (0.55) would come before C (0.56); what the analyst is shown decides
    expect(shown, JSON.stringify(items.map((i) => [i.rid, i.score, i.explanation?.probability]))).toEqual([...shown].sort((x, y) => x - y));
    // and the order is not the stored one whenever the two disagree
    const pA = a?.explanation?.probability ?? Number.NaN;
    expect(items.findIndex((i) => i.rid === 'fx_open:scA') < items.findIndex((i) => i.rid === 'fx_open:scC')).toBe(Math.abs(pA - 0.5) < 0.06);
  });
});

describe("a unit's early-warning rules are listed to a colleague only when the colleague sees what they name", () => {
  it('a rule on a person the colleague may not see under their purpose is not listed, its hits are a 404; its creator still ends it', async () => {
    const creator = as(app, 'wrongPurposeCounty', 'officer', ADMIN_PURPOSE);
    const made = await creator({
      method: 'POST',
      url: '/api/warnings/rules',
      payload: {
        name: '赵敏 入城关',
        kind: 'area',
        subjects: [E.P4],
        polygon: { type: 'Polygon', coordinates: [[[103.835, 36.085], [103.848, 36.085], [103.848, 36.098], [103.835, 36.098], [103.835, 36.085]]] },
        expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
    });
    expect(made.statusCode, made.body).toBe(201);
    const id = made.json().id as string;
    expect((await creator({ url: '/api/warnings/rules' })).json().items.map((r: { id: string }) => r.id)).toContain(id);
    const colleague = as(app, 'wrongPurposeCounty', 'analyst');
    expect((await colleague({ url: `/api/entities/${E.P4}` })).statusCode).toBe(404);
    const listed = await colleague({ url: '/api/warnings/rules' });
    expect(listed.statusCode).toBe(200);
    expect(JSON.stringify(listed.json())).not.toMatch(/P-FX4|赵敏/);
    expect((await colleague({ url: `/api/warnings/rules/${id}/hits` })).statusCode).toBe(404);
    expect((await colleague({ method: 'DELETE', url: `/api/warnings/rules/${id}` })).statusCode).toBe(404);
    expect((await as(app, 'wrongPurposeCounty', 'officer')({ method: 'DELETE', url: `/api/warnings/rules/${id}` })).statusCode).toBe(200);
  });
});

describe('a purpose opens individual-level grants only to those who work on individuals', () => {
  it("a planner's stated purpose does not open a source granted for casework: quality report examples stay closed", async () => {
    const examples = JSON.stringify([{ rule: 'resident_id_check_digit', rid: 'fx_cond:HK-00077', field: 'person.residentId', attribute: 'residentId', severity: 'error', detail: 'check digit', value: '620104198001017777' }]);
    await writeTx(graph, (tx) =>
      tx.run("CREATE (:QualityReport {id: 'QR-sc1', kind: 'batch', source: $cond, ownerUnit: '620000', batchId: 'fx_cond.aaaaaaaaaaaaaaaaaaaaaaaa', at: datetime(), overall: 0.9, scoresJson: '[]', examplesJson: $examples})", {
        examples,
        cond: FX.cond,
      }),
    );
    for (const purpose of [null, ADMIN_PURPOSE]) {
      const res = await as(app, 'wrongPurposeCounty', 'planner', purpose)({ url: '/api/quality/reports' });
      expect(res.statusCode, res.body).toBe(200);
      expect(JSON.stringify(res.json()), `purpose ${JSON.stringify(purpose)}`).not.toContain('HK-00077');
    }
    // an officer of the same unit, under the purpose its grant covers, may read the example
    const officer = await as(app, 'wrongPurposeCounty', 'analyst', ADMIN_PURPOSE)({ url: '/api/quality/reports' });
    expect(officer.statusCode, officer.body).toBe(200);
  });
});

describe("an ingest batch's file name and rejects are record-level: a statistics grant does not open them", () => {
  it("the county admin (a statistics grant on another unit's source) neither lists the batch nor reads its rejects", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-sc-')), 'rejects.csv');
    fs.writeFileSync(file, 'source,file,line,record_id,field,code,reason,value\nfx_cond,hukou.csv,7,HK-00042,person.residentId,ONEMAP_ERR_BAD_VALUE,person.residentId: bad_check_digit,620102199001011235\n');
    const batchId = `${FX.cond}.0123456789abcdef01234567`;
    await writeTx(graph, (tx) =>
      tx.run("CREATE (:Batch {batchId: $batchId, source: $cond, originalName: 'hukou-2026-11.csv', way: 'file', status: 'done', rows: 10, rejected: 1, rejectsFile: $file, receivedAt: '2026-11-01T00:00:00Z'})", {
        batchId,
        file,
        cond: FX.cond,
      }),
    );
    const admin = as(app, 'county', 'admin', null);
    const list = await admin({ url: '/api/ingest/jobs' });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.body).not.toContain('hukou-2026-11.csv');
    expect((await admin({ url: `/api/ingest/jobs/${batchId}` })).statusCode).toBe(404);
    expect((await admin({ url: `/api/ingest/jobs/${batchId}/rejects` })).statusCode).toBe(404);
    // the owner's admin reads them
    const owner = await as(app, 'province', 'admin', null)({ url: `/api/ingest/jobs/${batchId}/rejects` });
    expect(owner.statusCode, owner.body).toBe(200);
    expect(owner.body).toContain('HK-00042');
  });
});

describe('the per-account login limit holds under concurrent tries', () => {
  it('40 wrong passwords at once for one account from 40 addresses: at most the limit are checked, the rest answer 429', async () => {
    const user = `probe-${process.pid}-${Date.now()}`; // unknown names are counted like known ones
    const tries = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: `10.9.0.${i + 1}`, payload: { username: user, password: 'wrong-password-x' } }),
      ),
    );
    const byStatus: Record<number, number> = {};
    for (const t of tries) byStatus[t.statusCode] = (byStatus[t.statusCode] ?? 0) + 1;
    expect(byStatus[401]).toBe(app.config.LOGIN_FAILURES_PER_ACCOUNT);
    expect(byStatus[429]).toBe(40 - app.config.LOGIN_FAILURES_PER_ACCOUNT);
  });
});

describe('the watch stream opens with the count of watches the caller may list', () => {
  it("a colleague's watch on a person the caller may not see is not counted", async () => {
    const creator = as(app, 'wrongPurposeCounty', 'officer', ADMIN_PURPOSE);
    const made = await creator({ method: 'POST', url: '/api/watches', payload: { eid: E.P4 } });
    expect(made.statusCode, made.body).toBe(201);
    const colleague = as(app, 'wrongPurposeCounty', 'analyst');
    const list = (await colleague({ url: '/api/watches' })).json().items as unknown[];
    const t = await colleague({ method: 'POST', url: '/api/watches/stream-ticket' });
    expect(t.statusCode, t.body).toBe(201);
    await app.listen({ port: 0, host: '127.0.0.1' }).catch(() => undefined);
    const port = (app.server.address() as { port: number }).port;
    const ready = await new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: `/api/watches/stream?ticket=${t.json().ticket}` }, (res) => {
        res.setEncoding('utf8');
        let buf = '';
        res.on('data', (c: string) => {
          buf += c;
          const m = /event: ready\ndata: (\{[^\n]*\})/.exec(buf);
          if (m?.[1]) {
            req.destroy();
            resolve(m[1]);
          }
        });
      });
      req.on('error', reject);
    });
    expect(JSON.parse(ready)).toEqual({ watching: list.length });
    await creator({ method: 'DELETE', url: `/api/watches/${made.json().id}` });
  });
});
