// The full-text indexes are updated after the commit, not in it (`fulltext.eventually_consistent`).
// Kept in the commit, every write transaction that changed an indexed property (a new person, a
// name, `searchText`, Pinyin) paid Lucene's update and refresh inside its commit: 5-7 ms on 2 cores
// against 0.6-0.8 ms for a commit that touches no full-text index, a third of the real-time path's
// Neo4j CPU at 500 records/s (docs/ingestion.md, 2026-12-04). Search reads its own writes still:
// every full-text query first waits for the updates already committed
// (`db.index.fulltext.awaitEventuallyConsistentIndexRefresh`, server `repositories/entities.ts`).
// Same indexes, same analyzers, rebuilt once.
DROP INDEX entity_search IF EXISTS;
CREATE FULLTEXT INDEX entity_search IF NOT EXISTS
FOR (n:Person|Organization|Place|Vehicle|Phone|Case) ON EACH [n.name, n.namePinyin, n.searchText]
OPTIONS { indexConfig: { `fulltext.analyzer`: 'cjk', `fulltext.eventually_consistent`: true } };
DROP INDEX entity_pinyin IF EXISTS;
CREATE FULLTEXT INDEX entity_pinyin IF NOT EXISTS
FOR (n:Person) ON EACH [n.pinyinKeys, n.pinyinInitials]
OPTIONS { indexConfig: { `fulltext.analyzer`: 'whitespace', `fulltext.eventually_consistent`: true } };
