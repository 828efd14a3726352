import { Link, Route, Routes } from 'react-router';
import { Shell } from './components/shell.tsx';
import { Empty } from './components/ui.tsx';
import { AdminPage } from './pages/admin.tsx';
import { AgingPage } from './pages/aging.tsx';
import { AuditPage } from './pages/audit.tsx';
import { canSuperviseCollections, CollectionsReportsPage } from './pages/collections-reports.tsx';
import { CollectionsAgencyPage } from './pages/collections-agency.tsx';
import { CollectionsApprovalsPage } from './pages/collections-approvals.tsx';
import {
  canSupervise, canWorkAccounts, CollectionsHome,
} from './pages/collections-area.tsx';
import { CollectionsDisputePage } from './pages/collections-dispute.tsx';
import { CollectionsDisputesPage } from './pages/collections-disputes.tsx';
import { CollectionsDunningPage } from './pages/collections-dunning.tsx';
import { CollectionsEscalationsPage } from './pages/collections-escalations.tsx';
import { CollectionsWriteOffsPage } from './pages/collections-write-offs.tsx';
import { CustomerAccountPage } from './pages/customer-account.tsx';
import { CustomersPage } from './pages/customers.tsx';
import { HomePage } from './pages/home.tsx';
import { PaymentEntryPage } from './pages/payment-entry.tsx';
import { ApplyPaymentPage, PaymentsPage } from './pages/payments.tsx';
import { ResearchPage } from './pages/research.tsx';
import { RemittanceAdvicesPage } from './pages/research-advices.tsx';
import { canCollect, WorklistPage } from './pages/worklist.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { canAdminister, canReadAudit } from './roles.ts';
import { SessionGate, useSession } from './session.tsx';
import type { Role } from './api.ts';
import type { ReactNode } from 'react';

function NotFound() {
  return (
    <div className="page">
      <Empty>
        There is nothing at this address. <Link to="/">Go home</Link>
      </Empty>
    </div>
  );
}

/** Pages for some roles only; others get a plain explanation rather than a broken screen. */
function Only({ allow, children }: { allow: (r: Role) => boolean; children: ReactNode }) {
  const { user } = useSession();
  if (allow(user.role)) return <>{children}</>;
  return (
    <div className="page">
      <Empty>This page is not available to your role.</Empty>
    </div>
  );
}

function SignedIn() {
  return (
    <SessionGate>
      <Shell>
        <Routes>
          <Route index element={<HomePage />} />
          <Route path="customers" element={<CustomersPage />} />
          <Route path="customers/:id" element={<CustomerAccountPage />} />
          <Route path="aging" element={<AgingPage />} />
          <Route path="payments" element={<PaymentsPage />} />
          <Route path="payments/new" element={<PaymentEntryPage />} />
          <Route path="payments/:id/apply" element={<ApplyPaymentPage />} />
          <Route path="research" element={<ResearchPage />} />
          <Route path="research/advices" element={<RemittanceAdvicesPage />} />
          <Route path="worklist" element={<Only allow={canCollect}><WorklistPage /></Only>} />
          <Route path="collections" element={<CollectionsHome />} />
          <Route path="collections/disputes" element={<CollectionsDisputesPage />} />
          <Route path="collections/disputes/:id" element={<CollectionsDisputePage />} />
          <Route path="collections/approvals"
            element={<Only allow={canSupervise}><CollectionsApprovalsPage /></Only>} />
          <Route path="collections/escalations"
            element={<Only allow={canWorkAccounts}><CollectionsEscalationsPage /></Only>} />
          <Route path="collections/write-offs"
            element={<Only allow={canWorkAccounts}><CollectionsWriteOffsPage /></Only>} />
          <Route path="collections/agency"
            element={<Only allow={canSupervise}><CollectionsAgencyPage /></Only>} />
          <Route path="collections/dunning"
            element={<Only allow={canSupervise}><CollectionsDunningPage /></Only>} />
          <Route path="reports/collections" element={<Only allow={canSuperviseCollections}>
            <CollectionsReportsPage /></Only>} />
          <Route path="admin" element={<Only allow={canAdminister}><AdminPage /></Only>} />
          <Route path="audit" element={<Only allow={canReadAudit}><AuditPage /></Only>} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Shell>
    </SessionGate>
  );
}

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/*" element={<SignedIn />} />
    </Routes>
  );
}
