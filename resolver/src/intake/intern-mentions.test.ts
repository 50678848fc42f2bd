import { describe, expect, it } from 'vitest';
import type { Mention } from '../types.ts';
import { StringInterner } from './intern-mentions.ts';

const mention = (i: number): Mention => ({
  key: `hotel:${i}:guest`,
  source: 'hotel',
  recordId: String(i),
  role: 'guest',
  kind: 'Person',
  attrs: { name: '张三', sex: 'M', birthDate: '1990-01-01' },
  identifiers: [{ kind: 'resident_id', value: '11010519491231002X' }],
  flags: ['name:traditional_converted'],
});

describe('StringInterner', () => {
  it('returns the first copy of a string and leaves every mention value as it was', () => {
    const i = new StringInterner();
    const first = 'hotel'.slice(0);
    expect(i.intern(first)).toBe(first);
    expect(i.intern(['ho', 'tel'].join(''))).toBe('hotel');
    const ms = [mention(1), mention(2)];
    const before = JSON.stringify(ms);
    i.mentions(ms);
    expect(JSON.stringify(ms)).toBe(before);
  });
});
