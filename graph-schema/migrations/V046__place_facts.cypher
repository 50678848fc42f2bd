// Place facts: each place lists in `recordRoles` the `<source>:<role>` its records give it and in
// `homeSources` the sources of which a record's attrs mention `home`, so a place's summary (a
// profile's trace places) reads its node, not its record window (graph-schema
// `src/universal/place-facts.ts`). The writers keep them (`addPlaceFacts`, `recountPlaceFacts` in
// `src/repositories/place-facts.ts`); this fills places written before, in batches. Both lists are
// sorted. A place the migration has not reached is summarized from its records (slow, never wrong).
MATCH (p:Place) WHERE p.recordRoles IS NULL
CALL (p) {
  OPTIONAL MATCH (p)<-[rt:RESOLVED_TO]-(r:SourceRecord)
  WITH r.source + ':' + rt.role AS fact, CASE WHEN r.attrs CONTAINS 'home' THEN r.source END AS home
  WITH collect(DISTINCT fact) AS roles, collect(DISTINCT home) AS homes
  CALL (roles) {
    UNWIND roles AS x
    WITH x ORDER BY x
    RETURN collect(x) AS sortedRoles
  }
  CALL (homes) {
    UNWIND homes AS x
    WITH x ORDER BY x
    RETURN collect(x) AS sortedHomes
  }
  SET p.recordRoles = sortedRoles, p.homeSources = CASE WHEN size(sortedHomes) = 0 THEN null ELSE sortedHomes END
} IN TRANSACTIONS OF 500 ROWS;
