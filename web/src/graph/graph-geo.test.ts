import { describe, expect, it } from 'vitest';
import { graphOnMap, placesOfTrajectory, withPersonPlaces } from './graph-geo.ts';

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

describe('withPersonPlaces', () => {
  it('adds each drawn person’s located places once, linked by VISITED, so the person is drawn among them', () => {
    const g = { nodes: [{ eid: 'P-1', kind: 'Person' as const, name: 'p' }, { eid: 'T-1', kind: 'Phone' as const, name: 't' }], edges: [{ source: 'P-1', target: 'T-1', type: 'HAS_PHONE' }] };
    const places = [
      ...placesOfTrajectory('P-1', [
        { kind: 'hotel_stay', place: { eid: 'L-1', name: 'h', lon: 100, lat: 30 } },
        { kind: 'hotel_stay', place: { eid: 'L-1', name: 'h', lon: 100, lat: 30 } },
        { kind: 'checkpoint_pass', place: { eid: 'L-2', name: 'c', lon: 102, lat: 32 } },
        { kind: 'internet_login', place: { eid: 'L-3', name: 'x', lon: Number.NaN, lat: Number.NaN } },
      ]),
      // Someone not drawn: ignored.
      { person: 'P-9', eid: 'L-9', name: 'z', lon: 90, lat: 40, kinds: ['residence'] },
    ];
    const out = withPersonPlaces(g, places);
    expect(out.nodes.map((n) => n.eid)).toEqual(['P-1', 'T-1', 'L-1', 'L-2']);
    expect(out.edges.filter((e) => e.type === 'VISITED').map((e) => e.target)).toEqual(['L-1', 'L-2']);
    const { nodes } = graphOnMap(out);
    expect(nodes.find((n) => n.eid === 'P-1')?.position).toEqual([101, 31]);
    // The input graph is not changed (the relation graph keeps drawing only relations).
    expect(g.nodes).toHaveLength(2);
  });
});
