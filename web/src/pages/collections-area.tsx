import type { ReactNode } from 'react';
import { Navigate, NavLink } from 'react-router';
import type { Role } from '../api.ts';
import { Busy } from '../components/ui.tsx';
import { useSession } from '../session.tsx';
import './collections-queues.css';

// The Collections area: one tab per cross-account queue, each a page of its own with its view in
// the address (filters in the query string). Tabs show only to the roles that may use them; the
// server checks every request again.

const SUPERVISORS: Role[] = ['admin', 'ar_manager', 'credit_manager'];

/** collections.supervise: approvals, agency placements, dunning. */
export function canSupervise(role: Role): boolean {
  return SUPERVISORS.includes(role);
}

/** collections.write: escalations and write-off requests (a collector sees their own). */
export function canWorkAccounts(role: Role): boolean {
  return canSupervise(role) || role === 'collector';
}

/** Everyone with collections.read sees the disputes queue (a sales rep: routed to them). */
export function canSeeCollections(_role: Role): boolean {
  return true;
}

const TABS: { to: string; label: string; allow: (r: Role) => boolean }[] = [
  { to: '/collections/disputes', label: 'Disputes & deductions', allow: canSeeCollections },
  { to: '/collections/approvals', label: 'Credit memo approvals', allow: canSupervise },
  { to: '/collections/escalations', label: 'Escalations', allow: canWorkAccounts },
  { to: '/collections/write-offs', label: 'Write-offs', allow: canWorkAccounts },
  { to: '/collections/agency', label: 'Agency placements', allow: canSupervise },
  { to: '/collections/dunning', label: 'Dunning', allow: canSupervise },
];

/** The first tab this role may open: where /collections leads. */
export function firstCollectionsTab(role: Role): string {
  return TABS.find((t) => t.allow(role))?.to ?? '/collections/disputes';
}

/** The page frame every Collections view shares: heading, tabs, then the view. */
export function CollectionsArea(props: { title: string; aside?: ReactNode; busy?: boolean;
  children: ReactNode }) {
  const { user } = useSession();
  return (
    <div className="page">
      <Busy active={props.busy ?? false} />
      <div className="page-head">
        <h1>{props.title}</h1>
        {props.aside}
      </div>
      <nav className="q-tabs" aria-label="Collections">
        {TABS.filter((t) => t.allow(user.role)).map((t) => (
          <NavLink key={t.to} to={t.to}>{t.label}</NavLink>
        ))}
      </nav>
      {props.children}
    </div>
  );
}

/** /collections: the first view the signed-in role may use. */
export function CollectionsHome() {
  const { user } = useSession();
  return <Navigate to={firstCollectionsTab(user.role)} replace />;
}
