/**
 * Every value the server or the graph model can put in front of a user has a message in both
 * languages (issue 16, item 7): error codes, field names (derived ones included), relation, trace,
 * place and entity kinds, identifier kinds, roles, purposes, sharing classes, unit levels and the
 * catalog's update modes and frequencies. A new code without a message fails here, not on screen.
 */
import {
  ATTRIBUTE_META,
  ATTRIBUTES,
  ENTITY_LABELS,
  ENTITY_RELATION_TYPES,
  IDENTIFIER_KINDS,
  PLACE_KINDS,
  SHARE_CLASSES,
  TRACE_KINDS,
  UNIT_LEVELS,
} from '@onemap/graph-schema';
import { loadCatalog } from '@onemap/datasets';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PURPOSE_KINDS, ROLES } from '../../../server/src/access/types.ts';
import { ALL_ERRORS } from '../../../server/src/errors.ts';
import { translateValue } from './i18n.tsx';
import { en, type MessageKey, zh } from './messages.ts';

const HAN = /\p{Script=Han}/u;
const missing = (keys: string[]) => keys.filter((k) => !(k in zh) || !(k in en));

describe('message catalog', () => {
  it('has a message for every registered error code (server, graph, resolver)', () => {
    expect(missing(Object.keys(ALL_ERRORS).map((c) => `err.${c}`))).toEqual([]);
  });

  it('names every attribute a profile can show, derived ones included, and every identifier kind', () => {
    const attrs = new Set<string>([
      ...Object.values(ATTRIBUTES).flat(),
      ...Object.entries(ATTRIBUTE_META)
        .filter(([, m]) => !m.internal)
        .map(([k]) => k),
    ]);
    attrs.delete('unmappedColumn');
    expect(missing([...attrs].map((a) => `field.${a}`))).toEqual([]);
    expect(missing(IDENTIFIER_KINDS.map((k) => `field.id:${k}`))).toEqual([]);
  });

  it('names every relation type, trace kind, place kind and entity kind of the graph model', () => {
    expect(missing(ENTITY_RELATION_TYPES.map((r) => `rel.${r}`))).toEqual([]);
    expect(missing(TRACE_KINDS.map((k) => `trace.${k}`))).toEqual([]);
    expect(missing(PLACE_KINDS.map((k) => `place.${k}`))).toEqual([]);
    expect(missing(ENTITY_LABELS.map((k) => `kind.${k}`))).toEqual([]);
  });

  it('names every role, purpose kind, sharing class, unit level and the catalog’s update modes and frequencies', () => {
    expect(missing(ROLES.map((r) => `role.${r}`))).toEqual([]);
    expect(missing(PURPOSE_KINDS.map((k) => `pk.${k}`))).toEqual([]);
    expect(missing(SHARE_CLASSES.map((k) => `share.${k}`))).toEqual([]);
    expect(missing(UNIT_LEVELS.map((k) => `level.${k}`))).toEqual([]);
    const catalog = loadCatalog();
    expect(missing([...new Set(catalog.map((e) => `update.${e.updateMode}`))])).toEqual([]);
    expect(missing([...new Set(catalog.map((e) => `freq.${e.frequency}`))])).toEqual([]);
  });

  it('names every comparison and level of the resolution models (the review waterfall)', () => {
    const dir = path.resolve(import.meta.dirname, '../../../resolver/models');
    const keys = new Set<string>();
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json'))) {
      const m = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as {
        comparisons: { name: string; levels: { label: string }[] }[];
      };
      for (const c of m.comparisons) {
        keys.add(`cmp.${c.name}`);
        for (const l of c.levels) keys.add(`lvl.${l.label}`);
      }
    }
    expect(keys.size).toBeGreaterThan(10);
    expect(missing([...keys])).toEqual([]);
  });

  it('writes Chinese in Chinese and English in English', () => {
    // The language switch names the other language; the brand and the zone are names.
    const names = new Set(['language', 'appName']);
    const notChinese = Object.entries(zh).filter(
      ([k, v]) => !names.has(k) && !HAN.test(v) && !/^[\d\s{}.,:;()+-]*$/.test(v),
    );
    expect(notChinese).toEqual([]);
    const notEnglish = Object.entries(en).filter(([k, v]) => !names.has(k) && HAN.test(v));
    expect(notEnglish).toEqual([]);
  });

  it('names a value kept as delivered or masked by its attribute, and shows an unknown name as it came', () => {
    const t = (k: MessageKey) => zh[k];
    expect(translateValue(t, 'field', 'residentIdMasked')).toBe('公民身份号码（脱敏）');
    expect(translateValue(t, 'field', 'residentIdRaw')).toBe('公民身份号码（原值，未通过校验）');
    expect(translateValue(t, 'field', 'somethingRaw')).toBe('somethingRaw');
    expect(translateValue((k: MessageKey) => en[k], 'field', 'residentIdMasked')).toBe('Resident ID (masked)');
  });
});
