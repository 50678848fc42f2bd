/**
 * Modus-operandi (MO, 作案手法) text similarity on Chinese case summaries: words from jieba
 * (`@node-rs/jieba`, the maintained Rust port, with its bundled dictionary), weighted TF-IDF over
 * the cases compared, cosine similarity. Words every case of the set shares weigh little; the
 * tool, target and hour an offender repeats weigh much.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

let jieba: Jieba | null = null;

// Function words and the words every report carries: they say nothing about how a case was done.
const STOP_WORDS = new Set([
  '的',
  '了',
  '在',
  '后',
  '其',
  '被',
  '有',
  '人',
  '称',
  '和',
  '与',
  '对',
  '为',
  '以',
  '将',
  '按',
  '从',
  '等',
  '约',
  '一',
  '附近',
  '报警人',
  '受害人',
  '事主',
  '嫌疑人',
  '地点',
  '发生',
  '发现',
]);

/**
 * The words of one summary (jieba, precise mode), without punctuation, digits-only tokens and stop words.
 * @example moTokens('嫌疑人趁夜撬开店铺卷帘门') // ['趁', '夜', '撬开', '店铺', '卷帘门']
 */
export function moTokens(text: string): string[] {
  jieba ??= Jieba.withDict(dict);
  return jieba
    .cut(text, false)
    .map((w) => w.trim())
    .filter((w) => w.length > 0 && /\p{Script=Han}|[A-Za-z]/u.test(w) && !STOP_WORDS.has(w));
}

/** TF-IDF vectors of a set of summaries, for pairwise cosine similarity. */
export class MoCorpus {
  private readonly vectors = new Map<string, Map<string, number>>();

  /**
   * @param docs case eid → summary (absent or masked summaries are left out: they compare as unknown)
   */
  constructor(docs: ReadonlyMap<string, string>) {
    const tokens = new Map<string, string[]>();
    const df = new Map<string, number>();
    for (const [id, text] of docs) {
      const t = moTokens(text);
      tokens.set(id, t);
      for (const w of new Set(t)) df.set(w, (df.get(w) ?? 0) + 1);
    }
    const n = tokens.size;
    for (const [id, t] of tokens) {
      const tf = new Map<string, number>();
      for (const w of t) tf.set(w, (tf.get(w) ?? 0) + 1);
      const v = new Map<string, number>();
      let norm = 0;
      for (const [w, c] of tf) {
        // smoothed idf: a word in every document keeps a small weight
        const x = c * (Math.log((n + 1) / ((df.get(w) ?? 0) + 1)) + 1);
        v.set(w, x);
        norm += x * x;
      }
      norm = Math.sqrt(norm);
      if (norm > 0) for (const [w, x] of v) v.set(w, x / norm);
      this.vectors.set(id, v);
    }
  }

  /** Cosine similarity 0..1 of two summaries, or null when either is not in the corpus. */
  similarity(a: string, b: string): number | null {
    const va = this.vectors.get(a);
    const vb = this.vectors.get(b);
    if (!va || !vb || va.size === 0 || vb.size === 0) return null;
    let dot = 0;
    const [small, big] = va.size <= vb.size ? [va, vb] : [vb, va];
    for (const [w, x] of small) dot += x * (big.get(w) ?? 0);
    return Math.min(1, dot);
  }

  /** Words two summaries share, heaviest first (for the explanation). */
  sharedWords(a: string, b: string, max = 6): string[] {
    const va = this.vectors.get(a);
    const vb = this.vectors.get(b);
    if (!va || !vb) return [];
    return [...va.keys()]
      .filter((w) => vb.has(w))
      .sort((x, y) => (va.get(y) ?? 0) * (vb.get(y) ?? 0) - (va.get(x) ?? 0) * (vb.get(x) ?? 0))
      .slice(0, max);
  }
}
