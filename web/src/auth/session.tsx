import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, getToken, setToken, setUnauthorizedHandler } from '../api/client.ts';
import type { User } from '../api/types.ts';

interface Session {
  user: User | null;
  ready: boolean;
  login: (username: string, password: string) => Promise<void>;
  logout: () => void;
  /** true when the last session ended because the server no longer accepted it (expired). */
  expired: boolean;
}

const Ctx = createContext<Session>({ user: null, ready: false, login: async () => {}, logout: () => {}, expired: false });

/** Holds the JWT (sessionStorage, gone when the tab closes) and the logged-in user. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(() => {
    const raw = sessionStorage.getItem('onemap.user');
    return raw && getToken() ? (JSON.parse(raw) as User) : null;
  });
  const [ready] = useState(true);
  const [expired, setExpired] = useState(false);

  /** Forgets the session in this tab. */
  const forget = useCallback(() => {
    setToken(null);
    sessionStorage.removeItem('onemap.user');
    sessionStorage.removeItem('onemap.purpose');
    setUser(null);
  }, []);

  /** Logs out: the server ends the token's session on every server (a copied token is refused too), then the tab forgets it. */
  const logout = useCallback(() => {
    // the request takes the token before `forget` drops it; a failure (server down) still logs out here
    if (getToken()) void api.logout().catch(() => undefined);
    forget();
  }, [forget]);

  // A 401 on a logged-in page means the session ended on the server: go back to login and say so.
  useEffect(
    () =>
      setUnauthorizedHandler(() => {
        if (getToken()) setExpired(true);
        forget();
      }),
    [forget],
  );

  const login = useCallback(async (username: string, password: string) => {
    const res = await api.login(username, password);
    setToken(res.token);
    // The login answer names the unit by code only; the header shows its name (甘肃省, not 620000).
    const me = await api.me().catch(() => null);
    const u = me ? { ...res.user, unitName: me.unitName } : res.user;
    sessionStorage.setItem('onemap.user', JSON.stringify(u));
    setExpired(false);
    setUser(u);
  }, []);

  const value = useMemo(() => ({ user, ready, login, logout, expired }), [user, ready, login, logout, expired]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): Session {
  return useContext(Ctx);
}
