// Server governance: users, grants, audit chain, watches and manual resolution decisions.
CREATE CONSTRAINT user_username IF NOT EXISTS FOR (n:User) REQUIRE n.username IS UNIQUE;
// One client certificate maps to exactly one officer (一人一证).
CREATE CONSTRAINT user_cert_fingerprint IF NOT EXISTS FOR (n:User) REQUIRE n.certFingerprint IS UNIQUE;
CREATE CONSTRAINT grant_id IF NOT EXISTS FOR (n:Grant) REQUIRE n.id IS UNIQUE;
CREATE INDEX grant_unit IF NOT EXISTS FOR (n:Grant) ON (n.unitCode);
// The audit chain: one entry per sequence number, one head node that serializes appends.
CREATE CONSTRAINT audit_entry_seq IF NOT EXISTS FOR (n:AuditEntry) REQUIRE n.seq IS UNIQUE;
CREATE CONSTRAINT audit_head_id IF NOT EXISTS FOR (n:AuditHead) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT audit_checkpoint_seq IF NOT EXISTS FOR (n:AuditCheckpoint) REQUIRE n.seq IS UNIQUE;
CREATE CONSTRAINT watch_id IF NOT EXISTS FOR (n:Watch) REQUIRE n.id IS UNIQUE;
CREATE INDEX watch_eid IF NOT EXISTS FOR (n:Watch) ON (n.eid);
CREATE CONSTRAINT resolution_decision_id IF NOT EXISTS FOR (n:ResolutionDecision) REQUIRE n.id IS UNIQUE;
// Subjects of trajectories are found by eid through :Entity; relation edges are filtered by source.
CREATE INDEX visited_source IF NOT EXISTS FOR ()-[r:VISITED]-() ON (r.source);
