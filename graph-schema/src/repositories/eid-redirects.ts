/**
 * Where an eid leads now. A merged-away entity leaves `(:EidRedirect {eid, to})` — the pipeline's
 * merge (`resolver/src/graph/write-chunk.ts`, which points older redirects at the new survivor)
 * and an analyst's merge (`server/src/repositories/resolution.ts`, which does not: A→B then B→C
 * leaves a chain) — and an analyst's undo deletes its redirect, so the old eid is live again.
 * Whatever names an entity by an eid it was given once (a watch, a lookup) follows the chain here.
 */
import { Label, Prop } from '../universal/graph-model.ts';

/** Most redirects followed from one eid (a longer chain ends at its 10th hop, as lookups always did). */
export const MAX_REDIRECT_HOPS = 10;

const HOPS = `range(1, ${MAX_REDIRECT_HOPS})`;
const redirectOf = (eid: string) => `COLLECT { MATCH (x:${Label.Redirect} {${Prop.eid}: ${eid}}) RETURN x.to }[0]`;

/**
 * Cypher expression: the eid that the eid expression `eid` leads to through its redirects (itself
 * when it was never merged away, or its merge was undone). One index seek per hop, none after the
 * chain ends.
 * @example `MATCH (e:Entity {eid: ${currentEidCypher('$eid')}})` // an old eid finds its survivor
 */
export function currentEidCypher(eid: string): string {
  return `reduce(s = {eid: ${eid}, done: false}, i IN ${HOPS} |
    CASE WHEN s.done THEN s ELSE [to IN [${redirectOf('s.eid')}] | CASE WHEN to IS NULL THEN {eid: s.eid, done: true} ELSE {eid: to, done: false} END][0] END).eid`;
}

/**
 * Cypher expression: the list expression `eids` with each eid where it leads now
 * (`currentEidCypher`; one index seek each when none was merged away). Duplicates are kept: two
 * eids merged into one entity both name it.
 * @example `RETURN ${currentEidsCypher('w.subjects')} AS subjects` // a rule's subjects as they are now
 */
export function currentEidsCypher(eids: string): string {
  return `[eid_given IN ${eids} | ${currentEidCypher('eid_given')}]`;
}

/**
 * Cypher expression: every eid that leads to the eid expression `eid` through redirects, itself
 * first (the reverse of `currentEidCypher`, by the `redirect_to` index, one level at a time).
 * @example `MATCH (w:Watch) WHERE w.eid IN ${eidsLeadingToCypher('c')}`
 */
export function eidsLeadingToCypher(eid: string): string {
  // `NOT IN s.all`: no redirect is followed twice, even if a cycle were ever written
  const into = `COLLECT { MATCH (x:${Label.Redirect}) WHERE x.to IN s.next AND NOT x.${Prop.eid} IN s.all RETURN x.${Prop.eid} }`;
  return `reduce(s = {all: [${eid}], next: [${eid}]}, i IN ${HOPS} |
    CASE WHEN size(s.next) = 0 THEN s ELSE [found IN [${into}] | {all: s.all + found, next: found}][0] END).all`;
}
