import { type FormEvent, useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { errorText } from '../ui/states.tsx';
import { useSession } from './session.tsx';

/** The login page: plain DOM only, so the first load stays light (map and graph load after). */
export function LoginPage() {
  const { t, lang, setLang } = useI18n();
  const { login, expired } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
    } catch (err) {
      setError(`${t('loginFailed')}: ${errorText(t, err as Error)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login">
      <form className="login-card" onSubmit={submit} data-testid="login-form">
        <h1>{t('appName')}</h1>
        {expired && (
          <p className="notice" role="status" data-testid="session-expired">
            {t('session.expired')}
          </p>
        )}
        <label>
          {t('username')}
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          {t('password')}
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t('loading') : t('login')}
        </button>
        <button type="button" className="link" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
          {t('language')}
        </button>
      </form>
    </div>
  );
}
