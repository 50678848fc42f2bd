// Trajectories are VISITED edges ordered and filtered by time.
CREATE INDEX visited_at IF NOT EXISTS FOR ()-[r:VISITED]-() ON (r.at);
CREATE POINT INDEX place_location IF NOT EXISTS FOR (n:Place) ON (n.location);
CREATE INDEX source_record_source IF NOT EXISTS FOR (n:SourceRecord) ON (n.source);
CREATE INDEX place_unit IF NOT EXISTS FOR (n:Place) ON (n.unitCode);
// Cloud search over names (Hanzi, bigram-tokenized by the CJK analyzer), Pinyin and identifiers.
CREATE FULLTEXT INDEX entity_search IF NOT EXISTS
FOR (n:Person|Organization|Place|Vehicle|Phone|Case) ON EACH [n.name, n.namePinyin, n.searchText]
OPTIONS { indexConfig: { `fulltext.analyzer`: 'cjk' } };
