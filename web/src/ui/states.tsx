import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client.ts';
import { PurposeCancelled } from '../auth/purpose.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { type MessageKey, zh } from '../i18n/messages.ts';

export type Async<T> = { state: 'idle' } | { state: 'loading' } | { state: 'error'; error: Error } | { state: 'done'; data: T };

/**
 * Runs an async loader and tracks loading / error / done. `run` may be called again
 * (e.g. with new inputs); a stale answer never overwrites a newer one.
 */
export function useAsync<T, A extends unknown[]>(fn: (...args: A) => Promise<T>): [Async<T>, (...args: A) => Promise<T | undefined>, (s: Async<T>) => void] {
  const [st, setSt] = useState<Async<T>>({ state: 'idle' });
  const seq = useRef(0);
  const run = useCallback(
    async (...args: A) => {
      const my = ++seq.current;
      setSt({ state: 'loading' });
      try {
        const data = await fn(...args);
        if (my === seq.current) setSt({ state: 'done', data });
        return data;
      } catch (e) {
        // A cancelled purpose prompt is an error state with a retry, never a blank page.
        if (my === seq.current) setSt({ state: 'error', error: e as Error });
        return undefined;
      }
    },
    [fn],
  );
  return [st, run, setSt];
}

/** Loads once on mount and whenever `deps` change. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): [Async<T>, () => void] {
  const [st, run] = useAsync(fn);
  // biome-ignore lint/correctness/useExhaustiveDependencies: deps are the caller's
  useEffect(() => {
    void run();
  }, deps);
  return [st, () => void run()];
}

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="state loading" role="status" data-testid="loading">
      <span className="spinner" /> {label ?? t('loading')}
    </div>
  );
}

export function Empty({ children }: { children?: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="state empty" data-testid="empty">
      {children ?? t('empty')}
    </div>
  );
}

/**
 * What a user reads for an error: the server's stable code from the message catalog in the
 * current language (never the server's English text), a cancelled purpose as such.
 */
export function errorText(t: ReturnType<typeof useI18n>['t'], error: Error): string {
  if (error instanceof PurposeCancelled) return t('purpose.cancelled');
  if (error instanceof ApiError) {
    const key = `err.${error.code}`;
    return key in zh ? t(key as MessageKey) : `${t('error')} (HTTP ${error.status})`;
  }
  return t('error');
}

export function ErrorBox({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const { t } = useI18n();
  const code = error instanceof ApiError ? ` [${error.code}]` : '';
  return (
    <div className="state error" role="alert" data-testid="error">
      {errorText(t, error)}
      <span className="muted small">{code}</span>
      {onRetry && (
        <button type="button" className="link" onClick={onRetry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}

/** Renders the right state for an Async, or `children(data)` when done. */
export function AsyncView<T>({ st, onRetry, children, isEmpty }: { st: Async<T>; onRetry?: () => void; children: (data: T) => ReactNode; isEmpty?: (d: T) => boolean }) {
  if (st.state === 'idle') return null;
  if (st.state === 'loading') return <Loading />;
  if (st.state === 'error') return <ErrorBox error={st.error} onRetry={onRetry} />;
  if (isEmpty?.(st.data)) return <Empty />;
  return <>{children(st.data)}</>;
}

export function Progress({ value }: { value?: number }) {
  const { t } = useI18n();
  return (
    <div className="progress" role="progressbar" aria-valuenow={value ?? 0} aria-valuemin={0} aria-valuemax={100}>
      <div className="bar" style={{ width: `${value ?? 5}%` }} />
      <span>
        {t('progress')} {value !== undefined ? `${Math.round(value)}%` : '…'}
      </span>
    </div>
  );
}
