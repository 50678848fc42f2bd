import { createContext, type FormEvent, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from 'react';
import type { Purpose } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';

interface PurposeCtx {
  purpose: Purpose | null;
  /**
   * Resolves with the session's purpose, asking for it first when there is none. Rejects when
   * the user cancels: the query is not sent.
   */
  requirePurpose: () => Promise<Purpose>;
  /** Forget the current purpose: the next individual-level query asks again (a new case). */
  changePurpose: () => void;
  /**
   * Always asks: a decision (merge, keep apart, split, undo) states its own purpose, it never
   * reuses the one an earlier unrelated query left in the session. Rejects on cancel.
   */
  askPurpose: () => Promise<Purpose>;
}

const Ctx = createContext<PurposeCtx>({
  purpose: null,
  requirePurpose: () => Promise.reject(new Error('no purpose provider')),
  changePurpose: () => {},
  askPurpose: () => Promise.reject(new Error('no purpose provider')),
});

export class PurposeCancelled extends Error {
  constructor() {
    super('purpose cancelled');
  }
}

/** The server's purpose kinds (PURPOSE_KINDS less `statistics`, which only aggregates imply). */
const KINDS = ['pk.criminal_case', 'pk.administrative_case', 'pk.security_check', 'pk.emergency', 'pk.investigation_lead'] as const;

/** Holds the purpose (事由) for the session, and the modal that asks for it. */
export function PurposeProvider({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const [purpose, setPurpose] = useState<Purpose | null>(() => {
    const raw = sessionStorage.getItem('onemap.purpose');
    return raw ? (JSON.parse(raw) as Purpose) : null;
  });
  const [asking, setAsking] = useState(false);
  const waiters = useRef<{ resolve: (p: Purpose) => void; reject: (e: Error) => void }[]>([]);
  const [kind, setKind] = useState<string>('pk.criminal_case');
  const [caseNumber, setCaseNumber] = useState('');
  const [text, setText] = useState('');

  const requirePurpose = useCallback(() => {
    if (purpose) return Promise.resolve(purpose);
    setAsking(true);
    return new Promise<Purpose>((resolve, reject) => waiters.current.push({ resolve, reject }));
  }, [purpose]);

  const askPurpose = useCallback(() => {
    setText('');
    setAsking(true);
    return new Promise<Purpose>((resolve, reject) => waiters.current.push({ resolve, reject }));
  }, []);

  const changePurpose = useCallback(() => {
    sessionStorage.removeItem('onemap.purpose');
    setPurpose(null);
  }, []);

  function submit(e: FormEvent) {
    e.preventDefault();
    const p: Purpose = { kind: kind.replace('pk.', ''), caseNumber: caseNumber.trim(), text: text.trim() };
    sessionStorage.setItem('onemap.purpose', JSON.stringify(p));
    setPurpose(p);
    setAsking(false);
    for (const w of waiters.current.splice(0)) w.resolve(p);
  }

  function cancel() {
    setAsking(false);
    for (const w of waiters.current.splice(0)) w.reject(new PurposeCancelled());
  }

  const value = useMemo(() => ({ purpose, requirePurpose, changePurpose, askPurpose }), [purpose, requirePurpose, changePurpose, askPurpose]);
  return (
    <Ctx.Provider value={value}>
      {children}
      {asking && (
        <div className="modal-backdrop">
          <form className="modal" role="dialog" aria-modal="true" aria-label={t('purpose.title')} data-testid="purpose-prompt" onSubmit={submit}>
            <h2>{t('purpose.title')}</h2>
            <p className="muted">{t('purpose.required')}</p>
            <label>
              {t('purpose.kind')}
              <select name="purpose-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
                {KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(k)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('purpose.case')}
              <input name="purpose-case" value={caseNumber} onChange={(e) => setCaseNumber(e.target.value)} required pattern="[A-Za-z0-9][A-Za-z0-9_\-]{3,39}" placeholder="A6201022026030001" />
            </label>
            <label>
              {t('purpose.text')}
              <textarea name="purpose-text" value={text} onChange={(e) => setText(e.target.value)} required minLength={2} rows={3} />
            </label>
            <div className="row">
              <button type="submit">{t('purpose.submit')}</button>
              <button type="button" className="secondary" onClick={cancel}>
                {t('purpose.cancel')}
              </button>
            </div>
          </form>
        </div>
      )}
    </Ctx.Provider>
  );
}

export function usePurpose(): PurposeCtx {
  return useContext(Ctx);
}

/** The current purpose, shown in the header, with a button to start a new one. */
export function PurposeBadge() {
  const { t } = useI18n();
  const { purpose, changePurpose } = usePurpose();
  if (!purpose) return null;
  return (
    <span className="purpose-badge" data-testid="purpose-badge" title={purpose.text}>
      {t('purpose.current')}: {purpose.caseNumber || purpose.kind}
      <button type="button" className="link" onClick={changePurpose}>
        {t('purpose.change')}
      </button>
    </span>
  );
}

/** Says that a list naming persons shows once a purpose is stated, with the button that asks for one. */
export function PurposeFirst() {
  const { t } = useI18n();
  const { requirePurpose } = usePurpose();
  return (
    <p className="muted" data-testid="purpose-first">
      {t('purpose.listNeedsIt')}{' '}
      <button type="button" className="link" onClick={() => void requirePurpose().catch(() => {})}>
        {t('purpose.title')}
      </button>
    </p>
  );
}
