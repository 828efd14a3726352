import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import * as api from '../api.ts';
import type { CustomerSummary, Item, PaymentMethod } from '../api.ts';
import { ApplyStep, type ApplyPlan } from '../components/apply-step.tsx';
import { CustomerPicker } from '../components/customer-picker.tsx';
import { Amount, ErrorBanner, Notice } from '../components/ui.tsx';
import { absDecimal, centsToDecimal, parseCents, subtractDecimals } from '../decimal.ts';
import { formatAmount, formatCount, isIsoDate, localDate, methodLabel } from '../format.ts';
import { useTitle } from '../hooks.ts';
import { DateInput } from '../components/date-input.tsx';

interface Draft {
  customer: CustomerSummary | null;
  method: PaymentMethod;
  reference: string;
  receivedOn: string;
  amount: string;
  payerName: string;
}

/** Cash and route-driver cash often have no reference; every other method has one. */
function needsReference(m: PaymentMethod): boolean {
  return m !== 'cash' && m !== 'route_cash';
}

function draftProblem(d: Draft): string | undefined {
  if (!d.customer) return 'Choose the customer who paid.';
  const cents = parseCents(d.amount);
  if (cents === null) return 'Enter the amount like 1234.56.';
  if (cents <= 0n) return 'The amount must be more than zero.';
  if (!isIsoDate(d.receivedOn)) return 'Enter the date received.';
  if (needsReference(d.method) && !d.reference.trim()) {
    return `Enter the ${methodLabel(d.method)} reference.`;
  }
  return undefined;
}

function PaymentForm(props: {
  draft: Draft;
  onChange: (d: Draft) => void;
  onContinue: () => void;
  focusReference: boolean;
}) {
  const { draft, onChange } = props;
  const [tried, setTried] = useState(false);
  const problem = draftProblem(draft);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => onChange({ ...draft, [k]: v });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!problem) props.onContinue();
  };
  return (
    <form className="payment-form" onSubmit={submit} aria-label="Payment">
      <label className="wide">
        Customer
        <CustomerPicker value={draft.customer} onChange={(c) => set('customer', c)}
          autoFocus={!props.focusReference} />
      </label>
      <label>
        Method
        <select value={draft.method}
          onChange={(e) => set('method', e.target.value as PaymentMethod)}>
          {api.PAYMENT_METHODS.map((m) => <option key={m} value={m}>{methodLabel(m)}</option>)}
        </select>
      </label>
      <label>
        Reference{needsReference(draft.method) ? '' : ' (optional)'}
        <input value={draft.reference} placeholder="check no., trace no., …"
          autoFocus={props.focusReference}
          onChange={(e) => set('reference', e.target.value)} />
      </label>
      <label>
        Received on
        <DateInput value={draft.receivedOn} onChange={(v) => set('receivedOn', v)} required />
      </label>
      <label>
        Amount{draft.customer ? ` (${draft.customer.currency})` : ''}
        <input className="amount-input" inputMode="decimal" value={draft.amount}
          placeholder="0.00" onChange={(e) => set('amount', e.target.value)}
          onBlur={() => {
            const c = parseCents(draft.amount);
            if (c !== null) set('amount', formatAmount(centsToDecimal(c)));
          }} />
      </label>
      <label>
        Payer name (optional)
        <input value={draft.payerName} onChange={(e) => set('payerName', e.target.value)} />
      </label>
      <div className="form-actions wide">
        {tried && problem ? <span className="error-text">{problem}</span> : null}
        <button type="submit" className="primary">Continue to apply →</button>
      </div>
    </form>
  );
}

interface Outcome {
  payment: Item;
  appliedCount: number;
  applied: string;
}

function Done({ outcome, customer, onAnother }: {
  outcome: Outcome; customer: CustomerSummary; onAnother: () => void;
}) {
  const p = outcome.payment;
  const received = absDecimal(p.amount);
  const left = subtractDecimals(received, outcome.applied);
  const n = outcome.appliedCount;
  return (
    <section className="panel done-card" role="status">
      <h2 className="done-title">Payment posted</h2>
      <p>
        {methodLabel(p.method)} <span className="mono">{p.reference ?? p.number}</span> from{' '}
        <strong>{customer.name}</strong>{' '}
        <span className="mono muted">{customer.accountNumber}</span>
      </p>
      <div className="apply-summary start">
        <div>
          <span className="field-label">Received</span>
          <Amount value={received} strong />
        </div>
        <div>
          <span className="field-label">
            Applied to {formatCount(n)} {n === 1 ? 'item' : 'items'}
          </span>
          <Amount value={outcome.applied} strong />
        </div>
        <div>
          <span className="field-label">Left unapplied</span>
          <Amount value={left} strong />
        </div>
      </div>
      <div className="form-actions start">
        <button type="button" className="primary" autoFocus onClick={onAnother}>
          Enter another payment
        </button>
        <Link className="button" to={`/customers/${customer.id}?tab=history`}>
          Open the account
        </Link>
        <Link className="button" to="/payments">Unapplied payments</Link>
      </div>
    </section>
  );
}

function submitLabel(lines: number, posted: boolean): string {
  if (lines === 0) return posted ? 'Leave unapplied' : 'Post payment unapplied';
  const what = `${lines} ${lines === 1 ? 'item' : 'items'}`;
  return posted ? `Apply to ${what}` : `Post payment and apply to ${what}`;
}

function emptyDraft(customer: CustomerSummary | null): Draft {
  return { customer, method: 'check', reference: '', receivedOn: localDate(new Date()),
    amount: '', payerName: '' };
}

/** Enter a payment, then apply it: POST /payments, then POST /applications. */
export function PaymentEntryPage() {
  useTitle('Enter payment');
  const [params] = useSearchParams();
  const presetId = Number(params.get('customerId')) || undefined;
  const preselect = (params.get('items') ?? '').split(',').map(Number).filter((n) => n > 0);
  const [draft, setDraft] = useState<Draft>(emptyDraft(null));
  const [step, setStep] = useState<'enter' | 'apply' | 'done'>('enter');
  const [posted, setPosted] = useState<Item | null>(null);
  const [keys, setKeys] = useState(() => ({ pay: api.newIdempotencyKey(),
    apply: api.newIdempotencyKey() }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [outcome, setOutcome] = useState<Outcome>();

  const preselectKey = preselect.join(',');
  useEffect(() => {
    if (!presetId) return;
    api.getCustomer(presetId).then((r) => setDraft((d) => ({ ...d, customer: r.customer })),
      setError);
    if (!preselectKey) return;
    // Coming from selected items: propose their open total as the amount.
    const ids = new Set(preselectKey.split(',').map(Number));
    api.customerItems(presetId, { status: 'open' }).then((r) => {
      const total = r.items.filter((it) => ids.has(it.id))
        .reduce((sum, it) => sum + (parseCents(it.open) ?? 0n), 0n);
      if (total > 0n) {
        setDraft((d) => (d.amount ? d : { ...d, amount: formatAmount(centsToDecimal(total)) }));
      }
    }, setError);
  }, [presetId, preselectKey]);

  const submit = async (plan: ApplyPlan) => {
    const customer = draft.customer;
    if (!customer) return;
    setBusy(true);
    setError(undefined);
    try {
      // Post once: a retry after a failed apply reuses the posted payment.
      const payment = posted ?? (await api.createPayment({
        customerId: customer.id, method: draft.method,
        reference: draft.reference.trim() || undefined,
        receivedOn: draft.receivedOn, amount: centsToDecimal(parseCents(draft.amount) ?? 0n),
        currency: customer.currency, payerName: draft.payerName.trim() || undefined,
      }, keys.pay)).payment;
      setPosted(payment);
      if (plan.lines.length > 0) {
        await api.applyCredit({ creditId: payment.id, appliedOn: plan.appliedOn,
          lines: plan.lines }, keys.apply);
      }
      const applied = centsToDecimal(plan.lines.reduce((s, l) => s + (parseCents(l.amount) ?? 0n),
        0n));
      setOutcome({ payment, appliedCount: plan.lines.length, applied });
      setStep('done');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const another = () => {
    setDraft(emptyDraft(null));
    setPosted(null);
    setOutcome(undefined);
    setKeys({ pay: api.newIdempotencyKey(), apply: api.newIdempotencyKey() });
    setStep('enter');
  };
  return (
    <div className="page narrow">
      <div className="page-head">
        <Link to="/payments" className="back">‹ Payments</Link>
        <h1>Enter payment</h1>
        <ol className="steps">
          <li aria-current={step === 'enter' ? 'step' : undefined}>1 Payment</li>
          <li aria-current={step === 'apply' ? 'step' : undefined}>2 Apply</li>
          <li aria-current={step === 'done' ? 'step' : undefined}>3 Done</li>
        </ol>
      </div>
      <ErrorBanner error={error} />
      {posted && step === 'apply' ? (
        <Notice>
          Payment {posted.reference ?? posted.number} is posted; the application failed. Fix it
          and apply again, or leave the payment unapplied.
        </Notice>
      ) : null}
      {step === 'enter' ? (
        <section className="panel">
          {preselect.length > 0 ? (
            <p className="muted small">
              For the {formatCount(preselect.length)} items selected on the account; the apply
              step fills only those.
            </p>
          ) : null}
          <PaymentForm draft={draft} onChange={setDraft} onContinue={() => setStep('apply')}
            focusReference={presetId !== undefined} />
        </section>
      ) : null}
      {step === 'apply' && draft.customer ? (
        <section className="panel">
          <div className="apply-head">
            <h2>Apply to open items of {draft.customer.name}</h2>
            {!posted ? (
              <button type="button" className="link-button" onClick={() => setStep('enter')}>
                ← Change payment
              </button>
            ) : null}
          </div>
          <ApplyStep key={`${draft.customer.id}-${draft.receivedOn}`}
            customerId={draft.customer.id} amount={centsToDecimal(parseCents(draft.amount) ?? 0n)}
            appliedOn={draft.receivedOn} preselect={preselect} busy={busy}
            submitLabel={(n) => submitLabel(n, posted !== null)}
            onSubmit={(plan) => void submit(plan)} />
        </section>
      ) : null}
      {step === 'done' && outcome && draft.customer ? (
        <Done outcome={outcome} customer={draft.customer} onAnother={another} />
      ) : null}
    </div>
  );
}
