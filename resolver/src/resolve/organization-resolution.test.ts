/**
 * The Organization model on the cases registries produce: variants of one company merge; the
 * hard negatives (same trade name in another city, a branch, a look-alike trade name, another
 * valid credit code) stay apart, in batch and in real time, with the same explanations.
 */

import { creditCodeCheckChar } from '@onemap/graph-schema';
import { describe, expect, it } from 'vitest';
import { explainPair } from '../explain/explain-pair.ts';
import { defaultSettings } from '../scoring/default-kind-settings.ts';
import { validateModel } from '../scoring/model-io.ts';
import { type AttrValue, standardizeEntityAttrs } from '../standardize/entity-attrs.ts';
import type { Mention } from '../types.ts';
import { ResolutionIndex } from './resolution-index.ts';
import { resolveBatch } from './resolve-batch.ts';

const code = (body17: string) => body17 + creditCodeCheckChar(body17);
const HUAYU = code('91620102MA0004CT1'); // 兰州华宇商贸 (head office)
const HUAYU_WUWEI = code('91620602MA0004CT2'); // 武威华宇商贸, another company
const HUAYU_BRANCH = code('91620602MA0004CT3'); // its 武威 branch
const HUAYU_LOOKALIKE = code('91620102MA0004CT4'); // 兰州桦宇商贸

let n = 0;
function org(f: { name: string; creditCode?: string; address?: string; phone?: string }): Mention {
  const values = new Map<string, AttrValue>();
  for (const [k, v] of Object.entries(f)) if (v) values.set(k, { value: v, column: k });
  const r = standardizeEntityAttrs('Organization', values);
  const id = String(++n);
  return { key: `t:${id}:company`, source: 't', recordId: id, role: 'company', kind: 'Organization', ...r };
}

const registry = () => ({
  head: org({
    name: '兰州华宇商贸有限公司',
    creditCode: HUAYU,
    address: '甘肃省兰州市城关区东岗路1号',
    phone: '0931-8123456',
  }),
  otherCity: org({ name: '武威华宇商贸有限公司', creditCode: HUAYU_WUWEI, address: '甘肃省武威市凉州区新华路9号' }),
  branch: org({ name: '兰州华宇商贸有限公司武威分公司', creditCode: HUAYU_BRANCH, phone: '0931-8123456' }),
  lookAlike: org({
    name: '兰州桦宇商贸有限公司',
    creditCode: HUAYU_LOOKALIKE,
    address: '甘肃省兰州市七里河区西津路3号',
  }),
});

describe('Organization model', () => {
  it('is probabilistic, valid, and versioned', () => {
    const m = defaultSettings('Organization');
    expect(validateModel(m)).toEqual([]);
    expect(m.thresholds.match).toBeLessThan(1);
    expect(m.exclusive).toContain('credit_code');
    expect(m.exclusiveAttrs).toContain('orgBranch');
  });

  it('merges the ways registries write one company', () => {
    const r = registry();
    const variants = [
      org({ name: '华宇商贸（兰州）有限责任公司', phone: '0931-8123456' }), // region after the trade name, no code
      org({ name: '兰州市华宇商贸(有限公司)', creditCode: HUAYU.toLowerCase() }), // lower-case code
      org({ name: '蘭州華宇商貿有限公司', creditCode: `${HUAYU.slice(0, 10)}X${HUAYU.slice(11)}` }), // one character mistyped
      org({ name: '兰州 华宇商贸有限公司', address: '甘肃省兰州市城关区东岗路1号' }), // a stray space
    ];
    const res = resolveBatch([...Object.values(r), ...variants]);
    const e = res.entityOf.get(r.head.key);
    for (const v of variants) expect(res.entityOf.get(v.key), v.attrs.name).toBe(e);
  });

  it('keeps every hard negative apart from the company', () => {
    const r = registry();
    const res = resolveBatch(Object.values(r));
    const entities = new Set(Object.values(r).map((m) => res.entityOf.get(m.key)));
    expect(entities.size).toBe(4);
  });

  it('keeps a name-only look-alike (华宇 / 桦宇) in the same city apart', () => {
    const r = registry();
    const m = org({ name: '兰州桦宇商贸有限公司' });
    const res = resolveBatch([r.head, m]);
    expect(res.entityOf.get(m.key)).not.toBe(res.entityOf.get(r.head.key));
    expect(
      explainPair(r.head, m, res.models.Organization!).terms.find((t) => t.comparison === 'trade name')?.level,
    ).toBe('pinyin equal');
  });

  it('never merges a branch with its head office, whatever else they share', () => {
    const head = org({ name: '兰州华宇商贸有限公司', phone: '0931-8123456', address: '甘肃省兰州市城关区东岗路1号' });
    const branch = org({
      name: '兰州华宇商贸有限公司武威分公司',
      phone: '0931-8123456',
      address: '甘肃省兰州市城关区东岗路1号',
    });
    const res = resolveBatch([head, branch]);
    expect(res.entityOf.get(branch.key)).not.toBe(res.entityOf.get(head.key));
    expect(explainPair(head, branch, res.models.Organization!).conflicts).toContain('different orgBranch');
  });

  it('never merges two different valid credit codes (cannot-link), even with the same name', () => {
    const a = org({ name: '兰州华宇商贸有限公司', creditCode: HUAYU, phone: '0931-8123456' });
    const b = org({ name: '兰州华宇商贸有限公司', creditCode: HUAYU_LOOKALIKE, phone: '0931-8123456' });
    const res = resolveBatch([a, b]);
    expect(res.entityOf.get(a.key)).not.toBe(res.entityOf.get(b.key));
    expect(res.decisions.some((d) => d.decision === 'cannot_link')).toBe(true);
  });

  it('keeps the same trade name and industry in another city apart without codes', () => {
    const a = org({ name: '兰州华宇商贸有限公司' });
    const b = org({ name: '武威华宇商贸有限公司' });
    const res = resolveBatch([a, b]);
    expect(res.entityOf.get(a.key)).not.toBe(res.entityOf.get(b.key));
  });

  it('sends a province-only name that fits two companies to review instead of guessing', () => {
    const r = registry();
    const m = org({ name: '甘肃华宇商贸有限公司' });
    const res = resolveBatch([r.head, r.otherCity, m]);
    expect(res.entityOf.get(m.key)).not.toBe(res.entityOf.get(r.head.key));
    expect(res.entityOf.get(m.key)).not.toBe(res.entityOf.get(r.otherCity.key));
    expect(res.reviewQueue.filter((d) => d.a === m.key || d.b === m.key).length).toBeGreaterThan(0);
  });
});

describe('Organization model on a province-sized register', () => {
  // A trade name's weight follows how common it is (term frequencies count from 200 values): ~400
  // companies of other trade names put 鑫源敦煌 at the frequency a province's trade names have.
  const WORDS = [...'安宝晨达丰富光海和宏华汇佳嘉金锦凯康朗利隆茂美明鹏启荣瑞润盛顺泰腾旺翔鑫'];
  const fillers = () =>
    WORDS.flatMap((a, i) =>
      WORDS.slice(i + 1, i + 14).map((b) => org({ name: `兰州${a}${b}商贸有限公司`, address: `甘肃省兰州市城关区${a}${b}路1号` })),
    );
  // the company as the register and a later filing write it
  const company = () => [
    org({ name: '平凉鑫源敦煌建筑工程有限公司', creditCode: code('91620826MA03DNQX9'), address: '甘肃省平凉市静宁县仁大镇文化路371号' }),
    org({ name: '平凉鑫源敦煌建筑工程有限公司', creditCode: code('91620826MA03DNQX9') }),
  ];
  // a fleet record names the company by trade name and city only: no code, no industry
  const fleet = () => org({ name: '平凉市鑫源敦煌有限公司' });

  it('joins a name-only record to the only company of its trade name in its city, in batch and in real time', () => {
    const f = fillers();
    expect(f.length).toBeGreaterThan(300);
    const [c, filing] = company();
    const v = fleet();
    const res = resolveBatch([...f, c!, filing!, v]);
    expect(res.entityOf.get(v.key)).toBe(res.entityOf.get(c!.key));
    expect(res.decisions.find((d) => d.a === v.key || d.b === v.key)?.reason).toBe('only candidate');
    const ix = new ResolutionIndex();
    for (const m of [...f, c!, filing!]) ix.resolveAndAdd(m);
    expect(ix.resolveOne(fleet())).toMatchObject({ decision: 'match', reason: 'only candidate', entityId: ix.entityOf(c!.key) });
  });

  it('keeps it apart when two companies of the city share the trade name', () => {
    const [c, filing] = company();
    const other = org({ name: '平凉鑫源敦煌商贸有限公司', creditCode: code('91620802MA03DNQX1'), address: '甘肃省平凉市崆峒区东关路2号' });
    const v = fleet();
    const res = resolveBatch([...fillers(), c!, filing!, other, v]);
    expect(res.entityOf.get(v.key)).not.toBe(res.entityOf.get(c!.key));
    expect(res.entityOf.get(v.key)).not.toBe(res.entityOf.get(other.key));
  });
});

describe('Organization model in real time (ResolutionIndex.resolveOne)', () => {
  const indexed = () => {
    const r = registry();
    const ix = new ResolutionIndex();
    for (const m of Object.values(r)) ix.resolveAndAdd(m);
    return { r, ix };
  };

  it('finds the company for a variant without a code, with an explanation', () => {
    const { r, ix } = indexed();
    const out = ix.resolveOne(org({ name: '华宇商贸（兰州）有限责任公司', phone: '0931-8123456' }));
    expect(out.decision).toBe('match');
    expect(out.entityId).toBe(ix.entityOf(r.head.key));
    expect(out.explanation?.terms.find((t) => t.comparison === 'trade name')?.level).toBe('exact');
  });

  it('anchors a lower-case code and scores a mistyped one', () => {
    const { r, ix } = indexed();
    expect(ix.resolveOne(org({ name: '兰州华宇商贸有限公司', creditCode: HUAYU.toLowerCase() }))).toMatchObject({
      decision: 'anchor',
      entityId: ix.entityOf(r.head.key),
    });
    const typo = ix.resolveOne(
      org({ name: '兰州华宇商贸有限公司', creditCode: `${HUAYU.slice(0, 10)}X${HUAYU.slice(11)}` }),
    );
    expect(typo.decision).toBe('match');
    expect(typo.entityId).toBe(ix.entityOf(r.head.key));
    expect(typo.explanation?.terms.find((t) => t.comparison === 'credit code')?.level).toBe('one edit');
  });

  it('keeps the branch, the other city and the look-alike apart', () => {
    const { r, ix } = indexed();
    const branch = ix.resolveOne(org({ name: '兰州华宇商贸有限公司武威分公司', phone: '0931-8123456' }));
    expect(branch.entityId).not.toBe(ix.entityOf(r.head.key));
    expect(branch.entityId).toBe(ix.entityOf(r.branch.key));
    expect(ix.resolveOne(org({ name: '武威华宇商贸有限公司' })).entityId).not.toBe(ix.entityOf(r.head.key));
    expect(ix.resolveOne(org({ name: '兰州桦宇商贸有限公司' })).entityId).not.toBe(ix.entityOf(r.head.key));
  });
});
