import { describe, expect, it } from 'vitest';
import {
  appended,
  countOf,
  deleteMember,
  findIn,
  hasMember,
  listOf,
  type MemberSet,
  memberCount,
  type OneOrList,
  withItem,
  withMember,
  withoutItem,
} from './small-lists.ts';

describe('small lists', () => {
  it('copies a small list to its exact size and pushes onto a long one', () => {
    const one = appended<number>([], 1);
    expect(one).toEqual([1]);
    const eight = appended([1, 2, 3, 4, 5, 6, 7], 8);
    expect(eight).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const nine = appended(eight, 9);
    expect(nine).toBe(eight);
    expect(nine).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps members in the order they were added, as a list and past it as a set, through removals', () => {
    let set: MemberSet | undefined;
    for (let n = 10; n < 30; n++) {
      set = withMember(set, n);
      expect([...set]).toEqual(Array.from({ length: n - 9 }, (_, i) => 10 + i));
      expect(memberCount(set)).toBe(n - 9);
    }
    expect(Array.isArray(set)).toBe(false);
    deleteMember(set!, 15);
    expect(hasMember(set!, 15)).toBe(false);
    expect(hasMember(set!, 16)).toBe(true);
    expect([...set!].slice(4, 6)).toEqual([14, 16]);
    const small = withMember(withMember(withMember(undefined, 3), 1), 2);
    expect(Array.isArray(small)).toBe(true);
    deleteMember(small, 1);
    deleteMember(small, 7);
    expect([...small]).toEqual([3, 2]);
    expect(hasMember(small, 2)).toBe(true);
    expect(memberCount(small)).toBe(2);
    expect(memberCount(undefined)).toBe(0);
  });

  it('keeps one item alone and more as a list in order, back to one alone and to none', () => {
    const [a, b, c] = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    let x: OneOrList<{ id: string }> = [];
    expect(countOf(x)).toBe(0);
    x = withItem(x, a);
    expect(x).toBe(a);
    expect(findIn(x, (i) => i.id === 'a')).toBe(a);
    expect(findIn(x, (i) => i.id === 'b')).toBeUndefined();
    x = withItem(withItem(x, b), c);
    expect(listOf(x)).toEqual([a, b, c]);
    expect(findIn(x, (i) => i.id === 'c')).toBe(c);
    x = withoutItem(x, b);
    expect(listOf(x)).toEqual([a, c]);
    x = withoutItem(x, a);
    expect(x).toBe(c);
    expect(countOf(x)).toBe(1);
    expect(withoutItem(x, a)).toBe(c);
    x = withoutItem(x, c);
    expect(countOf(x)).toBe(0);
    expect(listOf(x)).toEqual([]);
  });
});
