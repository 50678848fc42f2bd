/**
 * Place facts: what a place's records say about it in brief, kept ON the place node so a summary
 * (a profile's trace places, a trajectory's stops) needs no look at the place's records — a hub's
 * records are the bulk of a profile's reads otherwise (docs/api.md, "Place facts").
 *
 * - `recordRoles`: the sorted distinct `<source>:<role>` of every `RESOLVED_TO` from a
 *   `SourceRecord` to the place (the roles its records give it, per source);
 * - `homeSources`: the sorted distinct sources of which some record's `attrs` mentions the word
 *   `home` anywhere (a superset of "a record of this source says home", the same test the record
 *   window applies);
 * - `pointStatements`: the sorted distinct `<source>:<lon>:<lat>` of every record that states a
 *   point (`lon` and `lat` in its attrs for its role, as stated), so a spatial filter can tell
 *   whether a source the viewer sees states the node's current point although the point's
 *   provenance names a hidden source (a hidden record stating the same point, received last, takes
 *   the provenance: `VISIBLE_POINT` in the server). Facts of records, not of the node's choice:
 *   they only grow with records and need no recount when the chosen point changes.
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
export const PlaceFactProp = { recordRoles: 'recordRoles', homeSources: 'homeSources', pointStatements: 'pointStatements' } as const;

/** The facts of one place. */
export interface PlaceFacts {
  recordRoles: string[];
  homeSources: string[];
  pointStatements: string[];
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

/** One `pointStatements` entry: a source states the point (`lon`, `lat` as the record states them). */
export function placePointFact(source: string, lon: string, lat: string): string {
  return [source, lon, lat].join(PLACE_ROLE_SEPARATOR);
}

/**
 * The point a record states for its role (`lon`, `lat` of the role's attrs, as text: a
 * standardized coordinate is a string, a fixture's may be a number), or null. Mirrors the Cypher
 * recount (`recordPointFactCypher`): only attrs by role count, as the writers store them.
 */
export function statedPoint(attrs: string | null | undefined, role: string): { lon: string; lat: string } | null {
  if (typeof attrs !== 'string' || !attrs.includes('"lon"')) return null;
  let obj: unknown;
  try {
    obj = JSON.parse(attrs);
  } catch {
    return null;
  }
  return pointOfRoleAttrs(obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[role] : undefined);
}

/**
 * `statedPoint` of a role's attrs as an object (a mention's, before they are written as JSON): the
 * same answer as for the JSON (a number JSON cannot hold counts as none, as its `null` would).
 */
export function pointOfRoleAttrs(byRole: unknown): { lon: string; lat: string } | null {
  if (!byRole || typeof byRole !== 'object' || Array.isArray(byRole)) return null;
  const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : '');
  const lon = text((byRole as Record<string, unknown>).lon);
  const lat = text((byRole as Record<string, unknown>).lat);
  return lon && lat ? { lon, lat } : null;
}

/**
 * The place facts of a set of records (all of a place's records: a recount; some: what they add).
 * @example placeFactsOf([{ source: 'hotel', role: 'place', attrs: '{"place":{"name":"x"}}' }])
 *   // → { recordRoles: ['hotel:place'], homeSources: [], pointStatements: [] }
 */
export function placeFactsOf<R extends RecordForFacts>(
  records: Iterable<R>,
  pointOf: (r: R) => ReturnType<typeof statedPoint> = (r) => statedPoint(r.attrs, r.role),
): PlaceFacts {
  const roles = new Set<string>();
  const homes = new Set<string>();
  const points = new Set<string>();
  for (const r of records) {
    roles.add(placeRoleFact(r.source, r.role));
    if (mentionsHome(r.attrs)) homes.add(r.source);
    const p = pointOf(r);
    if (p) points.add(placePointFact(r.source, p.lon, p.lat));
  }
  return { recordRoles: [...roles].sort(), homeSources: [...homes].sort(), pointStatements: [...points].sort() };
}
