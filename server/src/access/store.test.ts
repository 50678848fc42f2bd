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

describe('the access store under concurrent requests', () => {
  beforeEach(() => {
    reads.length = 0;
  });

  it('requests that find a user expired together share one read', async () => {
    const store = new AccessStore({} as Graph, 60_000, []);
    const waiting = Array.from({ length: 10 }, () => store.user('a'));
    expect(reads).toHaveLength(1);
    reads[0]!.resolve(user(false));
    const got = await Promise.all(waiting);
    expect(got.every((u) => u?.username === 'a' && !u.disabled)).toBe(true);
    // cached now: no read
    await store.user('a');
    expect(reads).toHaveLength(1);
  });

  it('a failed read is not shared with later requests', async () => {
    const store = new AccessStore({} as Graph, 60_000, []);
    const failing = store.user('a');
    const sharing = store.user('a');
    (reads[0] as unknown as { resolve: (u: unknown) => void }).resolve(Promise.reject(new Error('graph down')));
    await expect(failing).rejects.toThrow('graph down');
    await expect(sharing).rejects.toThrow('graph down');
    const next = store.user('a');
    expect(reads).toHaveLength(2);
    reads[1]!.resolve(user(false));
    expect((await next)?.username).toBe('a');
  });
});
