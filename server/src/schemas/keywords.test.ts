import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { GrantBody } from './admin.ts';
import { CollisionBody } from './analysis.ts';
import { TrajectoryQuery } from './entities.ts';
import { addRequestKeywords } from './keywords.ts';
import { HeatQuery } from './layers.ts';
import { MergeBody } from './resolution.ts';

const ajv = addRequestKeywords(new Ajv({ coerceTypes: 'array', useDefaults: true, strict: false }));
const valid = (schema: object, data: unknown) => ajv.validate(schema, data);
const message = (schema: object, data: unknown) => (ajv.validate(schema, data) ? null : ajv.errors?.[0]?.message);

describe('cross-field rules live in the schemas', () => {
  it('a time range must run forwards and stay within its span', () => {
    expect(valid(TrajectoryQuery, { from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' })).toBe(true);
    expect(message(TrajectoryQuery, { from: '2026-11-03T00:00:00Z', to: '2026-11-01T00:00:00Z' })).toBe('from must be before to');
    expect(message(TrajectoryQuery, { from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })).toBe('the time range may span at most 366 days');
  });

  it('each collision window spans at most 31 days', () => {
    const w = (from: string, to: string) => ({ lon: 103.8, lat: 36.06, radiusM: 100, from, to });
    expect(valid(CollisionBody, { windows: [w('2026-11-01', '2026-11-02'), w('2026-11-01', '2026-11-30')] })).toBe(true);
    expect(message(CollisionBody, { windows: [w('2026-11-01', '2026-11-02'), w('2026-01-01', '2026-11-30')] })).toBe('the time range may span at most 31 days');
  });

  it('a bounding box is all four corners or none, min below max', () => {
    const t = { from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' };
    expect(valid(HeatQuery, t)).toBe(true);
    expect(valid(HeatQuery, { ...t, minLon: 103, minLat: 35, maxLon: 104, maxLat: 37 })).toBe(true);
    expect(message(HeatQuery, { ...t, minLon: 103 })).toContain('needs all of');
    expect(message(HeatQuery, { ...t, minLon: 104, minLat: 35, maxLon: 103, maxLat: 37 })).toContain('empty');
  });

  it('a survivor cannot also be merged away', () => {
    expect(valid(MergeBody, { survivor: 'P-1', merged: ['P-2'], reason: '同一人' })).toBe(true);
    expect(message(MergeBody, { survivor: 'P-1', merged: ['P-1'], reason: '同一人' })).toBe('survivor must not also be in merged');
  });

  it('a grant expires in the future', () => {
    const g = { unitCode: '620100', sourceId: 'household', purposes: ['criminal_case'], fields: [] };
    expect(valid(GrantBody, { ...g, expiresAt: '2099-01-01T00:00:00Z' })).toBe(true);
    expect(message(GrantBody, { ...g, expiresAt: '2001-01-01T00:00:00Z' })).toBe('must be in the future');
  });
});
