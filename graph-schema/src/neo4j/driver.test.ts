import type { ManagedTransaction } from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { withoutStackCapture } from './driver.ts';

describe('withoutStackCapture', () => {
  it('runs the query without a stack trace and restores the limit afterwards, also when run throws', () => {
    const seen: number[] = [];
    const tx = {
      run(query: string) {
        seen.push(Error.stackTraceLimit);
        if (query === 'bad') throw new Error('refused');
        return { query };
      },
    } as unknown as ManagedTransaction;
    const before = Error.stackTraceLimit;
    const fast = withoutStackCapture(tx);
    expect(fast.run('RETURN 1')).toEqual({ query: 'RETURN 1' });
    expect(() => fast.run('bad')).toThrow('refused');
    expect(seen).toEqual([0, 0]);
    expect(Error.stackTraceLimit).toBe(before);
  });
});
