import { useState } from 'react';
import type { FormEvent } from 'react';
import * as api from '../api.ts';
import type { ApiToken, ManagedUser, Role } from '../api.ts';
import { Dialog } from '../components/dialog.tsx';
import { Busy, Empty, ErrorBanner, Loading, Notice } from '../components/ui.tsx';
import { formatTimestamp, roleLabel } from '../format.ts';
import { useLoad, useQueryState, useTitle } from '../hooks.ts';

function AddUser({ onAdded }: { onAdded: (u: ManagedUser) => void }) {
  const blank = { username: '', displayName: '', role: 'collector' as Role, password: '',
    email: '' };
  const [form, setForm] = useState(blank);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { email, ...rest } = form;
      const r = await api.createUser({ ...rest, username: form.username.trim(),
        ...(email.trim() ? { email: email.trim() } : {}) }, api.newIdempotencyKey());
      setForm(blank);
      onAdded(r.user);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Add user">
      <input required placeholder="username" aria-label="Username" value={form.username}
        pattern="[A-Za-z0-9._\-@]+" title="Letters, digits and . _ - @"
        onChange={(e) => setForm({ ...form, username: e.target.value })} />
      <input required placeholder="Display name" aria-label="Display name"
        title="For collectors and sales reps: their name as it appears on their customers"
        value={form.displayName}
        onChange={(e) => setForm({ ...form, displayName: e.target.value })} />
      <input type="email" placeholder="Email (optional)" aria-label="Email"
        title="Where their email goes, e.g. a sales rep's digest" value={form.email}
        onChange={(e) => setForm({ ...form, email: e.target.value })} />
      <select aria-label="Role" value={form.role}
        onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
        {api.ROLES.map((r) => <option key={r} value={r}>{roleLabel(r)}</option>)}
      </select>
      <input required type="password" placeholder="Initial password (10+ characters)"
        aria-label="Initial password"
        minLength={10} autoComplete="new-password" value={form.password}
        onChange={(e) => setForm({ ...form, password: e.target.value })} />
      <button type="submit" className="primary" disabled={busy}>Add user</button>
      <ErrorBanner error={error} />
    </form>
  );
}

function Users() {
  const { data, error, loading, reload } = useLoad((s) => api.listUsers(s), []);
  const [failure, setFailure] = useState<unknown>();
  const [note, setNote] = useState<string>();
  const editEmail = async (u: ManagedUser) => {
    const typed = window.prompt(`Email address of ${u.username} (empty to remove):`,
      u.email ?? '');
    if (typed === null) return;
    setFailure(undefined);
    try {
      const r = await api.updateUser(u.username, { email: typed.trim() || null });
      setNote(r.user.email ? `${u.username}'s email is ${r.user.email}.`
        : `${u.username} has no email now.`);
      reload();
    } catch (e) {
      setFailure(e);
    }
  };
  const change = async (u: ManagedUser, patch: { role?: Role; disabled?: boolean }) => {
    const what = patch.role
      ? `Change ${u.username} from ${roleLabel(u.role)} to ${roleLabel(patch.role)}?`
      : `${patch.disabled ? 'Disable' : 'Enable'} ${u.username}?`
        + (patch.disabled ? ' They are signed out and their API tokens stop working.' : '');
    if (!window.confirm(what)) return;
    setFailure(undefined);
    try {
      await api.updateUser(u.username, patch);
      setNote(patch.role ? `${u.username} is now ${roleLabel(patch.role)}.`
        : `${u.username} ${patch.disabled ? 'disabled' : 'enabled'}.`);
      reload();
    } catch (e) {
      setFailure(e);
    }
  };
  return (
    <section className="panel">
      <Busy active={loading} />
      <h2>Users</h2>
      <AddUser onAdded={(u) => { setNote(`Added ${u.username}.`); reload(); }} />
      {note ? <Notice kind="ok">{note}</Notice> : null}
      <ErrorBanner error={error ?? failure} onRetry={error ? reload : undefined} />
      {!data && !error ? <Loading /> : null}
      {data && data.items.length === 0 ? <Empty>No users.</Empty> : null}
      {data && data.items.length > 0 ? (
        <table className="grid" data-testid="users-table">
          <thead>
            <tr><th>Username</th><th>Name</th><th>Email</th><th>Role</th><th>Status</th><th>Created</th>
              <th>Last sign-in</th><th /></tr>
          </thead>
          <tbody>
            {data.items.map((u) => (
              <tr key={u.username} className={u.disabled ? 'muted-row' : undefined}>
                <td className="mono">{u.username}</td>
                <td>{u.displayName}</td>
                <td className="date">
                  <span className={u.email ? undefined : 'muted'}>{u.email ?? '—'}</span>{' '}
                  <button type="button" className="small link-button"
                    aria-label={`Email of ${u.username}`} onClick={() => void editEmail(u)}>
                    Edit
                  </button>
                </td>
                <td>
                  <select aria-label={`Role of ${u.username}`} value={u.role}
                    onChange={(e) => void change(u, { role: e.target.value as Role })}>
                    {api.ROLES.map((r) => <option key={r} value={r}>{roleLabel(r)}</option>)}
                  </select>
                </td>
                <td>
                  <span className={u.disabled ? 'badge badge-muted' : 'badge badge-ok'}>
                    {u.disabled ? 'disabled' : 'active'}
                  </span>
                </td>
                <td className="muted">{formatTimestamp(u.createdAt)}</td>
                <td className="muted">{formatTimestamp(u.lastSignInAt)}</td>
                <td className="actions">
                  <button type="button" className="small"
                    onClick={() => void change(u, { disabled: !u.disabled })}>
                    {u.disabled ? 'Enable' : 'Disable'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function NewToken({ onCreated }: { onCreated: (secret: string, t: ApiToken) => void }) {
  const [name, setName] = useState('');
  const [limit, setLimit] = useState(false);
  const [scopes, setScopes] = useState<Set<string>>(new Set(['customers.read', 'aging.read']));
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const r = await api.createToken({
        name: name.trim(),
        scopes: limit ? api.PERMISSIONS.filter((p) => scopes.has(p)) : undefined,
      }, api.newIdempotencyKey());
      setName('');
      onCreated(r.secret, r.token);
    } catch (err) {
      setError(err);
    }
  };
  const toggle = (p: string) => setScopes((prev) => {
    const next = new Set(prev);
    if (next.has(p)) next.delete(p);
    else next.add(p);
    return next;
  });
  return (
    <form className="form-stack token-form" onSubmit={submit} aria-label="Create token">
      <div className="inline-form">
        <input required placeholder="Token name, e.g. erp-sync" aria-label="Token name"
          value={name} onChange={(e) => setName(e.target.value)} size={28} />
        <label className="inline check-label">
          <input type="checkbox" checked={limit} onChange={(e) => setLimit(e.target.checked)} />
          Limit what it may do
        </label>
        <button type="submit" className="primary"
          disabled={limit && scopes.size === 0}>Create token</button>
      </div>
      {limit ? (
        <fieldset className="scopes">
          <legend>Scopes (a token never exceeds its owner’s role)</legend>
          {api.PERMISSIONS.map((p) => (
            <label key={p} className="inline check-label mono">
              <input type="checkbox" checked={scopes.has(p)} onChange={() => toggle(p)} />
              {p}
            </label>
          ))}
        </fieldset>
      ) : (
        <div className="muted small">Without limits the token may do what your role allows.</div>
      )}
      <ErrorBanner error={error} />
    </form>
  );
}

function Tokens() {
  const { data, error, loading, reload } = useLoad((s) => api.listTokens(s), []);
  const [secret, setSecret] = useState<{ value: string; name: string }>();
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const [failure, setFailure] = useState<unknown>();
  const revoke = async (t: ApiToken) => {
    setRevoking(null);
    try {
      await api.revokeToken(t.id);
      reload();
    } catch (e) {
      setFailure(e);
    }
  };
  return (
    <section className="panel">
      <Busy active={loading} />
      <h2>API tokens</h2>
      <NewToken onCreated={(value, t) => { setSecret({ value, name: t.name }); reload(); }} />
      {secret ? (
        <div className="secret-box" role="status">
          <div>
            Token <strong>{secret.name}</strong> created. Copy the secret now: it is shown only
            once and cannot be recovered.
          </div>
          <code data-testid="token-secret">{secret.value}</code>
          <button type="button" onClick={() => void navigator.clipboard?.writeText(secret.value)}>
            Copy
          </button>
          <button type="button" className="link-button" onClick={() => setSecret(undefined)}>
            Done
          </button>
        </div>
      ) : null}
      <ErrorBanner error={error ?? failure} onRetry={error ? reload : undefined} />
      {!data && !error ? <Loading /> : null}
      {data && data.items.length === 0 ? <Empty>No API tokens yet.</Empty> : null}
      {data && data.items.length > 0 ? (
        <table className="grid" data-testid="tokens-table">
          <thead>
            <tr><th>Name</th><th>Prefix</th><th>Owner</th><th>Scopes</th><th>Created</th>
              <th>Last used</th><th>Status</th><th /></tr>
          </thead>
          <tbody>
            {data.items.map((t) => (
              <tr key={t.id} className={t.revokedAt ? 'muted-row' : undefined}>
                <td>{t.name}</td>
                <td className="mono">{t.prefix}…</td>
                <td>{t.owner}</td>
                <td className="scope-list">{t.scopes.length ? t.scopes.join(', ') : '—'}</td>
                <td className="muted">
                  {formatTimestamp(t.createdAt)}
                  {t.createdBy !== t.owner ? ` by ${t.createdBy}` : ''}
                </td>
                <td className="muted">{t.lastUsedAt ? formatTimestamp(t.lastUsedAt) : 'never'}</td>
                <td>
                  {t.revokedAt ? <span className="badge badge-muted">revoked</span>
                    : <span className="badge badge-ok">active</span>}
                </td>
                <td className="actions">
                  {!t.revokedAt ? (
                    <button type="button" className="small danger" onClick={() => setRevoking(t)}>
                      Revoke…
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Dialog open={revoking !== null} title="Revoke token" onClose={() => setRevoking(null)}>
        {revoking ? (
          <div className="form-stack">
            <p>Systems using <strong>{revoking.name}</strong> will be refused from now on.</p>
            <div className="form-actions">
              <button type="button" onClick={() => setRevoking(null)}>Cancel</button>
              <button type="button" className="danger" autoFocus
                onClick={() => void revoke(revoking)}>Revoke</button>
            </div>
          </div>
        ) : null}
      </Dialog>
    </section>
  );
}

export function AdminPage() {
  useTitle('Admin');
  const state = useQueryState({ tab: 'users' });
  const tab = state.get('tab') === 'tokens' ? 'tokens' : 'users';
  return (
    <div className="page">
      <div className="page-head">
        <h1>Admin</h1>
      </div>
      <nav className="tabs" aria-label="Admin views">
        <button type="button" role="tab" aria-selected={tab === 'users'}
          onClick={() => state.set({ tab: 'users' })}>Users &amp; roles</button>
        <button type="button" role="tab" aria-selected={tab === 'tokens'}
          onClick={() => state.set({ tab: 'tokens' })}>API tokens</button>
      </nav>
      {tab === 'users' ? <Users /> : <Tokens />}
    </div>
  );
}
