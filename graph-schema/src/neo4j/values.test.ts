import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { toPlain } from './values.ts';

describe('toPlain', () => {
  it('turns driver values into JSON, inside maps and lists too', () => {
    const at = new neo4j.types.DateTime(2026, 12, 8, 1, 2, 3, 0, 8 * 3600);
    const value = {
      n: neo4j.int(42),
      s: 'x',
      b: false,
      none: null,
      list: [neo4j.int(1), { at }, [new neo4j.types.Point(4326, 103.8, 36.1)]],
      nested: { deeper: { n: neo4j.int(7), date: new neo4j.types.Date(2026, 12, 8) } },
    };
    expect(toPlain(value)).toEqual({
      n: 42,
      s: 'x',
      b: false,
      none: null,
      list: [1, { at: '2026-12-08T01:02:03+08:00' }, [{ lon: 103.8, lat: 36.1 }]],
      nested: { deeper: { n: 7, date: '2026-12-08T08:00:00+08:00' } },
    });
    expect(toPlain(undefined)).toBeNull();
  });

  it('gives a node or a relationship as its properties, with its labels or type', () => {
    const node = new neo4j.types.Node(neo4j.int(1), ['Entity', 'Person'], { eid: 'P-1', born: neo4j.int(1980) }, 'e1');
    const rel = new neo4j.types.Relationship(neo4j.int(2), neo4j.int(1), neo4j.int(3), 'WORKS_FOR', { since: neo4j.int(2020) }, 'r2', 'e1', 'e3');
    expect(toPlain(node)).toEqual({ labels: ['Entity', 'Person'], eid: 'P-1', born: 1980 });
    expect(toPlain(rel)).toEqual({ type: 'WORKS_FOR', since: 2020 });
  });
});
