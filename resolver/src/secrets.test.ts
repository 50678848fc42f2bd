import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfiguredSecret, SECRET_NAMES } from './secrets.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** Every `JWT_SECRET=…` / `AUDIT_SIGNING_KEY: '…'` literal in the files git tracks. */
function valuesInRepository(): { file: string; name: string; value: string }[] {
  const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
  const re = new RegExp(`\\b(${SECRET_NAMES.join('|')})['"]?\\s*[:=]\\s*['"\`]?([A-Za-z0-9._~+/=-]{4,})`, 'g');
  const out: { file: string; name: string; value: string }[] = [];
  for (const file of files) {
    if (/\.(png|jpg|gz|jar|xlsx|ico|woff2?)$/.test(file) || file === 'package-lock.json') continue;
    const full = path.join(root, file);
    if (!fs.existsSync(full)) continue;
    const text = fs.readFileSync(full, 'utf8');
    for (const m of text.matchAll(re)) out.push({ file, name: m[1] as string, value: m[2] as string });
  }
  return out;
}

describe('secrets published in the repository', () => {
  it('every value the repository assigns to a signing secret is refused at start', () => {
    const accepted = valuesInRepository().filter(({ name, value }) => {
      try {
        checkConfiguredSecret(name as (typeof SECRET_NAMES)[number], value);
        return true;
      } catch {
        return false;
      }
    });
    // Add a published value to KNOWN_PUBLIC_SECRET_SHA256 (its SHA-256) rather than allow it here.
    expect(accepted).toEqual([]);
  });

  it('the refusal names the variable and never echoes the value', () => {
    const value = 'x'.repeat(20);
    expect(() => checkConfiguredSecret('AUDIT_SIGNING_KEY', value)).toThrow(
      /^invalid configuration: AUDIT_SIGNING_KEY is shorter than 32 characters/,
    );
    try {
      checkConfiguredSecret('JWT_SECRET', value);
    } catch (e) {
      expect((e as Error).message).not.toContain(value);
      expect((e as Error).message).not.toContain('\n');
    }
  });
});
