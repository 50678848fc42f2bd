/**
 * Place facts: what a place's records say about it in brief, kept ON the place node so a summary
 * (a profile's trace places, a trajectory's stops) needs no look at the place's records — a hub's
 * records are the bulk of a profile's reads otherwise (docs/api.md, "Place facts").
 *
 * - `recordRoles`: the sorted distinct `<source>:<role>` of every `RESOLVED_TO` from a
 *   `SourceRecord` to the place (the roles its records give it, per source);
 * - `homeSources`: the sorted distinct sources of which some record's `attrs` mentions the word
 *   `home` anywhere (a superset of "a record of this source says home", the same test the record
 *   window applies).
 *
 * Keyed by source, so the viewer's granted sources still decide what counts. Kept by every writer
 * (the resolver's chunk and trace writers and bulk import CSV, the server's merge/split/undo).
 * The facts are known when `recordRoles` is set (a missing `homeSources` is then the empty list:
 * neo4j-admin import writes no property for an empty list); a place without `recordRoles` is
 * summarized from its record window instead (slow, never wrong).
 */

/** The word whose presence in a record's attrs JSON hints that the place may be a home. */
export const PLACE_HOME_WORD = 'home';

/** Separator between source and role in `recordRoles` (source ids and roles never hold it). */
export const PLACE_ROLE_SEPARATOR = ':';

/** Node property names of the place facts. */
export const PlaceFactProp = { recordRoles: 'recordRoles', homeSources: 'homeSources' } as const;

/** The facts of one place. */
export interface PlaceFacts {
  recordRoles: string[];
  homeSources: string[];
}

/** A record as seen from one entity it resolves to: its source, its role for that entity, its attrs JSON. */
export interface RecordForFacts {
  source: string;
  role: string;
  attrs: string | null | undefined;
}

/** One `recordRoles` entry. */
export function placeRoleFact(source: string, role: string): string {
  return `${source}${PLACE_ROLE_SEPARATOR}${role}`;
}

/** Whether a record's attrs hint that the place may be a home (the record window's test). */
export function mentionsHome(attrs: string | null | undefined): boolean {
  return typeof attrs === 'string' && attrs.includes(PLACE_HOME_WORD);
}

/**
 * The place facts of a set of records (all of a place's records: a recount; some: what they add).
 * @example placeFactsOf([{ source: 'hotel', role: 'place', attrs: '{"place":{"name":"x"}}' }])
 *   // → { recordRoles: ['hotel:place'], homeSources: [] }
 */
export function placeFactsOf(records: Iterable<RecordForFacts>): PlaceFacts {
  const roles = new Set<string>();
  const homes = new Set<string>();
  for (const r of records) {
    roles.add(placeRoleFact(r.source, r.role));
    if (mentionsHome(r.attrs)) homes.add(r.source);
  }
  return { recordRoles: [...roles].sort(), homeSources: [...homes].sort() };
}
