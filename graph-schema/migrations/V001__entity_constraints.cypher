// Every resolved entity carries the shared :Entity label; its eid is unique across kinds.
CREATE CONSTRAINT entity_eid IF NOT EXISTS FOR (n:Entity) REQUIRE n.eid IS UNIQUE;
CREATE CONSTRAINT person_eid IF NOT EXISTS FOR (n:Person) REQUIRE n.eid IS UNIQUE;
CREATE CONSTRAINT organization_eid IF NOT EXISTS FOR (n:Organization) REQUIRE n.eid IS UNIQUE;
CREATE CONSTRAINT place_eid IF NOT EXISTS FOR (n:Place) REQUIRE n.eid IS UNIQUE;
CREATE CONSTRAINT vehicle_eid IF NOT EXISTS FOR (n:Vehicle) REQUIRE n.eid IS UNIQUE;
CREATE CONSTRAINT phone_eid IF NOT EXISTS FOR (n:Phone) REQUIRE n.eid IS UNIQUE;
CREATE CONSTRAINT case_eid IF NOT EXISTS FOR (n:Case) REQUIRE n.eid IS UNIQUE;
// Identifier anchors: one node per (kind, value); two workers racing on the same ID collide here.
CREATE CONSTRAINT identifier_kind_value IF NOT EXISTS FOR (n:Identifier) REQUIRE (n.kind, n.value) IS UNIQUE;
// Provenance: one SourceRecord per (source, record id), rid = "<source>:<recordId>".
CREATE CONSTRAINT source_record_rid IF NOT EXISTS FOR (n:SourceRecord) REQUIRE n.rid IS UNIQUE;
// A merged-away eid keeps answering through a redirect node.
CREATE CONSTRAINT redirect_eid IF NOT EXISTS FOR (n:EidRedirect) REQUIRE n.eid IS UNIQUE;
