import type { Graph } from '@onemap/graph-schema/server';
import { type Reader, withRead } from '../repositories/reader.ts';
import { goldenValues, IDENTIFIER_ATTRIBUTE, present } from '../access/golden.ts';
import { maskValue } from '../access/masking.ts';
import type { Viewer } from '../access/viewer.ts';
import { httpError } from '../errors.ts';
import { type EntityRow, type NeighbourRow, readEntities, readProfile, resolveEid, type TraceRow } from '../repositories/entities.ts';
import type { EntitySummary } from '../schemas/common.ts';

/** Name for an entity as this viewer may see it: from visible records, or the node's golden name when its provenance is visible. */
export function summarize(row: EntityRow, viewer: Viewer): EntitySummary {
  const golden = goldenValues(row.kind, row.records, viewer);
  const fromRecords = golden.name ?? golden.plate ?? golden.phone ?? golden.caseNumber ?? null;
  // A home's name is its address: it follows the address rule of the source it came from.
  if (fromRecords && row.props.placeKind === 'home' && !fromRecords.masked && viewer.fieldDecision(fromRecords.source, 'home', 'address') !== 'plain') {
    return { eid: row.eid, kind: row.kind, name: maskValue('address', fromRecords.value), nameMasked: true };
  }
  if (fromRecords) return { eid: row.eid, kind: row.kind, name: String(fromRecords.value), nameMasked: fromRecords.masked };
  const prov = parseProvenance(row.props.provenance);
  const src = prov.name?.source;
  if (typeof row.props.name === 'string' && src && viewer.visibleSources.includes(src)) {
    const attr = row.kind === 'Phone' ? 'phone' : 'name';
    const plain = viewer.fieldDecision(src, attr, attr) === 'plain' || (row.kind !== 'Person' && row.kind !== 'Phone');
    return { eid: row.eid, kind: row.kind, name: plain ? row.props.name : maskValue(attr, row.props.name), nameMasked: !plain };
  }
  return { eid: row.eid, kind: row.kind, name: null, nameMasked: false };
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
 * A neighbour's summary from its node's golden values, without reading its records: the name is
 * shown when the record it came from (provenance) is of a source the viewer may see, masked by that
 * source's rule (a home's name is an address). Null when the viewer cannot see that source: the
 * caller then summarizes from the viewer's visible records (`summaries`).
 */
export function summarizeNode(n: NeighbourRow, viewer: Viewer): EntitySummary | null {
  const src = parseProvenance(n.provenance).name?.source;
  if (typeof n.name !== 'string' || !src || !viewer.visibleSources.includes(src)) return null;
  if (n.placeKind === 'home') {
    const plain = viewer.fieldDecision(src, 'home', 'address') === 'plain';
    return { eid: n.eid, kind: n.kind, name: plain ? n.name : maskValue('address', n.name), nameMasked: !plain };
  }
  const attr = n.kind === 'Phone' ? 'phone' : 'name';
  const plain = viewer.fieldDecision(src, attr, attr) === 'plain' || (n.kind !== 'Person' && n.kind !== 'Phone');
  return { eid: n.eid, kind: n.kind, name: plain ? n.name : maskValue(attr, n.name), nameMasked: !plain };
}

/** Summaries of visible entities only; invisible ones are absent from the map. */
export async function summaries(graph: Reader, eids: readonly string[], viewer: Viewer): Promise<Map<string, EntitySummary>> {
  const rows = await readEntities(graph, [...new Set(eids)], viewer.visibleSources, 20);
  const out = new Map<string, EntitySummary>();
  for (const [eid, row] of rows) if (row.visible) out.set(eid, summarize(row, viewer));
  return out;
}

/**
 * Loads an entity the viewer may see, following merge redirects. An entity the viewer cannot
 * see answers exactly like one that does not exist (404), so ids cannot be probed.
 */
export async function requireVisibleEntity(graph: Reader, eid: string, viewer: Viewer): Promise<{ row: EntityRow; redirectedFrom: string | null }> {
  const resolved = await resolveEid(graph, eid);
  const row = (await readEntities(graph, [resolved.eid], viewer.visibleSources)).get(resolved.eid);
  if (!row || !row.visible) throw httpError('NOT_FOUND', { what: `entity ${eid}` });
  return { row, redirectedFrom: resolved.redirectedFrom };
}

/**
 * A place's position as the viewer may see it: homes are coarsened to ~1 km unless the viewer
 * may read that source's addresses in plain.
 */
export function placePosition(viewer: Viewer, t: Pick<TraceRow, 'placeKind' | 'source' | 'lon' | 'lat'>): { lon: number; lat: number; coarsened: boolean } | null {
  if (t.lon === null || t.lat === null || t.lon === undefined || t.lat === undefined) return null;
  if (t.placeKind === 'home' && viewer.fieldDecision(t.source, 'home', 'address') !== 'plain') {
    return { lon: Math.round(t.lon * 100) / 100, lat: Math.round(t.lat * 100) / 100, coarsened: true };
  }
  return { lon: t.lon, lat: t.lat, coarsened: false };
}

export function placeName(viewer: Viewer, t: Pick<TraceRow, 'placeKind' | 'source' | 'placeName'>): string | null {
  if (t.placeKind === 'home' && viewer.fieldDecision(t.source, 'home', 'address') !== 'plain') return t.placeName ? maskValue('address', t.placeName) : null;
  return t.placeName;
}

/** Limits of a profile's parts (named, not hidden in Cypher). */
export const PROFILE_LIMITS = { records: 200, relations: 200, traces: 50 } as const;

/** 一人一档 / 一企一档: one file per entity, built only from what the viewer may see, in one query. */
export async function buildProfile(graph: Graph, eid: string, viewer: Viewer) {
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
    // Neighbours from their golden values; only those whose name source the viewer cannot see are read record by record.
    const others = new Map<string, EntitySummary>();
    const unresolved: string[] = [];
    for (const rel of parts.relations) {
      const s = summarizeNode(rel.neighbour, viewer);
      if (s) others.set(rel.other, s);
      else unresolved.push(rel.other);
    }
    if (unresolved.length > 0) for (const [k, v] of await summaries(r, unresolved, viewer)) others.set(k, v);
    const golden = goldenValues(row.kind, row.records, viewer);
    if (row.props.placeKind === 'home') {
      // A home's name and address are an address: masked unless the viewer may read addresses of that source.
      for (const k of ['name', 'address'] as const) {
        const g = golden[k];
        if (g && !g.masked && viewer.fieldDecision(g.source, 'home', 'address') !== 'plain') golden[k] = { ...g, value: maskValue('address', g.value), masked: true };
      }
    }
    const loc = row.props.location as { lon: number; lat: number } | undefined;
    const locSource = parseProvenance(row.props.provenance).location?.source ?? row.records[0]?.source;
    const location =
      loc && (row.kind === 'Place' || row.kind === 'Case') && locSource
        ? placePosition(viewer, { placeKind: (row.props.placeKind as string) ?? null, source: locSource, lon: loc.lon, lat: loc.lat })
        : null;
    return {
      eid: row.eid,
      kind: row.kind,
      redirectedFrom,
      golden,
      location: location ? { lon: location.lon, lat: location.lat } : null,
      identifiers: parts.identifiers.map((i) => {
        const attr = IDENTIFIER_ATTRIBUTE[i.kind] ?? i.kind;
        const v = present(viewer, i.source, attr, attr, i.value, i.rid ?? '');
        return { kind: i.kind, value: String(v.value), masked: v.masked, source: i.source };
      }),
      relations: parts.relations
        .filter((r) => others.has(r.other))
        .map((r) => ({
          type: r.type,
          direction: r.outgoing ? ('out' as const) : ('in' as const),
          other: others.get(r.other) as EntitySummary,
          source: (r.props.source as string | undefined) ?? null,
          role: (r.props.role as string | undefined) ?? null,
        })),
      recentTraces: parts.traces.map((t) => {
        const pos = placePosition(viewer, t);
        return { at: t.at, until: t.until, kind: t.kind, source: t.source, place: { eid: t.placeEid, name: placeName(viewer, t), lon: pos?.lon ?? null, lat: pos?.lat ?? null } };
      }),
      sources: parts.sources,
      records: row.records.slice(0, 50).map((r) => ({ rid: r.rid, source: r.source, receivedAt: r.receivedAt, role: r.role })),
    };
  });
}
