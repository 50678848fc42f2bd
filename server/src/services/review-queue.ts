import { attributeMeta, type EntityKind, isInternalAttribute } from '@onemap/graph-schema';
import type { Graph } from '@onemap/graph-schema/server';
import { explainPair, type Mention } from '@onemap/resolver';
import { defaultSettings, type Model, PairScorer } from '@onemap/resolver/scoring';
import { IDENTIFIER_ATTRIBUTE } from '../access/golden.ts';
import type { Viewer } from '../access/viewer.ts';
import { CANDIDATES_SCAN_FACTOR, listPossibleMatches, type StoredRecordRow } from '../repositories/resolution.ts';
import type { Candidate, PairExplanation } from '../schemas/resolution.ts';
import { summaries } from './entity-view.ts';
import { recordMasker } from './record-masking.ts';

type RecordMasker = Awaited<ReturnType<typeof recordMasker>>;

const scorers = new Map<EntityKind, { model: Model; scorer: PairScorer }>();
/** The models the pipeline scores with (the committed defaults), one scorer per kind. */
function scorerFor(kind: EntityKind) {
  let s = scorers.get(kind);
  if (!s) {
    const model = defaultSettings(kind);
    s = { model, scorer: new PairScorer(model) };
    scorers.set(kind, s);
  }
  return s;
}

/** A stored record's mention in one role, rebuilt as the resolver's Mention (null when it is not stored). */
export function mentionOf(r: StoredRecordRow): Mention | null {
  try {
    const attrs = JSON.parse(r.attrs) as Record<string, Mention['attrs']>;
    const meta = JSON.parse(r.mentions ?? '{}') as Record<string, { kind: EntityKind; identifiers: Mention['identifiers']; flags: string[] }>;
    const m = meta[r.role];
    if (!m) return null;
    return { key: `${r.rid}:${r.role}`, source: r.source, recordId: r.recordId, role: r.role, kind: m.kind, attrs: attrs[r.role] ?? {}, identifiers: m.identifiers ?? [], flags: m.flags ?? [] };
  } catch {
    return null;
  }
}

/** A value as the viewer may see it, under one record's source and role. */
export type MaskValue = (attribute: string, value: string, source: string, role: string, rid: string) => { value: string; masked: boolean };

/**
 * A mention as this viewer may compare it: an attribute or identifier the viewer sees masked under
 * its record (derived ones take their origin's grade, `maskForViewer`) is left out, so every
 * comparison is of two values the viewer sees plain — an "exact" or a conflict on a masked value
 * would tell the masked one from the plain one beside it. `withheld`: whether anything was.
 */
function comparableMention(m: Mention, r: StoredRecordRow, mask: MaskValue): { mention: Mention; withheld: boolean } {
  let withheld = false;
  const attrs: Mention['attrs'] = {};
  for (const [a, v] of Object.entries(m.attrs)) {
    if (v === undefined || v === null) continue;
    if (mask(a, String(v), r.source, r.role, r.rid).masked) withheld = true;
    else attrs[a] = v;
  }
  const identifiers = m.identifiers.filter((i) => {
    const masked = mask(IDENTIFIER_ATTRIBUTE[i.kind] ?? i.kind, i.value, r.source, r.role, r.rid).masked;
    if (masked) withheld = true;
    return !masked;
  });
  return { mention: { ...m, attrs, identifiers }, withheld };
}

/**
 * Why the pair is a possible match: `explainPair` of the review record's mention against each
 * visible record of the candidate entity, keeping the comparison with the highest probability
 * (the one that made the pipeline hesitate), compared only on what the viewer sees plain on both
 * sides (`comparableMention`). Term frequencies are the model's, not the live index's, so the
 * probability can differ slightly from the stored score. `withheld`: a masked value was left out
 * of some comparison (the pipeline's own score then says more than the viewer may know).
 */
export function explainCandidate(record: StoredRecordRow, candidateRecords: StoredRecordRow[], mask: MaskValue): { explanation: PairExplanation | null; withheld: boolean } {
  const stored = mentionOf(record);
  if (!stored) return { explanation: null, withheld: false };
  const { model, scorer } = scorerFor(stored.kind);
  const left = comparableMention(stored, record, mask);
  let withheld = left.withheld;
  let best: PairExplanation | null = null;
  for (const cr of candidateRecords) {
    const storedRight = mentionOf(cr);
    if (!storedRight || storedRight.kind !== stored.kind) continue;
    const right = comparableMention(storedRight, cr, mask);
    withheld ||= right.withheld;
    const e = explainPair(left.mention, right.mention, model, undefined, scorer);
    if (best && e.probability <= best.probability) continue;
    const tf = new Map(e.terms.map((t) => [`${t.comparison}: ${t.level}`, t.tfAdjustment]));
    best = {
      priorWeight: e.priorWeight,
      weight: e.weight,
      probability: e.probability,
      decision: e.decision,
      // both values plain to the viewer (comparableMention)
      anchors: e.anchors,
      conflicts: e.conflicts,
      waterfall: e.waterfall.map((w) => ({ ...w, tfAdjustment: w.label === 'prior' ? 0 : (tf.get(w.label) ?? 0) })),
      compared: { left: record.rid, right: cr.rid },
    };
  }
  return { explanation: best, withheld };
}

/**
 * The viewer's masking of one value of a record (`recordMasker`: a value that completes an
 * identifier the viewer sees masked under that record or on its person, as a birth date does a
 * resident ID, is masked with it). An internal comparison key (`py*`, `*Key`, `nameScript`) never leaves in an
 * answer, so the masking helper always masks it; compared here, it is as plain as what it was
 * derived from (a name's Pinyin as the name).
 */
function viewerMask(masker: RecordMasker): MaskValue {
  return (attribute, value, source, role, rid) => {
    if (isInternalAttribute(attribute)) {
      const from = attributeMeta(attribute).derivedFrom ?? [];
      const masked = from.length === 0 || from.some((a) => masker({ attribute: a, value, source, role }, rid).masked);
      return { value: masked ? '' : value, masked };
    }
    const m = masker({ attribute, value, source, role }, rid);
    return { value: String(m.value), masked: m.masked };
  };
}

/**
 * The review queue as this viewer may see it: both entities visible, most uncertain first, each
 * with its explanation. "Most uncertain" is judged on what the viewer is shown — the stored score,
 * or where it is withheld the explanation's probability over the values the viewer may compare —
 * over the `CANDIDATES_SCAN_FACTOR` × `limit` rows the repository scanned, so the order of an answer
 * never ranks pairs by a score the viewer may not see.
 */
export async function reviewQueue(graph: Graph, viewer: Viewer, filter: { source?: string | null; unit?: string | null }, limit: number): Promise<{ items: Candidate[]; truncated: boolean }> {
  const rows = await listPossibleMatches(graph, viewer.visibleSources, filter, limit);
  const seen = await summaries(graph, rows.flatMap((r) => [r.recordEid, r.candidateEid]), viewer);
  const mask = viewerMask(await recordMasker(graph, viewer, rows.flatMap((r) => [r.record.rid, ...r.candidateRecords.map((c) => c.rid)])));
  const items: { item: Candidate; uncertainty: number }[] = [];
  for (const r of rows) {
    const left = seen.get(r.recordEid);
    const right = seen.get(r.candidateEid);
    if (!left || !right) continue;
    const { explanation, withheld } = explainCandidate(r.record, r.candidateRecords, mask);
    // The pipeline's score weighed values the viewer sees masked: it is not shown then (the
    // explanation's probability says what the values the viewer may compare weigh).
    const score = withheld ? null : r.score;
    const shown = score ?? explanation?.probability ?? null;
    items.push({
      item: { id: `${r.rid}|${r.role}`, rid: r.rid, source: r.source, score, at: r.at, left, right, explanation },
      uncertainty: shown === null ? Number.POSITIVE_INFINITY : Math.abs(shown - 0.5),
    });
  }
  items.sort((a, b) => a.uncertainty - b.uncertainty || (a.item.rid < b.item.rid ? -1 : a.item.rid > b.item.rid ? 1 : 0));
  return { items: items.slice(0, limit).map((x) => x.item), truncated: items.length > limit || rows.length >= limit * CANDIDATES_SCAN_FACTOR };
}
