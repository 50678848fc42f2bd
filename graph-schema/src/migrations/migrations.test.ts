import { describe, expect, it } from 'vitest';
import { isSchemaStatement, readMigrations, supersededIndexStatements } from './migrations.ts';

describe('indexes a later pending migration drops are not built', () => {
  it('skips the CREATE of an index dropped later, keeps the one that recreates it and every other statement', () => {
    const pending = [
      {
        version: 3,
        statements: [
          'CREATE FULLTEXT INDEX entity_search IF NOT EXISTS\nFOR (n:Person) ON EACH [n.name]',
          'CREATE INDEX keep_me IF NOT EXISTS FOR (n:X) ON (n.y)',
        ],
      },
      {
        version: 35,
        statements: ['CREATE TEXT INDEX identifier_value_text IF NOT EXISTS FOR (n:Identifier) ON (n.value)'],
      },
      {
        version: 59,
        statements: [
          'DROP INDEX entity_search IF EXISTS',
          'CREATE FULLTEXT INDEX entity_search IF NOT EXISTS\nFOR (n:Person) ON EACH [n.name]',
        ],
      },
      { version: 60, statements: ['MATCH (i:Identifier) SET i.v = 1', 'DROP INDEX identifier_value_text IF EXISTS'] },
    ];
    expect([...supersededIndexStatements(pending)].sort()).toEqual(['35:0', '3:0']);
  });

  it('an index dropped by an applied migration only (not pending) is built as written', () => {
    expect(
      supersededIndexStatements([
        { version: 59, statements: ['CREATE FULLTEXT INDEX entity_search IF NOT EXISTS FOR (n:P) ON EACH [n.a]'] },
      ]).size,
    ).toBe(0);
  });

  it('on a fresh graph, the shipped migrations build none of the indexes they drop later (the TEXT index, the first full-text ones, the single-property seq index)', () => {
    const all = readMigrations();
    const skipped = supersededIndexStatements(all);
    const skippedNames = [...skipped].map((k) => {
      const [v, i] = k.split(':').map(Number);
      return /INDEX\s+(\w+)/i.exec(all.find((m) => m.version === v)!.statements[i!]!)![1];
    });
    expect(skippedNames.sort()).toEqual(['entity_pinyin', 'entity_search', 'identifier_value_text', 'source_record_seq']);
  });
});

describe('schema statements, the only ones a freshly imported graph runs', () => {
  it('tells index and constraint statements of every form from data statements', () => {
    for (const st of [
      'CREATE CONSTRAINT entity_eid IF NOT EXISTS FOR (n:Entity) REQUIRE n.eid IS UNIQUE',
      'CREATE INDEX visited_at IF NOT EXISTS FOR ()-[r:VISITED]-() ON (r.at)',
      'CREATE POINT INDEX place_location IF NOT EXISTS FOR (n:Place) ON (n.location)',
      "CREATE FULLTEXT INDEX entity_search IF NOT EXISTS\nFOR (n:Person) ON EACH [n.name]\nOPTIONS { indexConfig: { `fulltext.analyzer`: 'cjk' } }",
      '  create text index identifier_value_text IF NOT EXISTS FOR (n:Identifier) ON (n.value)',
      'DROP INDEX source_record_seq IF EXISTS',
      'DROP CONSTRAINT x IF EXISTS',
    ])
      expect(isSchemaStatement(st), st).toBe(true);
    for (const st of [
      'MATCH (r:SourceRecord) WHERE r.raw IS NOT NULL CALL (r) { REMOVE r.raw } IN TRANSACTIONS OF 10000 ROWS',
      'CREATE (:DecisionEid {entity: eid, decision: d.id})',
      'MATCH (d:ResolutionDecision) UNWIND d.eids AS eid CREATE (:DecisionEid {entity: eid})',
      'MERGE (i:Index {name: 1})',
    ])
      expect(isSchemaStatement(st), st).toBe(false);
  });
});
