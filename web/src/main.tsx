import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { LoginPage } from './auth/login-page.tsx';
import { SessionProvider, useSession } from './auth/session.tsx';
import { I18nProvider } from './i18n/i18n.tsx';
import { Loading } from './ui/states.tsx';
import './styles.css';

/** Everything past the login page loads on demand, so the login page stays light. */
const Shell = lazy(() => import('./shell.tsx'));

function Root() {
  const { user } = useSession();
  if (!user) return <LoginPage />;
  return (
    <Suspense fallback={<Loading />}>
      <Shell user={user} />
    </Suspense>
  );
}

const el = document.getElementById('root');
if (el)
  createRoot(el).render(
    <StrictMode>
      <I18nProvider>
        <SessionProvider>
          <Root />
        </SessionProvider>
      </I18nProvider>
    </StrictMode>,
  );
