import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { auditDigestKey } from '../audit/chain.ts';
import { auditParams as auditParamsKeyed } from './audit.ts';

const KEY = auditDigestKey('k'.repeat(16));
const auditParams = (r: FastifyRequest) => auditParamsKeyed(r, KEY);

const request = (body: unknown, config: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  ({ params: { source: 'hotel' }, query: {}, body, headers, routeOptions: { config } }) as unknown as FastifyRequest;

describe('auditParams', () => {
  it('records an uploaded file as its size, never its bytes (a 50 MB body is not walked)', () => {
    const csv = Buffer.from('name,resident_id\n张三,620102198805051234\n');
    const small = JSON.parse(auditParams(request(csv, {}, { 'content-type': 'text/csv' })));
    expect(small.body).toEqual({ bytes: csv.byteLength, contentType: 'text/csv' });
    const big = auditParams(request(Buffer.alloc(50_000_000, 0x31)));
    expect(JSON.parse(big).body).toEqual({ bytes: 50_000_000, contentType: null });
    expect(big).not.toContain('"0":');
  });

  it('records a delivery of source records by its shape only', () => {
    const records = Array.from({ length: 49 }, (_, i) => ({ record_id: `T${i}`, name: '张三', resident_id: '620102198805051234' }));
    const s = auditParams(request({ records }, { auditBody: 'shape' }));
    expect(JSON.parse(s).body).toEqual({ records: { items: 49 } });
    expect(s).not.toContain('张三');
    expect(s).not.toContain('6201021988');
  });

  it('bounds the values it visits and the strings it keeps, and redacts secrets', () => {
    const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    const s = auditParams(request({ password: 'hunter2-hunter2', note: 'x'.repeat(10_000), wide }));
    expect(s.length).toBeLessThanOrEqual(4100);
    expect(s).toContain('"password":"[redacted]"');
    expect(s).not.toContain('hunter2');
    expect(s).toContain(`"note":"${'x'.repeat(500)}…"`);
    expect(s).toContain('…[truncated');
  });

  it('never leaves items out silently: a long array is counted, and the entry carries the whole body\'s digest', () => {
    const units = Array.from({ length: 60 }, (_, i) => ({ code: `620104${String(101 + i).padStart(3, '0')}`, name: `派出所${i}` }));
    const s = JSON.parse(auditParams(request({ units, password: 'hunter2-hunter2' })));
    expect(s.body.units).toHaveLength(51);
    expect(s.body.units[50]).toBe('…+10 more');
    const whole = JSON.stringify({ units, password: '[redacted]' });
    expect(s.bodyHmac).toBe(createHmac('sha256', KEY).update(whole).digest('hex'));
    // a body recorded whole has no digest
    expect(JSON.parse(auditParams(request({ units: units.slice(0, 50) }))).bodyHmac).toBeUndefined();
    // cut at the entry's length: the digest is named at its end
    const long = auditParams(request({ note: 'y'.repeat(400), items: Array.from({ length: 49 }, () => 'z'.repeat(400)) }));
    expect(long).toMatch(/…\[truncated \d+ chars; bodyHmac [0-9a-f]{64}\]$/);
  });
});
