import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import * as api from '../api.ts';
import { ApiError } from '../api.ts';
import { useTitle } from '../hooks.ts';

function signInError(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 429) {
      const wait = e.retryAfter ? ` Try again in ${e.retryAfter} seconds.` : ' Try again later.';
      return `Too many sign-in attempts.${wait}`;
    }
    // The server does not say which was wrong (nor whether the account is disabled).
    if (e.status === 401 || e.status === 400) return 'Wrong username or password.';
    if (e.status === 0) return 'The server could not be reached. Check your connection.';
    return e.detail ?? e.title;
  }
  return String(e);
}

/** Only paths inside the app are allowed as the place to return to. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage() {
  useTitle('Sign in');
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.signIn(username.trim(), password);
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (err) {
      setError(signInError(err));
      setPassword('');
      setBusy(false);
      passwordRef.current?.focus();
    }
  };

  return (
    <div className="signin-page">
      <form className="signin-card" onSubmit={submit} aria-label="Sign in">
        <div className="signin-brand">
          <span className="brand-mark">ARC</span>
          <span className="muted">Accounts receivable &amp; collections</span>
        </div>
        {params.get('next') ? (
          <p className="muted small">Your session ended. Sign in to continue.</p>
        ) : null}
        {error ? (
          <div className="banner banner-error" role="alert">
            {error}
          </div>
        ) : null}
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            autoFocus
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            ref={passwordRef}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
