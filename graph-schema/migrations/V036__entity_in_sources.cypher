// Visibility as a property: every entity lists in `inSources` the sources of its records
// (RESOLVED_TO) and of its edges (any relationship with a `source`), so the server tests a list
// instead of walking records (server/src/repositories/cypher.ts `visibleEntity`). The writers keep
// it (resolver/src/graph/write-chunk.ts, the server's merge/split/undo); this fills entities
// written before, in batches. The list is sorted (it never depends on write order).
MATCH (e:Entity) WHERE e.inSources IS NULL
CALL (e) {
  OPTIONAL MATCH (e)<-[:RESOLVED_TO]-(r:SourceRecord)
  WITH collect(DISTINCT r.source) AS recs
  CALL (e) {
    OPTIONAL MATCH (e)-[x]-() WHERE NOT x:RESOLVED_TO AND x.source IS NOT NULL
    RETURN collect(DISTINCT x.source) AS edges
  }
  CALL (recs, edges) {
    UNWIND recs + edges AS s
    WITH DISTINCT s ORDER BY s
    RETURN collect(s) AS seen
  }
  SET e.inSources = seen
} IN TRANSACTIONS OF 2000 ROWS;
