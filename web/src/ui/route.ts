import { useEffect, useState } from 'react';

export interface Route {
  screen: string;
  params: URLSearchParams;
}

function parse(): Route {
  const h = location.hash.replace(/^#\/?/, '');
  const [screen = '', q = ''] = h.split('?');
  return { screen, params: new URLSearchParams(q) };
}

/** Hash routing (`#/trajectory?eid=…`): works from any static server, no history fallback needed. */
export function useRoute(): Route {
  const [r, setR] = useState(parse);
  useEffect(() => {
    const on = () => setR(parse());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return r;
}

export function go(screen: string, params: Record<string, string> = {}): void {
  const q = new URLSearchParams(params).toString();
  location.hash = `#/${screen}${q ? `?${q}` : ''}`;
}
