import { describe, expect, it } from 'vitest';
import { HashedKeyMap, keyHash } from './hashed-key-map.ts';

/** A value that tells the key it was set under, as a block tells its rule's key through its groups. */
interface Box {
  key: string | undefined;
}
const box = (key: string): Box => ({ key });
const keyOf = (b: Box) => b.key;
/** every key collides */
const sameHash = () => 7;

describe('HashedKeyMap', () => {
  it('keeps keys whose hashes collide apart: each key finds its own value, never the other', () => {
    const m = new HashedKeyMap<Box>(keyOf, sameHash);
    const a = box('张|1990');
    const b = box('李|1985');
    m.add('张|1990', a);
    expect(m.get('李|1985')).toBeUndefined();
    m.add('李|1985', b);
    expect(m.get('张|1990')).toBe(a);
    expect(m.get('李|1985')).toBe(b);
    expect(m.size).toBe(2);
    expect(m.collisions).toBe(1);
    expect([...m.values()]).toEqual([a, b]);
  });

  it('still finds a collided key after the key holding its hash is gone, and does not add it twice', () => {
    const m = new HashedKeyMap<Box>(keyOf, sameHash);
    const a = box('a');
    const b = box('b');
    m.add('a', a);
    m.add('b', b);
    m.delete('a', a);
    expect(m.get('a')).toBeUndefined();
    expect(m.get('b')).toBe(b);
    // a third key takes the free hash; the collided one stays where it is
    const c = box('c');
    m.add('c', c);
    expect(m.get('b')).toBe(b);
    expect(m.get('c')).toBe(c);
    m.delete('b', b);
    expect(m.get('b')).toBeUndefined();
    expect(m.get('c')).toBe(c);
    expect(m.size).toBe(1);
  });

  it('replaces a value where its key is kept, by its hash or by its string', () => {
    const m = new HashedKeyMap<Box>(keyOf, sameHash);
    const a = box('a');
    const b = box('b');
    m.add('a', a);
    m.add('b', b);
    const a2 = box('a');
    const b2 = box('b');
    m.replace('a', a, a2);
    m.replace('b', b, b2);
    expect(m.get('a')).toBe(a2);
    expect(m.get('b')).toBe(b2);
    expect(m.size).toBe(2);
    expect(m.collisions).toBe(1);
  });

  it('deletes a value that no longer tells its key (a block whose last group left)', () => {
    const m = new HashedKeyMap<Box>(keyOf);
    const a = box('k');
    m.add('k', a);
    a.key = undefined;
    expect(m.get('k')).toBeUndefined();
    m.delete('k', a);
    expect(m.size).toBe(0);
  });

  it('hashes to non-negative 30-bit integers, different for near keys', () => {
    const keys = ['', 'a', 'b', 'ab', 'ba', '张伟', 'zhang\u0001wei', 'zhang\u0001wej'];
    const hashes = keys.map(keyHash);
    for (const h of hashes) expect(Number.isInteger(h) && h >= 0 && h < 2 ** 30).toBe(true);
    expect(new Set(hashes).size).toBe(keys.length);
  });
});
