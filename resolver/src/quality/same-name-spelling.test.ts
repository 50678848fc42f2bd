import { describe, expect, it } from 'vitest';
import { sameNameSpelling } from './same-name-spelling.ts';

describe('sameNameSpelling', () => {
  it('a traditional spelling is the same name', () => {
    expect(sameNameSpelling('張偉', '张伟')).toBe(true);
  });
  it('a Pinyin-only spelling is the same name, in either order', () => {
    expect(sameNameSpelling('ZHANG WEI', '张伟')).toBe(true);
    expect(sameNameSpelling('Wei Zhang', '张伟')).toBe(true);
  });
  it('a homophone in Hanzi, a typo and another name stay conflicts', () => {
    expect(sameNameSpelling('张炜', '张伟')).toBe(false);
    expect(sameNameSpelling('张伟伟', '张伟')).toBe(false);
    expect(sameNameSpelling('LI NA', '张伟')).toBe(false);
  });
});
