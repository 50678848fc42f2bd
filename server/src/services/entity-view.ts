import { coarseHomePosition, composeName, namingAttributesOf } from '@onemap/graph-schema';
import { type Reader, withRead } from '../repositories/reader.ts';
import { attrsOf, goldenValues, IDENTIFIER_ATTRIBUTE, nodeValueStands, present, type VisibleRecord, visibleGoldenPoint } from '../access/golden.ts';
import { closeCompletions, maskForViewer, nodeValueDecision } from '../access/mask-for-viewer.ts';
import { maskValue } from '../access/masking.ts';
import type { Viewer } from '../access/viewer.ts';
import { httpError } from '../errors.ts';
import { type EntityRow, type NeighbourRow, type NodeSummaryRow, readEntities, readNodeSummaries, readProfile, type RelationRow, resolveEid, type TraceRow } from '../repositories/entities.ts';
import type { AttributeValue, EntitySummary } from '../schemas/common.ts';

/**
 * Name for an entity as this viewer may see it: from the visible records (`nameFromRecords`), else
 * from the node when the viewer sees it whole (`nameFromNode`). Each part is masked by the rule of
 * the attribute it stands for (a vehicle's plate, a case's number); a home's name is its address and
 * follows the address rule of homes of the source it came from.
 */
export function summarize(row: EntityRow, viewer: Viewer): EntitySummary {
  // a summary reads its kind's naming attributes only: the other attributes are not chosen nor masked
  const golden = goldenValues(row.kind, row.records, viewer, namingAttributesOf(row.kind).map((a) => a.attribute));
  // a node's values were chosen over every source: they stand in for the records only when the viewer sees them all
  const named = nameFromRecords(row.kind, golden) ?? (row.seenWhole ? nameFromNode(viewer, row.kind, (p) => row.props[p], row.props.provenance, { seenWhole: true, hiddenSources: [] }) : null);
  if (!named) return { eid: row.eid, kind: row.kind, name: null, nameMasked: false };
  if (isHome(row) && !named.nameMasked && viewer.fieldDecision(named.source, 'home', 'address') !== 'plain') {
    return { eid: row.eid, kind: row.kind, name: maskValue('address', named.name), nameMasked: true };
  }
  return { eid: row.eid, kind: row.kind, name: named.name, nameMasked: named.nameMasked };
}

/**
 * The summary of a visible entity that is not a place from its record window alone (read with the
 * statement that found it, `recordsWhereNeeded`): what `summarize` gives on a row of `readEntities`
 * for an entity not seen whole, whose node's values are never used.
 */
export function summarizeFromRecords(eid: string, kind: string, records: VisibleRecord[], viewer: Viewer): EntitySummary {
  return summarize({ eid, kind, props: {}, records, visible: true, home: false, seenWhole: false }, viewer);
}

/** A name as a summary shows it, and the source of its first part (whose home-address rule a home's name follows). */
interface ShownName {
  name: string;
  nameMasked: boolean;
  source: string;
}

/**
 * An entity's name from the viewer's golden values (`goldenValues`, each already masked by its
 * own attribute's rule under the role of the record it came from): its kind's naming attributes
 * (graph-schema `NAMING_ATTRIBUTES`), joined; masked when any part is. Null when none is stated.
 */
function nameFromRecords(kind: string, golden: Record<string, AttributeValue>): ShownName | null {
  const parts = namingAttributesOf(kind)
    .map((a) => golden[a.attribute])
    .filter((g): g is AttributeValue => g !== undefined && g.value !== '' && g.value !== null);
  const name = composeName(parts.map((g) => String(g.value)));
  if (name === null || !parts[0]) return null;
  return { name, nameMasked: parts.some((g) => g.masked), source: parts[0].source };
}

/**
 * An entity's name from its node's golden values (`value` reads a node property): its kind's naming
 * attributes, each shown only when it stands for the viewer's own records (`nodeValueStands`: the
 * viewer sees the node whole, or the part came from a visible authority no hidden source shares)
 * and masked by the rule of the attribute it stands for in its source (`nodeValueDecision`) — no kind
 * is exempt. Null when the node has none of them, or a part does not stand (the records then decide).
 */
function nameFromNode(
  viewer: Viewer,
  kind: string,
  value: (property: string) => unknown,
  provenance: unknown,
  seen: { seenWhole: boolean; hiddenSources: readonly string[] },
): ShownName | null {
  const prov = parseProvenance(provenance);
  const parts: string[] = [];
  let masked = false;
  let first: string | null = null;
  for (const { attribute, property } of namingAttributesOf(kind)) {
    const v = value(property);
    if (typeof v !== 'string' || v === '') continue;
    const src = prov[property]?.source;
    if (!src || !nodeValueStands(viewer, kind, attribute, src, seen)) return null;
    // plain only when plain in every role it may have come from: else masked (`nodeValueDecision`)
    const plain = nodeValueDecision(viewer, src, attribute) === 'plain';
    parts.push(plain ? v : maskValue(attribute, v));
    masked ||= !plain;
    first ??= src;
  }
  const name = composeName(parts);
  return name === null || first === null ? null : { name, nameMasked: masked, source: first };
}

export function parseProvenance(p: unknown): Record<string, { source?: string; rid?: string }> {
  if (typeof p !== 'string') return {};
  try {
    return JSON.parse(p) as Record<string, { source?: string; rid?: string }>;
  } catch {
    return {};
  }
}

/**
 * A neighbour's summary from its node's golden values, without reading its records: the name
 * (`nameFromNode`: its kind's naming attributes, each masked by its own attribute's rule) is shown
 * when each part stands for the viewer's records (`nodeValueStands`: the node was chosen over
 * records the viewer all may see, or the part came from a visible authority that no source hidden
 * from the viewer shares). Null for places (a home's name is an address, and only its records tell
 * a home) and when a part does not stand — which visible name wins would be a hidden vote: the
 * caller then summarizes from the viewer's visible records (`summaries`).
 */
export function summarizeNode(n: NeighbourRow, viewer: Viewer): EntitySummary | null {
  // A place is a home when any of its records says so (isHome), which its node alone cannot tell: read its records.
  if (n.kind === 'Place') return null;
  const named = nameFromNode(viewer, n.kind, (p) => n.naming[p], n.provenance, n);
  return named ? { eid: n.eid, kind: n.kind, name: named.name, nameMasked: named.nameMasked } : null;
}

/**
 * Summaries of visible entities only; invisible ones are absent from the map. Built from the nodes'
 * golden values (`summarizeNode`, `placeFromNode`); only entities those cannot answer for this
 * viewer (a name from a source the viewer may not see, a possible home) are read record by record.
 * @param fromRecords eids whose node the caller already found unable to name them for this viewer
 *   (`summarizeNode` gave null on the node a hop read): their node is not read again, only their records.
 */
export async function summaries(graph: Reader, eids: readonly string[], viewer: Viewer, fromRecords: ReadonlySet<string> = new Set()): Promise<Map<string, EntitySummary>> {
  const wanted = [...new Set(eids)];
  const nodes = await readNodeSummaries(graph, wanted.filter((e) => !fromRecords.has(e)), viewer.visibleSources, SUMMARY_RECORDS);
  const out = new Map<string, EntitySummary>();
  const unresolved = wanted.filter((e) => fromRecords.has(e));
  for (const [eid, n] of nodes) {
    if (!n.visible) continue;
    const sum = summaryFromNode(n, viewer);
    if (sum) out.set(eid, sum);
    else unresolved.push(eid);
  }
  if (unresolved.length === 0) return out;
  const rows = await readEntities(graph, unresolved, viewer.visibleSources, SUMMARY_RECORDS);
  for (const [eid, row] of rows) if (row.visible) out.set(eid, summarize(row, viewer));
  return out;
}

/** The record window (newest visible records) that summaries and place views read per entity. */
export const SUMMARY_RECORDS = 20;

/** A visible entity's summary from its node alone (`summarizeNode`, `placeFromNode`), or null when only its records can tell. */
function summaryFromNode(n: NodeSummaryRow, viewer: Viewer): EntitySummary | null {
  if (n.kind !== 'Place') return summarizeNode(n, viewer);
  const place = placeFromNode(n, viewer);
  return place ? { eid: n.eid, kind: n.kind, name: place.name, nameMasked: place.nameMasked } : null;
}

/**
 * A place as the viewer may see it from its node alone, or null when only its records can tell:
 * - a place not seen whole (`SEEN_WHOLE`): a hidden source's records voted its node's values;
 * - a possible home (the node says home, or a visible record in the window mentions `home`):
 *   homes follow the address rule of each source, so the record path decides;
 * - a node without provenance (fixtures, old data), or a golden name, kind or point whose
 *   provenance source the viewer may not see (the viewer's own records may name it otherwise).
 * Otherwise each value is shown from a source the viewer may see, masked when the field rule of
 * that source masks it for ANY role the place's visible records give it (stricter than or equal
 * to the record path, which uses the chosen record's role).
 */
export function placeFromNode(n: NodeSummaryRow, viewer: Viewer): PlaceView | null {
  if (n.kind !== 'Place' || n.placeKind === 'home' || n.homeHint) return null;
  // a place known from a source the viewer cannot see: its node's name, kind and point were chosen over
  // (or stated only by) that source's records — summarize it from the viewer's own records
  if (n.seenWhole !== true) return null;
  const prov = parseProvenance(n.provenance);
  if (Object.keys(prov).length === 0) return null;
  const visibleSource = (attr: string) => {
    const src = prov[attr]?.source;
    return src && viewer.visibleSources.includes(src) ? src : null;
  };
  const roles = n.roles.length > 0 ? n.roles : ['place'];
  // undefined: the node has a value the viewer may not see (ask the records); null: no value
  const shown = (attr: string, value: unknown): { value: string; masked: boolean } | null | undefined => {
    if (value === null || value === undefined || value === '') return null;
    const src = visibleSource(attr);
    if (!src) return undefined;
    let out = { value: String(value), masked: false };
    for (const role of roles) {
      const m = maskForViewer(viewer, { attribute: attr, value, source: src, role });
      if (m.masked) out = { value: String(m.value), masked: true };
    }
    return out;
  };
  const name = shown('name', n.name);
  const kind = shown('placeKind', n.placeKind);
  if (name === undefined || kind === undefined) return null;
  // A point without provenance was not chosen from any record (the pipeline writes `lon` with the
  // point): the record path shows none either. A point from a source the viewer may not see: ask the records.
  let position: PlaceView['position'] = null;
  const pointProv = prov.lon ?? prov.location;
  if (typeof n.lon === 'number' && typeof n.lat === 'number' && pointProv) {
    const src = visibleSource(prov.lon ? 'lon' : 'location');
    if (!src) return null;
    position = placePosition(viewer, { placeKind: n.placeKind, source: src, lon: n.lon, lat: n.lat });
  }
  return { name: name?.value ?? null, nameMasked: name?.masked ?? false, placeKind: kind && !kind.masked ? kind.value : null, home: false, position };
}

/**
 * Loads an entity the viewer may see, following merge redirects. An entity the viewer cannot
 * see answers exactly like one that does not exist (404), so ids cannot be probed.
 * @param records how many of its visible records to read (default: the profile's 200); 0 for a
 *   caller that needs its eid and kind only — visibility does not depend on them
 */
export async function requireVisibleEntity(
  graph: Reader,
  eid: string,
  viewer: Viewer,
  { records }: { records?: number } = {},
): Promise<{ row: EntityRow; redirectedFrom: string | null }> {
  // one statement: the eid followed through merges, then read
  const [row] = (await readEntities(graph, [eid], viewer.visibleSources, records, { followRedirects: true })).values();
  if (!row || !row.visible) throw httpError('NOT_FOUND', { what: `entity ${eid}` });
  return { row, redirectedFrom: row.eid === eid ? null : eid };
}

/**
 * A place's position as the viewer may see it: homes are coarsened to ~1 km unless the viewer
 * may read that source's addresses in plain.
 */
export function placePosition(viewer: Viewer, t: Pick<TraceRow, 'placeKind' | 'source' | 'lon' | 'lat'>): { lon: number; lat: number; coarsened: boolean } | null {
  if (t.lon === null || t.lat === null || t.lon === undefined || t.lat === undefined) return null;
  if (t.placeKind === 'home' && viewer.fieldDecision(t.source, 'home', 'address') !== 'plain') {
    return { ...coarseHomePosition(t.lon, t.lat), coarsened: true };
  }
  return { lon: t.lon, lat: t.lat, coarsened: false };
}


/** A visited place as one viewer may see it: name, kind and position from the records that viewer may read. */
export interface PlaceView {
  name: string | null;
  nameMasked: boolean;
  placeKind: string | null;
  home: boolean;
  position: { lon: number; lat: number; coarsened: boolean } | null;
}

/**
 * Places of traces as this viewer may see them: from the node's golden values when their
 * provenance is visible and the place is surely no home (`placeFromNode`), else from the records
 * the viewer may read (the node's values are merged over every source, so they are not used
 * unless their provenance is visible).
 */
export async function placeViews(graph: Reader, eids: readonly string[], viewer: Viewer): Promise<Map<string, PlaceView>> {
  const out = new Map<string, PlaceView>();
  const unresolved: string[] = [];
  for (const [eid, n] of await readNodeSummaries(graph, [...new Set(eids)], viewer.visibleSources, SUMMARY_RECORDS)) {
    const pv = placeFromNode(n, viewer);
    if (pv) out.set(eid, pv);
    else unresolved.push(eid);
  }
  if (unresolved.length === 0) return out;
  for (const [eid, row] of await readEntities(graph, unresolved, viewer.visibleSources, SUMMARY_RECORDS)) out.set(eid, placeFromRecords(row, viewer));
  return out;
}

/** A place as the viewer may see it from the visible records of its window (what `placeFromNode` leaves open). */
function placeFromRecords(row: EntityRow, viewer: Viewer): PlaceView {
  const golden = goldenValues(row.kind, row.records, viewer);
  const home = isHome(row);
  const prov = parseProvenance(row.props.provenance);
  const kindSource = prov.placeKind?.source;
  // the node's kind stands in for the records only for a viewer who sees the place whole (else a hidden vote chose it)
  const nodeKind = row.seenWhole && kindSource && viewer.visibleSources.includes(kindSource) ? ((row.props.placeKind as string) ?? null) : null;
  const placeKind = home ? 'home' : golden.placeKind && !golden.placeKind.masked ? String(golden.placeKind.value) : nodeKind;
  const sum = summarize(row, viewer);
  return { name: sum.name, nameMasked: sum.nameMasked, placeKind, home, position: viewerPosition(row, golden, viewer, home) };
}

/**
 * One trace's place for the viewer: a home (by any visible record, the node, or a residence trace)
 * is named by its masked address and coarsened unless the trace's source lets the viewer read
 * home addresses in plain.
 */
export function tracePlace(viewer: Viewer, t: Pick<TraceRow, 'kind' | 'source' | 'placeEid'>, views: ReadonlyMap<string, PlaceView>) {
  const pv = views.get(t.placeEid);
  const home = (pv?.home ?? false) || t.kind === 'residence';
  let pos = pv?.position ?? null;
  let name = pv?.name ?? null;
  if (home && viewer.fieldDecision(t.source, 'home', 'address') !== 'plain') {
    if (pos && !pos.coarsened) pos = { ...coarseHomePosition(pos.lon, pos.lat), coarsened: true };
    if (name && !pv?.nameMasked) name = maskValue('address', name);
  }
  return { name, placeKind: home ? 'home' : (pv?.placeKind ?? null), position: pos };
}

/**
 * True when this place is a home for the viewer: its node's kind by a vote of a visible source, a
 * visible record of the window, or a visible source's record in the role `home`, `RESIDES_AT` edge
 * or residence trace (`EntityRow.home`, `HOME_FOR_VIEWER`; a kind only a hidden source voted does
 * not count) — the one test of every answer that names or places a place
 * (profiles, summaries, search), as trajectories and spatial filters test it. Homes are never
 * shown as facilities.
 */
export function isHome(row: EntityRow): boolean {
  if (row.kind !== 'Place') return false;
  if (row.home === true) return true;
  return row.records.some((r) => attrsOf(r).placeKind === 'home');
}

/**
 * A place's or case's position as the viewer may see it: from the `lon`/`lat` of the records the
 * viewer may see (一数一源 per viewer), else the node's point only when the record it was chosen
 * from is visible and the entity is seen whole (`seenWhole`; else the point its visible records
 * choose); a home is coarsened to ~1 km unless the viewer may read that source's addresses.
 */
export function viewerPosition(row: EntityRow, golden: Record<string, AttributeValue>, viewer: Viewer, home: boolean): { lon: number; lat: number; coarsened: boolean } | null {
  let lon = Number(golden.lon?.value);
  let lat = Number(golden.lat?.value);
  let source = golden.lon?.source ?? null;
  if (!golden.lon || !golden.lat || golden.lon.masked || golden.lat.masked || !Number.isFinite(lon) || !Number.isFinite(lat)) {
    if (row.seenWhole === false) {
      // The node's point was chosen over sources the viewer may not see: which point it is (and
      // whether it is of a visible source at all) is their vote. The point the visible records choose stands for it —
      // a place's too (eighth review, R3: a hidden record stating a place's point last took its
      // position off a trajectory, a hidden vote moved it between two visible points). A place
      // whose visible records state no point keeps the place rule below (a node written without
      // provenance). Spatial filters still read the node's point: docs/security.md, known channels.
      const p = visibleGoldenPoint(row.kind, row.records, viewer);
      if (p) return placePosition(viewer, { placeKind: home ? 'home' : null, ...p });
      if (row.kind !== 'Place') return null;
    }
    const loc = row.props.location as { lon: number; lat: number } | undefined;
    const prov = parseProvenance(row.props.provenance);
    source = prov.lon?.source ?? prov.location?.source ?? null;
    // nodes written without provenance (fixtures, old data): the node's point stands for the visible records
    if (!source && Object.keys(prov).length === 0) source = row.records[0]?.source ?? null;
    if (!loc || !source || !viewer.visibleSources.includes(source)) return null;
    lon = loc.lon;
    lat = loc.lat;
  }
  // `home` is the viewer's test (a kind only a hidden source voted does not coarsen the point)
  return placePosition(viewer, { placeKind: home ? 'home' : null, source: source as string, lon, lat });
}

/**
 * A profile's relations, one per (type, direction, other entity): the pipeline keeps one edge per
 * source (the writer merges relations on type and source) and a merge can bring two, so the same phone came
 * back once per source. `sources` lists the visible sources of the edges (sorted), `source` is
 * the first of them; `role` the first role an edge states. Neighbours the viewer may not see are dropped.
 */
export function profileRelations(rels: readonly RelationRow[], others: ReadonlyMap<string, EntitySummary>) {
  const out = new Map<string, { type: string; direction: 'out' | 'in'; other: EntitySummary; source: string | null; role: string | null; sources: string[] }>();
  for (const r of rels) {
    const other = others.get(r.other);
    if (!other) continue;
    const direction = r.outgoing ? ('out' as const) : ('in' as const);
    const key = `${r.type}|${direction}|${r.other}`;
    const source = (r.props.source as string | undefined) ?? null;
    const role = (r.props.role as string | undefined) ?? null;
    const seen = out.get(key);
    if (!seen) {
      out.set(key, { type: r.type, direction, other, source, role, sources: source ? [source] : [] });
      continue;
    }
    if (source && !seen.sources.includes(source)) seen.sources.push(source);
    seen.role ??= role;
  }
  return [...out.values()].map((r) => {
    r.sources.sort();
    return { ...r, source: r.sources[0] ?? r.source };
  });
}

/**
 * Limits of a profile's parts (named, not hidden in Cypher): newest records, relations, newest
 * traces, and the records counted per source (`sourceScan`; past it the answer says
 * `sourcesTruncated` and the counts are a lower bound).
 */
export const PROFILE_LIMITS = { records: 200, relations: 200, traces: 50, sourceScan: 2000, summaryRecords: SUMMARY_RECORDS } as const;

/**
 * 一人一档 / 一企一档: one file per entity, built only from what the viewer may see: one query (with
 * the record windows of its phones, vehicles and cases known from a source the viewer may not
 * see), plus one for the neighbours and places whose nodes cannot answer for this viewer (homes,
 * a person named by a source the viewer may not see) and one more for a merged-away eid.
 */
export async function buildProfile(graph: Reader, eid: string, viewer: Viewer) {
  return withRead(graph, async (r) => {
    let found = await readProfile(r, eid, viewer.visibleSources, PROFILE_LIMITS);
    let redirectedFrom: string | null = null;
    if (!found) {
      // A merged-away eid: follow the redirects, then read the survivor.
      const resolved = await resolveEid(r, eid);
      if (resolved.redirectedFrom) {
        redirectedFrom = resolved.redirectedFrom;
        found = await readProfile(r, resolved.eid, viewer.visibleSources, PROFILE_LIMITS);
      }
    }
    if (!found || !found.entity.visible) throw httpError('NOT_FOUND', { what: `entity ${eid}` });
    const row = found.entity;
    const parts = found;
    // Neighbours and the traces' places from their nodes, as `summaries` and `placeViews` would
    // answer (the places' node summaries came with the profile); what a node cannot decide for this
    // viewer is read record by record, neighbours and places in ONE more statement.
    const placeNodes = new Map(parts.places.map((p) => [p.eid, p]));
    const others = new Map<string, EntitySummary>();
    const places = new Map<string, PlaceView>();
    const unresolvedOthers = new Set<string>();
    const unresolvedPlaces = new Set<string>();
    for (const rel of parts.relations) {
      const place = placeNodes.get(rel.other);
      if (place && !place.visible) continue;
      const sum =
        (place ? summaryFromNode(place, viewer) : summarizeNode(rel.neighbour, viewer)) ??
        // its node cannot name it for this viewer: from its records, read with the profile
        (rel.neighbourRecords ? summarizeFromRecords(rel.other, rel.neighbour.kind, rel.neighbourRecords, viewer) : null);
      if (sum) others.set(rel.other, sum);
      else unresolvedOthers.add(rel.other);
    }
    for (const t of parts.traces) {
      const node = placeNodes.get(t.placeEid);
      const pv = node ? placeFromNode(node, viewer) : null;
      if (pv) places.set(t.placeEid, pv);
      else unresolvedPlaces.add(t.placeEid);
    }
    if (unresolvedOthers.size + unresolvedPlaces.size > 0) {
      const rows = await readEntities(r, [...new Set([...unresolvedOthers, ...unresolvedPlaces])], viewer.visibleSources, SUMMARY_RECORDS);
      for (const [eid, row] of rows) {
        if (unresolvedOthers.has(eid) && row.visible) others.set(eid, summarize(row, viewer));
        if (unresolvedPlaces.has(eid)) places.set(eid, placeFromRecords(row, viewer));
      }
    }
    const identifiers = parts.identifiers.map((i) => {
      const attr = IDENTIFIER_ATTRIBUTE[i.kind] ?? i.kind;
      const v = present(viewer, i.source, attr, attr, i.value, i.rid ?? '');
      return { kind: i.kind, attr, value: String(v.value), masked: v.masked, source: i.source };
    });
    let golden = goldenValues(row.kind, row.records, viewer);
    const home = isHome(row);
    if (home) {
      // A home's name and address are an address: masked unless the viewer may read addresses of that source.
      for (const k of ['name', 'address'] as const) {
        const g = golden[k];
        if (g && !g.masked && viewer.fieldDecision(g.source, 'home', 'address') !== 'plain') golden[k] = { ...g, value: maskValue('address', g.value), masked: true };
      }
    }
    // a value never completes an identifier this answer shows masked (birth date + masked resident ID)
    golden = closeCompletions(
      golden,
      identifiers.filter((i) => i.masked).map((i) => i.attr),
    );
    const location = row.kind === 'Place' || row.kind === 'Case' ? viewerPosition(row, golden, viewer, home) : null;
    for (const k of ['lon', 'lat'] as const) if (golden[k] && location) golden[k] = { ...(golden[k] as AttributeValue), value: location[k], masked: location.coarsened || golden[k].masked };
    return {
      eid: row.eid,
      kind: row.kind,
      redirectedFrom,
      golden,
      location: location ? { lon: location.lon, lat: location.lat } : null,
      identifiers: identifiers.map(({ attr: _attr, ...i }) => i),
      relations: profileRelations(parts.relations, others),
      recentTraces: parts.traces.map((t) => {
        const pl = tracePlace(viewer, t, places);
        return { at: t.at, until: t.until, kind: t.kind, source: t.source, place: { eid: t.placeEid, name: pl.name, lon: pl.position?.lon ?? null, lat: pl.position?.lat ?? null } };
      }),
      sources: parts.sources,
      ...(parts.sourcesTruncated ? { sourcesTruncated: true } : {}),
      records: row.records.slice(0, 50).map((r) => ({ rid: r.rid, source: r.source, receivedAt: r.receivedAt, role: r.role })),
    };
  });
}
