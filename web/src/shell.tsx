import { lazy, Suspense, useEffect } from 'react';
import type { User } from './api/types.ts';
import { PurposeBadge, PurposeProvider } from './auth/purpose.tsx';
import { type Screen, screensFor } from './auth/roles.ts';
import { useSession } from './auth/session.tsx';
import { useI18n } from './i18n/i18n.tsx';
import { go, useRoute } from './ui/route.ts';
import { Empty, Loading } from './ui/states.tsx';

/** Screens are separate chunks: the map (maplibre + deck.gl) and the graph (cytoscape) load when first shown. */
const SCREENS: Record<Screen, React.LazyExoticComponent<React.ComponentType>> = {
  map: lazy(() => import('./screens/map-screen.tsx')),
  search: lazy(() => import('./screens/search-screen.tsx')),
  trajectory: lazy(() => import('./screens/trajectory-screen.tsx')),
  graph: lazy(() => import('./screens/graph-screen.tsx')),
  analysis: lazy(() => import('./screens/analysis-screen.tsx')),
  review: lazy(() => import('./screens/review-screen.tsx')),
  quality: lazy(() => import('./screens/quality-screen.tsx')),
  watches: lazy(() => import('./screens/watches-screen.tsx')),
  audit: lazy(() => import('./screens/audit-screen.tsx')),
  admin: lazy(() => import('./screens/admin-screen.tsx')),
};

/** The logged-in app: header, role-aware navigation, the current screen. */
export default function Shell({ user }: { user: User }) {
  const { t, lang, setLang } = useI18n();
  const { logout } = useSession();
  const route = useRoute();
  const allowed = screensFor(user);
  const current = (allowed.includes(route.screen as Screen) ? route.screen : null) as Screen | null;

  useEffect(() => {
    if (!route.screen && allowed[0]) go(allowed[0]);
  }, [route.screen, allowed]);

  const Current = current ? SCREENS[current] : null;
  return (
    <PurposeProvider>
      <div className="shell" data-role={user.role}>
        <header className="topbar">
          <strong className="brand">{t('appName')}</strong>
          <nav data-testid="nav">
            {allowed.map((s) => (
              <a key={s} href={`#/${s}`} className={s === current ? 'active' : ''} data-screen={s}>
                {t(`nav.${s}`)}
              </a>
            ))}
          </nav>
          <span className="spacer" />
          <PurposeBadge />
          <span className="muted small" data-testid="time-zone" title={t('timeZoneTitle')}>
            {t('timeZoneNote')} UTC+8
          </span>
          <span className="user" data-testid="user" title={`${user.name} · ${t(`role.${user.role}`)} · ${user.unitName ?? user.unitCode}`}>
            <span data-raw>{user.name}</span> · {t(`role.${user.role}`)} · <span data-raw>{user.unitName ?? user.unitCode}</span>
          </span>
          <button type="button" className="link" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
            {t('language')}
          </button>
          <button type="button" className="link" onClick={logout} data-testid="logout">
            {t('logout')}
          </button>
        </header>
        <main className="content" data-screen={current ?? ''}>
          {Current ? (
            <Suspense fallback={<Loading />}>
              <Current key={current} />
            </Suspense>
          ) : route.screen ? (
            <Empty>{t('notAllowed')}</Empty>
          ) : null}
        </main>
      </div>
    </PurposeProvider>
  );
}
