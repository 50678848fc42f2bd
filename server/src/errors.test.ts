import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineErrors, mergeErrorRegistries } from '@onemap/graph-schema';
import { describe, expect, it } from 'vitest';
import { ALL_ERRORS, httpError, registeredError } from './errors.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Every package's source, where a thrown or answered code may be written. */
const SOURCE_ROOTS = ['graph-schema/src', 'datasets/src', 'resolver/src', 'server/src', 'web/src'];

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(path.join(ROOT, dir))) return [];
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = `${dir}/${d.name}`;
    if (d.isDirectory()) return sourceFiles(rel);
    return /\.tsx?$/.test(d.name) && !/\.test\.tsx?$/.test(d.name) ? [rel] : [];
  });
}

describe('error registries', () => {
  it('every ONEMAP_ERR_* code written in the source is declared in a registry', () => {
    const unregistered: string[] = [];
    for (const f of SOURCE_ROOTS.flatMap(sourceFiles)) {
      const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
      for (const m of text.matchAll(/ONEMAP_ERR_[A-Z0-9_]*[A-Z0-9]/g)) if (!registeredError(m[0])) unregistered.push(`${f}: ${m[0]}`);
    }
    expect(unregistered, `declare these codes with defineErrors in their package's registry:\n${unregistered.join('\n')}`).toEqual([]);
  });

  it('maps a graph, a resolver and a server code to their statuses', () => {
    expect(registeredError('ONEMAP_ERR_GRAPH_UNAVAILABLE')?.status).toBe(503);
    expect(registeredError('ONEMAP_ERR_MISSING_COLUMN')?.status).toBe(400);
    expect(registeredError('ONEMAP_ERR_PURPOSE_REQUIRED')?.status).toBe(428);
    expect(registeredError('ONEMAP_ERR_NO_SUCH_THING')).toBeUndefined();
    expect(registeredError('toString')).toBeUndefined();
    expect(Object.keys(ALL_ERRORS).every((c) => c.startsWith('ONEMAP_ERR_'))).toBe(true);
  });

  it('httpError fills the template and carries the registry status', () => {
    const e = httpError('NOT_FOUND', { what: 'entity P-1' });
    expect([e.statusCode, e.code, e.message]).toEqual([404, 'ONEMAP_ERR_NOT_FOUND', 'entity P-1 not found']);
  });

  it('defineErrors refuses a code without the prefix or a status that is not an error', () => {
    expect(() => defineErrors({ ONEMAP_ERR_X1: { status: 200, message: 'ok' } })).toThrow(/status 200/);
    expect(() => defineErrors({ ['BAD_CODE' as 'ONEMAP_ERR_BAD']: { status: 400, message: 'x' } })).toThrow(/ONEMAP_ERR_<NAME>/);
  });

  it('merging refuses one code declared with two statuses', () => {
    const a = defineErrors({ ONEMAP_ERR_SAME: { status: 400, message: 'a' } });
    const b = defineErrors({ ONEMAP_ERR_SAME: { status: 500, message: 'b' } });
    expect(() => mergeErrorRegistries(a, b)).toThrow(/ONEMAP_ERR_SAME/);
  });
});
