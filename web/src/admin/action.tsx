import { useI18n } from '../i18n/i18n.tsx';
import { type Async, ErrorBox } from '../ui/states.tsx';

/** What a form's last write came to: saved, or the server's error by its stable code. */
export function ActionResult({ st, done }: { st: Async<unknown>; done: string }) {
  const { t } = useI18n();
  if (st.state === 'error') return <ErrorBox error={st.error} />;
  if (st.state === 'loading') return <span className="muted small">{t('loading')}</span>;
  if (st.state === 'done')
    return (
      <span className="badge ok" data-testid="admin-ok">
        {done}
      </span>
    );
  return null;
}
