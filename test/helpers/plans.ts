import { type Graph, type ReadRunner, writeTx } from '@onemap/graph-schema/server';
import type { ProfiledPlan, Session } from 'neo4j-driver';

/** Db hits of a PROFILE plan, every operator counted. */
export function totalHits(p: ProfiledPlan): number {
  return p.dbHits + p.children.reduce((s, c) => s + totalHits(c), 0);
}

/** A PROFILE plan as indented lines (operator, rows, db hits, details cut at 140 characters), for a test's failure output. */
export function printPlan(p: ProfiledPlan, depth = 0): string[] {
  const details = String((p.arguments as Record<string, unknown>).Details ?? '')
    .replace(/\s+/g, ' ')
    .slice(0, 140);
  return [
    `${'  '.repeat(depth)}${p.operatorType.replace(/@.*$/, '')} rows=${p.rows} dbHits=${p.dbHits} ${details}`,
    ...p.children.flatMap((c) => printPlan(c, depth + 1)),
  ];
}

/**
 * Index statistics resampled and the query plans dropped (`db.prepareForReplanning`), after a test
 * wrote its store: on a graph just created the statistics still say "empty", and a planner that
 * believes them may scan every Person or every visit of a time window (a fresh clone's first run
 * did). Plans asserted by a test are then those the statistics of its store give, as in service.
 */
export async function replanOnCurrentStatistics(graph: Graph): Promise<void> {
  await writeTx(graph, (tx) => tx.run('CALL db.prepareForReplanning()'));
}

/**
 * The graph with every read statement (`readTx`: the session's `run`) run under PROFILE, its plan
 * pushed to `plans` in order: what a repository function costs, counted, whatever statements it builds.
 */
export function profilingGraph(graph: Graph, plans: ProfiledPlan[] = []): { graph: Graph; plans: ProfiledPlan[] } {
  const driver = new Proxy(graph.driver, {
    get(target, prop) {
      if (prop !== 'session') return Reflect.get(target, prop, target);
      return (config: Parameters<typeof target.session>[0]) => {
        const session = target.session(config);
        return new Proxy(session, {
          get(s, p) {
            if (p === 'run')
              return (q: string, params: Record<string, unknown>, c: Parameters<Session['run']>[2]) =>
                s.run(`PROFILE ${q}`, params, c).then((r) => {
                  if (r.summary.profile) plans.push(r.summary.profile);
                  return r;
                });
            const v = Reflect.get(s, p, s);
            return typeof v === 'function' ? v.bind(s) : v;
          },
        });
      };
    },
  });
  return { graph: { ...graph, driver }, plans };
}

/**
 * The caller's open read with every statement run under PROFILE: each plan pushed to `plans`, each
 * statement's text to `queries` (`ONEMAP_PRINT_PLANS=1` prints the plans). For a service function
 * that takes a `{ tx }` reader.
 */
export function profilingRunner(tx: ReadRunner, plans: ProfiledPlan[], queries: string[] = []): ReadRunner {
  return new Proxy(tx, {
    get(target, prop) {
      if (prop !== 'run') return Reflect.get(target, prop);
      return async (q: string, p?: Record<string, unknown>) => {
        queries.push(q);
        const r = await target.run(`PROFILE ${q}`, p);
        if (r.summary.profile) plans.push(r.summary.profile);
        if (r.summary.profile && process.env.ONEMAP_PRINT_PLANS) console.log(printPlan(r.summary.profile).join('\n'));
        return r;
      };
    },
  }) as ReadRunner;
}
