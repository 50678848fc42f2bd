// The rules page (server `listWarningRules`) showed each rule's hits as a count of every hit the
// rule ever fired that the viewer may see: it read them all, and a rule keeps firing. Each new hit
// is now also counted on one `WarningHitTally` per rule and distinct set of sources (resolver
// `writeWarningHits`), and the page sums the tallies whose sources the viewer sees.
// Hits fired before this migration are counted here, for rules that have no tally yet.
CREATE CONSTRAINT warning_hit_tally IF NOT EXISTS FOR (n:WarningHitTally) REQUIRE (n.ruleId, n.sourcesKey) IS UNIQUE;
MATCH (h:WarningHit) WHERE h.ruleId IS NOT NULL AND NOT EXISTS { MATCH (t:WarningHitTally) WHERE t.ruleId = h.ruleId }
WITH h, COLLECT { UNWIND coalesce(h.sources, []) AS s WITH DISTINCT s ORDER BY s RETURN s } AS sources
WITH h.ruleId AS ruleId, sources, count(*) AS hits, max(h.at) AS lastAt
CREATE (:WarningHitTally {ruleId: ruleId, sourcesKey: reduce(k = '', s IN sources | k + CASE WHEN k = '' THEN '' ELSE ',' END + s),
                          sources: sources, hits: hits, lastAt: lastAt});
