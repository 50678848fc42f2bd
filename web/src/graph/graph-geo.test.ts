import { describe, expect, it } from 'vitest';
import { graphOnMap } from './graph-geo.ts';

describe('graphOnMap', () => {
  it('keeps located nodes, places an unlocated node at the mean of its located neighbours, and draws arcs between placed nodes', () => {
    const { nodes, arcs } = graphOnMap({
      nodes: [
        { eid: 'L-1', kind: 'Place', name: 'a', lon: 100, lat: 30 },
        { eid: 'L-2', kind: 'Place', name: 'b', lon: 102, lat: 32 },
        { eid: 'P-1', kind: 'Person', name: 'p' },
        { eid: 'T-1', kind: 'Phone', name: 't' },
      ],
      edges: [
        { source: 'P-1', target: 'L-1', type: 'VISITED' },
        { source: 'P-1', target: 'L-2', type: 'RESIDES_AT' },
        { source: 'P-1', target: 'T-1', type: 'HAS_PHONE' },
      ],
    });
    const p = nodes.find((n) => n.eid === 'P-1');
    expect(p?.position).toEqual([101, 31]);
    expect(p?.derived).toBe(true);
    // The phone has no located neighbour of its own (only a derived one): it is not drawn.
    expect(nodes.map((n) => n.eid).sort()).toEqual(['L-1', 'L-2', 'P-1']);
    expect(arcs.map((a) => a.type).sort()).toEqual(['RESIDES_AT', 'VISITED']);
  });
});
