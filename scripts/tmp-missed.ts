import { readFileSync } from 'node:fs';
import { loadSource } from '@onemap/resolver/intake';
import { resolveBatch } from '@onemap/resolver';
const mapping = JSON.parse(readFileSync('resolver/test-fixtures/febrl/mapping.json', 'utf8'));
const l = loadSource(process.argv[2]!, mapping, { truthColumn: 'true_id' });
const r = resolveBatch(l.mentions, { train: true });
const by = new Map<string, typeof l.mentions>();
for (const m of l.mentions) { const t = l.truth!.get(m.key)!; if (!by.has(t)) by.set(t, []); by.get(t)!.push(m); }
const show = (a: Record<string,string>) => JSON.stringify(Object.fromEntries(Object.entries(a).filter(([k]) => ['pyFamily','pyGiven','birthDate','nationalId','nationalIdRaw','postcode','addressKey'].includes(k))));
let n = 0;
for (const [t, ms] of by) for (let i = 0; i < ms.length; i++) for (let j = i + 1; j < ms.length; j++) {
  if (r.entityOf.get(ms[i]!.key) === r.entityOf.get(ms[j]!.key)) continue;
  n++;
  console.log(t, '\n  ', show(ms[i]!.attrs), '\n  ', show(ms[j]!.attrs));
}
console.log('missed', n);
