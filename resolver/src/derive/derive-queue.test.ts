import { describe, expect, it } from 'vitest';
import { coTravelMark, coTravelMarksOf, parseCoTravelMarks } from './derive-queue.ts';

describe('co-travel marks', () => {
  it('a batch marks each new sighting of a person, and a person a correction took a sighting from whole', () => {
    const touched = [
      { eid: 'P-a', type: 'trace', rid: 'hotel:1' },
      { eid: 'P-a', type: 'trace', rid: 'hotel:1' },
      { eid: 'P-b', type: 'relation', rid: 'household:2' },
      { eid: 'V-c', type: 'trace', rid: 'checkpoint:3' },
      { eid: 'P-d', type: 'trace', rid: 'rail:4\twith a tab' },
    ];
    expect(coTravelMarksOf(touched, ['P-e', 'L-f']).sort()).toEqual(
      [
        coTravelMark.sighting('P-a', 'hotel:1'),
        coTravelMark.sighting('P-d', 'rail:4\twith a tab'),
        coTravelMark.person('P-e'),
      ].sort(),
    );
  });

  it('reads marks back: persons whole, the sightings of the others by person, a record id whole', () => {
    const marks = [
      coTravelMark.sighting('P-a', 'hotel:1'),
      coTravelMark.sighting('P-a', 'netcafe:2'),
      coTravelMark.sighting('P-b', 'rail:3'),
      coTravelMark.person('P-b'),
      coTravelMark.sighting('P-d', 'rail:4\twith a tab'),
    ];
    expect(parseCoTravelMarks(marks)).toEqual({
      persons: ['P-b'],
      sightings: [
        { eid: 'P-a', rids: ['hotel:1', 'netcafe:2'] },
        { eid: 'P-d', rids: ['rail:4\twith a tab'] },
      ],
    });
  });
});
