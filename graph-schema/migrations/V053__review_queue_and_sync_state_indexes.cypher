// The review queue (server `listPossibleMatches`) starts from the possible matches themselves: a
// RESOLVED_TO edge has a `candidate` only when it is a possible match, so this index holds just
// them (a range index leaves out edges without the property) and costs nothing on other writes.
// Before, the queue read every source record of the viewer's sources and expanded its edges:
// ~7 db hits a record, seconds at a million records, whatever the queue held.
CREATE INDEX resolved_to_candidate IF NOT EXISTS FOR ()-[x:RESOLVED_TO]-() ON (x.candidate);
// An undone decision also carries the label UndoneDecision (server `undoDecision`), so the resolve
// leader's per-group check of analysts' decisions (resolver `readSyncState`: how many, how many
// undone) is two counts from Neo4j's count store instead of a scan of every decision ever made.
MATCH (d:ResolutionDecision) WHERE d.undone = true AND NOT d:UndoneDecision
SET d:UndoneDecision;
