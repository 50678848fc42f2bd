/**
 * The real-time part of the pipeline benchmarks (`bench-pipeline --realtime-seconds`, `bench-realtime`):
 * pushes of `pushSize` records at a steady `rate` for `seconds`, and push→visible latency (a push is
 * visible when its batch is `done`: its records are committed with its bookkeeping) and backlog.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import type { Graph } from '@onemap/graph-schema/server';
import { parseCsv } from '@onemap/resolver/intake';
import { findBatch, readBatchStatuses } from '@onemap/resolver/graph';
import { startIngestWorker, startRealtimeWorkers } from '@onemap/resolver/jobs';
import { type GroupTiming, type IngestPipeline, readGroupTimings } from '@onemap/resolver/pipeline';
import { cpuMsPer, cpuSeconds, servicePid } from './proc-cpu.ts';
import { eventDays, passShifts, pushedCopy, traceTimeColumns } from './pushed-times.ts';

export interface RealtimeBenchOptions {
  pipeline: IngestPipeline;
  graph: Graph;
  input: string;
  source: string;
  seconds: number;
  rate: number;
  pushSize: number;
  /** 0: the real-time workers run in this process; N: N `onemap worker` processes with `workerEnv` */
  workers: number;
  workerEnv: Record<string, string>;
  /** node options of each worker process (e.g. `--max-old-space-size=1700`: bench-realtime's `--worker-heap-mb`) */
  workerNodeArgs?: string[];
  /** take the pushed records' template from these days' files only (bench-realtime: `--template-days`; default every file) */
  days?: string[];
  /**
   * Push at `rate` for this many seconds first, unmeasured, and wait until those pushes are
   * visible (default 0): the measurement then sees a running service (Neo4j's plans and JIT warm,
   * the leader's caches filled), not a process started a minute before.
   */
  warmupSeconds?: number;
  /** the services' data folder (their pid files): the run prints Neo4j's and Redis's CPU per record */
  servicesDir?: string;
  /**
   * Push every copy at the template's own times (`bench-realtime --same-times`) instead of each
   * pass over the template on days of its own after the graph's latest sighting (`pushed-times.ts`).
   */
  sameTimes?: boolean;
}

/** A template, and each copy's trace times as the pushes send them (`pushed-times.ts`). */
interface Template {
  records: Record<string, unknown>[];
  /** the `seq`-th copy of the template, under `recordId` */
  copy(seq: number, recordId: string): Record<string, unknown>;
}

/** The graph's latest sighting day (`YYYY-MM-DD`), or undefined when it holds none. */
async function latestSightingDay(graph: Graph): Promise<string | undefined> {
  const session = graph.driver.session({ database: graph.database, defaultAccessMode: 'READ' });
  try {
    const r = await session.run(
      'MATCH ()-[v:VISITED]->() WHERE v.at IS NOT NULL RETURN toString(date(v.at)) AS day ORDER BY v.at DESC LIMIT 1',
    );
    return (r.records[0]?.get('day') as string | undefined) ?? undefined;
  } finally {
    await session.close();
  }
}

async function templateFor(o: RealtimeBenchOptions): Promise<Template> {
  const records = templateOf(o.input, o.source, o.pipeline.entry(o.source).file, o.days);
  const columns = traceTimeColumns(o.pipeline.entry(o.source));
  const span = eventDays(records, columns);
  const shiftOf = o.sameTimes || !span ? () => 0 : passShifts({ length: records.length, ...span, after: await latestSightingDay(o.graph) });
  const first = shiftOf(0);
  console.log(
    o.sameTimes || !span
      ? `bench: copies pushed at the template's own times${span ? ` (${span.first} to ${span.last})` : ''}`
      : `bench: each pass over the template (${span.first} to ${span.last}) pushed on days of its own, the first moved by ${first} days (after the graph's latest sighting)`,
  );
  return {
    records,
    copy: (seq, recordId) => {
      const c = pushedCopy(records[seq % records.length]!, columns, shiftOf(seq));
      c.record_id = recordId;
      return c;
    },
  };
}

/** Resident memory of a process in MiB (Linux `/proc`), or null when it is gone. */
function rssMiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : Number.NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Pending pushes read per poller check (the oldest; all of them every 50th check). */
const POLL_OLDEST = 100;
/** Wall-clock ms (comparable with BullMQ's job timestamps, set by other processes). */
const wall = () => performance.timeOrigin + performance.now();

/** One push's way: submitted, answered by the door, queued, taken by the leader's worker, acked, seen done by the poller. */
interface PushTimes {
  at: number;
  answered: number;
  seen?: number;
  queuedAt?: number;
  takenAt?: number;
  finishedAt?: number;
}

/** p50/p95/p99 of `xs`, in ms. */
const pcts = (xs: number[]) => [50, 95, 99].map((p) => pct(xs, p).toFixed(0)).join('/');

/** Where the pushes' latency went: door, queue, worker (group commit + ack), poller; and the leader's stages per group. */
async function printBreakdown(o: RealtimeBenchOptions, pushes: Map<string, PushTimes>, polls: { ms: number; n: number }[]) {
  const queue = o.pipeline.queueFor('leader');
  const ids = [...pushes.keys()];
  for (let i = 0; i < ids.length; i += 200) {
    await Promise.all(
      ids.slice(i, i + 200).map(async (id) => {
        const job = await queue.getJob(id);
        const p = pushes.get(id)!;
        if (job) Object.assign(p, { queuedAt: job.timestamp, takenAt: job.processedOn, finishedAt: job.finishedOn });
      }),
    );
  }
  const done = [...pushes.values()].filter((p) => p.seen && p.takenAt && p.finishedAt);
  if (!done.length) return;
  console.log(`   breakdown of ${done.length} visible leader pushes, p50/p95/p99 ms:`);
  console.log(`     door (submit → answer)                  ${pcts(done.map((p) => p.answered - p.at))}`);
  console.log(`     queue (job added → taken by the worker) ${pcts(done.map((p) => p.takenAt! - p.queuedAt!))}`);
  console.log(`     worker (taken → job completed)          ${pcts(done.map((p) => p.finishedAt! - p.takenAt!))}`);
  console.log(`     poller (job completed → seen done)      ${pcts(done.map((p) => p.seen! - p.finishedAt!))}`);
  console.log(`     total (submit → seen done)              ${pcts(done.map((p) => p.seen! - p.at))}`);
  const pollMs = polls.map((x) => x.ms);
  console.log(
    `   poller: ${polls.length} checks, ${pcts(pollMs)} ms each (p50/p95/p99), ${(polls.reduce((a, x) => a + x.n, 0) / Math.max(1, polls.length)).toFixed(0)} pending per check (the oldest ${POLL_OLDEST} read, all every 50th check), then 5 ms sleep`,
  );
  const groups: GroupTiming[] = await readGroupTimings(o.pipeline.deps.redis);
  if (!groups.length) return;
  const col = (k: keyof GroupTiming) => groups.map((g) => g[k] ?? 0);
  console.log(`   leader: ${groups.length} groups; per group p50/p95/p99 (ms unless said):`);
  for (const k of ['jobs', 'records', 'waitedMax', 'pending', 'lock', 'sync', 'resolve', 'previous', 'tx', 'commit', 'after', 'cycle', 'total', 'loopMax', 'loopMean'] as const)
    console.log(`     ${k.padEnd(10)} ${pcts(col(k))}`);
  const records = groups.reduce((a, g) => a + g.records, 0);
  const per = (k: keyof GroupTiming) => (groups.reduce((a, g) => a + (g[k] ?? 0), 0) / Math.max(1, records)).toFixed(2);
  console.log(
    `     per record (sum over groups / ${fmt(records)} records): resolve ${per('resolve')} ms, tx ${per('tx')} ms, commit ${per('commit')} ms, all stages ${per('total')} ms, on the path (cycle) ${per('cycle')} ms`,
  );
  // pipelined groups overlap: the leader's busy time is each group's cycle (flush start → its write
  // started) plus the last group's write; without cycles (older workers), each group's total
  const span = (groups.at(-1)!.at + groups.at(-1)!.total - groups[0]!.at) / 1000;
  const busy = groups.reduce((a, g) => a + (g.cycle ?? g.total), 0) / 1000;
  console.log(`     the leader flushed ${busy.toFixed(1)} s of ${span.toFixed(1)} s (${((100 * busy) / span).toFixed(0)}% busy)`);
}

function templateOf(input: string, source: string, file: SourceCatalogEntry['file'], days?: string[]): Record<string, unknown>[] {
  const dir = path.join(input, source);
  return fs
    .readdirSync(dir)
    .filter((f) => !days || days.some((d) => f.startsWith(d)))
    .sort()
    .flatMap((f) => templateRows(path.join(dir, f), file));
}

/**
 * A sample file's records as a pushing source system sends them: JSON lines as they are; CSV rows
 * (the catalog's delimiter and encoding) as objects of their header's columns, leaving out the
 * empty cells, as a push leaves out what it does not have.
 */
function templateRows(file: string, spec: SourceCatalogEntry['file']): Record<string, unknown>[] {
  if (file.endsWith('.jsonl')) return fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  if (!file.endsWith('.csv')) throw new Error(`bench realtime: ${file} is neither .jsonl nor .csv`);
  const text = new TextDecoder(spec.encoding === 'gbk' ? 'gbk' : 'utf-8').decode(fs.readFileSync(file));
  const rows: Record<string, unknown>[] = [];
  let header: string[] | null = null;
  parseCsv(text, spec.delimiter ?? ',', (fields) => {
    if (!header) header = fields;
    else if (fields.some((x) => x !== '')) rows.push(Object.fromEntries(header.flatMap((h, i) => (fields[i] ? [[h, fields[i]]] : []))));
    return true;
  });
  return rows;
}

/** Record ids of this process's pushes, distinct across the warm-up and the measured run. */
let pushSeq = 0;

/**
 * Pushes `o.pushSize`-record copies of the template at `o.rate` records/s from `start` until `end`
 * (performance.now() times), spread evenly over each second as independent source systems would
 * send them, at most 20 in flight (a door that falls behind shows as a lower rate sent, not as a
 * burst); `onPushed` gets each answered push. Returns the number of pushes sent.
 */
async function pushAtRate(
  o: RealtimeBenchOptions,
  template: Template,
  start: number,
  end: number,
  onPushed: (batchId: string, accepted: number, at: number, atWall: number) => void,
): Promise<number> {
  const perSecond = Math.max(1, Math.round(o.rate / o.pushSize));
  let sent = 0;
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - start) / 1000) * perSecond) + 1;
    const batch: Promise<void>[] = [];
    for (; sent < due && batch.length < 20; sent++) {
      const records = Array.from({ length: o.pushSize }, () => {
        const seq = pushSeq++;
        return template.copy(seq, `RT-${process.pid}-${Date.now()}-${seq}`);
      });
      const at = performance.now();
      const atWall = wall();
      batch.push(o.pipeline.submitRecords(o.source, records).then((r) => onPushed(r.batchId, r.accepted ?? records.length, at, atWall)));
    }
    await Promise.all(batch);
    await sleep(Math.max(0, 1000 / perSecond - 1));
  }
  return sent;
}

/** Runs the real-time benchmark and prints its figures; returns the latencies' percentiles. */
export async function benchRealtime(
  o: RealtimeBenchOptions,
): Promise<{ p50: number; p95: number; p99: number; visible: number; late: number; maxBacklog: number; lost: number; peakRss: number[] }> {
  const { pipeline, graph } = o;
  const template = await templateFor(o);
  console.log(`bench: pushing copies of ${template.records.length} ${o.source} records (${o.days ? `${o.days.length} sample days` : 'every sample file'})`);
  const procs: ChildProcess[] = [];
  let local: { close(): Promise<void> } | null = null;
  if (o.workers > 0) {
    for (let i = 0; i < o.workers; i++) {
      const p = spawn(
        process.execPath,
        // `node --import tsx` (not tsx's wrapper): the worker is this pid, so node flags apply to it
        // (ONEMAP_WORKER_CPU_PROF=<dir> profiles each worker; the profile is written on SIGTERM).
        [
          ...(process.env.ONEMAP_WORKER_CPU_PROF
            ? ['--cpu-prof', `--cpu-prof-dir=${process.env.ONEMAP_WORKER_CPU_PROF}`]
            : []),
          ...(o.workerNodeArgs ?? []),
          '--import',
          'tsx',
          'resolver/src/cli/main.ts',
          'worker',
          '--concurrency',
          '1',
        ],
        {
          env: { ...process.env, ...o.workerEnv, ONEMAP_GROUP_TIMINGS: 'true' },
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
      procs.push(p);
    }
  } else {
    const rt = startRealtimeWorkers(pipeline, {
      onError: (what, err) => console.error(`bench: ${what}: ${err.message}`),
    });
    const derive = startIngestWorker(pipeline, { concurrency: 1 });
    local = { close: async () => void (await Promise.all([rt.close(), derive.close()])) };
  }
  try {
    // Warm-up: one push through the whole path (workers up, a leader elected, code paths compiled).
    const warm = await pipeline.submitRecords(
      o.source,
      Array.from({ length: o.pushSize }, (_, i) => template.copy(i, `RTW-${Date.now()}-${i}`)),
    );
    for (let i = 0; i < 1200 && (await findBatch(graph, warm.batchId))?.status !== 'done'; i++) await sleep(100);
    if (o.warmupSeconds) {
      const warmIds: string[] = [];
      const t = performance.now();
      const n = await pushAtRate(o, template, t, t + o.warmupSeconds * 1000, (batchId) => void warmIds.push(batchId));
      const pushed = performance.now();
      let left = warmIds;
      while (left.length && performance.now() - pushed < 300_000) {
        const statuses = await readBatchStatuses(graph, left);
        left = left.filter((id) => statuses.get(id) !== 'done');
        if (left.length) await sleep(200);
      }
      console.log(
        `bench: warm-up, unmeasured: ${fmt(n * o.pushSize)} records at ${o.rate}/s for ${o.warmupSeconds} s, visible ${((performance.now() - pushed) / 1000).toFixed(1)} s after the last push${left.length ? ` (${left.length} pushes still not visible after 300 s)` : ''}`,
      );
    }

    // Resident memory of the workers (or this process), every 2 s until they stop.
    const pids = procs.length ? procs.map((p) => p.pid!) : [process.pid];
    const rss: (number | null)[][] = [];
    let sampling = true;
    const rssSampler = (async () => {
      while (sampling) {
        rss.push(pids.map(rssMiB));
        await sleep(2000);
      }
    })();
    const latencies: number[] = [];
    const pending = new Map<string, { at: number; n: number }>();
    const pushes = new Map<string, PushTimes>();
    const polls: { ms: number; n: number }[] = [];
    await pipeline.deps.redis.del('onemap:group-timings');
    const backlog: { t: number; queued: number }[] = [];
    // CPU of every process on the path, from the start of the run until its pushes are visible
    const cpuPids: [string, number | undefined][] = [
      ...pids.map((pid, i): [string, number] => [procs.length ? `worker ${i + 1}` : 'this process (door, poller, workers)', pid]),
      ...(procs.length ? [['this process (door, poller)', process.pid] as [string, number]] : []),
      ['Neo4j', o.servicesDir ? servicePid(o.servicesDir, 'neo4j') : undefined],
      ['Redis', o.servicesDir ? servicePid(o.servicesDir, 'redis') : undefined],
    ];
    const cpu0 = cpuPids.map(([, pid]) => cpuSeconds(pid));
    const start = performance.now();
    const end = start + o.seconds * 1000;
    console.log(
      `\n== real-time (${o.source}): pushing ${o.rate} records/s in pushes of ${o.pushSize} for ${o.seconds} s, ${o.workers || 'in-process'} worker${o.workers === 1 ? '' : 's'}…`,
    );
    const poller = (async () => {
      while (performance.now() < end + 30_000 && (performance.now() < end || pending.size)) {
        if (pending.size) {
          const t = performance.now();
          // Groups commit in queue order: the oldest pending pushes are read each check, all of them
          // every 50th (the poller's own reads are load on the same Neo4j and cores).
          const ids = [...pending.keys()];
          // statuses only: the whole Batch node (counts, timings, rejects) would make the poller's
          // reads a load on Neo4j that no caller waiting for its pushes imposes
          const found = await readBatchStatuses(graph, polls.length % 50 ? ids.slice(0, POLL_OLDEST) : ids);
          const now = performance.now();
          polls.push({ ms: now - t, n: pending.size });
          for (const [id, status] of found) {
            const p = pending.get(id);
            if (p && status === 'done') {
              for (let i = 0; i < p.n; i++) latencies.push(now - p.at);
              pending.delete(id);
              const times = pushes.get(id);
              if (times) times.seen = wall();
            }
          }
        }
        await sleep(5);
      }
    })();
    const sampler = (async () => {
      while (performance.now() < end) {
        const c = await Promise.all(
          ['leader', 'traces'].map((l) =>
            pipeline.queueFor(l as 'leader').getJobCounts('waiting', 'active', 'prioritized'),
          ),
        );
        backlog.push({
          t: (performance.now() - start) / 1000,
          queued: c.reduce((n, x) => n + (x.waiting ?? 0) + (x.active ?? 0) + (x.prioritized ?? 0), 0),
        });
        await sleep(1000);
      }
    })();
    const sent = await pushAtRate(o, template, start, end, (batchId, n, at, atWall) => {
      pending.set(batchId, { at, n });
      pushes.set(batchId, { at: atWall, answered: wall() });
    });
    await Promise.all([poller, sampler]);
    const cpu1 = cpuPids.map(([, pid]) => cpuSeconds(pid));
    sampling = false;
    await rssSampler;
    // Not visible yet: late while its job waits or runs; lost when its job failed for good, or
    // completed (or vanished) without its batch done.
    const states = new Map<string, number>();
    let lost = 0;
    // A job that completed after the poller's last check is late, not lost: its batch is done now.
    // The job states are read first: a job completes only after its batch's transaction committed,
    // so one seen completed has its batch done in a read made after (the other order counted jobs
    // that completed between the two reads as lost while the leader was still at work).
    const jobStates = new Map<string, string>();
    for (const id of pending.keys()) jobStates.set(id, await pipeline.jobState(id));
    const doneNow = await readBatchStatuses(graph, [...pending.keys()]);
    for (const id of pending.keys()) {
      let state = jobStates.get(id)!;
      if (doneNow.get(id) === 'done') state = `${state}, batch done after the window`;
      states.set(state, (states.get(state) ?? 0) + 1);
      if (['failed', 'completed', 'unknown'].includes(state)) lost++;
    }
    const r = {
      lost,
      peakRss: pids.map((_, i) => Math.max(0, ...rss.map((x) => x[i] ?? 0))),
      p50: pct(latencies, 50),
      p95: pct(latencies, 95),
      p99: pct(latencies, 99),
      visible: latencies.length,
      late: pending.size,
      maxBacklog: Math.max(0, ...backlog.map((b) => b.queued)),
    };
    console.log(`   ${fmt(sent)} pushes sent (${fmt((sent * o.pushSize) / o.seconds)} records/s offered by the door)`);
    console.log(
      `   ${fmt(r.visible)} records visible; push→visible p50 ${r.p50.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms, max ${pct(latencies, 100).toFixed(0)} ms; ${r.late} pushes not visible within 30 s after the end`,
    );
    if (r.late)
      console.log(
        `   not visible, by job state: ${[...states].map(([k, n]) => `${k} ${n}`).join(', ')} → ${lost} lost, ${r.late - lost} still queued (late)`,
      );
    const at = (f: number) => rss[Math.min(rss.length - 1, Math.floor(f * rss.length))] ?? [];
    console.log(
      `   RSS MiB of ${procs.length ? 'each worker' : 'this process'} at 25/50/75/100% of the run: ${pids
        .map((_, i) => `${[0.25, 0.5, 0.75, 0.999].map((f) => at(f)[i] ?? '-').join('/')} (peak ${r.peakRss[i]})`)
        .join('; ')}`,
    );
    const q = (f: number) => backlog[Math.min(backlog.length - 1, Math.floor(f * backlog.length))]?.queued ?? 0;
    console.log(
      `   queued+active pushes sampled each second: max ${r.maxBacklog}; at 25/50/75/100% of the run ${q(0.25)}/${q(0.5)}/${q(0.75)}/${q(0.999)}`,
    );
    console.log(
      `   CPU ms per visible record: ${cpuPids
        .map(([name], i) => `${name} ${cpuMsPer(cpu0[i]!, cpu1[i]!, r.visible) ?? '?'}`)
        .join(', ')}`,
    );
    await printBreakdown(o, pushes, polls);
    console.log(
      `   load average (1/5/15 min) ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join('/')} on ${os.cpus().length} cores`,
    );
    return r;
  } finally {
    await local?.close();
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
  }
}
