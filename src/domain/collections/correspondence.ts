import type { IsoDate } from '../dates.ts';
import { currencyExponent, formatAmount } from '../money.ts';

// The words of the correspondence a collector sends by hand (email, fax or letter): a statement
// cover letter, the answer to a request for invoice copies, a past-due reminder. Pure: the same
// facts give the same text, whatever the channel.

export const CORRESPONDENCE_TEMPLATES = ['statement_cover', 'invoice_copies',
  'past_due_reminder'] as const;
export type CorrespondenceTemplate = (typeof CORRESPONDENCE_TEMPLATES)[number];

export const CORRESPONDENCE_CHANNELS = ['email', 'fax', 'letter'] as const;
export type CorrespondenceChannel = (typeof CORRESPONDENCE_CHANNELS)[number];

export interface CorrespondenceItem {
  number: string;
  dueDate: IsoDate;
  openCents: number;
  daysPastDue: number;
}

/** What the text is made of; amounts in the customer's currency. */
export interface CorrespondenceFacts {
  accountNumber: string;
  contactName: string | null;
  asOf: IsoDate;
  currency: string;
  balanceCents: number;
  pastDueCents: number;
  /** The items the message is about, listed under the text. */
  items: readonly CorrespondenceItem[];
}

export interface CorrespondenceText {
  subject: string;
  greeting: string;
  paragraphs: string[];
  itemLines: string[];
}

/** A collector's own words replace the template's: subject and/or message (blank lines part). */
export interface CorrespondenceOverrides {
  subject?: string | null;
  message?: string | null;
}

type Template = (f: CorrespondenceFacts, money: (c: number) => string) =>
  { subject: string; paragraphs: string[] };

const TEMPLATES: Record<CorrespondenceTemplate, Template> = {
  statement_cover: (f, money) => ({
    subject: `Statement of account ${f.accountNumber} as of ${f.asOf}`,
    paragraphs: [
      `Please find enclosed your statement of account as of ${f.asOf}. The balance of your `
        + `account is ${money(f.balanceCents)} ${f.currency}`
        + (f.pastDueCents > 0 ? `, of which ${money(f.pastDueCents)} ${f.currency} is past due.`
          : '; nothing is past due.'),
      'Please review it and let us know of any item you do not agree with.',
    ],
  }),
  invoice_copies: (f) => ({
    subject: `Invoice copies for account ${f.accountNumber}`,
    paragraphs: [
      'As you requested, please find enclosed copies of the items listed below, with their '
        + 'supporting documents where we hold them.',
      'Please let us know when payment has been scheduled, or if anything else is needed to '
        + 'release it.',
    ],
  }),
  past_due_reminder: (f, money) => ({
    subject: `Past due reminder: account ${f.accountNumber}`,
    paragraphs: [
      `Our records show ${money(f.pastDueCents)} ${f.currency} past due on your account as of `
        + `${f.asOf}; the items are listed below.`,
      'Please arrange payment, or tell us what prevents it. If you have already sent payment, '
        + 'thank you, and please disregard this reminder.',
    ],
  }),
};

export function isCorrespondenceTemplate(s: string): s is CorrespondenceTemplate {
  return (CORRESPONDENCE_TEMPLATES as readonly string[]).includes(s);
}

/**
 * The subject, greeting, paragraphs and item lines of a template for these facts, with the
 * collector's overrides.
 * @example composeCorrespondence('past_due_reminder', facts, {}).subject
 *   // 'Past due reminder: account C001'
 */
export function composeCorrespondence(
  template: CorrespondenceTemplate, f: CorrespondenceFacts, o: CorrespondenceOverrides,
): CorrespondenceText {
  const money = (c: number) => formatAmount(c, currencyExponent(f.currency), true);
  const t = TEMPLATES[template](f, money);
  const own = o.message?.trim();
  return {
    subject: o.subject?.trim() || t.subject,
    greeting: f.contactName?.trim() ? `Dear ${f.contactName.trim()},` : 'Dear accounts payable,',
    paragraphs: own ? own.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean) : t.paragraphs,
    itemLines: f.items.map((i) => `${i.number.padEnd(16)} due ${i.dueDate}  `
      + `${money(i.openCents).padStart(14)} ${f.currency}`
      + (i.daysPastDue > 0 ? `  ${i.daysPastDue} days past due` : '')),
  };
}

/** The plain-text email (and the activity's body): greeting, text, items, enclosures, name. */
export function correspondenceBody(
  t: CorrespondenceText, enclosures: readonly string[], signature: string,
): string {
  const parts = [t.greeting, ...t.paragraphs];
  if (t.itemLines.length > 0) parts.push(t.itemLines.join('\n'));
  if (enclosures.length > 0) parts.push(['Enclosed:', ...enclosures.map((e) => `- ${e}`)]
    .join('\n'));
  parts.push(signature);
  return parts.join('\n\n');
}
