/**
 * The default, untrained Organization model. A company name is compared part by part as
 * parsed by `parseOrgName` (trade name, industry, legal form, region, branch), beside the
 * credit code (exact, or one edit away when a mistyped code is no anchor), address, phone and
 * legal representative. Two different valid credit codes never merge, nor a branch with its
 * head office (`orgBranch` is exclusive). `trainModel` learns m and u; the committed
 * `resolver/models/organization.json` is this model trained on the synthetic province.
 */
import { ANCHOR_KINDS } from '@onemap/graph-schema';
import { blockOn } from '../blocking/blocking-rule.ts';
import {
  type ComparisonSettings,
  contradicting,
  exactMatch,
  identifierComparison,
  textComparison,
} from './comparison-settings.ts';
import { MODEL_VERSION, type Model } from './model-settings.ts';

/** Trade name (字号): exact, Pinyin-equal (traditional/homophone renderings), close, different. */
export function tradeNameComparison(name: string, hanziAttr: string, pinyinAttr: string): ComparisonSettings {
  return {
    name,
    attr: pinyinAttr,
    levels: [
      { label: 'null', test: { type: 'null' }, m: 1, u: 1 },
      { label: 'exact', test: { type: 'exact', attr: hanziAttr }, m: 0.9, u: 0.005, tf: hanziAttr },
      { label: 'pinyin equal', test: { type: 'exact', attr: pinyinAttr }, m: 0.03, u: 0.001 },
      { label: 'jaro-winkler >= 0.9', test: { type: 'jaro_winkler', threshold: 0.9 }, m: 0.04, u: 0.01 },
      { label: 'different', test: { type: 'else' }, m: 0.03, u: 0.984 },
    ],
  };
}

/**
 * Regions by division code: same, same city (临夏 / 临夏市), one inside the other (甘肃 /
 * 酒泉), different.
 */
export function regionComparison(name: string, attr: string): ComparisonSettings {
  return {
    name,
    attr,
    levels: [
      { label: 'null', test: { type: 'null' }, m: 1, u: 1 },
      { label: 'same region', test: { type: 'exact' }, m: 0.8, u: 0.1 },
      { label: 'same city', test: { type: 'prefix', length: 4 }, m: 0.05, u: 0.02 },
      { label: 'one inside the other', test: { type: 'nested' }, m: 0.1, u: 0.1 },
      { label: 'different', test: { type: 'else' }, m: 0.05, u: 0.8 },
    ],
  };
}

export function defaultOrganizationSettings(): Model {
  return {
    version: MODEL_VERSION,
    kind: 'Organization',
    lambda: 1e-4,
    comparisons: [
      tradeNameComparison('trade name', 'orgTrade', 'orgTradePy'),
      exactMatch('industry', 'orgIndustry|industry'),
      exactMatch('legal form', 'orgForm'),
      regionComparison('region', 'orgRegionCode|orgRegion'),
      contradicting(exactMatch('branch', 'orgBranch')),
      contradicting(identifierComparison('credit code', 'creditCode|creditCodeRaw')),
      textComparison('address', 'addressKey'),
      exactMatch('phone', 'phone', { tf: true }),
      exactMatch('legal representative', 'legalRep'),
    ],
    blockingRules: [
      blockOn('creditCode|creditCodeRaw'),
      blockOn('orgTradePy'),
      blockOn('phone'),
      blockOn('addressKey'),
      blockOn('legalRep'),
    ],
    trainingRules: [blockOn('creditCode|creditCodeRaw'), blockOn('orgTradePy'), blockOn('phone')],
    thresholds: { match: 0.9, possible: 0.5 },
    anchors: [...ANCHOR_KINDS.Organization],
    exclusive: ['credit_code'],
    exclusiveAttrs: ['orgBranch'],
    generic: { attrs: [], minDistinctNames: 4 },
    alignNames: false,
    cohesion: 0.67,
    // a name-only mention (a fleet record without the code) whose only candidate is one company joins it
    uniqueCandidate: 0.4,
    ambiguityMargin: 4,
    maxBlockSize: 400,
  };
}
