import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The generated province of `persons` persons every bench shares (`datasets/out/<persons>`,
 * git-ignored): generated once by `npm run datasets`, reused by later runs (delete the folder to
 * generate it again). Exits the process when generation fails (its error is on the terminal).
 * @returns the folder
 */
export function benchProvince(persons: string): string {
  const dir = path.resolve('datasets', 'out', persons);
  if (fs.existsSync(path.join(dir, 'truth', 'records.csv'))) {
    console.log(`bench: reusing the data set in ${dir}`);
    return dir;
  }
  console.log(`bench: generating ${persons} persons into ${dir} (once; later runs reuse it)…`);
  const r = spawnSync('npx', ['tsx', 'datasets/src/cli.ts', '--persons', persons, '--out', dir], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 2);
  return dir;
}
