// An identifier edge lists the records that state it (`HAS_IDENTIFIER.rids`, up to 100, like a
// relation's), so a corrected re-delivery of the record that stamped it (`rid`) takes only itself
// off the list and the link stays while another record states it (resolver
// `src/graph/write-chunk.ts`, `withdrawRecordFacts`). This fills the edges written before: the
// stamping record first, then every other record resolved to the entity whose stored mentions name
// the identifier (a record naming it for another of its roles is listed too: the link then stays
// until that record goes as well), oldest first. An edge not reached yet counts its `rid` alone.
MATCH (e:Entity)-[h:HAS_IDENTIFIER]->(i:Identifier) WHERE h.rids IS NULL
CALL (e, h, i) {
  OPTIONAL MATCH (e)<-[:RESOLVED_TO]-(r:SourceRecord)
  WHERE r.rid <> h.rid AND r.mentions CONTAINS ('{"kind":"' + i.kind + '","value":"' + i.value + '"}')
  WITH DISTINCT r ORDER BY r.seq, r.receivedAt, r.rid
  WITH collect(r.rid) AS others
  SET h.rids = ([h.rid] + others)[..100]
} IN TRANSACTIONS OF 1000 ROWS;
