// A search by the last digits of an ID or phone (`ENDS WITH`) is a prefix seek on the identifier's
// value reversed, in a range index, instead of the TEXT index `identifier_value_text` (V035): that
// Lucene-backed index cost every write transaction that created an identifier ~5 ms in its commit,
// and at 500 pushed records/s it doubled Neo4j's CPU a record (2.35 against 1.17 ms; p99 431 against
// 131 ms, docs/ingestion.md 2026-12-04). Writers set `valueReversed` when they create the node
// (resolver `graph/write-chunk.ts`, the bulk import CSV); identifiers written before get it here.
CREATE INDEX identifier_value_reversed IF NOT EXISTS FOR (n:Identifier) ON (n.valueReversed);
MATCH (i:Identifier) WHERE i.valueReversed IS NULL AND i.value IS NOT NULL
CALL (i) { SET i.valueReversed = reverse(i.value) } IN TRANSACTIONS OF 10000 ROWS;
DROP INDEX identifier_value_text IF EXISTS;
