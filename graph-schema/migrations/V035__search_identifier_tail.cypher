// Search by partial identifiers (the last digits of a resident ID or phone): a TEXT index answers
// `Identifier.value ENDS WITH $tail` without scanning every identifier.
CREATE TEXT INDEX identifier_value_text IF NOT EXISTS FOR (n:Identifier) ON (n.value);
