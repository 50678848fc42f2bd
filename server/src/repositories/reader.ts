import { type Graph, type ReadRunner, readTx } from '@onemap/graph-schema/server';
import { HttpError } from '../errors.ts';

/** What read repositories take: the graph (one read per call) or the caller's open read (or transaction). */
export type Reader = Graph | { tx: ReadRunner };

/** Runs `work` in the caller's read, or in a new one. */
export function read<T>(r: Reader, work: (tx: ReadRunner) => Promise<T>): Promise<T> {
  return 'tx' in r ? work(r.tx) : readTx(r, work);
}

/**
 * Runs a whole request's reads as one read (`readTx`: one session, the read timeout shared by its
 * statements), or in the caller's open read (a benchmark profiling every statement).
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
