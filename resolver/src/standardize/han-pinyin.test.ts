import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pinyin } from 'pinyin-pro';
import { describe, expect, it } from 'vitest';
import { plainPinyin, singleReading, surnamePinyin } from './han-pinyin.ts';

const ROOT = join(import.meta.dirname, '../../..');
const whole = (s: string) => pinyin(s, { surname: 'head', toneType: 'none', type: 'array', v: true });
const wholePlain = (s: string) => pinyin(s, { toneType: 'none', type: 'array', v: true, nonZh: 'removed' }).join('');

/** Every run of two to four Hanzi in the sample's files: its names (and parts of its addresses). */
function sampleNames(): string[] {
  const dir = join(ROOT, 'datasets/sample');
  const names = new Set<string>();
  for (const source of readdirSync(dir, { withFileTypes: true })) {
    if (!source.isDirectory()) continue;
    for (const f of readdirSync(join(dir, source.name))) {
      if (!/\.(csv|jsonl)$/.test(f)) continue;
      for (const m of readFileSync(join(dir, source.name, f), 'utf8').matchAll(/[\u3400-\u9fff]{2,4}/g)) names.add(m[0]);
    }
  }
  return [...names];
}

// characters whose reading depends on the word or on being a surname, in the name positions
const MULTI = ['单雄信', '曾国藩', '乐嘉', '解放', '区志强', '仇英', '朴正', '查良镛', '万俟卨', '长孙无忌', '尉迟恭', '单于', '华佗', '盛重阳', '覃乐', '缪长乐', '翟行', '都传会', '王乐乐', '张长', '张曾', '李单'];

describe('per-character Pinyin', () => {
  it('equals the whole-string conversion on every sample name and on multi-reading names', () => {
    const names = [...sampleNames(), ...MULTI];
    expect(names.length).toBeGreaterThan(1000);
    const surnameDiffs = names.filter((n) => surnamePinyin(n).join(' ') !== whole(n).join(' '));
    const plainDiffs = names.filter((n) => plainPinyin(n) !== wholePlain(n));
    expect({ surnameDiffs, plainDiffs }).toEqual({ surnameDiffs: [], plainDiffs: [] });
  }, 120_000);

  it('equals the whole-string conversion when the sample characters are recombined', () => {
    const chars = [...new Set(sampleNames().join(''))].filter((c) => c !== '·');
    const diffs: string[] = [];
    // every character at the head and behind every other: the surname position and word context
    for (let i = 0; i < chars.length; i++) {
      const s = chars[i]! + chars[(i * 7 + 3) % chars.length]! + chars[(i * 13 + 5) % chars.length]!;
      if (surnamePinyin(s).join(' ') !== whole(s).join(' ') || plainPinyin(s) !== wholePlain(s)) diffs.push(s);
    }
    expect(diffs).toEqual([]);
  }, 120_000);

  it('reads a character alone only when it has a single toneless reading', () => {
    expect(singleReading('张')).toBe('zhang');
    expect(singleReading('吕')).toBe('lv');
    for (const c of ['单', '曾', '乐', '长', '万', '俟', '区', '解']) expect(singleReading(c)).toBeNull();
    expect(singleReading('·')).toBeNull();
    expect(surnamePinyin('单雄信')).toEqual(['shan', 'xiong', 'xin']);
    expect(plainPinyin('')).toBe('');
  });
});
