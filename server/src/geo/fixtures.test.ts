/**
 * In/out fixture tests of the geo functions, in Turf's manner: `test/in/<module>.<case>.json`
 * holds `{description, options, input}`, `test/out/<module>.<case>.json` the expected result.
 * Outputs are regenerated only on purpose: `REGEN=1 npx vitest run --project unit server/src/geo`,
 * then read the diff before committing it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hexAggregate } from './hex-aggregate.ts';
import { stayPoints } from './stay-points.ts';
import { intersectWindows } from './window-intersection.ts';
import { rankByWindows } from './window-ranking.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'test');

/** Each module's one function, called with a fixture's input and options; results as plain JSON. */
// biome-ignore lint/suspicious/noExplicitAny: fixtures are JSON, each function checks its own shape
const FUNCTIONS: Record<string, (input: any, options: any) => unknown> = {
  'stay-points': (input, options) => stayPoints(input, options),
  'hex-aggregate': (input, options) => hexAggregate(input, options),
  'window-intersection': (input, options) => Object.fromEntries(intersectWindows(input, options)),
  'window-ranking': (input, options) => rankByWindows(input, options),
};

const cases = fs.readdirSync(path.join(dir, 'in')).filter((f) => f.endsWith('.json')).sort();

describe('geo fixtures (test/in → test/out)', () => {
  it('every module has fixtures and every fixture names a module', () => {
    const modules = new Set(cases.map((f) => f.split('.')[0]));
    expect([...modules].sort()).toEqual(Object.keys(FUNCTIONS).sort());
  });

  for (const file of cases) {
    const fixture = JSON.parse(fs.readFileSync(path.join(dir, 'in', file), 'utf8')) as { description: string; options: unknown; input: unknown };
    it(`${file}: ${fixture.description}`, async () => {
      const fn = FUNCTIONS[file.split('.')[0] as string];
      if (!fn) throw new Error(`no geo function for ${file}`);
      const actual = JSON.parse(JSON.stringify(await fn(fixture.input, fixture.options)));
      const out = path.join(dir, 'out', file);
      if (process.env.REGEN) fs.writeFileSync(out, `${JSON.stringify(actual, null, 2)}\n`);
      expect(actual).toEqual(JSON.parse(fs.readFileSync(out, 'utf8')));
    });
  }
});
