// The pipeline's catch-up reads source records in pages ordered by (seq, rid) (`load-index.ts`).
// With an index on seq alone, every page after a bulk load (all records share one seq) re-read and
// sorted every record of that seq: quadratic in the store. The composite index serves both halves
// of a page by seek and order (`seq = $s AND rid > $r`, `seq > $s AND rid IS NOT NULL`) and any
// seq-only range, so it replaces the one on seq.
DROP INDEX source_record_seq IF EXISTS;
CREATE INDEX source_record_seq_rid IF NOT EXISTS FOR (n:SourceRecord) ON (n.seq, n.rid);
