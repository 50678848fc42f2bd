// An analyst's decision is found by the entities it names through one `DecisionEid {entity, decision}`
// node per named eid (written with the decision: server `recordDecision`), not by reading every
// decision's `eids` list: an entity's decisions (`listDecisions`) and "already decided" for each
// pair of the review queue (`listPossibleMatches`) cost the entity's decisions, not all of them.
// Decisions newest first read in the order of `resolution_decision_at`, stopped at the page.
CREATE INDEX decision_eid IF NOT EXISTS FOR (n:DecisionEid) ON (n.entity);
CREATE INDEX resolution_decision_at IF NOT EXISTS FOR (n:ResolutionDecision) ON (n.at);
MATCH (d:ResolutionDecision) WHERE NOT EXISTS { MATCH (x:DecisionEid) WHERE x.decision = d.id }
UNWIND d.eids AS eid
CREATE (:DecisionEid {entity: eid, decision: d.id});
