import type { Graph } from '@onemap/graph-schema/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { UserInfo } from './types.ts';

const reads: { resolve: (u: UserInfo | null) => void }[] = [];
vi.mock('../repositories/access.ts', () => ({
  readUser: vi.fn(() => new Promise<UserInfo | null>((resolve) => reads.push({ resolve }))),
  readGovernance: vi.fn(),
}));
const { AccessStore } = await import('./store.ts');

const user = (disabled: boolean): UserInfo => ({ username: 'a', displayName: 'A', unitCode: '620102', roles: ['officer'], passwordHash: '', certFingerprint: null, disabled, tokenVersion: disabled ? 1 : 0 });

describe('the access store after an admin change', () => {
  beforeEach(() => {
    reads.length = 0;
  });

  it('does not keep a user read that began before the change (it may be the old one)', async () => {
    const store = new AccessStore({} as Graph, 60_000, []);
    const stale = store.user('a');
    store.invalidate(); // an admin disabled the user while the read was under way
    reads[0]!.resolve(user(false));
    expect((await stale)?.disabled).toBe(false); // that one request is answered with what it read …
    const fresh = store.user('a'); // … but the next one reads again
    expect(reads).toHaveLength(2);
    reads[1]!.resolve(user(true));
    expect((await fresh)?.disabled).toBe(true);
    // and that read, begun after the change, is kept
    expect((await store.user('a'))?.disabled).toBe(true);
    expect(reads).toHaveLength(2);
  });
});
