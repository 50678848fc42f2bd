// The place a visit is at (`VISITED.place`, the eid of the edge's end; graph-schema
// `src/repositories/visit-place.ts`) and the composite index on it and the visit's time: "who was at
// this place within ±N minutes" (co-travel, co-location, early-warning meetings) seeks the visits
// in the window instead of expanding a hub's every visit. The writers set `place` (and every move
// of a visit onto another place); this fills the edges written before, in batches. An edge not
// reached yet is not found by those readers (co-occurrences at it are missed until it is).
CREATE INDEX visited_place_at IF NOT EXISTS FOR ()-[v:VISITED]-() ON (v.place, v.at);
MATCH ()-[v:VISITED]->(p:Place) WHERE v.place IS NULL OR v.place <> p.eid
CALL (v, p) {
  SET v.place = p.eid
} IN TRANSACTIONS OF 10000 ROWS;
