import { describe, expect, it } from 'vitest';
import { daysBetween, eventDays, passShifts, pushedCopy, shiftTime, traceTimeColumns } from './pushed-times.ts';

describe('pushed times', () => {
  it('moves a time by whole days in the shape it was written in', () => {
    expect(shiftTime('2026-03-02 16:24:50', 30)).toBe('2026-04-01 16:24:50');
    expect(shiftTime('2026-03-02T08:14:39+08:00', 366)).toBe('2027-03-03T08:14:39+08:00');
    expect(shiftTime('2026-12-31', 1)).toBe('2027-01-01');
    expect(shiftTime('2028-02-28 23:59:59', 1)).toBe('2028-02-29 23:59:59');
  });

  it('leaves what is not a dated string as it is', () => {
    expect(shiftTime('', 5)).toBe('');
    expect(shiftTime(undefined, 5)).toBeUndefined();
    expect(shiftTime('20260302162450', 5)).toBe('20260302162450');
    expect(shiftTime('2026-03-02 16:24:50', 0)).toBe('2026-03-02 16:24:50');
  });

  it('counts days across months and years', () => {
    expect(daysBetween('2026-03-01', '2026-03-10')).toBe(9);
    expect(daysBetween('2026-12-31', '2027-01-01')).toBe(1);
    expect(daysBetween('2026-03-10', '2026-03-01')).toBe(-9);
  });

  it('reads the trace time columns of a source', () => {
    expect(
      traceTimeColumns({
        traces: [
          { subject: 'guest', place: 'hotel', kind: 'hotel_stay', atColumn: 'check_in', untilColumn: 'check_out' },
          { subject: 'car', place: 'cp', kind: 'checkpoint_pass', atColumn: 'check_in' },
        ],
      }),
    ).toEqual(['check_in', 'check_out']);
    expect(traceTimeColumns({})).toEqual([]);
  });

  it('finds the first and last day of a template over every time column', () => {
    const records = [
      { check_in: '2026-03-02 16:24:50', check_out: '2026-03-05 08:21:23' },
      { check_in: '2026-03-01 23:00:00', check_out: '' },
    ];
    expect(eventDays(records, ['check_in', 'check_out'])).toEqual({ first: '2026-03-01', last: '2026-03-05' });
    expect(eventDays([{ check_in: '' }], ['check_in'])).toBeUndefined();
  });

  it('puts every pass on days of its own, after the latest sighting in the graph', () => {
    const shift = passShifts({ length: 100, first: '2026-03-01', last: '2026-03-10', after: '2026-03-10' });
    // pass 0 starts on 2026-03-11, pass 1 ten days later
    expect(shift(0)).toBe(10);
    expect(shift(99)).toBe(10);
    expect(shift(100)).toBe(20);
    expect(shift(250)).toBe(30);
    // days of consecutive passes never meet
    const lastOf = (k: number) => daysBetween('2026-03-01', '2026-03-10') + shift(k * 100);
    const firstOf = (k: number) => shift(k * 100);
    for (let k = 0; k < 5; k++) expect(firstOf(k + 1)).toBeGreaterThan(lastOf(k));
    // a graph whose sightings end before the template: the first pass keeps the template's days
    expect(passShifts({ length: 10, first: '2026-03-01', last: '2026-03-10', after: '2026-01-01' })(0)).toBe(0);
    expect(passShifts({ length: 10, first: '2026-03-01', last: '2026-03-10' })(10)).toBe(10);
  });

  it('copies a record with its time columns moved and nothing else changed', () => {
    const r = {
      record_id: 'LG1',
      guest_name: '赵娥珠',
      check_in: '2026-03-02 16:24:50',
      check_out: '2026-03-05 08:21:23',
    };
    const c = pushedCopy(r, ['check_in', 'check_out', 'absent'], 10);
    expect(c).toEqual({
      record_id: 'LG1',
      guest_name: '赵娥珠',
      check_in: '2026-03-12 16:24:50',
      check_out: '2026-03-15 08:21:23',
    });
    expect(c).not.toHaveProperty('absent');
    expect(r.check_in).toBe('2026-03-02 16:24:50');
    expect(pushedCopy(r, ['check_in'], 0)).toEqual(r);
  });
});
