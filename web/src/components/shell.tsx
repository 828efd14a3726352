import { useEffect, useRef, useState } from 'react';
import type { FormEvent, ReactNode, RefObject } from 'react';
import { NavLink, useLocation, useNavigate } from 'react-router';
import { isTypingTarget } from '../hooks.ts';
import { roleLabel } from '../format.ts';
import { canAdminister, canReadAudit } from '../roles.ts';
import { canCollect } from '../pages/worklist.tsx';
import { canSuperviseCollections } from '../pages/collections-reports.tsx';
import { canSeeCollections } from '../pages/collections-area.tsx';
import { useSession } from '../session.tsx';
import { Dialog } from './dialog.tsx';

const GO_KEYS: Record<string, string> = {
  h: '/',
  c: '/customers',
  a: '/aging',
  p: '/payments',
};

const SHORTCUTS: [string, string][] = [
  ['/', 'Search (the page’s search field, else customers)'],
  ['g h', 'Home'],
  ['g c', 'Customers'],
  ['g a', 'Aging'],
  ['g p', 'Payments'],
  ['↑ ↓', 'Move the selection in a list'],
  ['Enter', 'Open the selected row'],
  ['?', 'This help'],
];

/** Global keys: "/" focuses search, "g" then a letter goes to a page, "?" shows the help. */
function useGlobalKeys(quickSearch: RefObject<HTMLInputElement | null>, help: () => void) {
  const navigate = useNavigate();
  useEffect(() => {
    let pendingG = 0;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      if (document.querySelector('dialog[open]')) return;
      if (e.key === '/') {
        e.preventDefault();
        const local = document.querySelector<HTMLInputElement>('main [data-hotkey-search]');
        (local ?? quickSearch.current)?.focus();
        (local ?? quickSearch.current)?.select();
      } else if (e.key === '?') {
        e.preventDefault();
        help();
      } else if (e.key === 'g') {
        pendingG = Date.now();
      } else if (pendingG && Date.now() - pendingG < 1500 && GO_KEYS[e.key]) {
        e.preventDefault();
        pendingG = 0;
        navigate(GO_KEYS[e.key] ?? '/');
      } else {
        pendingG = 0;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate, quickSearch, help]);
}

function QuickSearch({ inputRef }: { inputRef: RefObject<HTMLInputElement | null> }) {
  const navigate = useNavigate();
  const location = useLocation();
  const [text, setText] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q = text.trim();
    navigate(q ? `/customers?q=${encodeURIComponent(q)}` : '/customers');
    setText('');
    inputRef.current?.blur();
  };
  useEffect(() => setText(''), [location.pathname]);
  return (
    <form className="quick-search" onSubmit={submit} role="search">
      <input
        ref={inputRef}
        type="search"
        placeholder="Find customer…  /"
        aria-label="Find customer"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && inputRef.current?.blur()}
      />
    </form>
  );
}

export function Shell({ children }: { children: ReactNode }) {
  const { user, signOut } = useSession();
  const searchRef = useRef<HTMLInputElement>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  useGlobalKeys(searchRef, () => setHelpOpen(true));
  const nav: [string, string][] = [
    ['/', 'Home'],
    ['/customers', 'Customers'],
    ['/aging', 'Aging'],
    ['/payments', 'Payments'],
  ];
  const researches = ['admin', 'ar_manager', 'cash_application'].includes(user.role);
  if (canCollect(user.role)) nav.splice(1, 0, ['/worklist', 'Worklist']);
  // Before Customers: the queues sit beside the worklist.
  if (canSeeCollections(user.role)) {
    nav.splice(nav.length - 3, 0, ['/collections', 'Collections']);
  }
  if (canSuperviseCollections(user.role)) nav.push(['/reports/collections', 'Reports']);
  if (researches) nav.push(['/research', 'Research']);
  if (canAdminister(user.role)) nav.push(['/admin', 'Admin']);
  if (canReadAudit(user.role)) nav.push(['/audit', 'Audit']);
  return (
    <div className="shell">
      <header className="topbar">
        <NavLink to="/" className="brand">
          ARC
        </NavLink>
        <nav className="nav" aria-label="Main">
          {nav.map(([to, label]) => (
            <NavLink key={to} to={to} end={to === '/'}>
              {label}
            </NavLink>
          ))}
        </nav>
        <QuickSearch inputRef={searchRef} />
        <div className="who" data-testid="who">
          <span className="who-name">{user.displayName || user.username}</span>
          <span className="who-role">{roleLabel(user.role)}</span>
        </div>
        <button type="button" className="icon-button help" onClick={() => setHelpOpen(true)}
          title="Keyboard shortcuts (?)">
          ?
        </button>
        <button type="button" className="topbar-button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main className="main">{children}</main>
      <Dialog open={helpOpen} title="Keyboard shortcuts" onClose={() => setHelpOpen(false)}>
        <table className="keys">
          <tbody>
            {SHORTCUTS.map(([k, what]) => (
              <tr key={k}>
                <td>
                  <kbd>{k}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Dialog>
    </div>
  );
}
