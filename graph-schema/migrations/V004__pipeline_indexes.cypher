// The pipeline catches its in-memory index up with the graph by sequence number.
CREATE INDEX source_record_seq IF NOT EXISTS FOR (n:SourceRecord) ON (n.seq);
CREATE INDEX redirect_seq IF NOT EXISTS FOR (n:EidRedirect) ON (n.seq);
CREATE INDEX redirect_to IF NOT EXISTS FOR (n:EidRedirect) ON (n.to);
CREATE CONSTRAINT batch_id IF NOT EXISTS FOR (n:Batch) REQUIRE n.batchId IS UNIQUE;
CREATE CONSTRAINT pipeline_state_id IF NOT EXISTS FOR (n:PipelineState) REQUIRE n.id IS UNIQUE;
