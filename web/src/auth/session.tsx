import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, getToken, setToken, setUnauthorizedHandler } from '../api/client.ts';
import type { User } from '../api/types.ts';

interface Session {
  user: User | null;
  ready: boolean;
  login: (username: string, password: string) => Promise<void>;
  logout: () => void;
}

const Ctx = createContext<Session>({ user: null, ready: false, login: async () => {}, logout: () => {} });

/** Holds the JWT (sessionStorage, gone when the tab closes) and the logged-in user. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(() => {
    const raw = sessionStorage.getItem('onemap.user');
    return raw && getToken() ? (JSON.parse(raw) as User) : null;
  });
  const [ready] = useState(true);

  const logout = useCallback(() => {
    setToken(null);
    sessionStorage.removeItem('onemap.user');
    sessionStorage.removeItem('onemap.purpose');
    setUser(null);
  }, []);

  useEffect(() => setUnauthorizedHandler(logout), [logout]);

  const login = useCallback(async (username: string, password: string) => {
    const res = await api.login(username, password);
    setToken(res.token);
    sessionStorage.setItem('onemap.user', JSON.stringify(res.user));
    setUser(res.user);
  }, []);

  const value = useMemo(() => ({ user, ready, login, logout }), [user, ready, login, logout]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): Session {
  return useContext(Ctx);
}
