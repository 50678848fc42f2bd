import { formatBeijing } from '@onemap/graph-schema';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { Profile, SearchHit } from '../api/types.ts';
import { usePurpose } from '../auth/purpose.tsx';
import { screensFor } from '../auth/roles.ts';
import { useSession } from '../auth/session.tsx';
import { fieldValue } from '../i18n/field-value.ts';
import { translateValue, useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { sourceName } from '../i18n/source-name.ts';
import { rgbCss, traceColor } from '../map/layers/colors.ts';
import { go, useRoute } from '../ui/route.ts';
import { checkSearchInput } from '../ui/search-input.ts';
import { AsyncView, errorText, useAsync, useLoad } from '../ui/states.tsx';

/** Search (Hanzi, Pinyin, IDs, phones, plates) → profile (一人一档). */
export default function SearchScreen() {
  const { t } = useI18n();
  const { requirePurpose } = usePurpose();
  const route = useRoute();
  const [q, setQ] = useState(route.params.get('q') ?? '');
  const [hits, runSearch] = useAsync(
    useCallback(async (text: string) => api.search(text, await requirePurpose()), [requirePurpose]),
  );
  const [selected, setSelected] = useState<string | null>(route.params.get('eid'));
  const [inputNote, setInputNote] = useState<{ error: boolean; text: string } | null>(null);
  // Source names are catalog data (not UI strings): from the catalog every role may read.
  const [catalog] = useLoad(() => api.catalog(), []);
  const sourceNameIn = (id: string, lang: 'zh' | 'en') =>
    sourceName(catalog.state === 'done' ? catalog.data : [], id, lang);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!q.trim()) return;
    // A new search clears the previous profile: it belonged to another question.
    setSelected(null);
    const c = checkSearchInput(q);
    if (!c.ok) {
      setInputNote({
        error: true,
        text: t(c.error)
          .replace('{expected}', c.params.expected ?? '')
          .replace('{got}', c.params.got ?? ''),
      });
      return;
    }
    setInputNote(
      c.normalized ? { error: false, text: t('search.phoneNormalized').replace('{to}', c.normalized.to) } : null,
    );
    void runSearch(c.query);
  }

  return (
    <div className="split-screen">
      <section className="side">
        <form onSubmit={submit} className="row" data-testid="search-form">
          <input
            name="q"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder={t('searchPlaceholder')}
            className="grow"
          />
          <button type="submit">{t('search')}</button>
        </form>
        {inputNote && (
          <p
            className={inputNote.error ? 'error-text' : 'muted small'}
            data-testid="search-input-note"
            role={inputNote.error ? 'alert' : undefined}
          >
            {inputNote.text}
          </p>
        )}
        {!inputNote?.error && (
          <AsyncView st={hits} onRetry={() => void runSearch(q)} isEmpty={(d) => d.length === 0}>
            {(list: SearchHit[]) => (
              <ul className="hits" data-testid="search-results">
                {list.map((h) => (
                  <li key={h.eid}>
                    <button
                      type="button"
                      data-eid={h.eid}
                      className={`hit ${selected === h.eid ? 'active' : ''}`}
                      onClick={() => setSelected(h.eid)}
                    >
                      <span className={`kind kind-${h.kind}`}>{translateValue(t, 'kind', h.kind)}</span>{' '}
                      <strong data-raw>{h.name}</strong>
                      <HitDetails hit={h} nameOf={sourceNameIn} />
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </AsyncView>
        )}
      </section>
      <section className="main-pane">
        {selected ? (
          <ProfilePanel eid={selected} />
        ) : (
          <SearchHint found={hits.state === 'done' && hits.data.length > 0} />
        )}
      </section>
    </div>
  );
}

/** What search takes, each with examples typed as they are (input, not UI text). */
const SEARCH_HINTS: [MessageKey, string[]][] = [
  ['search.hintName', ['张伟', '张']],
  ['search.hintPinyin', ['zhangwei', 'zw']],
  ['search.hintTail', ['2351']],
  ['search.hintWhole', []],
];

/** What the empty pane says before a profile is chosen: what search takes, or to choose a hit. */
function SearchHint({ found }: { found: boolean }) {
  const { t } = useI18n();
  if (found) {
    return (
      <p className="muted" data-testid="search-hint">
        {t('search.hintPick')}
      </p>
    );
  }
  return (
    <section className="search-hint" data-testid="search-hint">
      <h3>{t('search.hintTitle')}</h3>
      <ul className="plain">
        {SEARCH_HINTS.map(([key, examples]) => (
          <li key={key}>
            {t(key)}
            {examples.map((x) => (
              <code key={x}>{x}</code>
            ))}
          </li>
        ))}
      </ul>
      <p className="muted small">{t('search.hintPurpose')}</p>
    </section>
  );
}

/** One profile: golden values with sources, masked values, relations, traces, quality flags. */
export function ProfilePanel({ eid }: { eid: string }) {
  const { t } = useI18n();
  const { user } = useSession();
  const { requirePurpose } = usePurpose();
  const [st, load] = useAsync(
    useCallback(async (id: string) => api.profile(id, await requirePurpose()), [requirePurpose]),
  );
  const [watchMsg, setWatchMsg] = useState<string | null>(null);
  useEffect(() => {
    void load(eid);
  }, [eid, load]);
  const screens = user ? screensFor(user) : [];

  return (
    <AsyncView st={st} onRetry={() => void load(eid)}>
      {(p: Profile) => (
        <article className="profile" data-testid="profile">
          <header className="row">
            <h2>
              <span className={`kind kind-${p.kind}`}>{translateValue(t, 'kind', p.kind)}</span>{' '}
              <span data-raw>{p.name}</span>
            </h2>
            <span className="muted mono">{p.eid}</span>
            <span className="spacer" />
            {screens.includes('trajectory') && (p.kind === 'Person' || p.kind === 'Vehicle') && (
              <button type="button" onClick={() => go('trajectory', { eid: p.eid, name: p.name })}>
                {t('openTrajectory')}
              </button>
            )}
            {screens.includes('graph') && (
              <button type="button" onClick={() => go('graph', { eid: p.eid })}>
                {t('openGraph')}
              </button>
            )}
            {screens.includes('watches') && (
              <button
                type="button"
                className="secondary"
                onClick={async () => {
                  try {
                    await api.addWatch(p.eid, await requirePurpose());
                    setWatchMsg('✓');
                  } catch (e) {
                    setWatchMsg(errorText(t, e as Error));
                  }
                }}
              >
                {t('watch')} {watchMsg}
              </button>
            )}
          </header>
          <h3>{t('goldenValues')}</h3>
          <table className="grid" data-testid="golden-values">
            <tbody>
              {p.attributes.map((a) => (
                <tr key={a.name}>
                  <th title={a.name}>{translateValue(t, 'field', a.name)}</th>
                  <td className={a.masked ? 'masked' : ''}>
                    <span data-raw>{a.value === null ? '—' : fieldValue(t, a.name, String(a.value))}</span>{' '}
                    {a.masked && <span className="badge">{t('masked')}</span>}
                  </td>
                  <td className="muted mono">
                    {a.source}
                    {a.rid ? ` · ${a.rid}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {p.quality.length > 0 && (
            <>
              <h3>{t('qualityFlags')}</h3>
              <ul className="flags" data-testid="quality-flags">
                {p.quality.map((f, i) => (
                  <li key={`${f.code}-${i}`} className={`flag ${f.severity ?? 'warn'}`}>
                    <span title={f.code}>{translateValue(t, 'flag', f.code)}</span>{' '}
                    {f.source && <span className="muted">({f.source})</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
          <div className="cols">
            <div>
              <h3>{t('relations')}</h3>
              <ul className="plain">
                {p.relations.map((r, i) => (
                  <li key={`${r.eid}-${r.type}-${i}`}>
                    <span data-rel={r.type}>{translateValue(t, 'rel', r.type)}</span> {r.direction === 'in' ? '←' : '→'}{' '}
                    <span className={`kind kind-${r.kind}`}>{translateValue(t, 'kind', r.kind)}</span>{' '}
                    <span data-raw>{r.name}</span>
                  </li>
                ))}
                {!p.relations.length && <li className="muted">{t('empty')}</li>}
              </ul>
            </div>
            <div>
              <h3>{t('recentTraces')}</h3>
              <ul className="plain">
                {p.traces.slice(0, 20).map((tr, i) => (
                  <li key={`${tr.at}-${i}`}>
                    <span className="mono">{formatBeijing(tr.at)}</span>{' '}
                    <span className="swatch" style={{ background: rgbCss(traceColor(tr.kind)) }} />{' '}
                    {translateValue(t, 'trace', tr.kind)} <span data-raw>{tr.place.name}</span>
                  </li>
                ))}
                {!p.traces.length && <li className="muted">{t('empty')}</li>}
              </ul>
            </div>
          </div>
          {p.sources && p.sources.length > 0 && (
            <>
              <h3>{t('sources')}</h3>
              <ul className="plain mono small">
                {p.sources.map((s) => (
                  <li key={s.rid}>
                    {s.rid} {s.receivedAt && <span className="muted">{s.receivedAt}</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
        </article>
      )}
    </AsyncView>
  );
}

/**
 * What tells hits with the same name apart: birth year, sex, home county, the ID's last four
 * characters and the sources — each only as the viewer may see it (the server masks).
 */
function HitDetails({ hit, nameOf }: { hit: SearchHit; nameOf: (id: string, lang: 'zh' | 'en') => string }) {
  const { t, lang } = useI18n();
  const parts: string[] = [];
  if (hit.birthYear) parts.push(t('hit.born').replace('{year}', hit.birthYear));
  if (hit.sex) parts.push(fieldValue(t, 'sex', hit.sex));
  if (hit.homeCounty) parts.push(hit.homeCounty.name ?? hit.homeCounty.code);
  return (
    <span className="hit-details small" data-testid="hit-details">
      {parts.length > 0 && <span data-raw>{parts.join(' · ')}</span>}
      {hit.idTail && (
        <span className="mono" data-testid="hit-id-tail">
          {' '}
          {t('hit.idTail')} {hit.idTail}
        </span>
      )}
      {hit.sources && hit.sources.length > 0 && (
        <span className="muted" data-testid="hit-sources">
          {' '}
          {t('hit.sources')} {hit.sources.map((s) => nameOf(s, lang)).join(lang === 'zh' ? '、' : ', ')}
        </span>
      )}
    </span>
  );
}
