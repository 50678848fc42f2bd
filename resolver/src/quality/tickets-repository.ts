/**
 * Correction tickets (纠错工单): found → addressed to the owner unit → fixed at the source →
 * verified by the next delivery → confirmed by whoever found it. Each step appends to the
 * ticket's history (who, when, what); the server's audit trail records the requests too.
 */
import { randomUUID } from 'node:crypto';
import { type Graph, readTx, toPlain, writeTx } from '@onemap/graph-schema/server';
import neo4j from 'neo4j-driver';
import type { BatchRecord } from '../intake/read-batch.ts';

export type TicketStatus = 'open' | 'fixed_at_source' | 'verified' | 'confirmed' | 'reopened';
/** Statuses in which the wrong value is still awaited to change. */
export const AWAITING: TicketStatus[] = ['open', 'fixed_at_source', 'reopened'];

export interface TicketEvent {
  at: string;
  by: string;
  action: 'opened' | 'fixed_at_source' | 'delivery_checked' | 'verified' | 'confirmed' | 'reopened';
  note?: string;
}

export interface QualityTicket {
  id: string;
  source: string;
  ownerUnit: string;
  rid: string;
  /** the source column holding the wrong value */
  field: string;
  attribute: string | null;
  reportedValue: string;
  expected: string | null;
  reason: string;
  status: TicketStatus;
  openedBy: string;
  openedUnit: string;
  rule: string | null;
  createdAt: string;
  updatedAt: string;
  history: TicketEvent[];
}

export interface NewTicket {
  source: string;
  ownerUnit: string;
  rid: string;
  field: string;
  attribute?: string | null;
  reportedValue: string;
  expected?: string | null;
  reason: string;
  openedBy: string;
  openedUnit: string;
  rule?: string | null;
}

function toTicket(row: Record<string, unknown>): QualityTicket {
  return {
    id: String(row.id),
    source: String(row.source),
    ownerUnit: String(row.ownerUnit),
    rid: String(row.rid),
    field: String(row.field),
    attribute: (row.attribute as string | null) ?? null,
    reportedValue: String(row.reportedValue ?? ''),
    expected: (row.expected as string | null) ?? null,
    reason: String(row.reason ?? ''),
    status: row.status as TicketStatus,
    openedBy: String(row.openedBy),
    openedUnit: String(row.openedUnit),
    rule: (row.rule as string | null) ?? null,
    createdAt: String(row.createdAt),
    updatedAt: String(row.updatedAt),
    history: JSON.parse(String(row.history ?? '[]')) as TicketEvent[],
  };
}

const RETURN = `RETURN t {.*, createdAt: toString(t.createdAt), updatedAt: toString(t.updatedAt)} AS t`;

/**
 * Opens a ticket. A rule-opened ticket for a value that already has an awaiting ticket returns
 * that one instead of a second.
 */
export async function openTicket(
  graph: Graph,
  t: NewTicket,
  now = new Date(),
): Promise<{ ticket: QualityTicket; created: boolean }> {
  if (t.rule) {
    const existing = await readTx(graph, (tx) =>
      tx.run(`MATCH (t:QualityTicket {rid: $rid}) WHERE t.field = $field AND t.status IN $awaiting ${RETURN} LIMIT 1`, {
        rid: t.rid,
        field: t.field,
        awaiting: AWAITING,
      }),
    );
    const row = existing.records[0];
    if (row) return { ticket: toTicket(toPlain(row.get('t')) as Record<string, unknown>), created: false };
  }
  const id = `QT-${randomUUID()}`;
  const at = now.toISOString();
  const history: TicketEvent[] = [{ at, by: t.openedBy, action: 'opened', note: t.reason }];
  const res = await writeTx(graph, (tx) =>
    tx.run(
      `CREATE (t:QualityTicket {id: $id, source: $source, ownerUnit: $ownerUnit, rid: $rid, field: $field, attribute: $attribute,
                                reportedValue: $reportedValue, expected: $expected, reason: $reason, status: 'open',
                                openedBy: $openedBy, openedUnit: $openedUnit, rule: $rule,
                                createdAt: datetime($at), updatedAt: datetime($at), history: $history}) ${RETURN}`,
      {
        id,
        ...t,
        attribute: t.attribute ?? null,
        expected: t.expected ?? null,
        rule: t.rule ?? null,
        at,
        history: JSON.stringify(history),
      },
    ),
  );
  return { ticket: toTicket(toPlain(res.records[0]!.get('t')) as Record<string, unknown>), created: true };
}

export async function readTicket(graph: Graph, id: string): Promise<QualityTicket | null> {
  const res = await readTx(graph, (tx) => tx.run(`MATCH (t:QualityTicket {id: $id}) ${RETURN}`, { id }));
  const row = res.records[0];
  return row ? toTicket(toPlain(row.get('t')) as Record<string, unknown>) : null;
}

/** Tickets addressed to any of `ownerUnits` or opened by `openedBy` (either filter may be null), newest first. */
export async function listTickets(
  graph: Graph,
  q: {
    ownerUnits: string[] | null;
    openedBy: string | null;
    openedUnits?: string[] | null;
    status: TicketStatus | null;
    source: string | null;
    limit: number;
  },
): Promise<QualityTicket[]> {
  const res = await readTx(graph, (tx) =>
    tx.run(
      `MATCH (t:QualityTicket)
       WHERE (($ownerUnits IS NULL OR t.ownerUnit IN $ownerUnits) OR ($openedBy IS NOT NULL AND t.openedBy = $openedBy) OR ($openedUnits IS NOT NULL AND t.openedUnit IN $openedUnits))
         AND ($status IS NULL OR t.status = $status) AND ($source IS NULL OR t.source = $source)
       ${RETURN} ORDER BY t.createdAt DESC LIMIT $limit`,
      {
        ownerUnits: q.ownerUnits,
        openedBy: q.openedBy,
        openedUnits: q.openedUnits ?? null,
        status: q.status,
        source: q.source,
        limit: neo4j.int(q.limit),
      },
    ),
  );
  return res.records.map((r) => toTicket(toPlain(r.get('t')) as Record<string, unknown>));
}

/** Moves a ticket to `status` if it is in one of `from`, appending `event`; returns the ticket or null if it was not in `from`. */
export async function transitionTicket(
  graph: Graph,
  id: string,
  from: TicketStatus[],
  status: TicketStatus,
  event: TicketEvent,
): Promise<QualityTicket | null> {
  const res = await writeTx(graph, async (tx) => {
    const cur = await tx.run('MATCH (t:QualityTicket {id: $id}) RETURN t.status AS status, t.history AS history', {
      id,
    });
    const row = cur.records[0];
    if (!row || !from.includes(row.get('status') as TicketStatus)) return null;
    const history = [...(JSON.parse(String(row.get('history') ?? '[]')) as TicketEvent[]), event];
    return tx.run(
      `MATCH (t:QualityTicket {id: $id}) SET t.status = $status, t.updatedAt = datetime($at), t.history = $history ${RETURN}`,
      { id, status, at: event.at, history: JSON.stringify(history) },
    );
  });
  const row = res?.records[0];
  return row ? toTicket(toPlain(row.get('t')) as Record<string, unknown>) : null;
}

const norm = (v: string | undefined | null) => (v ?? '').normalize('NFKC').trim();

/**
 * Checks a new delivery against the awaiting tickets on its records: the ticket is verified when
 * the field's value now differs from the reported wrong value (and equals the expected value when
 * one was given); otherwise the check is noted and the ticket stays where it is.
 * @returns how many tickets were verified and how many were checked and left awaiting
 */
export async function verifyTicketsForBatch(
  graph: Graph,
  source: string,
  batchId: string,
  records: BatchRecord[],
  now = new Date(),
): Promise<{ verified: number; unchanged: number }> {
  if (!records.length) return { verified: 0, unchanged: 0 };
  const byRid = new Map(records.map((r) => [r.rid, r]));
  const res = await readTx(graph, (tx) =>
    tx.run(`MATCH (t:QualityTicket) WHERE t.rid IN $rids AND t.source = $source AND t.status IN $awaiting ${RETURN}`, {
      rids: [...byRid.keys()],
      source,
      awaiting: AWAITING,
    }),
  );
  let verified = 0;
  let unchanged = 0;
  for (const r of res.records) {
    const t = toTicket(toPlain(r.get('t')) as Record<string, unknown>);
    const rec = byRid.get(t.rid)!;
    // a source column, or `<role>.<attribute>` of the standardized record
    const [role, attribute] = t.field.split('.');
    const value =
      t.field in rec.raw || !attribute ? rec.raw[t.field] : rec.mentions.find((m) => m.role === role)?.attrs[attribute];
    const at = now.toISOString();
    const changed = norm(value) !== norm(t.reportedValue);
    const asExpected = t.expected === null || norm(value) === norm(t.expected);
    if (changed && asExpected) {
      await transitionTicket(graph, t.id, AWAITING, 'verified', {
        at,
        by: 'pipeline',
        action: 'verified',
        note: `batch ${batchId} delivered the corrected value`,
      });
      verified++;
    } else {
      const note = `batch ${batchId}: ${changed ? 'the value changed but is not the expected one' : 'the value is unchanged'}`;
      await transitionTicket(graph, t.id, [t.status], t.status, {
        at,
        by: 'pipeline',
        action: 'delivery_checked',
        note,
      });
      unchanged++;
    }
  }
  return { verified, unchanged };
}
