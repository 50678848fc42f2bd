/**
 * Real-time pushes across worker processes: the resolve leader holds a Redis lease; killed with
 * -9 in the middle of a run, another `onemap worker` takes the lease over and every pushed record
 * ends up in the graph exactly once. Trace-only pushes (checkpoint passes) are written by every
 * worker without the resolve lock. A stale leader is fenced off by its epoch.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SAMPLE_DIR } from '@onemap/datasets';
import { readTx, writeTx } from '@onemap/graph-schema/server';
import { findBatch } from '@onemap/resolver/graph';
import { LEADER_KEY } from '@onemap/resolver/pipeline';
import { describe, expect, it } from 'vitest';
import { fenceLeader, fenceLeaderTx } from '../../resolver/src/graph/batches.ts';
import { testEnv } from '../helpers/env.ts';
import { useTestPipeline } from '../helpers/pipeline.ts';

const t = useTestPipeline();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function startWorker(): { proc: ChildProcess; log: string[] } {
  const log: string[] = [];
  // `node --import tsx`: the worker is this very process, so kill -9 reaches it (tsx's cli wrapper would run it in a child).
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', 'resolver/src/cli/main.ts', 'worker', '--concurrency', '1'],
    {
      env: {
        ...process.env,
        ...testEnv,
        ONEMAP_STAGING_DIR: t.pipeline.deps.stagingDir,
        ONEMAP_REJECTS_DIR: t.pipeline.deps.rejectsDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  proc.stdout!.on('data', (d) => log.push(String(d)));
  proc.stderr!.on('data', (d) => log.push(String(d)));
  return { proc, log };
}

async function stop(w: { proc: ChildProcess }) {
  if (w.proc.exitCode !== null || w.proc.signalCode !== null) return;
  const exited = new Promise((r) => w.proc.once('exit', r));
  w.proc.kill('SIGTERM');
  await Promise.race([exited, sleep(30_000).then(() => w.proc.kill('SIGKILL'))]);
}

/** The pid of the process holding the resolve leader's lease (its token starts with the pid). */
async function leaderPid(): Promise<number | undefined> {
  const token = await t.redis.get(LEADER_KEY);
  return token ? Number(token.split(':')[0]) : undefined;
}

function sampleLines(source: string, n: number): Record<string, unknown>[] {
  const dir = path.join(SAMPLE_DIR, source);
  return fs
    .readdirSync(dir)
    .sort()
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n'))
    .slice(0, n)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('real-time pushes with a resolve leader and trace writers in separate processes', () => {
  it('kill -9 the leader mid-run: another worker takes over and every record is in the graph exactly once', async () => {
    const a = startWorker();
    const b = startWorker();
    const pushed: { batchId: string; rids: string[] }[] = [];
    try {
      const pids = [a.proc.pid, b.proc.pid];
      const first = await waitFor(
        'a leader',
        async () => {
          const p = await leaderPid();
          return p !== undefined && pids.includes(p) && p;
        },
        180_000,
      );
      const hotel = sampleLines('hotel', 200);
      const checkpoint = sampleLines('checkpoint', 200);
      const push = async (source: string, rows: Record<string, unknown>[]) => {
        const r = await t.pipeline.submitRecords(source, rows);
        expect(r.rejected).toEqual([]);
        pushed.push({ batchId: r.batchId, rids: rows.map((x) => `${source}:${String(x.record_id)}`) });
      };
      // First half, then kill the leader as soon as some of it is committed, then the rest.
      for (let i = 0; i < 100; i += 10) {
        await push('hotel', hotel.slice(i, i + 10));
        await push('checkpoint', checkpoint.slice(i, i + 10));
      }
      await waitFor(
        'a first committed push',
        async () => (await findBatch(t.graph, pushed[0]!.batchId))?.status === 'done',
        120_000,
      );
      const leader = first === a.proc.pid ? a : b;
      const survivor = leader === a ? b : a;
      leader.proc.kill('SIGKILL');
      for (let i = 100; i < 200; i += 10) {
        await push('hotel', hotel.slice(i, i + 10));
        await push('checkpoint', checkpoint.slice(i, i + 10));
      }
      await waitFor(
        'the survivor to take the lease',
        async () => {
          const p = await leaderPid();
          return p === survivor.proc.pid;
        },
        120_000,
      );
      for (const p of pushed) {
        const info = await waitFor(
          `push ${p.batchId}`,
          async () => {
            const x = await findBatch(t.graph, p.batchId);
            return x?.status === 'done' && x;
          },
          240_000,
        );
        expect(info.rejected).toBe(0);
      }
      const rids = pushed.flatMap((p) => p.rids);
      const rows = await readTx(t.graph, async (tx) => {
        const r = await tx.run(
          `UNWIND $rids AS rid
           OPTIONAL MATCH (s:SourceRecord {rid: rid})
           OPTIONAL MATCH (s)-[x:RESOLVED_TO]->(e)
           WITH rid, count(DISTINCT s) AS records, count(x) AS resolved, collect(DISTINCT x.role) AS roles, collect(e) AS es
           OPTIONAL MATCH (subject)-[v:VISITED {rid: rid}]->()
           WHERE subject IN es
           RETURN rid, records, resolved, size(roles) AS roles, count(v) AS visits`,
          { rids },
        );
        return r.records.map((x) => ({
          rid: x.get('rid') as string,
          records: Number(x.get('records')),
          resolved: Number(x.get('resolved')),
          roles: Number(x.get('roles')),
          visits: Number(x.get('visits')),
        }));
      });
      expect(rows).toHaveLength(400);
      // one source record, one RESOLVED_TO per role (a hotel stay names guest, hotel and maybe a phone), one VISITED
      const wrong = rows.filter((r) => r.records !== 1 || r.roles < 2 || r.resolved !== r.roles || r.visits !== 1);
      expect(wrong).toEqual([]);
      // Passes of plates at checkpoints the graph knows are written by the trace writers, outside
      // the resolve lock and the index (no pipeline sequence), onto the entities the leader made.
      const again = checkpoint.slice(0, 10).map((x) => ({ ...x, record_id: `${String(x.record_id)}-AGAIN` }));
      const r = await t.pipeline.submitRecords('checkpoint', again);
      await waitFor('the second passes', async () => (await findBatch(t.graph, r.batchId))?.status === 'done', 120_000);
      const traced = await readTx(t.graph, async (tx) => {
        const q = await tx.run(
          `UNWIND $pairs AS p
           MATCH (a:SourceRecord {rid: p[0]})-[:RESOLVED_TO {role: 'vehicle'}]->(v:Vehicle)<-[:RESOLVED_TO {role: 'vehicle'}]-(b:SourceRecord {rid: p[1]})
           MATCH (v)-[:VISITED {rid: p[1]}]->(:Place)
           RETURN count(*) AS same, sum(CASE WHEN b.seq IS NULL THEN 1 ELSE 0 END) AS outsideIndex`,
          {
            pairs: checkpoint
              .slice(0, 10)
              .map((x) => [`checkpoint:${String(x.record_id)}`, `checkpoint:${String(x.record_id)}-AGAIN`]),
          },
        );
        return { same: Number(q.records[0]!.get('same')), outsideIndex: Number(q.records[0]!.get('outsideIndex')) };
      });
      expect(traced).toEqual({ same: 10, outsideIndex: 10 });
    } finally {
      await stop(b);
      await stop(a);
    }
  }, 600_000);

  it('a stale leader cannot commit after a newer epoch has written', async () => {
    await fenceLeader(t.graph, 1_000_001);
    await fenceLeader(t.graph, 1_000_002);
    await expect(writeTx(t.graph, (tx) => fenceLeaderTx(tx, 1_000_001))).rejects.toThrow(/epoch 1000001 is fenced off/);
    // the newer one still can
    await writeTx(t.graph, (tx) => fenceLeaderTx(tx, 1_000_002));
  });
});
