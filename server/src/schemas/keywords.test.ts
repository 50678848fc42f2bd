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

describe('times name days of the calendar', () => {
  it('a day the calendar does not have is refused by the schema, not by the graph', () => {
    const t = (from: string, to: string) => message(TrajectoryQuery, { from, to });
    expect(t('2026-11-01T00:00:00Z', '2026-11-30T00:00:00Z')).toBeNull();
    expect(t('2028-02-01', '2028-02-29')).toBeNull();
    expect(t('2026-11-01T00:00:00Z', '2026-11-31T00:00:00Z')).toBe('2026-11-31 is not a day of the calendar');
    expect(t('2026-02-01', '2026-02-29')).toBe('2026-02-29 is not a day of the calendar');
    expect(t('2026-04-31', '2026-05-02')).toBe('2026-04-31 is not a day of the calendar');
  });

  it('every request time with the ISO pattern carries the calendar check', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { IsoTime } = await import('./common.ts');
    const found: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (o.pattern === IsoTime.pattern) {
        found.push(at);
        expect(o['x-calendar-date'], at).toBe(true);
      }
      for (const [k, v] of Object.entries(o)) walk(v, `${at}.${k}`);
    };
    for (const f of fs.readdirSync(import.meta.dirname).filter((x) => x.endsWith('.ts') && !x.endsWith('.test.ts'))) {
      const mod = (await import(path.join(import.meta.dirname, f))) as Record<string, unknown>;
      for (const [name, schema] of Object.entries(mod)) walk(schema, `${f}:${name}`);
    }
    expect(found.length).toBeGreaterThan(10);
  });
});
