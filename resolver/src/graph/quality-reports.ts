/** QualityReport nodes and the owner unit governance records for a source. Rows in, plain rows out. */
import { type Graph, newestPerSourceCypher, readTx, toPlain, writeTx } from '@onemap/graph-schema/server';
import neo4j, { type ManagedTransaction } from 'neo4j-driver';
import { markBatchesCheckedTx } from './batches.ts';
import { readTicketRidsTx } from './quality-tickets.ts';

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
  await mergeQualityReports(graph, [row]);
}

/** Creates or replaces each report by its `id`, all in one transaction (a group of pushes: one write, not one per push). */
export async function mergeQualityReports(graph: Graph, rows: QualityReportRow[]): Promise<void> {
  if (!rows.length) return;
  await writeTx(graph, (tx) => mergeQualityReportsTx(tx, rows));
}

/**
 * `mergeQualityReports` inside a transaction. A report's owner unit is its `Source` node's when
 * governance recorded one there, else `row.ownerUnit` (the catalog's) — what `readSourceOwnerUnits`
 * and the catalog decide together, read in the same statement that writes the reports.
 * @returns source id → the owner unit its reports were written with
 */
export async function mergeQualityReportsTx(tx: ManagedTransaction, rows: QualityReportRow[]): Promise<Map<string, string>> {
  if (!rows.length) return new Map();
  const res = await tx.run(
    `UNWIND $rows AS row
     OPTIONAL MATCH (s:Source {id: row.source})
     WITH row, coalesce(${recordedOwnerUnit('s')}, row.ownerUnit) AS owner
     MERGE (q:QualityReport {id: row.id})
     SET q.kind = row.kind, q.source = row.source, q.ownerUnit = owner, q.batchId = row.batchId,
         q.at = datetime(row.at), q.overall = row.overall, q.scoresJson = row.scoresJson, q.examplesJson = row.examplesJson
     RETURN DISTINCT row.source AS source, owner`,
    { rows },
  );
  return new Map(res.records.map((r) => [r.get('source') as string, r.get('owner') as string]));
}

/**
 * A pushed group's quality bookkeeping in ONE write transaction (one commit where four were): the
 * reports (`mergeQualityReportsTx`, owners decided there), the rids of `ticketRids` with a ticket of
 * their source in one of `awaiting` statuses, and — given `checkUnlessAwaiting` and none of those rids
 * awaiting — those batches' `checkedAt` (a caller with tickets to open passes null and marks them after).
 */
export async function writeGroupQuality(
  graph: Graph,
  rows: QualityReportRow[],
  ticketRids: { source: string; rids: string[] }[],
  awaiting: string[],
  checkUnlessAwaiting: string[] | null,
): Promise<{ owners: Map<string, string>; awaitingRids: Set<string>; checked: boolean }> {
  return writeTx(graph, async (tx) => {
    const owners = await mergeQualityReportsTx(tx, rows);
    const awaitingRids = await readTicketRidsTx(tx, ticketRids, awaiting);
    const checked = checkUnlessAwaiting !== null && awaitingRids.size === 0;
    if (checked) await markBatchesCheckedTx(tx, checkUnlessAwaiting);
    return { owners, awaitingRids, checked };
  });
}

/** Stored reports of the given sources (and optionally one owner unit and a time range), newest first; `at` as ISO text. */
export async function readQualityReports(
  graph: Graph,
  q: { sources: string[]; ownerUnit?: string | null; from?: string | null; to?: string | null; limit: number },
): Promise<Record<string, unknown>[]> {
  return readTx(graph, async (tx) => {
    const res = await tx.run(
      // per source in the order of index quality_report_source_at, stopped at the page: a report
      // per batch, and a real-time source makes a batch per push
      `${newestPerSourceCypher({
        label: 'QualityReport',
        node: 'q',
        time: 'at',
        sources: '$sources',
        limit: '$limit',
        where: '($ownerUnit IS NULL OR q.ownerUnit = $ownerUnit) AND ($from IS NULL OR q.at >= datetime($from)) AND ($to IS NULL OR q.at < datetime($to))',
      })}
       RETURN q {.*, at: toString(q.at)} AS q`,
      {
        sources: [...new Set(q.sources)],
        ownerUnit: q.ownerUnit ?? null,
        from: q.from ?? null,
        to: q.to ?? null,
        limit: neo4j.int(q.limit),
      },
    );
    return res.records.map((r) => toPlain(r.get('q')) as Record<string, unknown>);
  });
}

/** The owner unit on each `Source` node that has one (one read for a group's sources). */
export async function readSourceOwnerUnits(graph: Graph, sourceIds: string[]): Promise<Map<string, string>> {
  const res = await readTx(graph, (tx) =>
    tx.run(`UNWIND $ids AS id MATCH (s:Source {id: id}) WITH id, ${recordedOwnerUnit('s')} AS owner WHERE owner IS NOT NULL RETURN id, owner`, {
      ids: sourceIds,
    }),
  );
  return new Map(res.records.map((r) => [r.get('id') as string, r.get('owner') as string]));
}

/** Cypher: the owner unit governance recorded on `Source` node `s` (a non-empty string), else null — the catalog's owner stands then. */
function recordedOwnerUnit(s: string): string {
  return `CASE WHEN ${s}.ownerUnit IS :: STRING NOT NULL AND ${s}.ownerUnit <> '' THEN ${s}.ownerUnit END`;
}

/** The owner unit on the `Source` node, or null when there is none. */
export async function readSourceOwnerUnit(graph: Graph, sourceId: string): Promise<string | null> {
  return (await readSourceOwnerUnits(graph, [sourceId])).get(sourceId) ?? null;
}
