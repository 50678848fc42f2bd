import { describe, expect, it } from 'vitest';
import { freshImportStatements, isSchemaStatement, readMigrations, supersededIndexStatements } from './migrations.ts';

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

describe('what a freshly imported graph runs, in which order', () => {
  it('schema statements only: drops, then indexes, then constraints, each in version order; superseded indexes left out', () => {
    const pending = [
      { version: 1, statements: ['CREATE CONSTRAINT a IF NOT EXISTS FOR (n:A) REQUIRE n.id IS UNIQUE', 'CREATE INDEX old IF NOT EXISTS FOR (n:A) ON (n.x)'] },
      { version: 3, statements: ['CREATE FULLTEXT INDEX ft IF NOT EXISTS FOR (n:A) ON EACH [n.name]', 'MATCH (n:A) SET n.y = 1'] },
      { version: 4, statements: ['CREATE CONSTRAINT b IF NOT EXISTS FOR (n:B) REQUIRE n.id IS UNIQUE', 'CREATE INDEX c_at IF NOT EXISTS FOR (n:C) ON (n.at)'] },
      { version: 9, statements: ['DROP INDEX old IF EXISTS', 'DROP INDEX ft IF EXISTS', 'CREATE FULLTEXT INDEX ft IF NOT EXISTS FOR (n:A) ON EACH [n.name, n.alias]'] },
    ];
    const order = freshImportStatements(pending).map(({ m, i }) => `${m.version}:${i}`);
    // 1:1 (old, dropped later) and 3:0 (ft, dropped and made again later) are not built; 3:1 is data
    expect(order).toEqual(['9:0', '9:1', '4:1', '9:2', '1:0', '4:0']);
  });

  it('the shipped migrations: every index before the first constraint, and the same statements a migration in version order runs', () => {
    const all = readMigrations();
    const order = freshImportStatements(all).map(({ m, i }) => m.statements[i]!);
    const firstConstraint = order.findIndex((st) => /^\s*CREATE\s+CONSTRAINT/i.test(st));
    expect(firstConstraint).toBeGreaterThan(10);
    expect(order.slice(firstConstraint).every((st) => /^\s*CREATE\s+CONSTRAINT/i.test(st))).toBe(true);
    const skip = supersededIndexStatements(all);
    const inVersionOrder = all.flatMap((m) => m.statements.filter((st, i) => isSchemaStatement(st) && !skip.has(`${m.version}:${i}`)));
    expect([...order].sort()).toEqual([...inVersionOrder].sort());
  });
});
