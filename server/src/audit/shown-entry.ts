import { maskIdentifiersInText, maskIdentifiersInUrl } from '../access/mask-text.ts';
import type { AuditEntry as ShownAuditEntry } from '../schemas/audit.ts';
import type { AuditEntry } from './chain.ts';

/**
 * An audit entry as an auditor is shown it: the one place an entry leaves the server. Every text
 * field a caller could put words in is masked like any other free text (`maskIdentifiersInText`):
 * the parameters, the purpose, the user (a failed login records the name as typed), and the route
 * — for an unknown path or a refused URL the path as sent, with identifiers perhaps
 * percent-encoded (`maskIdentifiersInUrl`). The server's own fields (sequence, time, request id,
 * unit, role, method, outcome, status, count, hashes) are shown as stored. The stored entry keeps
 * its values; its hash covers them.
 */
export function shownEntry(e: AuditEntry): ShownAuditEntry {
  return {
    ...e,
    user: e.user ? maskIdentifiersInText(e.user) : null,
    purposeJson: e.purposeJson ? maskIdentifiersInText(e.purposeJson) : null,
    route: maskIdentifiersInUrl(e.route),
    paramsJson: maskIdentifiersInText(e.paramsJson),
    // Neo4j drops null properties
    unit: e.unit ?? null,
    role: e.role ?? null,
    resultCount: e.resultCount ?? null,
  };
}

/**
 * Whether a filter by user could match only by a value the listing shows masked (an identifier a
 * failed login recorded as the name): such a filter matches nothing, as for a name nobody used, so
 * the filter is no oracle for the digits a mask hides.
 */
export function userFilterHidden(user: string | undefined): boolean {
  return user !== undefined && maskIdentifiersInText(user) !== user;
}
