/** QualityReport nodes and the owner unit governance records for a source. Rows in, plain rows out. */
import { type Graph, readTx, toPlain, writeTx } from '@onemap/graph-schema/server';
import neo4j from 'neo4j-driver';

/** A QualityReport as stored: scores and examples are JSON strings. */
export interface QualityReportRow {
  id: string;
  kind: 'batch' | 'period';
  source: string;
  ownerUnit: string;
  batchId: string | null;
  at: string;
  overall: number;
  scoresJson: string;
  examplesJson: string;
}

/** Creates or replaces the report with `row.id`. */
export async function mergeQualityReport(graph: Graph, row: QualityReportRow): Promise<void> {
  await writeTx(graph, (tx) =>
    tx.run(
      `MERGE (q:QualityReport {id: $id})
       SET q.kind = $kind, q.source = $source, q.ownerUnit = $ownerUnit, q.batchId = $batchId, q.at = datetime($at),
           q.overall = $overall, q.scoresJson = $scores, q.examplesJson = $examples`,
      {
        id: row.id,
        kind: row.kind,
        source: row.source,
        ownerUnit: row.ownerUnit,
        batchId: row.batchId,
        at: row.at,
        overall: row.overall,
        scores: row.scoresJson,
        examples: row.examplesJson,
      },
    ),
  );
}

/** Stored reports of the given sources (and optionally one owner unit and a time range), newest first; `at` as ISO text. */
export async function readQualityReports(
  graph: Graph,
  q: { sources: string[]; ownerUnit?: string | null; from?: string | null; to?: string | null; limit: number },
): Promise<Record<string, unknown>[]> {
  return readTx(graph, async (tx) => {
    const res = await tx.run(
      `MATCH (q:QualityReport) WHERE q.source IN $sources
         AND ($ownerUnit IS NULL OR q.ownerUnit = $ownerUnit)
         AND ($from IS NULL OR q.at >= datetime($from)) AND ($to IS NULL OR q.at < datetime($to))
       RETURN q {.*, at: toString(q.at)} AS q ORDER BY q.at DESC LIMIT $limit`,
      {
        sources: q.sources,
        ownerUnit: q.ownerUnit ?? null,
        from: q.from ?? null,
        to: q.to ?? null,
        limit: neo4j.int(q.limit),
      },
    );
    return res.records.map((r) => toPlain(r.get('q')) as Record<string, unknown>);
  });
}

/** The owner unit on the `Source` node, or null when there is none. */
export async function readSourceOwnerUnit(graph: Graph, sourceId: string): Promise<string | null> {
  const res = await readTx(graph, (tx) =>
    tx.run('MATCH (s:Source {id: $id}) RETURN s.ownerUnit AS owner', { id: sourceId }),
  );
  const owner = res.records[0]?.get('owner');
  return typeof owner === 'string' && owner ? owner : null;
}
