import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.ts';
import { homophoneVariant, pinyinVariant, swappedVariant, traditionalVariant, typoVariant } from './variants.ts';

describe('name variants', () => {
  const rng = new Rng('variants');

  it('replaces one character by a same-sound one', () => {
    const v = homophoneVariant(rng, '张伟');
    expect(v).not.toBeNull();
    expect(v).not.toBe('张伟');
    expect(v).toHaveLength(2);
    expect(homophoneVariant(rng, '扎西')).toBeNull();
  });

  it('writes traditional characters', () => {
    expect(traditionalVariant('张伟')).toBe('張偉');
    expect(traditionalVariant('扎西')).toBeNull();
  });

  it('renders Pinyin without tones, family name upper case or given name first', () => {
    for (let i = 0; i < 10; i++) expect(['ZHANG Wei', 'Wei Zhang']).toContain(pinyinVariant(rng, '张伟', 1));
    expect(['OUYANG Xiu', 'Xiu Ouyang']).toContain(pinyinVariant(rng, '欧阳修', 2));
    expect(pinyinVariant(rng, '扎西', 0)).toBe('ZHAXI');
  });

  it('swaps family and given name, not for names without a surname', () => {
    expect(swappedVariant('张伟明', 1)).toBe('伟明张');
    expect(swappedVariant('才让卓玛', 0)).toBeNull();
  });

  it('makes look-alike or dropped-character typos', () => {
    expect(typoVariant(rng, '王五')).toBe('玉五');
    expect(typoVariant(rng, '赵小')).toBeNull();
    const t = typoVariant(rng, '赵小龙');
    expect(t).toBe('赵小');
  });
});
