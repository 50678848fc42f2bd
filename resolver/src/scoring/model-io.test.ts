import { describe, expect, it } from 'vitest';
import { defaultSettings } from './default-kind-settings.ts';
import { defaultPersonSettings } from './default-person-settings.ts';
import { loadModel, saveModel, validateModel } from './model-io.ts';

describe('model JSON', () => {
  it('saves with a version and loads back equal', () => {
    const m = defaultPersonSettings();
    const json = saveModel(m);
    expect(JSON.parse(json).version).toBe(1);
    expect(loadModel(json)).toEqual(m);
  });
  it('default models of every kind are valid', () => {
    for (const k of ['Person', 'Place', 'Organization', 'Vehicle', 'Phone', 'Case'] as const)
      expect(validateModel(defaultSettings(k))).toEqual([]);
  });
  it('collects every problem of a broken model', () => {
    const m = defaultPersonSettings();
    m.version = 99;
    m.lambda = 2;
    m.comparisons[0]!.levels[1]!.m = -1;
    m.blockingRules[0]!.keys = ['@nope'];
    m.thresholds = { match: 0.5, possible: 0.9 };
    const p = validateModel(m);
    expect(p).toHaveLength(5);
    expect(() => loadModel(JSON.stringify(m))).toThrow(/ONEMAP_ERR_INVALID_MODEL|invalid model/);
  });
  it('rejects text that is not JSON', () => {
    expect(() => loadModel('{')).toThrow(/invalid model/);
  });
});
