/**
 * QualityTicket nodes. Rows come back plain (`createdAt`/`updatedAt` as ISO text, `history` as
 * the stored JSON string); the ticket life cycle lives in quality/tickets.ts.
 */
import { type Graph, readTx, toPlain, writeTx } from '@onemap/graph-schema/server';
import neo4j, { type ManagedTransaction } from 'neo4j-driver';

const RETURN = `RETURN t {.*, createdAt: toString(t.createdAt), updatedAt: toString(t.updatedAt)} AS t`;

type Row = Record<string, unknown>;

/** The first ticket on `rid`/`field` whose status is one of `statuses`, or null. */
export async function readTicketFor(graph: Graph, rid: string, field: string, statuses: string[]): Promise<Row | null> {
  const res = await readTx(graph, (tx) =>
    tx.run(`MATCH (t:QualityTicket {rid: $rid}) WHERE t.field = $field AND t.status IN $awaiting ${RETURN} LIMIT 1`, {
      rid,
      field,
      awaiting: statuses,
    }),
  );
  const row = res.records[0];
  return row ? (toPlain(row.get('t')) as Row) : null;
}

export interface TicketNodeProps {
  id: string;
  source: string;
  ownerUnit: string;
  rid: string;
  field: string;
  attribute: string | null;
  reportedValue: string;
  expected: string | null;
  reason: string;
  openedBy: string;
  openedUnit: string;
  rule: string | null;
  /** ISO time of creation (also the first `updatedAt`) */
  at: string;
  /** JSON of the history so far */
  history: string;
}

/** Creates an `open` ticket. */
export async function createTicket(graph: Graph, p: TicketNodeProps): Promise<Row> {
  const res = await writeTx(graph, (tx) =>
    tx.run(
      `CREATE (t:QualityTicket {id: $id, source: $source, ownerUnit: $ownerUnit, rid: $rid, field: $field, attribute: $attribute,
                                reportedValue: $reportedValue, expected: $expected, reason: $reason, status: 'open',
                                openedBy: $openedBy, openedUnit: $openedUnit, rule: $rule,
                                createdAt: datetime($at), updatedAt: datetime($at), history: $history}) ${RETURN}`,
      { ...p },
    ),
  );
  return toPlain(res.records[0]!.get('t')) as Row;
}

export async function readTicketById(graph: Graph, id: string): Promise<Row | null> {
  const res = await readTx(graph, (tx) => tx.run(`MATCH (t:QualityTicket {id: $id}) ${RETURN}`, { id }));
  const row = res.records[0];
  return row ? (toPlain(row.get('t')) as Row) : null;
}

/** Tickets addressed to any of `ownerUnits` or opened by `openedBy`/`openedUnits` (null = no filter), newest first. */
export async function readTickets(
  graph: Graph,
  q: {
    ownerUnits: string[] | null;
    openedBy: string | null;
    openedUnits: string[] | null;
    status: string | null;
    source: string | null;
    /** only tickets on these sources (the reader's visible sources); null: any */
    sources?: string[] | null;
    limit: number;
  },
): Promise<Row[]> {
  const res = await readTx(graph, (tx) =>
    tx.run(
      `MATCH (t:QualityTicket)
       WHERE t.createdAt IS NOT NULL
         AND (($ownerUnits IS NULL OR t.ownerUnit IN $ownerUnits) OR ($openedBy IS NOT NULL AND t.openedBy = $openedBy) OR ($openedUnits IS NOT NULL AND t.openedUnit IN $openedUnits))
         AND ($status IS NULL OR t.status = $status) AND ($source IS NULL OR t.source = $source)
         AND ($sources IS NULL OR t.source IN $sources)
       // by the time itself (not its text) in the order of index quality_ticket_created, stopped at the page
       WITH t ORDER BY t.createdAt DESC LIMIT $limit
       ${RETURN}`,
      { ...q, sources: q.sources ?? null, limit: neo4j.int(q.limit) },
    ),
  );
  return res.records.map((r) => toPlain(r.get('t')) as Row);
}

/**
 * In one transaction: if the ticket's status is one of `from`, sets `status` and `updatedAt = at`
 * and appends `event` to its history. Returns the ticket, or null when it is missing or elsewhere.
 */
export async function updateTicketStatus(
  graph: Graph,
  id: string,
  from: string[],
  status: string,
  at: string,
  event: unknown,
): Promise<Row | null> {
  const res = await writeTx(graph, async (tx) => {
    const cur = await tx.run('MATCH (t:QualityTicket {id: $id}) RETURN t.status AS status, t.history AS history', {
      id,
    });
    const row = cur.records[0];
    if (!row || !from.includes(row.get('status') as string)) return null;
    const history = [...(JSON.parse(String(row.get('history') ?? '[]')) as unknown[]), event];
    return tx.run(
      `MATCH (t:QualityTicket {id: $id}) SET t.status = $status, t.updatedAt = datetime($at), t.history = $history ${RETURN}`,
      { id, status, at, history: JSON.stringify(history) },
    );
  });
  const row = res?.records[0];
  return row ? (toPlain(row.get('t')) as Row) : null;
}

/**
 * The rids among each group's `rids` that have a ticket of the group's `source` whose status is one
 * of `statuses`, inside a transaction (the group's report write: one commit for both).
 */
export async function readTicketRidsTx(
  tx: ManagedTransaction,
  groups: { source: string; rids: string[] }[],
  statuses: string[],
): Promise<Set<string>> {
  const res = await tx.run(
    `UNWIND $groups AS g
     MATCH (t:QualityTicket) WHERE t.rid IN g.rids AND t.source = g.source AND t.status IN $statuses
     RETURN DISTINCT t.rid AS rid`,
    { groups: groups.filter((g) => g.rids.length), statuses },
  );
  return new Set(res.records.map((r) => r.get('rid') as string));
}

/** Tickets of `source` on any of `rids` whose status is one of `statuses`. */
export async function readTicketsForRecords(
  graph: Graph,
  source: string,
  rids: string[],
  statuses: string[],
): Promise<Row[]> {
  const res = await readTx(graph, (tx) =>
    tx.run(`MATCH (t:QualityTicket) WHERE t.rid IN $rids AND t.source = $source AND t.status IN $awaiting ${RETURN}`, {
      rids,
      source,
      awaiting: statuses,
    }),
  );
  return res.records.map((r) => toPlain(r.get('t')) as Row);
}
