// Data quality (R5, R14): per-batch and periodic reports per source, correction tickets.
CREATE CONSTRAINT quality_report_id IF NOT EXISTS FOR (n:QualityReport) REQUIRE n.id IS UNIQUE;
CREATE INDEX quality_report_source_at IF NOT EXISTS FOR (n:QualityReport) ON (n.source, n.at);
CREATE INDEX quality_report_owner IF NOT EXISTS FOR (n:QualityReport) ON (n.ownerUnit);
CREATE CONSTRAINT quality_ticket_id IF NOT EXISTS FOR (n:QualityTicket) REQUIRE n.id IS UNIQUE;
CREATE INDEX quality_ticket_rid IF NOT EXISTS FOR (n:QualityTicket) ON (n.rid);
CREATE INDEX quality_ticket_owner IF NOT EXISTS FOR (n:QualityTicket) ON (n.ownerUnit, n.status);
