import type { Graph } from '@onemap/graph-schema/server';
import { withRead } from '../repositories/reader.ts';
import { isInternalAttribute } from '@onemap/graph-schema';
import { attrsOf, IDENTIFIER_ATTRIBUTE } from '../access/golden.ts';
import { maskForViewer } from '../access/mask-for-viewer.ts';
import type { Viewer } from '../access/viewer.ts';
import { readEntities, searchCandidates } from '../repositories/entities.ts';
import { summarize } from './entity-view.ts';

const LUCENE_SPECIAL = /[+\-&|!(){}[\]^"~*?:\\/]/g;

/** Turns user text into a safe Lucene query of plain terms (no operators, no syntax errors). */
export function escapeLucene(q: string): string {
  // Operator characters become spaces and words are lower-cased (so AND/OR/NOT are plain terms): input is only ever terms.
  const terms = q.replace(LUCENE_SPECIAL, ' ').toLowerCase().split(/\s+/).filter(Boolean);
  // A mainland mobile number is indexed in E.164 (+86…), which the analyzer keeps as one token 86….
  const withVariants = terms.flatMap((t) => (/^1\d{10}$/.test(t) ? [t, `86${t}`] : [t]));
  return withVariants.join(' ');
}

function norm(s: string): string {
  return s.toLowerCase().replace(/[\s\-_.:,，。·()（）+]/g, '');
}

const CAP = 500;

/**
 * Cloud search (云搜索) over the `entity_search` index, then kept only where the viewer could have
 * found it: the entity must be visible, and every query term must occur in a value of a record
 * the viewer may see (or the Pinyin of a visible name). So a value known only to a source the
 * viewer may not see never makes a hit — through search either.
 */
export async function search(graph: Graph, viewer: Viewer, q: string, kinds: string[] | null, page: number, pageSize: number) {
  return withRead(graph, async (r) => {
    const lucene = escapeLucene(q);
    if (!lucene) return { total: 0, page, pageSize, items: [] };
    const cands = await searchCandidates(r, lucene, kinds, viewer.visibleSources, CAP);
    const rows = await readEntities(
      r,
      cands.map((c) => c.eid),
      viewer.visibleSources,
      30,
    );
    const terms = q.split(/\s+/).map(norm).filter(Boolean);
    const kept = [];
    for (const c of cands) {
      const row = rows.get(c.eid);
      if (!row?.visible) continue;
      // Only what the viewer sees in plain can match: a value shown masked (a phone with hidden
      // middle digits, a resident ID without a field grant) never makes a hit, so guessing the
      // hidden part and searching for it confirms nothing (docs/security.md, search oracle).
      const texts: string[] = [];
      for (const i of c.identifiers) {
        const attr = IDENTIFIER_ATTRIBUTE[i.kind] ?? i.kind;
        const m = maskForViewer(viewer, { attribute: attr, value: i.value, source: i.source, role: attr });
        if (!m.masked) texts.push(i.value);
      }
      let nameVisible = false;
      for (const r of row.records) {
        for (const [k, v] of Object.entries(attrsOf(r))) {
          if (v === null || typeof v === 'object' || isInternalAttribute(k)) continue;
          if (maskForViewer(viewer, { attribute: k, value: v, source: r.source, role: r.role }).masked) continue;
          texts.push(String(v));
          if (k === 'name' && String(v) === c.name) nameVisible = true;
        }
      }
      if (nameVisible && c.namePinyin) texts.push(c.namePinyin);
      const blob = norm(texts.join('|'));
      if (!terms.every((t) => blob.includes(t))) continue;
      kept.push({ ...summarize(row, viewer), score: c.score });
    }
    const start = (page - 1) * pageSize;
    return { total: kept.length, page, pageSize, items: kept.slice(start, start + pageSize) };
  });
}
