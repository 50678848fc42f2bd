import { foldTyped, pinyinInitials } from '@onemap/resolver/standardize';
import { type Reader, withRead } from '../repositories/reader.ts';
import { attributeMeta, derivationChain, isInternalAttribute } from '@onemap/graph-schema';
import { attrsOf, goldenValues, IDENTIFIER_ATTRIBUTE, nodeValueStands, present, type VisibleRecord } from '../access/golden.ts';
import { nodePropertyOf } from '@onemap/resolver/pipeline';
import { closeCompletions, maskForViewer, nodeValueDecision } from '../access/mask-for-viewer.ts';
import type { Viewer } from '../access/viewer.ts';
import { POSITION_ATTRIBUTES } from '../access/policy.ts';
import { type CandidateGuard, type EntityRow, identifierTailCandidates, readEntities, readRecordRoles, readSearchNodes, type SearchNodeRow, searchCandidateHead, searchCandidates } from '../repositories/entities.ts';
import { maskValue } from '../access/masking.ts';
import type { AttributeValue, EntitySummary } from '../schemas/common.ts';
import type { SearchResponse } from '../schemas/entities.ts';
import { isHome, parseProvenance, summarize } from './entity-view.ts';
import { COMPLETED_KINDS, maskedAttributesOf } from './record-masking.ts';

const LUCENE_SPECIAL = /[+\-&|!(){}[\]^"~*?:\\/]/g;

/** Full-text candidates considered per query (the answer says `truncated` when there were more). */
export const SEARCH_CANDIDATE_CAP = 500;
/** Records read per candidate to check what the viewer may see and to describe the hit. */
export const SEARCH_RECORDS_PER_HIT = 30;
/** Shortest Latin term that is also matched with one typo (Lucene fuzzy `~1`). */
export const FUZZY_MIN_LENGTH = 4;
/** A digit run this long (or longer, up to a whole identifier) is also looked up as an identifier tail. */
export const ID_TAIL_MIN_DIGITS = 4;
/** Identifier kinds searched by their last digits. */
export const ID_TAIL_KINDS = ['resident_id', 'phone', 'national_id', 'passport'] as const;
/**
 * Whether a term (normalized) may be a guess at what a mask hides: every identifier holds digits
 * (an ID, phone, passport, plate, VIN, credit code, case number), and a term holding one can reach
 * past what a mask shows — a whole ID or phone, or a head that the full-text prefix completes
 * (`6201031992*`, `1381*`, `e123*`). A number of up to 3 digits lies inside every mask's shown head.
 * Such a term finds only an entity that holds a value with it which the viewer reads in plain — an
 * identifier of its own, its `HAS_PHONE` phone's (a person's or organization's phone is no
 * identifier edge of its own), or an organization's or a venue's name (a home's, its address, only
 * where the viewer reads addresses in plain) — checked inside the full-text statement
 * (`CandidateGuard`), so a right guess finds no candidate a wrong one does not. The last
 * digits a mask shows are searched apart (`identifierTailCandidates`, `tailSources`).
 */
export function isGuardedTerm(t: string): boolean {
  return /\d/.test(t) && !/^\d{1,3}$/.test(t);
}

/** How many trailing characters the mask of `attribute` shows (a resident ID's or phone's last 4, a passport's 2). */
export function shownSuffixLength(attribute: string): number {
  const sample = '1'.repeat(24);
  const masked = maskValue(attribute, sample);
  let n = 0;
  while (n < masked.length && masked[masked.length - 1 - n] !== '*') n++;
  return n;
}

/** Per identifier kind, the visible sources whose values of it the viewer reads in plain (an identifier edge's role is its attribute). */
export function plainIdentifierSources(viewer: Viewer): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(IDENTIFIER_ATTRIBUTE).map(([kind, attr]) => [kind, viewer.visibleSources.filter((s) => !isInternalAttribute(attr) && viewer.fieldDecision(s, attr, attr) === 'plain')]),
  );
}

/** The query's guard: its terms that may be guesses (`isGuardedTerm`), and where the viewer reads identifiers in plain. */
export function searchGuard(viewer: Viewer, terms: readonly string[]): CandidateGuard {
  // a term the full-text lookup also matches with one typo (`luceneQuery`: Latin letters and
  // digits, not digits only) may lie in a value only by one of its halves; a term of digits only
  // is matched whole or as a prefix, so it must lie in the value whole (a half would pass a guess
  // whose other half is a hidden part of another of the entity's values)
  const guardedTerms = [...new Set(terms.map(norm).filter(isGuardedTerm))].map((t) => ({ t, fuzzy: fuzzyTerm(t) }));
  const plainHomeAddressSources = viewer.visibleSources.filter((s) => viewer.fieldDecision(s, 'home', 'address') === 'plain');
  return { guardedTerms, plainIdSources: plainIdentifierSources(viewer), plainHomeAddressSources, strip: [...NORM_DROPPED] };
}

/**
 * Where a tail of `length` digits may be found, per identifier kind of `ID_TAIL_KINDS`: every visible
 * source when the kind's mask shows that many trailing digits, else only those it is read in plain.
 */
export function tailSources(viewer: Viewer, guard: CandidateGuard, length: number): Record<string, string[]> {
  return Object.fromEntries(
    ID_TAIL_KINDS.map((kind) => {
      const attr = IDENTIFIER_ATTRIBUTE[kind] ?? kind;
      return [kind, length <= shownSuffixLength(attr) ? [...viewer.visibleSources] : [...(guard.plainIdSources[kind] ?? [])]];
    }),
  );
}

/** Match kinds, strongest first, with the score each adds. */
const MATCH_WEIGHT = { exact: 100, identifier_tail: 90, initials: 80, pinyin: 75, prefix: 60, contains: 50, fuzzy: 30 } as const;
type MatchKind = keyof typeof MATCH_WEIGHT;
/** Added per term that the entity's own name matches (less than the gap between two match kinds). */
const GOLDEN_NAME_BONUS = 3;

/** Turns user text into a safe Lucene query of plain terms (no operators, no syntax errors). */
export function escapeLucene(q: string): string {
  // Operator characters become spaces and words are lower-cased (so AND/OR/NOT are plain terms): input is only ever terms.
  const terms = q.replace(LUCENE_SPECIAL, ' ').toLowerCase().split(/\s+/).filter(Boolean);
  // A mainland mobile number is indexed in E.164 (+86…), which the analyzer keeps as one token 86….
  const withVariants = terms.flatMap((t) => (/^1\d{10}$/.test(t) ? [t, `86${t}`] : [t]));
  return withVariants.join(' ');
}

/**
 * The Lucene query for cloud search: per term the exact term (boosted), its prefix and, for Latin
 * terms of 4+ characters, one typo (`~1`); terms are OR-ed for recall and the answer is then ranked
 * and checked term by term. Terms are escaped plain words, so no user syntax reaches Lucene.
 * @example luceneQuery('zhang wei') // '(zhang^4 OR zhang*^2 OR zhang~1) OR (wei^4 OR wei*^2)'
 */
/** Whether the full-text lookup also matches `t` (escaped, lower case) with one typo: Latin letters and digits, not digits only, `FUZZY_MIN_LENGTH` or longer. */
function fuzzyTerm(t: string): boolean {
  return /^[a-z0-9]+$/.test(t) && t.length >= FUZZY_MIN_LENGTH && !/^\d+$/.test(t);
}

export function luceneQuery(q: string): string {
  const terms = escapeLucene(q).split(' ').filter(Boolean);
  const groups = terms.map((t) => {
    const parts = [`${t}^4`];
    // A wildcard over one or two characters expands to too many terms to be useful.
    if ([...t].length >= 1 && !(/^[a-z0-9]$/.test(t))) parts.push(`${t}*^2`);
    if (fuzzyTerm(t)) parts.push(`${t}~1`);
    return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
  });
  return groups.join(' OR ');
}

/** What `norm` drops from a term: separators and brackets (a guarded term is compared with stored values dropping the same, `CandidateGuard.strip`). */
export const NORM_DROPPED = [' ', '\u3000', '\t', '-', '_', '.', ':', ',', '，', '。', '·', '(', ')', '（', '）', '+'] as const;

/** Whitespace and `NORM_DROPPED`, as one character class. */
const DROPPED = new RegExp(`[\\s${NORM_DROPPED.map((c) => c.replace(/[-\\\]^]/g, '\\$&')).join('')}]`, 'g');

function norm(s: string): string {
  return s.toLowerCase().replace(DROPPED, '');
}

/** The parts of a masked value that the mask shows (`620102********1234` → 620102, 1234). */
function shownFragments(masked: string): string[] {
  return masked.split(/\*+/).map(norm).filter(Boolean);
}

/** Damerau–Levenshtein distance ≤ 1 (one substitution, insertion, deletion or transposition). */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** What the viewer may match a term against: values as the viewer sees them. */
interface Searchable {
  /** Plain values (normalized), e.g. a name, a plate, an ID the viewer may read in full. */
  plain: string[];
  /**
   * Parts of a plain name (normalized): family and given name, the Pinyin. A term equal to one is a
   * prefix or Pinyin match of that name, never an `exact` one — else 张 would rank a 程敬 whose one
   * record calls him 张轮山 (family name 张) above every 张伟 that 张 only begins.
   */
  parts: string[];
  /** Fragments a mask shows (normalized): a masked ID's region prefix and last digits. */
  shown: string[];
  /** Names the viewer sees in plain, for Pinyin and initials. */
  names: string[];
  /**
   * The entity's own (golden) name and its Pinyin, when the viewer sees it in plain: a term it
   * matches ranks a little higher than one only a record's other name matches. The node's name
   * only for an entity seen whole; else the golden name of the viewer's visible records.
   */
  golden?: Searchable;
}

/**
 * An empty `Searchable` and the one way values enter it: as the viewer sees them (masked values
 * only in what the mask shows). A value that completes an identifier (graph-schema `completes`: the
 * birth date is a resident ID's hidden middle) is matched only when no such identifier of the
 * entity is masked for the viewer — as a profile masks it (`closeCompletions`); else a query
 * `钱多多 199003…` would confirm the hidden digits one at a time. `done()` applies that and returns
 * what may be matched.
 */
function searchableFor(viewer: Viewer) {
  const out: Searchable = { plain: [], parts: [], shown: [], names: [] };
  const maskedAttrs = new Set<string>();
  const completing: { attr: string; value: unknown; source: string; role: string; completes: readonly string[] }[] = [];
  // A value stated again (a person's name and ID in each of its sightings) adds nothing: what it
  // adds depends on these four only, and a match only asks whether a value is there.
  const added = new Set<string>();
  const add = (attr: string, value: unknown, source: string, role: string) => {
    const key = `${attr}\u0000${source}\u0000${role}\u0000${String(value)}`;
    if (added.has(key)) return;
    added.add(key);
    const completes = attributeMeta(attr).completes ?? [];
    if (completes.length) {
      completing.push({ attr, value, source, role, completes });
      return;
    }
    addValue(attr, value, source, role);
  };
  const addValue = (attr: string, value: unknown, source: string, role: string) => {
    const m = maskForViewer(viewer, { attribute: attr, value, source, role });
    if (m.masked) {
      maskedAttrs.add(attr);
      // Only what the mask shows (a resident ID's region prefix and last four digits): never the hidden part.
      out.shown.push(...shownFragments(String(m.value)));
      return;
    }
    const s = String(value);
    if (attr !== 'name' && derivationChain(attr).includes('name')) {
      out.parts.push(norm(s));
      return;
    }
    out.plain.push(norm(s));
    if (attr === 'name') out.names.push(s);
    // Mobile numbers: also without +86.
    if (/^\+86\d{11}$/.test(s)) out.plain.push(s.slice(3));
  };
  const addIdentifiers = (identifiers: SearchNodeRow['identifiers']) => {
    for (const i of identifiers) {
      const attr = IDENTIFIER_ATTRIBUTE[i.kind] ?? i.kind;
      add(attr, i.value, i.source, attr);
    }
  };
  // The node's Pinyin counts only when the name it spells is one the viewer sees in plain.
  // Its syllable groups too (the family and given name's Pinyin, as the record that states the name
  // has them): so a typo of a given name (wangwei~1 → fangwei) is decided on the node, not in the records.
  const addPinyin = (name: unknown, namePinyin: string | null) => {
    if (!name || !out.names.includes(String(name))) return;
    const parts = namePinyin ? [...new Set([namePinyin, ...namePinyin.split(/\s+/)].map(norm).filter(Boolean))] : [];
    out.parts.push(...parts);
    out.golden = { plain: [norm(String(name))], parts, shown: [], names: [String(name)] };
  };
  const done = (): Searchable => {
    for (const c of completing) {
      if (c.completes.some((a) => maskedAttrs.has(a))) continue;
      addValue(c.attr, c.value, c.source, c.role);
    }
    completing.length = 0;
    return out;
  };
  return { add, addIdentifiers, addPinyin, done };
}

/** A home's attributes that are its address (its name is one): matched under the address rule of homes. */
const HOME_ADDRESS_ATTRIBUTES: ReadonlySet<string> = new Set(['name', 'address']);

/**
 * What the viewer may match in the entity's visible records (every attribute of every record in the
 * window), its identifiers and Pinyin — as the answers show them: a home (`isHome`, the one test
 * of profiles and trajectories) is named by its address, masked unless the record's source lets the
 * viewer read home addresses, and its position is coarsened then, so it is not matched at all.
 */
function searchableOf(row: EntityRow, viewer: Viewer, node: SearchNodeRow): Searchable {
  const s = searchableFor(viewer);
  const home = isHome(row);
  for (const r of row.records as VisibleRecord[]) {
    const homeAddressPlain = home && viewer.fieldDecision(r.source, 'home', 'address') === 'plain';
    for (const [attr, v] of Object.entries(attrsOf(r))) {
      if (v === null || v === undefined || typeof v === 'object' || isInternalAttribute(attr)) continue;
      if (home && HOME_ADDRESS_ATTRIBUTES.has(attr)) s.add('address', v, r.source, 'home');
      // a home's position: matched only where its source lets the viewer read home addresses (answers coarsen it otherwise)
      else if (home && POSITION_ATTRIBUTES.has(attr) && !homeAddressPlain) continue;
      else s.add(attr, v, r.source, r.role);
    }
  }
  s.addIdentifiers(node.identifiers);
  if (node.seenWhole) s.addPinyin(row.props.name, node.namePinyin);
  else {
    // The node's name and Pinyin were chosen over every source: which visible name is golden (and
    // earns the bonus) would be a hidden source's vote. The viewer's own golden name, from the
    // visible records, and the Pinyin its record states (as the pipeline derives `namePinyin`).
    const name = goldenValues(row.kind, row.records, viewer, ['name']).name;
    if (name && !name.masked) s.addPinyin(name.value, recordPinyin(row.records.find((r) => r.rid === name.rid)));
  }
  return s.done();
}

/** The Pinyin a record states for its name (`pyFamily pyGiven`, internal attributes), as the pipeline joins it into `namePinyin`. */
function recordPinyin(r: VisibleRecord | undefined): string | null {
  if (!r) return null;
  const a = attrsOf(r);
  const parts = [a.pyFamily, a.pyGiven].filter((x): x is string => typeof x === 'string' && x !== '');
  return parts.length ? parts.join(' ') : null;
}

/** Kinds whose golden name is matched under the `name` rule (a phone's or plate's name follows another attribute's rule: records decide). */
const NODE_FIRST_KINDS: ReadonlySet<string> = new Set(['Person', 'Organization']);

/**
 * The record of a candidate's golden name, when the node can decide the match: a person or
 * organization whose golden name is the viewer's own (`nodeValueStands`: seen whole, or named by a
 * visible authority no hidden source shares), whose visible records all fit in the record
 * window (so the record path reads them all) and whose name came from a record with provenance; that record's roles among the viewer's
 * visible records come with the node (`SearchNodeRow.nameRecord`, else `readRecordRoles`). Null: the records decide.
 */
function nameRecordOf(n: SearchNodeRow, viewer: Viewer): string | null {
  if (!NODE_FIRST_KINDS.has(n.kind) || n.name === null || !n.recordsFit) return null;
  const prov = parseProvenance(n.provenance).name;
  // A name chosen over sources the viewer may not see (a hidden vote): its match and its
  // golden-name bonus are decided on the visible records.
  if (!nodeValueStands(viewer, n.kind, 'name', prov?.source, n)) return null;
  return prov?.rid ?? null;
}

/**
 * What the viewer may match from the node alone: the golden name, masked by the rule of the
 * visible record it came from (its source and its one role), its Pinyin, and the visible
 * identifiers — a subset of what `searchableOf` finds in the same records, so a node match is a
 * record match, of the same or a weaker kind.
 */
function nodeSearchable(n: SearchNodeRow, source: string, role: string, viewer: Viewer): Searchable {
  const s = searchableFor(viewer);
  s.add('name', n.name, source, role);
  s.addIdentifiers(n.identifiers);
  // The node's Pinyin is the first record stating the name's, which may be a hidden one: for a node
  // not seen whole, the Pinyin of the name's own record, as the record path takes it.
  const rec = n.nameRecord;
  s.addPinyin(n.name, n.seenWhole ? n.namePinyin : rec ? recordPinyin({ rid: rec.rid, source, role, receivedAt: null, attrs: rec.attrs ?? null }) : null);
  return s.done();
}

/**
 * How `term` matches what the viewer may see, or null: in plain values (exact, prefix, Pinyin,
 * initials, one typo), or inside what a mask shows (a masked ID's last digits) — never further
 * into a masked value than the mask shows.
 */
function matchTerm(term: string, s: Searchable): MatchKind | null {
  const t = norm(term);
  if (!t) return null;
  if (s.plain.includes(t)) return 'exact';
  if (/^\d+x?$/.test(t) && t.length >= ID_TAIL_MIN_DIGITS && [...s.plain, ...s.shown].some((v) => v.endsWith(t))) return 'identifier_tail';
  if (/^[a-z]+$/.test(t)) {
    for (const n of s.names) {
      const ini = pinyinInitials(n);
      if (ini && ini === t) return 'initials';
    }
  }
  // plain values and name parts alike, without copying them per term and candidate
  const some = (f: (v: string) => boolean) => s.plain.some(f) || s.parts.some(f);
  if (some((v) => v.startsWith(t))) return /^[a-z]+$/.test(t) ? 'pinyin' : 'prefix';
  // inside a value only (王 in 泾川王村镇卡口): below a value it begins (王 of 王伟), so the likely person comes first
  if (some((v) => v.includes(t)) || s.shown.some((v) => v.includes(t))) return 'contains';
  if (/^[a-z0-9]+$/.test(t) && t.length >= FUZZY_MIN_LENGTH && some((v) => withinOneEdit(v, t) || v.split(/(?=[^a-z0-9])/).some((w) => withinOneEdit(w, t)))) {
    return 'fuzzy';
  }
  return null;
}

/** The attributes a hit's details read (`hitDetails`). */
const HIT_DETAIL_ATTRIBUTES = ['birthDate', 'sex', 'homeDivision', 'residentId'];
/** Those and the identifiers one of them completes (a birth date is a resident ID's hidden middle): what `goldenValues` reads for them. */
const HIT_GOLDEN_ATTRIBUTES = [...new Set(HIT_DETAIL_ATTRIBUTES.flatMap((a) => [a, ...(attributeMeta(a).completes ?? [])]))];
/** The node properties that hold them, for the kinds a node may describe (`NODE_FIRST_KINDS`). */
const HIT_DETAIL_PROPERTIES = [...new Set([...NODE_FIRST_KINDS].flatMap((k) => HIT_GOLDEN_ATTRIBUTES.flatMap((a) => nodePropertyOf(k, a) ?? [])))];

/** What tells three 张伟 apart, under the viewer's masking, from the hit's record window (`maskedIds`: as `describeHit`). */
function hitDetails(row: EntityRow, viewer: Viewer, maskedIds: readonly string[]) {
  const inSources = row.props.inSources;
  const sources = Array.isArray(inSources) ? inSources.map(String) : row.records.map((r) => r.source);
  return describeHit(goldenValues(row.kind, row.records, viewer, HIT_DETAIL_ATTRIBUTES), sources, viewer, maskedIds);
}

/**
 * A hit's details from the viewer's golden values (`goldenValues`, masked) and the sources the
 * entity is known from (its `inSources`, else its window's records' sources), the visible ones.
 * `maskedIds`: the identifier attributes of the entity the viewer sees masked
 * (`maskedAttributesOf`, from the node read's identifiers), which nothing in the hit may complete.
 */
function describeHit(raw: Record<string, AttributeValue>, sources: readonly string[], viewer: Viewer, maskedIds: readonly string[]) {
  // Nothing in a hit completes an ID the viewer sees masked (a birth date fills a resident ID's
  // hidden middle): the golden one, nor another the entity holds (a second resident ID), as the profile closes them.
  const g = closeCompletions(raw, raw.residentId?.masked ? ['residentId', ...maskedIds] : maskedIds);
  const plainOf = (k: string) => (g[k] && !g[k].masked ? String(g[k].value) : null);
  const birth = plainOf('birthDate');
  const county = plainOf('homeDivision');
  const rid = g.residentId ? String(g.residentId.value) : null;
  return {
    birthYear: birth && /^\d{4}/.test(birth) ? birth.slice(0, 4) : null,
    sex: plainOf('sex'),
    homeCounty: county ? { code: county, name: viewer.units.get(county)?.name ?? null } : null,
    // Only the last four characters, which every mask shows anyway.
    idTail: rid && rid.length >= 4 ? `…${rid.slice(-4)}` : null,
    sources: [...new Set(sources.filter((x) => viewer.visibleSources.includes(x)))].sort(),
  };
}

/**
 * A hit checked on its node (`nodeSearchable`, the name's record visible in one role) described
 * from its node too, without reading its records — or null when only the records can tell: each
 * detail attribute the node holds (`HIT_GOLDEN_ATTRIBUTES`) must stand for the viewer's records
 * (`nodeValueStands`: seen whole, or from a visible authority no hidden source shares) and come
 * from the name's record (whose one visible role masks it) or be masked alike in every role of its
 * source (`nodeValueDecision`); an attribute the node lacks no record states. The name is masked by its record's own source and role, as the records mask it,
 * and the sources are the node's `inSources` (null: the records). The same summary and details
 * `summarize` and `hitDetails` give from the records.
 */
function describeOnNode(n: SearchNodeRow, rec: { source: string; role: string }, viewer: Viewer, maskedIds: readonly string[]): (EntitySummary & ReturnType<typeof describeHit>) | null {
  if (n.name === null || n.inSources === null) return null;
  const prov = parseProvenance(n.provenance);
  const raw: Record<string, AttributeValue> = {};
  for (const attr of HIT_GOLDEN_ATTRIBUTES) {
    const prop = nodePropertyOf(n.kind, attr);
    const v = prop === null ? undefined : n.details[prop];
    if (v === undefined) continue;
    const from = prov[prop as string];
    if (!from?.source || !from.rid || !nodeValueStands(viewer, n.kind, attr, from.source, n)) return null;
    // from the name's record (as a registry record states a person's name, ID, sex and birth date):
    // its one visible role is known; from another record: masked alike in every role ('' asks that), or unknown
    const role = from.rid === n.nameRecord?.rid ? rec.role : nodeValueDecision(viewer, from.source, attr) !== null ? '' : null;
    if (role === null) return null;
    raw[attr] = present(viewer, from.source, role, attr, v, from.rid);
  }
  const name = maskForViewer(viewer, { attribute: 'name', value: n.name, source: rec.source, role: rec.role });
  return { eid: n.eid, kind: n.kind, name: String(name.value), nameMasked: name.masked, ...describeHit(closeCompletions(raw), n.inSources, viewer, maskedIds) };
}

/** How a search checks its candidates (the default is the fast path; the other is its reference). */
export interface SearchOptions {
  /**
   * true (default): check candidates in full-text order, a chunk at a time, on their nodes first
   * (golden name, Pinyin, identifiers), reading records only for the candidates the node cannot
   * decide and for the page returned, and stop once no unchecked candidate can enter the page;
   * false: read every candidate's records (the reference the tests compare the fast path with).
   */
  nodeFirst?: boolean;
  /** Filled with what the search read (for the benches and the tests that bound a page's cost). */
  stats?: SearchStats;
}

/** What one search read: the measure of whether its cost follows the page or the name's frequency. */
export interface SearchStats {
  /** Full-text and identifier-tail lookups run (one statement each). */
  indexLookups: number;
  /** Visible candidates those lookups returned (eids and scores). */
  candidates: number;
  /** Candidates checked on their nodes (`readSearchNodes`), in chunks. */
  nodesRead: number;
  /** Chunks checked (one `readSearchNodes` statement each, plus one `readEntities` when the node could not decide). */
  chunks: number;
  /** Candidates whose record windows were read to decide the match (not the page's descriptions). */
  recordsToDecide: number;
  /** Hits of the page described from their nodes (`describeOnNode`), without reading their records. */
  describedOnNode: number;
  /** Hits found among the checked candidates, and hits returned on the page. */
  hits: number;
  pageHits: number;
  /** A lookup run returned as many candidates as its cap (`SEARCH_CANDIDATE_CAP`). */
  truncated: boolean;
}

/**
 * Candidates checked in the first chunk: at least this many, and the hits up to the end of the page
 * asked for plus `SEARCH_LOOKAHEAD`. When those do not settle the page, each further chunk checks
 * twice as many as were checked before it (so three more chunks at most reach the 500-candidate
 * cap), and a later tier's lookup runs only once the scan reaches it.
 */
export const SEARCH_FIRST_CHUNK = 30;
/** Candidates checked past the end of the page asked for in the first chunk: room for candidates that are not hits or rank lower. */
export const SEARCH_LOOKAHEAD = 10;

/** A candidate in scan order: its Lucene score in the index that found it, and its tier (`Tier`). */
interface Candidate {
  eid: string;
  score: number;
  tier: number;
}

interface Kept extends Candidate {
  matchedBy: MatchKind[];
  rank: number;
  /** Decided on its node (`nodeSearchable`): the node and its name's record, which may describe it too (`describeOnNode`). */
  onNode?: { node: SearchNodeRow; rec: { source: string; role: string } };
  /** Its identifiers through visible edges as its node was read: all, or at least those a detail may complete (`COMPLETED_KINDS`). */
  ids: SearchNodeRow['identifiers'];
}

/** A term looked up as an identifier's last digits: 4 to 17 digits (an `x` may end a resident ID), normalized. */
function isTailTerm(term: string): boolean {
  const x = norm(term);
  return /^\d+x?$/.test(x) && x.length >= ID_TAIL_MIN_DIGITS && x.length < 18;
}

/** Every term matched (else null): the match kinds and the rank (their weights, plus a bonus per term the golden name matches). */
function rankMatch(terms: readonly string[], s: Searchable): Pick<Kept, 'matchedBy' | 'rank'> | null {
  const matched = terms.map((t) => matchTerm(t, s));
  if (matched.some((m) => m === null)) return null;
  const kinds = matched as MatchKind[];
  const golden = s.golden;
  // a term of digits names no one: digits at the end of a name or inside it earn no golden-name bonus
  const onGolden = golden ? terms.filter((t) => !isTailTerm(t) && matchTerm(t, golden) !== null).length : 0;
  return { matchedBy: [...new Set(kinds)], rank: kinds.reduce((a, m) => a + MATCH_WEIGHT[m], 0) + GOLDEN_NAME_BONUS * onGolden };
}

/** The highest rank any candidate can reach for these terms: every term exact, on the golden name. */
export function bestRank(terms: readonly string[]): number {
  return terms.length * (MATCH_WEIGHT.exact + GOLDEN_NAME_BONUS);
}

/** The highest rank a candidate can reach when no value of it equals a term and no name of it has a term as initials: every term Pinyin, on the golden name. */
export function pinyinRank(terms: readonly string[]): number {
  return terms.length * (MATCH_WEIGHT.pinyin + GOLDEN_NAME_BONUS);
}

/** The highest rank a candidate of Hanzi terms can reach when no value of it equals a term: every term a prefix, on the golden name. */
export function prefixRank(terms: readonly string[]): number {
  return terms.length * (MATCH_WEIGHT.prefix + GOLDEN_NAME_BONUS);
}

/** A term of Chinese characters only: it can match only exactly, as a prefix or inside a value (no Pinyin, initials, digits or typo). */
const HAN_ONLY = /^\p{Script=Han}+$/u;

/** The highest rank a candidate can reach when no value of it equals a term: every term Pinyin initials, on the golden name. */
export function initialsRank(terms: readonly string[]): number {
  return terms.length * (MATCH_WEIGHT.initials + GOLDEN_NAME_BONUS);
}

/**
 * The highest rank a candidate found only by an identifier's last digits can reach for a query of
 * digits only: every term an identifier tail (a digit term earns no golden-name bonus, `rankMatch`).
 */
export function tailRank(terms: readonly string[]): number {
  return terms.length * MATCH_WEIGHT.identifier_tail;
}

/** Lucene's order of candidates: score, then eid (a total order). */
function byScore(a: { eid: string; score: number }, b: { eid: string; score: number }): number {
  return b.score - a.score || (a.eid < b.eid ? -1 : a.eid > b.eid ? 1 : 0);
}

/** The scan order: tier, then Lucene's order within it. */
function byTierAndScore(a: Candidate, b: Candidate): number {
  return a.tier - b.tier || byScore(a, b);
}

/** The order of hits: rank, then tier, then Lucene's score, then eid (a total order, so pages neither overlap nor leave gaps). */
function byRank(a: Kept, b: Kept): number {
  return b.rank - a.rank || byTierAndScore(a, b);
}

/**
 * Candidates found one way (`lookup`, run when the scan reaches the tier), scanned in Lucene's
 * order, none able to rank above `ceiling`. `lookup(window)` may return only the first `window` in
 * that order (`complete: false`); `lookup(null)` returns them all. An earlier tier's lookup may
 * raise a later tier's ceiling (what it found tells what the later one can hold).
 */
interface Tier {
  lookup: (window: number | null) => Promise<{ cands: readonly { eid: string; score: number }[]; complete: boolean }>;
  ceiling: number;
}

/**
 * A single term of two or more Latin letters only (`ww`, `wangwei`, `zhang`): the Pinyin case, whose
 * matches the index that found them can bound (`candidateTiers`). One letter is no such case: the
 * writers index initials of two letters or more, so a one-character name's initial is in no field.
 */
function pinyinTerm(terms: readonly string[]): string | null {
  const t = terms.length === 1 ? escapeLucene(terms[0] as string) : '';
  return /^[a-z]{2,}$/.test(t) ? t : null;
}

/** The Lucene query for the terms as whole words (one token each) of a name or identifier: the only candidates with a value that can equal a term. */
function wholeWordQuery(q: string): string {
  return escapeLucene(q)
    .split(' ')
    .filter(Boolean)
    .map((x) => `name:${x} OR searchText:${x}`)
    .join(' OR ');
}

/**
 * The candidates in tiers, each scanned in its index's order, tiers by falling ceiling.
 * One tier (every term can be exact): `entity_search` and the identifier tails together.
 * Digits only (`1234`): three tiers, the terms as whole words in `entity_search` (ceiling
 * `bestRank`), then the entities only an identifier's last digits found, then the rest of
 * `entity_search` (both ceiling `tailRank`: no value of theirs equals a term), so a page of
 * identifier tails settles once it holds as many tail hits, in eid order, instead of checking every
 * entity whose ID or phone ends so (hundreds at a million persons) or whose name holds a longer
 * number beginning with the digits.
 * A Pinyin term `t` (`pinyinTerm`) is looked up five ways, because a person's Pinyin is indexed
 * apart from its names and identifiers (`entity_pinyin`: `pinyinKeys`, `pinyinInitials`; V049):
 * 0. `t` as a whole word of a name or identifier (`entity_search`, fields `name`, `searchText`): the
 *    only candidates with a value that can equal `t` (exact) — ceiling `bestRank`;
 * 1. `t` as a name's initials (`pinyinInitials`) — ceiling `initialsRank`;
 * 2. `t` as a whole Pinyin word, syllable group or joined (`pinyinKeys`) — ceiling `pinyinRank`;
 * 3. the rest of `entity_search` (prefixes, one typo, the golden `namePinyin`) and
 * 4. Pinyin words that begin with `t` or are one typo from it (`pinyinKeys`) — ceiling `pinyinRank`:
 *    neither has a word equal to `t`, so no value equal to it, nor initials equal to it (every
 *    person's initials are indexed: the writers and V049).
 * So `ww` stops once its page holds persons whose golden name has the initials ww, and `wangwei`
 * once it holds 王伟s, as a Hanzi name stops once its page holds exact namesakes.
 */
function candidateTiers(r: Reader, q: string, terms: readonly string[], kinds: string[] | null, viewer: Viewer, stats: SearchStats): Tier[] {
  const vs = viewer.visibleSources;
  const guard = searchGuard(viewer, terms);
  const lucene = luceneQuery(q);
  const counted = async <T>(found: Promise<T[]>): Promise<T[]> => {
    const rows = await found;
    stats.indexLookups++;
    stats.candidates += rows.length;
    return rows;
  };
  // the first `window` candidates of a full-text query (sorted in the database), or all of them
  const fullText = async (query: string, window: number | null, index: 'main' | 'pinyin' = 'main') => {
    if (window === null) {
      const cands = await counted(searchCandidates(r, query, kinds, vs, SEARCH_CANDIDATE_CAP, index, guard));
      stats.truncated ||= cands.length >= SEARCH_CANDIDATE_CAP;
      return { cands, complete: true };
    }
    const { head, count } = await searchCandidateHead(r, query, kinds, vs, SEARCH_CANDIDATE_CAP, window, index, guard);
    stats.indexLookups++;
    stats.candidates += head.length;
    stats.truncated ||= count >= SEARCH_CANDIDATE_CAP;
    return { cands: head, complete: head.length >= count };
  };
  if (terms.every((x) => HAN_ONLY.test(x)) && terms.some((x) => [...x].length === 1)) {
    // Hanzi only, a lone character among them (a surname: 王; 张 伟): a value equal to a term is
    // one Lucene token in the CJK analyzer (a lone character its unigram, two or more their
    // bigrams), so the candidates whose names or identifiers hold those tokens come first with the
    // full ceiling; the rest (found by a prefix or inside a longer name: every 王伟 for 王) can rank
    // no higher than every term a prefix of the golden name, and a page of those settles without
    // reading every namesake. (A longer term's bigrams are in nearly every candidate: one tier.)
    const exactTokens = wholeWordQuery(q);
    return [
      { lookup: (window) => fullText(exactTokens, window), ceiling: bestRank(terms) },
      { lookup: (window) => fullText(lucene, window), ceiling: prefixRank(terms) },
    ];
  }
  const t = pinyinTerm(terms);
  const tails = terms.map(norm).filter(isTailTerm);
  const wantsIds = !kinds || kinds.includes('Person') || kinds.includes('Phone');
  if (!t && !(wantsIds && tails.length)) return [{ lookup: (window) => fullText(lucene, window), ceiling: bestRank(terms) }];
  const tailCandidates = async () => {
    const eids = new Set<string>();
    for (const tail of tails)
      for (const eid of await counted(identifierTailCandidates(r, tail.toUpperCase(), ID_TAIL_KINDS, tailSources(viewer, guard, tail.length), SEARCH_CANDIDATE_CAP))) eids.add(eid);
    return [...eids].map((eid) => ({ eid, score: 0 }));
  };
  if (!t && tails.length === terms.length) {
    // Digits only (`1234`, `1234 5678`): first the candidates with a term as a whole word of a name
    // or identifier (the only ones with a value that can equal a term), then those only an
    // identifier's last digits found, then the rest of the full-text candidates (a word that begins
    // with a term: 车站77810 for 7781). The last two can rank no higher than every term a tail: no
    // value of theirs equals a term, else the first lookup had found them — unless it stopped at its
    // cap, which leaves them the full ceiling (set once it has run). So a page of the people whose
    // ID or phone ends so settles before the places and companies whose names hold longer numbers
    // are read, record by record (at a million persons, ~10 of them a query, ~140 db hits each).
    const tailOnly: Tier = { lookup: async () => ({ cands: await tailCandidates(), complete: true }), ceiling: tailRank(terms) };
    const rest: Tier = { lookup: (window) => fullText(lucene, window), ceiling: tailRank(terms) };
    const wholeWords: Tier = {
      lookup: async (window) => {
        const found = await fullText(wholeWordQuery(q), window);
        if (found.complete && found.cands.length >= SEARCH_CANDIDATE_CAP) tailOnly.ceiling = rest.ceiling = bestRank(terms);
        return found;
      },
      ceiling: bestRank(terms),
    };
    return [wholeWords, tailOnly, rest];
  }
  if (!t) {
    const lookup = async () => {
      const cands = await counted(searchCandidates(r, lucene, kinds, vs, SEARCH_CANDIDATE_CAP, 'main', guard));
      const luceneScore = new Map(cands.map((c) => [c.eid, c.score]));
      for (const c of await tailCandidates()) if (!luceneScore.has(c.eid)) luceneScore.set(c.eid, 0);
      stats.truncated ||= cands.length >= SEARCH_CANDIDATE_CAP;
      // the tail-only candidates join the full-text ones (each once), so this tier is read whole
      return { cands: [...luceneScore].map(([eid, score]) => ({ eid, score })), complete: true };
    };
    return [{ lookup, ceiling: bestRank(terms) }];
  }
  const near = [`${t}*^2`, t.length >= FUZZY_MIN_LENGTH ? `${t}~1` : null].filter(Boolean).join(' OR ');
  const from = (query: string, index: 'main' | 'pinyin' = 'main') => (window: number | null) => fullText(query, window, index);
  return [
    { lookup: from(`name:${t} OR searchText:${t}`), ceiling: bestRank(terms) },
    { lookup: from(`pinyinInitials:${t}`, 'pinyin'), ceiling: initialsRank(terms) },
    { lookup: from(`pinyinKeys:${t}`, 'pinyin'), ceiling: pinyinRank(terms) },
    { lookup: from(lucene), ceiling: pinyinRank(terms) },
    { lookup: from(`pinyinKeys:(${near})`, 'pinyin'), ceiling: pinyinRank(terms) },
  ];
}

/**
 * Checks one chunk of candidates for the viewer: each on its node first (`nodeSearchable`) when
 * `nodeFirst`, else, and for what the node cannot decide, on its visible records (`searchableOf`).
 * Adds the record windows read to `rows` (reused to describe the page).
 */
async function checkChunk(r: Reader, viewer: Viewer, terms: readonly string[], kinds: string[] | null, chunk: readonly Candidate[], nodeFirst: boolean, rows: Map<string, EntityRow>, stats: SearchStats): Promise<Kept[]> {
  stats.chunks++;
  stats.nodesRead += chunk.length;
  // A person's or organization's identifiers (ANCHOR_KINDS) are Latin letters and digits: a term without any matches none.
  const idTerms = terms.some((t) => /[a-z0-9]/.test(norm(t)));
  // the identifiers a hit's details may complete (a resident ID) are read for every candidate: whether
  // the viewer sees one masked decides whether its birth year may be shown (`describeHit`)
  const nodes = await readSearchNodes(r, chunk.map((c) => c.eid), viewer.visibleSources, SEARCH_RECORDS_PER_HIT, idTerms, nodeFirst ? HIT_DETAIL_PROPERTIES : [], COMPLETED_KINDS);
  // The name's record and its roles come with the node; a rid the database cut differently from
  // the provenance (never expected) is looked up on its own.
  const roles = new Map<string, { source: string; role: string }[]>();
  const nameRecords: { eid: string; rid: string }[] = [];
  for (const n of nodeFirst ? nodes.values() : []) {
    const rid = nameRecordOf(n, viewer);
    if (!rid) continue;
    if (n.nameRecord?.rid === rid) roles.set(n.eid, n.nameRecord.roles);
    else nameRecords.push({ eid: n.eid, rid });
  }
  for (const [eid, found] of await readRecordRoles(r, nameRecords, viewer.visibleSources)) roles.set(eid, found);
  const kept: Kept[] = [];
  const undecided: Candidate[] = [];
  for (const c of chunk) {
    const n = nodes.get(c.eid);
    if (!n || (kinds && !kinds.includes(n.kind))) continue;
    // The name's record visible in one role (in two, the records decide).
    const found = roles.get(c.eid);
    const rec = found?.length === 1 ? found[0] : undefined;
    const s = rec ? nodeSearchable(n, rec.source, rec.role, viewer) : null;
    const m = s ? rankMatch(terms, s) : null;
    // a term found only inside a node's value (`contains`: 1985 inside a resident ID) may begin a
    // value only the records hold (a birth date 1985-…): the records decide its rank
    if (m && !m.matchedBy.includes('contains') && n && rec) kept.push({ ...c, ...m, onNode: { node: n, rec }, ids: n.identifiers });
    else undecided.push(c);
  }
  // What the node cannot decide (another attribute, another kind, a name from an unseen record): the records do.
  stats.recordsToDecide += undecided.length;
  const read = await readEntities(r, undecided.map((c) => c.eid), viewer.visibleSources, SEARCH_RECORDS_PER_HIT);
  for (const c of undecided) {
    const row = read.get(c.eid);
    const n = nodes.get(c.eid);
    if (!row?.visible || !n) continue;
    rows.set(c.eid, row);
    const m = rankMatch(terms, searchableOf(row, viewer, n));
    if (m) kept.push({ ...c, ...m, ids: n.identifiers });
  }
  return kept;
}

/**
 * The `total` a search answers, and whether it is a lower bound (`totalIsEstimate`). Only checked
 * hits count: an unchecked candidate was found by its whole node's text, which holds values of
 * sources the viewer may not see. Nor may the flag or the count depend on how many such candidates
 * there are: they decide whether the scan stops early and how many of the viewer's hits a chunk
 * holds (a candidate matched only by a hidden record turned an exact `total: 30` into an
 * estimate). So for a viewer who does not see every source, hits reaching the end of the page
 * asked for (`wanted`) are reported as that end, an estimate, whether or not the scan read every
 * candidate; fewer hits than that mean the scan read every candidate, and the total is exact. A
 * viewer who sees every source, and the reference scan (`wanted` null), get the hits checked.
 */
export function reportedTotal(viewer: Viewer, hits: number, unchecked: number, wanted: number | null): { total: number; estimate: boolean } {
  const seesEverySource = Object.values(viewer.sourceAccess).every((a) => a.visible);
  if (wanted === null || seesEverySource) return { total: hits, estimate: unchecked > 0 };
  return hits >= wanted ? { total: wanted, estimate: true } : { total: hits, estimate: false };
}

/**
 * Cloud search (云搜索): names by prefix, full Pinyin and Pinyin initials, identifiers and phones
 * (whole, or their last digits), plates, with one typo tolerated. Candidates come from the
 * `entity_search` full-text index and the identifier tail index, capped there
 * (`SEARCH_CANDIDATE_CAP`) and kept only when visible (`inSources`); each is a hit only when every
 * query term matches a value the viewer may see, as the viewer sees it — a masked ID matches only
 * in the digits its mask shows, and a value known only to a source the viewer may not see never
 * makes a hit. Hits are ranked by how well the terms matched, then tier, then Lucene's score, then eid.
 *
 * Candidates are checked tier by tier (`candidateTiers`), each in Lucene's order (score, then eid;
 * tail-only candidates last), a chunk at a time, each on its node first (no record attrs read).
 * Once the page is filled with hits of the highest rank an unchecked candidate could reach (its
 * tier's ceiling: `bestRank`, every term exact on the golden name, for a Hanzi name), no unchecked
 * candidate can enter it — it would rank no higher and come later in that order — so the scan
 * stops: a common name costs the page, not the number of persons sharing it. `total` then is a
 * lower bound (`totalIsEstimate`, `reportedTotal`): the candidates left unchecked were found by
 * text that may come from sources the viewer may not see, so they are not counted, nor may they
 * decide whether the total is exact.
 */
export async function search(graph: Reader, viewer: Viewer, typed: string, kinds: string[] | null, page: number, pageSize: number, opts: SearchOptions = {}): Promise<SearchResponse> {
  // full-width digits, pasted zero-width spaces and traditional Hanzi found nothing
  const q = foldTyped(typed);
  const nodeFirst = opts.nodeFirst ?? true;
  const stats: SearchStats = Object.assign(opts.stats ?? {}, { indexLookups: 0, candidates: 0, nodesRead: 0, chunks: 0, recordsToDecide: 0, describedOnNode: 0, hits: 0, pageHits: 0, truncated: false });
  return withRead(graph, async (r) => {
    if (!luceneQuery(q)) return { total: 0, page, pageSize, items: [] };
    const terms = q.split(/\s+/).filter((t) => norm(t));
    const tiers = candidateTiers(r, q, terms, kinds, viewer, stats);
    // the highest ceiling of a tier and those after it (a lookup may raise a later tier's: read when checked)
    const ceilingFrom = (i: number) => Math.max(...tiers.slice(i).map((t) => t.ceiling));
    const start = (page - 1) * pageSize;
    const wanted = start + pageSize;
    const firstChunk = Math.max(SEARCH_FIRST_CHUNK, wanted + SEARCH_LOOKAHEAD);
    // Candidates in scan order, a tier appended when the scan reaches it (each in Lucene's order,
    // without the candidates an earlier tier found).
    // A tier is first read up to the first chunk (its head, sorted in the database), and whole
    // only when the scan gets past that head.
    const ordered: Candidate[] = [];
    const seen = new Set<string>();
    let looked = 0;
    let headOnly: { tier: number; length: number } | null = null;
    const append = (tier: number, cands: readonly { eid: string; score: number }[]) => {
      const fresh = cands.filter((c) => !seen.has(c.eid) && seen.add(c.eid));
      ordered.push(...[...fresh].sort(byScore).map((c) => ({ ...c, tier })));
    };
    const lookNext = async () => {
      const tier = looked++;
      const { cands, complete } = await (tiers[tier] as Tier).lookup(nodeFirst ? firstChunk : null);
      append(tier, cands);
      headOnly = complete ? null : { tier, length: cands.length };
    };
    const readWhole = async (h: { tier: number; length: number }) => {
      // the head is the first `length` of the whole tier in the same order: the rest follows it
      const { cands } = await (tiers[h.tier] as Tier).lookup(null);
      append(h.tier, [...cands].sort(byScore).slice(h.length));
      headOnly = null;
    };
    const rows = new Map<string, EntityRow>();
    const kept: Kept[] = [];
    let checked = 0;
    for (;;) {
      // The reference reads every tier first. The scan reads the next tier before checking when
      // everything found so far cannot fill the page asked for: no stop can come before that
      // lookup, so it is made now and its candidates are checked in the same chunk (an ID tail's
      // one or two whole-word candidates and its first tails in one statement, not two).
      while (!nodeFirst || checked >= ordered.length || (ordered.length < wanted && !headOnly && looked < tiers.length)) {
        if (headOnly) await readWhole(headOnly);
        else if (looked < tiers.length) await lookNext();
        else break;
      }
      if (checked >= ordered.length) break;
      // the first chunk, then twice what was checked (at least a first chunk: a small tier before
      // does not make the next one read in chunks of 2, 4, 8 …)
      const size = !nodeFirst ? ordered.length : Math.max(firstChunk, 2 * checked);
      const chunk = ordered.slice(checked, checked + size);
      checked += chunk.length;
      kept.push(...(await checkChunk(r, viewer, terms, kinds, chunk, nodeFirst, rows, stats)));
      // No unchecked candidate can rank above the ceiling of its tier or a later one, and at that
      // rank it comes after every hit found (a later tier, or later in Lucene's order within the
      // tier): a page filled with hits at least that high is settled. A tier not looked up yet
      // comes after every candidate found.
      const nextTier = ordered[checked]?.tier ?? (headOnly as { tier: number } | null)?.tier ?? looked;
      if (nextTier < tiers.length && kept.filter((k) => k.rank >= ceilingFrom(nextTier)).length >= wanted) break;
    }
    kept.sort(byRank);
    const pageHits = kept.slice(start, start + pageSize);
    // The identifiers the viewer sees masked close what a hit's details would complete (a birth
    // year, a resident ID's hidden middle), as in the profile.
    const maskedIds = new Map(pageHits.map((k) => [k.eid, maskedAttributesOf(viewer, k.ids)]));
    const maskedOf = (eid: string) => maskedIds.get(eid) ?? [];
    // Describe (golden values, summary) only the page returned: on the node that decided a hit when
    // it can tell (`describeOnNode`), else from the same record window.
    const onNode = new Map(pageHits.flatMap((k) => (k.onNode && !rows.has(k.eid) ? [[k.eid, describeOnNode(k.onNode.node, k.onNode.rec, viewer, maskedOf(k.eid))] as const] : [])));
    const missing = pageHits.map((k) => k.eid).filter((eid) => !rows.has(eid) && !onNode.get(eid));
    stats.describedOnNode = [...onNode.values()].filter(Boolean).length;
    for (const [eid, row] of await readEntities(r, missing, viewer.visibleSources, SEARCH_RECORDS_PER_HIT)) rows.set(eid, row);
    const items = pageHits.flatMap((k) => {
      const row = rows.get(k.eid);
      const d = onNode.get(k.eid) ?? (row ? { ...summarize(row, viewer), ...hitDetails(row, viewer, maskedOf(k.eid)) } : null);
      if (!d) return [];
      const { eid, kind, name, nameMasked, ...details } = d;
      // the score shown is the match rank, from what the viewer sees: Lucene's score also counts text of sources the viewer may not see
      return [{ eid, kind, name, nameMasked, score: k.rank, ...details, matchedBy: k.matchedBy }];
    });
    // candidates not checked, or tiers not looked up (which may hold some)
    const unchecked = ordered.length - checked + (tiers.length - looked) + (headOnly ? 1 : 0);
    stats.hits = kept.length;
    stats.pageHits = items.length;
    const { total, estimate } = reportedTotal(viewer, kept.length, unchecked, nodeFirst ? wanted : null);
    return {
      total,
      page,
      pageSize,
      items,
      ...(estimate ? { totalIsEstimate: true } : {}),
      // Said only when the hits the viewer may see fill the pages asked for: whether a lookup reached
      // its cap counts candidates found by text of sources the viewer may not see (a hidden name, a
      // masked ID), so on its own it told whether such text held a guess.
      ...(stats.truncated && kept.length >= wanted ? { truncated: true } : {}),
    };
  });
}
