import type { ProfiledPlan } from 'neo4j-driver';

/** Db hits of a PROFILE plan, every operator counted. */
export function totalHits(p: ProfiledPlan): number {
  return p.dbHits + p.children.reduce((s, c) => s + totalHits(c), 0);
}

/** A PROFILE plan as indented lines (operator, rows, db hits, details cut at 140 characters), for a test's failure output. */
export function printPlan(p: ProfiledPlan, depth = 0): string[] {
  const details = String((p.arguments as Record<string, unknown>).Details ?? '')
    .replace(/\s+/g, ' ')
    .slice(0, 140);
  return [
    `${'  '.repeat(depth)}${p.operatorType.replace(/@.*$/, '')} rows=${p.rows} dbHits=${p.dbHits} ${details}`,
    ...p.children.flatMap((c) => printPlan(c, depth + 1)),
  ];
}
