// Early warning (预警, issue 17): rules bound to a unit, and their hits (one per firing, merged on its key).
CREATE CONSTRAINT warning_rule_id IF NOT EXISTS FOR (n:WarningRule) REQUIRE n.id IS UNIQUE;
CREATE INDEX warning_rule_unit IF NOT EXISTS FOR (n:WarningRule) ON (n.unitCode);
CREATE CONSTRAINT warning_hit_key IF NOT EXISTS FOR (n:WarningHit) REQUIRE n.key IS UNIQUE;
CREATE INDEX warning_hit_rule IF NOT EXISTS FOR (n:WarningHit) ON (n.ruleId, n.at);
