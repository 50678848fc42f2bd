import { describe, expect, it } from 'vitest';
import type { JurisdictionCount } from '../../api/types.ts';
import { choroplethEnds } from './jurisdiction-layer.ts';

const county = (code: string, count: number, suppressed = false): JurisdictionCount => ({ code, count, suppressed });

describe('choropleth legend ends', () => {
  it('shows no range while the counts load, even when old counts are on screen', () => {
    expect(choroplethEnds([], true)).toEqual({ min: '', max: '…' });
    expect(choroplethEnds([county('a', 40)], true)).toEqual({ min: '', max: '…' });
  });
  it('shows 1 … the largest published count, never a withheld one', () => {
    expect(choroplethEnds([county('a', 40), county('b', 7), county('c', 90, true)], false)).toEqual({ min: '1', max: '40' });
  });
  it('shows a dash, not "1 … 0", when no jurisdiction publishes a count', () => {
    expect(choroplethEnds([], false)).toEqual({ min: '–', max: '–' });
    expect(choroplethEnds([county('a', 3, true)], false)).toEqual({ min: '–', max: '–' });
  });
});
