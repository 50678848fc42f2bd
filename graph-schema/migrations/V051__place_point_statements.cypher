// Place facts: each place lists in `pointStatements` the `<source>:<lon>:<lat>` of every record that
// states a point for its role (graph-schema `src/universal/place-facts.ts`), so a spatial filter
// finds a place whose point a visible record states even when a hidden record stating the same
// point took its provenance (server `VISIBLE_POINT`). The writers keep it (`addPlaceFacts`,
// `recountPlaceFacts`); this fills places written before, in batches, read from the attrs JSON as
// `recordPointFactCypher` reads it. A place the migration has not reached is read by its point's
// provenance alone (never laxer). Sorted; an empty list is no property.
MATCH (p:Place) WHERE p.pointStatements IS NULL
CALL (p) {
  OPTIONAL MATCH (p)<-[rt:RESOLVED_TO]-(r:SourceRecord)
  WITH r, split(split(r.attrs, '"' + rt.role + '":{')[1], '}')[0] AS body
  WITH r, split(body, '"lon":')[1] AS lonText, split(body, '"lat":')[1] AS latText
  WITH r, CASE WHEN lonText STARTS WITH '"' THEN split(substring(lonText, 1), '"')[0] ELSE split(lonText, ',')[0] END AS lon,
       CASE WHEN latText STARTS WITH '"' THEN split(substring(latText, 1), '"')[0] ELSE split(latText, ',')[0] END AS lat
  WITH collect(DISTINCT CASE WHEN lon <> '' AND lat <> '' THEN r.source + ':' + lon + ':' + lat END) AS points
  CALL (points) {
    UNWIND points AS x
    WITH x ORDER BY x
    RETURN collect(x) AS sortedPoints
  }
  SET p.pointStatements = CASE WHEN size(sortedPoints) = 0 THEN null ELSE sortedPoints END
} IN TRANSACTIONS OF 500 ROWS;
