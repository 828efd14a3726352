// Display formatting shared by every screen. Amounts are formatted from their decimal strings by
// string manipulation (never parseFloat), dates are always shown as YYYY-MM-DD.

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** "1234567" -> "1,234,567". */
export function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A decimal string for display: thousands separators, at least `decimals` fraction digits,
 * a leading "-" for negatives (never "-0.00"). Text that is not a decimal comes back unchanged;
 * null/undefined/"" become an em dash.
 * @example formatAmount('-1234567.5') // "-1,234,567.50"
 */
export function formatAmount(value: string | null | undefined, decimals = 2): string {
  if (value === null || value === undefined || value === '') return '—';
  const m = DECIMAL.exec(value.trim());
  if (!m) return value;
  const whole = groupThousands((m[2] ?? '0').replace(/^0+(?=\d)/, ''));
  const frac = (m[3] ?? '').padEnd(decimals, '0');
  const zero = /^[0,]*$/.test(whole) && /^0*$/.test(frac);
  const sign = m[1] === '-' && !zero ? '-' : '';
  return sign + whole + (frac ? '.' + frac : '');
}

/** True for "-0.01" and the like; "-0.00" is not negative. */
export function isNegativeAmount(value: string | null | undefined): boolean {
  if (!value) return false;
  const m = DECIMAL.exec(value.trim());
  return !!m && m[1] === '-' && /[1-9]/.test((m[2] ?? '') + (m[3] ?? ''));
}

export function isZeroAmount(value: string | null | undefined): boolean {
  if (!value) return true;
  const m = DECIMAL.exec(value.trim());
  return !!m && !/[1-9]/.test((m[2] ?? '') + (m[3] ?? ''));
}

/** Short labels for chart bars: 950, 12.3K, 4.5M, 1.2B (the number is for display only). */
export function compactAmount(n: number): string {
  const abs = Math.abs(n);
  const sign = n < 0 ? '-' : '';
  const units: [number, string][] = [[1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
  for (const [size, suffix] of units) {
    // 999,999 reads "1M", not "1000K": promote when rounding would reach the next unit.
    if (abs >= size * 0.9995) {
      const v = abs / size;
      return sign + (v >= 100 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, '')) + suffix;
    }
  }
  return sign + abs.toFixed(0);
}

/** Converts a decimal string to a number for proportions (chart bars, percentages) only. */
export function amountToNumber(value: string | null | undefined): number {
  if (!value) return 0;
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

/** Share of `part` in `whole` as "42.0%", or "—" when the whole is zero. */
export function formatShare(part: number, whole: number): string {
  if (whole === 0) return '—';
  return `${((part / whole) * 100).toFixed(1)}%`;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A business date as YYYY-MM-DD; an ISO timestamp is cut to its date; null is an em dash. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  if (ISO_DATE.test(value)) return value;
  const head = value.slice(0, 10);
  return ISO_DATE.test(head) ? head : value;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** A UTC instant shown in the browser's time zone as "YYYY-MM-DD HH:MM". */
export function formatTimestamp(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return `${localDate(d)} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** The calendar date of `d` in the browser's time zone, as YYYY-MM-DD. */
export function localDate(d: Date): string {
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** Calendar arithmetic on YYYY-MM-DD in UTC (no local-time drift). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The first day of the month `months` before the month of `date`. */
export function startOfMonth(date: string, monthsBack = 0): string {
  const d = new Date(`${date.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - monthsBack);
  return d.toISOString().slice(0, 10);
}

/** Days past due as shown in tables: blank when not past due. */
export function formatDays(days: number | null | undefined): string {
  if (days === null || days === undefined || days <= 0) return '';
  return groupThousands(String(days));
}

export function formatCount(n: number): string {
  return groupThousands(String(n));
}

const ROLE_LABELS: Record<string, string> = {
  admin: 'Admin',
  ar_manager: 'AR manager',
  credit_manager: 'Credit manager',
  collector: 'Collector',
  cash_application: 'Cash application',
  sales_rep: 'Sales rep',
  auditor: 'Auditor',
};

const METHOD_LABELS: Record<string, string> = {
  check: 'Check',
  ach: 'ACH',
  wire: 'Wire',
  cash: 'Cash',
  card: 'Card',
  online_bill_pay: 'Online bill pay',
  route_cash: 'Route-driver cash',
  manual: 'Manual',
  import: 'Import',
};

const TYPE_LABELS: Record<string, string> = {
  invoice: 'Invoice',
  debit_memo: 'Debit memo',
  credit_memo: 'Credit memo',
  payment: 'Payment',
  finance_charge: 'Finance charge',
  deduction: 'Deduction',
  refund: 'Refund',
  nsf_reversal: 'Returned payment',
  discount: 'Discount',
  write_off: 'Write-off',
};

/** A code such as "on_hold" as words: "On hold". */
export function humanize(code: string | null | undefined): string {
  if (!code) return '—';
  // Short codes are acronyms: "ap" -> "AP", "cfo" -> "CFO".
  if (/^[a-z]{2,3}$/i.test(code)) return code.toUpperCase();
  const words = code.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function roleLabel(role: string): string {
  return ROLE_LABELS[role] ?? humanize(role);
}

export function methodLabel(method: string | null | undefined): string {
  if (!method) return '—';
  return METHOD_LABELS[method] ?? humanize(method);
}

export function itemTypeLabel(type: string): string {
  return TYPE_LABELS[type] ?? humanize(type);
}

/** Aging bucket labels as the server names them ("current", "1-30", ...), for display. */
export function bucketLabel(label: string): string {
  return label.charAt(0).toUpperCase() + label.slice(1);
}
