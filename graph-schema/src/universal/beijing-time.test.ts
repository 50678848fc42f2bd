import { describe, expect, it } from 'vitest';
import { formatBeijing, parseBeijingLocal, toBeijingIso, toBeijingLocalInput } from './beijing-time.ts';

describe('Beijing time', () => {
  it('states an instant with the +08:00 offset whatever offset it came in', () => {
    expect(toBeijingIso('2026-03-09T06:23:00Z')).toBe('2026-03-09T14:23:00+08:00');
    expect(toBeijingIso('2026-03-09T14:23:00+08:00')).toBe('2026-03-09T14:23:00+08:00');
    expect(toBeijingIso(Date.parse('2026-03-09T20:25:00Z'))).toBe('2026-03-10T04:25:00+08:00');
  });
  it('formats wall-clock text for people across midnight UTC', () => {
    expect(formatBeijing('2026-03-09T18:30:00Z')).toBe('2026-03-10 02:30');
    expect(formatBeijing('2026-03-09T18:30:05Z', 'second')).toBe('2026-03-10 02:30:05');
    expect(formatBeijing('2026-03-09T18:30:00Z', 'day')).toBe('03-10');
    expect(formatBeijing('2026-03-09T18:30:00Z', 'time')).toBe('02:30');
  });
  it('reads what a user typed as Beijing time, and back', () => {
    expect(parseBeijingLocal('2026-03-09T14:23')).toBe(Date.parse('2026-03-09T06:23:00Z'));
    expect(parseBeijingLocal('2026-03-10')).toBe(Date.parse('2026-03-09T16:00:00Z'));
    expect(toBeijingLocalInput(parseBeijingLocal('2026-03-09T14:23'))).toBe('2026-03-09T14:23');
  });
  it('refuses what is not a time', () => {
    expect(() => toBeijingIso('yesterday')).toThrow(RangeError);
  });
});
