/**
 * Correction tickets (纠错工单): found → addressed to the owner unit → fixed at the source →
 * verified by the next delivery → confirmed by whoever found it. Each step appends to the
 * ticket's history (who, when, what); the server's audit trail records the requests too.
 */
import { randomUUID } from 'node:crypto';
import type { Graph } from '@onemap/graph-schema/server';
import {
  createTicket,
  readTicketById,
  readTicketFor,
  readTickets,
  readTicketsForRecords,
  updateTicketStatus,
} from '../graph/quality-tickets.ts';
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
    const existing = await readTicketFor(graph, t.rid, t.field, AWAITING);
    if (existing) return { ticket: toTicket(existing), created: false };
  }
  const id = `QT-${randomUUID()}`;
  const at = now.toISOString();
  const history: TicketEvent[] = [{ at, by: t.openedBy, action: 'opened', note: t.reason }];
  const row = await createTicket(graph, {
    id,
    source: t.source,
    ownerUnit: t.ownerUnit,
    rid: t.rid,
    field: t.field,
    attribute: t.attribute ?? null,
    reportedValue: t.reportedValue,
    expected: t.expected ?? null,
    reason: t.reason,
    openedBy: t.openedBy,
    openedUnit: t.openedUnit,
    rule: t.rule ?? null,
    at,
    history: JSON.stringify(history),
  });
  return { ticket: toTicket(row), created: true };
}

export async function readTicket(graph: Graph, id: string): Promise<QualityTicket | null> {
  const row = await readTicketById(graph, id);
  return row ? toTicket(row) : null;
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
    /** only tickets on these sources (the reader's visible sources); null: any */
    sources?: string[] | null;
    limit: number;
  },
): Promise<QualityTicket[]> {
  const rows = await readTickets(graph, {
    ownerUnits: q.ownerUnits,
    openedBy: q.openedBy,
    openedUnits: q.openedUnits ?? null,
    status: q.status,
    source: q.source,
    sources: q.sources ?? null,
    limit: q.limit,
  });
  return rows.map(toTicket);
}

/** Moves a ticket to `status` if it is in one of `from`, appending `event`; returns the ticket or null if it was not in `from`. */
export async function transitionTicket(
  graph: Graph,
  id: string,
  from: TicketStatus[],
  status: TicketStatus,
  event: TicketEvent,
): Promise<QualityTicket | null> {
  const row = await updateTicketStatus(graph, id, from, status, event.at, event);
  return row ? toTicket(row) : null;
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
  const rows = await readTicketsForRecords(graph, source, [...byRid.keys()], AWAITING);
  let verified = 0;
  let unchanged = 0;
  for (const row of rows) {
    const t = toTicket(row);
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
