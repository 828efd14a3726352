import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import * as api from './api.ts';
import type { User } from './api.ts';

interface SessionValue {
  user: User;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

/** The signed-in user; only valid below <SessionGate>. */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in session');
  return value;
}

type State =
  | { kind: 'checking' }
  | { kind: 'signed-out' }
  | { kind: 'error'; message: string }
  | { kind: 'signed-in'; user: User };

/** Where to send someone back after signing in again. */
function signInPath(pathname: string, search: string): string {
  const next = pathname + search;
  return next === '/' || next.startsWith('/sign-in')
    ? '/sign-in'
    : `/sign-in?next=${encodeURIComponent(next)}`;
}

/**
 * Restores the session on load (GET /session/me) and renders `children` only when signed in;
 * any 401 later sends the user to the sign-in page and back here afterwards.
 */
export function SessionGate({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ kind: 'checking' });
  const navigate = useNavigate();
  const location = useLocation();

  useEffect(() => {
    let live = true;
    api.currentSession().then(
      (s) => live && setState(s ? { kind: 'signed-in', user: s.user } : { kind: 'signed-out' }),
      (e: unknown) => live && setState({ kind: 'error', message: String(e) }),
    );
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (state.kind === 'signed-out') {
      navigate(signInPath(location.pathname, location.search), { replace: true });
    }
  }, [state.kind, navigate, location.pathname, location.search]);

  useEffect(() => {
    api.setUnauthorizedHandler(() => setState({ kind: 'signed-out' }));
    return () => api.setUnauthorizedHandler(undefined);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } finally {
      // Not 'signed-out': that state means "session lost" and would offer to come back here.
      setState({ kind: 'checking' });
      navigate('/sign-in', { replace: true });
    }
  }, [navigate]);

  const value = useMemo(
    () => (state.kind === 'signed-in' ? { user: state.user, signOut } : null),
    [state, signOut],
  );
  if (state.kind === 'error') {
    return <div className="splash error-text">Cannot reach ARC: {state.message}</div>;
  }
  if (!value) return <div className="splash">Loading…</div>;
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
