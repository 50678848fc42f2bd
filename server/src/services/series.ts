import { parseBeijingLocal, toBeijingIso } from '@onemap/graph-schema';
import type { Graph } from '@onemap/graph-schema/server';
import {
  DEFAULT_SERIES_SETTINGS,
  NON_SUSPECT_ROLES,
  SERIES_WINDOW,
  type SeriesCase,
  type SeriesPair,
  sceneDistanceKm,
  seriesAround,
} from '@onemap/resolver/derive';
import { goldenValues } from '../access/golden.ts';
import type { Viewer } from '../access/viewer.ts';
import { httpError } from '../errors.ts';
import type { WindowHit } from '../geo/window-intersection.ts';
import { rankByWindows } from '../geo/window-ranking.ts';
import { readWindowHits } from '../repositories/analysis.ts';
import { type EntityRow, readEntities } from '../repositories/entities.ts';
import type { Reader } from '../repositories/reader.ts';
import { withRead } from '../repositories/reader.ts';
import {
  readCaseLinks,
  readSceneSubjects,
  readSeriesCandidates,
  SERIES_PARTLY_HIDDEN_CAP,
} from '../repositories/series.ts';
import type { AttributeValue, EntitySummary } from '../schemas/common.ts';
import type { CaseSeriesQuery, SceneCollisionBody } from '../schemas/series.ts';
import { requireVisibleEntity, summaries, summarize, viewerPosition } from './entity-view.ts';

/** A case as this viewer may see it: the values series linking compares, plain or unknown. */
export interface ViewedCase {
  eid: string;
  summary: EntitySummary;
  caseType: string | null;
  /** `YYYY-MM-DDTHH:mm:ss` Beijing local, as stored */
  occurredAt: string | null;
  at: number | null;
  lon: number | null;
  lat: number | null;
  description: AttributeValue | null;
}

function plain(v: AttributeValue | undefined): string | null {
  return v && !v.masked && v.value !== '' ? String(v.value) : null;
}

/** A case's values from the records this viewer may see; masked values count as unknown. */
export function viewCase(row: EntityRow, viewer: Viewer): ViewedCase {
  const g = goldenValues('Case', row.records, viewer);
  const occurredAt = plain(g.occurredAt);
  const at = occurredAt ? parseBeijingLocal(occurredAt) : Number.NaN;
  // the same position rule as profiles: visible records' lon/lat, else the node's point when its source is visible
  const pos = viewerPosition(row, g, viewer, false);
  return {
    eid: row.eid,
    summary: summarize(row, viewer),
    caseType: plain(g.caseType),
    occurredAt,
    at: Number.isNaN(at) ? null : at,
    lon: pos?.lon ?? null,
    lat: pos?.lat ?? null,
    description: g.description ?? null,
  };
}

/**
 * Whether a case, as the viewer sees it, is a candidate for the seed's series: the same type, an
 * occurrence in [`from`, `to`) (Beijing local strings, compared as stored) and its scene within
 * `km` of the seed's (`sceneDistanceKm`, the scorer's distance).
 */
function inSeriesWindow(
  c: ViewedCase,
  w: { eid: string; caseType: string; from: string; to: string; lon: number; lat: number; km: number },
): boolean {
  if (c.eid === w.eid || c.caseType !== w.caseType || c.at === null || !c.occurredAt) return false;
  if (c.occurredAt < w.from || c.occurredAt >= w.to) return false;
  const d = sceneDistanceKm(c, w);
  return d !== null && d <= w.km;
}

/** A visible case or a 404 (exactly like a missing one); another kind is a 400. */
export async function requireVisibleCase(r: Reader, eid: string, viewer: Viewer): Promise<ViewedCase> {
  const { row } = await requireVisibleEntity(r, eid, viewer);
  if (row.kind !== 'Case') throw httpError('NOT_A_CASE', { eid: row.eid, kind: row.kind });
  return viewCase(row, viewer);
}

/** Who was near each scene around its time and is not routinely there (`SERIES_WINDOW`). */
async function nearScenes(r: Reader, cases: readonly ViewedCase[], viewer: Viewer) {
  const scenes = cases.flatMap((c) =>
    c.lon !== null && c.lat !== null && c.at !== null
      ? [
          {
            eid: c.eid,
            lon: c.lon,
            lat: c.lat,
            from: new Date(c.at - SERIES_WINDOW.nearbyBeforeMinutes * 60_000).toISOString(),
            to: new Date(c.at + SERIES_WINDOW.nearbyAfterMinutes * 60_000).toISOString(),
            routineFrom: new Date(c.at - SERIES_WINDOW.routineWindowDays * 86_400_000).toISOString(),
            routineTo: new Date(c.at + SERIES_WINDOW.routineWindowDays * 86_400_000).toISOString(),
          },
        ]
      : [],
  );
  return readSceneSubjects(
    r,
    scenes,
    { radiusM: SERIES_WINDOW.nearbyRadiusM, routineDays: SERIES_WINDOW.routineDays },
    viewer.visibleSources,
  );
}

/** Where a case lies, for the map and the timeline. */
function caseOut(c: ViewedCase, inSeries: boolean) {
  return {
    entity: c.summary,
    caseType: c.caseType,
    occurredAt: c.at !== null ? toBeijingIso(c.at) : null,
    lon: c.lon,
    lat: c.lat,
    description: c.description ? { value: String(c.description.value), masked: c.description.masked } : null,
    inSeries,
  };
}

/**
 * From a case, its likely series (类案串并): the visible cases of the same type within
 * `SERIES_WINDOW` of it, scored pairwise (`seriesAround`, the same function the bench measures)
 * on the values this viewer may see — a masked summary compares as unknown, a case the viewer
 * cannot see is never a candidate — with each link's features and the persons, phones and
 * vehicles they name (summaries of visible entities only).
 */
export async function caseSeries(graph: Graph, viewer: Viewer, q: CaseSeriesQuery) {
  return withRead(graph, async (r) => {
    const seed = await requireVisibleCase(r, q.eid, viewer);
    const vs = viewer.visibleSources;
    let candidates: ViewedCase[] = [];
    let truncated = false;
    if (seed.caseType && seed.at !== null && seed.occurredAt && seed.lon !== null && seed.lat !== null) {
      const local = (ms: number) => toBeijingIso(ms).slice(0, 19);
      const window = {
        eid: seed.eid,
        caseType: seed.caseType,
        from: local(seed.at - SERIES_WINDOW.days * 86_400_000),
        to: local(seed.at + SERIES_WINDOW.days * 86_400_000),
        at: seed.occurredAt,
        lon: seed.lon,
        lat: seed.lat,
        km: SERIES_WINDOW.km,
        limit: SERIES_WINDOW.candidates,
      };
      const seedAt = seed.at;
      const { whole, partly } = await readSeriesCandidates(r, window, vs);
      const rows = await readEntities(r, [...whole, ...partly.slice(0, SERIES_PARTLY_HIDDEN_CAP)], vs, 20);
      // Every candidate is decided on the viewer's own values (its visible records): the node's
      // type, time and scene are merged over every source, so for a case also known to a hidden
      // source they would let that source include or exclude it.
      const inWindow = [...rows.values()]
        .filter((x) => x.visible)
        .map((x) => viewCase(x, viewer))
        .filter((c) => inSeriesWindow(c, window))
        // nearest in time first, then eid (the order the database read `whole` in)
        .sort(
          (a, b) =>
            Math.abs((a.at as number) - seedAt) - Math.abs((b.at as number) - seedAt) ||
            (a.eid < b.eid ? -1 : a.eid > b.eid ? 1 : 0),
        );
      truncated =
        inWindow.length > SERIES_WINDOW.candidates ||
        whole.length > SERIES_WINDOW.candidates ||
        partly.length > SERIES_PARTLY_HIDDEN_CAP;
      candidates = inWindow.slice(0, SERIES_WINDOW.candidates);
    }
    const all = [seed, ...candidates];
    const links = await readCaseLinks(
      r,
      all.map((c) => c.eid),
      NON_SUSPECT_ROLES,
      vs,
    );
    const near = await nearScenes(r, all, viewer);
    const cases: SeriesCase[] = all.map((c) => ({
      eid: c.eid,
      caseType: c.caseType,
      occurredAt: c.at,
      lon: c.lon,
      lat: c.lat,
      entities: links.get(c.eid) ?? [],
      nearby: near.subjects.get(c.eid) ?? [],
    }));
    const texts = new Map(
      all.flatMap((c) =>
        c.description && !c.description.masked && c.description.value !== ''
          ? [[c.eid, String(c.description.value)] as [string, string]]
          : [],
      ),
    );
    const { members, pairs, corpus } = seriesAround(seed.eid, cases, texts);
    const inSeries = new Set(members);
    const shown: SeriesPair[] = pairs
      .filter(
        (p) =>
          inSeries.has(p.a) &&
          inSeries.has(p.b) &&
          (p.score >= DEFAULT_SERIES_SETTINGS.threshold || p.a === seed.eid || p.b === seed.eid),
      )
      .sort((x, y) => y.score - x.score)
      .slice(0, q.limit * 4);
    // candidates just below the threshold, with their reasons: what an analyst checks next
    const near_ = pairs
      .filter(
        (p) =>
          (p.a === seed.eid || p.b === seed.eid) &&
          !inSeries.has(p.a === seed.eid ? p.b : p.a) &&
          p.score >= DEFAULT_SERIES_SETTINGS.threshold - q.belowThreshold,
      )
      .sort((x, y) => y.score - x.score)
      .slice(0, q.limit);
    const named = new Set<string>();
    for (const p of [...shown, ...near_])
      for (const f of p.features) if (Array.isArray(f.value)) for (const e of f.value) named.add(e);
    const sums = await summaries(r, [...named], viewer);
    const byEid = new Map(all.map((c) => [c.eid, c]));
    const withMasked = (p: SeriesPair) => ({
      ...p,
      features: p.features.map((f) =>
        f.feature === 'moText' && f.value === null && [p.a, p.b].some((e) => byEid.get(e)?.description?.masked)
          ? { ...f, level: 'masked', value: null }
          : { ...f, value: Array.isArray(f.value) ? f.value.filter((e) => sums.has(e)) : f.value },
      ),
      sharedWords: corpus.sharedWords(p.a, p.b),
    });
    // the seed first, so `limit` never cuts the case asked about
    const memberCases = [seed.eid, ...members.filter((e) => e !== seed.eid)]
      .slice(0, q.limit + 1)
      .map((e) => caseOut(byEid.get(e) as ViewedCase, true));
    return {
      eid: seed.eid,
      threshold: DEFAULT_SERIES_SETTINGS.threshold,
      version: DEFAULT_SERIES_SETTINGS.version,
      candidates: candidates.length,
      cases: [
        ...memberCases,
        ...near_.map((p) => caseOut(byEid.get(p.a === seed.eid ? p.b : p.a) as ViewedCase, false)),
      ].sort((x, y) => String(x.occurredAt).localeCompare(String(y.occurredAt))),
      links: shown.map(withMasked),
      nearMisses: near_.map(withMasked),
      entities: [...sums.values()],
      truncated: truncated || near.truncated || members.length > q.limit + 1,
    };
  });
}

/**
 * Multi-scene collision (多点碰撞): who was near the scenes of these cases at those times — one
 * window per case (its scene ± `radiusM`, `beforeMinutes` before to `afterMinutes` after it), subjects
 * ranked by the number of scenes they were near (`rankByWindows`). Every case must be visible
 * (else 404, like a missing one) and placed in space and time for this viewer (else 400).
 */
export async function sceneCollision(graph: Graph, viewer: Viewer, body: SceneCollisionBody) {
  return withRead(graph, async (r) => {
    const seeds: ViewedCase[] = [];
    for (const eid of body.cases) seeds.push(await requireVisibleCase(r, eid, viewer));
    const windows = seeds.map((c) => {
      if (c.at === null || c.lon === null || c.lat === null) throw httpError('CASE_NOT_PLACED', { eid: c.eid });
      return {
        lon: c.lon,
        lat: c.lat,
        radiusM: body.radiusM,
        from: new Date(c.at - body.beforeMinutes * 60_000).toISOString(),
        to: new Date(c.at + body.afterMinutes * 60_000).toISOString(),
      };
    });
    const kinds = body.kinds ?? ['Person', 'Vehicle'];
    const perWindow: WindowHit[][] = [];
    let capped = false;
    for (const w of windows) {
      const { hits, truncated } = await readWindowHits(r, w, kinds, viewer.visibleSources);
      perWindow.push(hits);
      capped ||= truncated;
    }
    const ranked = rankByWindows(perWindow, { minWindows: Math.min(body.minScenes, windows.length) });
    const kept = ranked.slice(0, body.limit);
    const sums = await summaries(
      r,
      kept.map((x) => x.eid),
      viewer,
    );
    return {
      scenes: seeds.map((c, i) => ({
        case: c.summary,
        lon: c.lon as number,
        lat: c.lat as number,
        from: toBeijingIso((windows[i] as { from: string }).from),
        to: toBeijingIso((windows[i] as { to: string }).to),
      })),
      matches: kept
        .filter((x) => sums.has(x.eid))
        .map((x) => ({
          entity: sums.get(x.eid) as EntitySummary,
          scenes: x.hits.length,
          hits: x.hits.map((h) => ({ ...h, at: toBeijingIso(h.at) })),
        })),
      truncated: capped || ranked.length > body.limit,
    };
  });
}
