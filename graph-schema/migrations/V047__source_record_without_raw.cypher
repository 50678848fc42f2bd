// The record as delivered is no longer stored on `SourceRecord` (`raw`, ~0.5 k characters a
// record, written on the real-time leader's path): staging keeps every delivery, and the one
// reader, a correction ticket's reported value, reads the cell there by the record's batch and
// line (`readDeliveredValues`, resolver/src/quality/delivered-values.ts). Removed in batches.
MATCH (r:SourceRecord) WHERE r.raw IS NOT NULL
CALL (r) {
  REMOVE r.raw
} IN TRANSACTIONS OF 10000 ROWS;
