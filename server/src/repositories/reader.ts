import { type Graph, readTx } from '@onemap/graph-schema/server';
import type { ManagedTransaction } from 'neo4j-driver';
import { HttpError } from '../errors.ts';

/** What read repositories take: the graph (one transaction per call) or an open read transaction. */
export type Reader = Graph | { tx: ManagedTransaction };

/** Runs `work` in the caller's transaction, or in a new read transaction. */
export function read<T>(r: Reader, work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
  return 'tx' in r ? work(r.tx) : readTx(r, work);
}

/**
 * Runs a whole request's reads in one transaction (fewer round trips than one per query), or in
 * the caller's open transaction (a benchmark profiling every statement).
 * HTTP errors thrown inside (404 for an invisible entity …) come out as they went in.
 */
export async function withRead<T>(graph: Reader, work: (r: Reader) => Promise<T>): Promise<T> {
  if ('tx' in graph) return work(graph);
  let httpErr: HttpError | null = null;
  const out = await readTx(graph, async (tx) => {
    try {
      return await work({ tx });
    } catch (e) {
      if (e instanceof HttpError) {
        httpErr = e;
        return null as T;
      }
      throw e;
    }
  });
  if (httpErr) throw httpErr;
  return out;
}
