// Recent batches, newest first (`listBatches`: the ingestion page, `onemap jobs`), read in the
// order of these indexes and stopped at the page: a real-time source makes a Batch of every push
// (millions a day at province scale), and the listing sorted all of them for every page.
// Per source for a viewer's sources (one index-ordered read each, merged), by time alone for all.
CREATE INDEX batch_source_received IF NOT EXISTS FOR (n:Batch) ON (n.source, n.receivedAt);
CREATE INDEX batch_received IF NOT EXISTS FOR (n:Batch) ON (n.receivedAt);
