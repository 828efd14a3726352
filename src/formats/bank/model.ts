/**
 * The common shape every cash-application input is parsed into (BAI2, camt.052/053/054, NACHA,
 * X12 820, CSV lockbox). The matching engine and the importer read only these types; they never
 * look at a format's own records.
 *
 * Conventions:
 * - Amounts are integer minor units of `currency` (`Cents`). Receipt, return and other amounts are
 *   positive; the direction is a separate field. Remittance line amounts are signed (a credit note
 *   taken against a payment is negative), so that the lines of a complete remittance sum to the
 *   payment.
 * - Dates are `YYYY-MM-DD` as written by the bank (a date-time keeps its own calendar date; it is
 *   not shifted to UTC).
 * - "We" are the account holder the file reports on: a credit is money into our account.
 * - Nothing is silently dropped: every transaction line of the file ends up in exactly one of
 *   `receipts`, `returns`, `notifications` or `other`.
 */
import type { IsoDate } from '../../domain/dates.ts';
import type { Cents } from '../../domain/money.ts';

export type BankFileFormat =
  | 'bai2'
  | 'camt.052'
  | 'camt.053'
  | 'camt.054'
  | 'nacha'
  | 'x12-820'
  | 'lockbox-csv';

export type PaymentMethod =
  | 'check'
  | 'ach'
  | 'wire'
  | 'card'
  | 'lockbox'
  | 'direct_debit'
  | 'transfer'
  | 'other';

/** Where a value came from, for error messages and the audit trail. */
export interface SourceRecord {
  /**
   * 1-based ordinal of the logical record: BAI2 record (88 continuations count), NACHA
   * 94-character record, X12 segment, camt entry (`Ntry`), CSV data row.
   */
  record: number;
  /** 1-based physical line in the file, where the format has meaningful lines. */
  line?: number;
  /** XML path for camt, e.g. `Stmt[1]/Ntry[3]/TxDtls[2]` (1-based). */
  path?: string;
}

/** A party to a payment: for a receipt, the payer (debtor); for a return, the original payer. */
export interface Party {
  name?: string;
  /** Bank account: IBAN, BBAN or domestic account number. */
  account?: string;
  /** Bank of the account: ABA routing number, BIC or clearing member id. */
  bankId?: string;
  /** The party's own identifier (customer number, DUNS, tax id, NACHA individual id). */
  id?: string;
  /** Scheme of `id` when the file says (`DUNS`, `TXID`, X12 N1 qualifier `9`). */
  idScheme?: string;
}

export type RemittanceReferenceType =
  | 'invoice'
  | 'credit_note'
  | 'debit_note'
  | 'creditor_reference'
  | 'account'
  | 'purchase_order'
  | 'return_authorization'
  | 'other';

/** A reference that travels with a remittance line (PO number, related RGA, ...). */
export interface QualifiedReference {
  qualifier: string;
  value: string;
}

/** One document a payment says it pays (or takes a credit for). */
export interface RemittanceLine {
  referenceType: RemittanceReferenceType;
  /** The qualifier exactly as in the file: `IV`, `CM`, `CINV`, `SCOR`, `QRR`, `ISR Reference`. */
  rawType?: string;
  documentNumber?: string;
  /**
   * Net amount this payment applies to the document, signed: negative for a credit note or a
   * deduction taken against the payment (camt `CdtNoteAmt`, X12 `ADX` with a negative amount).
   */
  paidCents?: Cents;
  /** Document amount before discount and adjustments (X12 RMR05, camt `DuePyblAmt`). */
  grossCents?: Cents;
  discountCents?: Cents;
  /** Signed adjustment (X12 ADX01, camt `AdjstmntAmtAndRsn`). */
  adjustmentCents?: Cents;
  adjustmentReason?: string;
  /** Set only when the line's currency differs from the receipt's. */
  currency?: string;
  documentDate?: IsoDate;
  references: QualifiedReference[];
  note?: string;
}

export interface Remittance {
  lines: RemittanceLine[];
  /**
   * Unstructured text that may name documents: camt `Ustrd` blocks and `AddtlRmtInf`, BAI2
   * detail text and each 88 continuation line, NACHA 05 addenda text, X12 NTE. One entry per
   * block or line as in the file (BAI2 text split across 88s is not re-joined).
   */
  freeText: string[];
}

export interface AmountInCurrency {
  amountCents: Cents;
  currency: string;
}

/** An incoming payment: money into our account that may settle open items. */
export interface Receipt {
  /** Positive. */
  amountCents: Cents;
  currency: string;
  bookingDate?: IsoDate;
  valueDate?: IsoDate;
  method: PaymentMethod;
  /** `pending` for camt PDNG entries, `info` for camt INFO entries and X12 820 advices. */
  status: 'booked' | 'pending' | 'info';
  /** The bank's own reference for the transaction (BAI2 bank ref, camt AcctSvcrRef, trace). */
  bankReference?: string;
  /** The payer's reference: camt EndToEndId, BAI2 customer ref or EREF, X12 TRN02. */
  customerReference?: string;
  checkNumber?: string;
  payer: Party;
  /**
   * The party on whose behalf the payer paid, when the file names one (camt `UltmtDbtr`):
   * often the real customer when a parent company or a factor pays.
   */
  ultimatePayer?: Party;
  remittance: Remittance;
  /** Bank narrative that is not payer remittance (camt AddtlTxInf/AddtlNtryInf, BAI2 type). */
  bankText: string[];
  /** The format's transaction code: BAI2 type `115`, camt `PMNT-RCDT-ESCT`, NACHA `22/CCD`. */
  typeCode?: string;
  /** Our account that was credited, when the file says. */
  accountId?: string;
  /** Index into `BankFile.statements`. */
  statementIndex?: number;
  /** Bank entry this receipt belongs to, when several receipts share one booked entry. */
  entryReference?: string;
  /** Number of items the bank says the entry holds when it reports only a lump sum. */
  batchItemCount?: number;
  /** Charges deducted by banks before the credit (camt `Chrgs`): a reason for a short pay. */
  chargesCents?: Cents;
  /** The amount the payer instructed, when in another currency or before charges. */
  instructedAmount?: AmountInCurrency;
  sourceRecord: SourceRecord;
}

export type ReturnKind =
  | 'return'
  | 'reversal'
  | 'reject'
  | 'dishonored_return'
  | 'contested_dishonored_return';

/**
 * A returned or reversed item.
 * `direction: 'debit'` means money was taken back from us: a receipt we counted (a deposited check,
 * a direct debit we collected) was returned, which starts the NSF/returned-payment workflow.
 * `direction: 'credit'` means money came back to us: one of our own outgoing payments bounced.
 */
export interface ReturnedItem {
  kind: ReturnKind;
  direction: 'debit' | 'credit';
  /** As for receipts: camt INFO entries are advices, not yet booked. */
  status: 'booked' | 'pending' | 'info';
  /** Positive. */
  amountCents: Cents;
  currency: string;
  date?: IsoDate;
  method: PaymentMethod;
  /** `R01`, `AC06`, `CUST`, or the BAI2 text's reason when it states one. */
  reasonCode?: string;
  reasonText?: string;
  /**
   * Every reason code in order when the item carries several (a NACHA return, its dishonor and
   * the contest: `R07`, `R68`, `R71`); `kind` and `reasonCode` describe the latest.
   */
  reasonCodes?: string[];
  /** The original item: NACHA original trace number, camt EndToEndId, BAI2 client reference. */
  originalReference?: string;
  originalAmountCents?: Cents;
  /** Counterparty of the original item (for a returned receipt: the customer who paid). */
  party: Party;
  bankReference?: string;
  /** The original item's remittance, when the bank repeats it. */
  remittance: Remittance;
  bankText: string[];
  typeCode?: string;
  /** `code`: the format's transaction code says return; `text`: only the narrative does. */
  detectedBy: 'code' | 'text';
  accountId?: string;
  statementIndex?: number;
  sourceRecord: SourceRecord;
}

/** A NACHA notification of change (COR/NOC, addenda 98): no money moves. */
export interface ChangeNotification {
  changeCode: string;
  changeReason?: string;
  originalReference: string;
  correctedData: string;
  party: Party;
  sourceRecord: SourceRecord;
}

export type OtherCategory =
  | 'outgoing_payment'
  | 'fee'
  | 'interest'
  | 'transfer'
  | 'adjustment'
  | 'prenote'
  | 'other';

/** Any transaction that is neither a receipt nor a return: kept so that nothing is lost. */
export interface OtherTransaction {
  /** `unknown` only for BAI2 type codes outside the credit and debit ranges. */
  direction: 'credit' | 'debit' | 'unknown';
  category: OtherCategory;
  /** Positive (zero for prenotes and zero-dollar entries). */
  amountCents: Cents;
  currency: string;
  bookingDate?: IsoDate;
  valueDate?: IsoDate;
  typeCode?: string;
  description: string;
  bankReference?: string;
  counterparty: Party;
  /**
   * Remittance the transaction carries, when any: an outgoing payment may be a refund that names
   * a credit note. Merged over all details of a camt batch entry.
   */
  remittance?: Remittance;
  /** How many transactions the bank reports inside this entry (camt batch). */
  itemCount?: number;
  accountId?: string;
  statementIndex?: number;
  sourceRecord: SourceRecord;
}

export interface Balance {
  /** `OPBD`, `CLBD`, ... for camt; the BAI2 status type code (`010`, `015`, ...) for BAI2. */
  type: string;
  /** Signed: negative is a debit (overdrawn) balance. */
  amountCents: Cents;
  currency: string;
  date?: IsoDate;
}

/** A BAI2 03-record activity summary (`100` total credits, `400` total debits, ...). */
export interface ActivitySummary {
  typeCode: string;
  amountCents: Cents;
  itemCount?: number;
}

export type StatementKind =
  | 'statement'
  | 'report'
  | 'notification'
  | 'account'
  | 'ach_batch'
  | 'remittance_advice'
  | 'lockbox_batch';

/**
 * One reported unit: a camt Stmt/Rpt/Ntfctn, a BAI2 account within a group, a NACHA batch, an
 * X12 820 transaction set, a lockbox batch.
 */
export interface BankStatement {
  kind: StatementKind;
  id?: string;
  /** Our account (IBAN, account number) or, for a NACHA batch, the company id. */
  accountId?: string;
  accountName?: string;
  currency?: string;
  /** BAI2 as-of date, camt creation date, NACHA effective entry date, lockbox deposit date. */
  date?: IsoDate;
  fromDate?: IsoDate;
  toDate?: IsoDate;
  /** BAI2 as-of-date modifier and camt.052: prior-day or current-day (intraday) reporting. */
  reportType?: 'prior_day' | 'current_day';
  /** NACHA SEC code (`CCD`, `CTX`, `PPD`, `WEB`, `IAT`, ...), X12 BPR05 payment format. */
  secCode?: string;
  companyName?: string;
  description?: string;
  balances: Balance[];
  summaries: ActivitySummary[];
  /** Number of transactions (entries, details) the statement holds in this file. */
  transactionCount: number;
  sourceRecord: SourceRecord;
}

/** A trailer or control total compared with what the file actually holds. */
export interface ControlCheck {
  scope: 'file' | 'group' | 'account' | 'batch' | 'statement' | 'transaction';
  /** What is compared, e.g. `record count`, `control total`, `credit total`, `entry hash`. */
  name: string;
  /** What the file's trailer or control says. */
  stated: string;
  /** What the parser counted or summed. */
  computed: string;
  ties: boolean;
  sourceRecord: SourceRecord;
}

export type BankFileWarningCode =
  | 'control_total_mismatch'
  | 'amount_rounded'
  | 'record_repaired'
  | 'unknown_code'
  | 'remittance_does_not_tie'
  | 'lump_sum_without_details'
  | 'unsupported_content';

/** Something a clerk should know about, that did not stop the file from being read. */
export interface BankFileWarning {
  code: BankFileWarningCode;
  message: string;
  sourceRecord?: SourceRecord;
}

export interface BankFile {
  format: BankFileFormat;
  /** Schema or version as declared: `camt.053.001.02`, BAI `2`, X12 `004010`, lockbox `1`. */
  formatVersion?: string;
  /** Hex SHA-256 of the exact bytes: the idempotency key of an import. */
  sha256: string;
  fileName: string;
  /** The sender's file or message id (BAI2 file id, camt MsgId, X12 ISA13, NACHA modifier). */
  fileId?: string;
  /** Creation date and time as written, ISO-like (`2017-07-30T21:01:45+02:00`). */
  createdAt?: string;
  sender?: string;
  receiver?: string;
  statements: BankStatement[];
  receipts: Receipt[];
  returns: ReturnedItem[];
  notifications: ChangeNotification[];
  other: OtherTransaction[];
  controls: ControlCheck[];
  /** False when any control check does not tie (each such check also gives a warning). */
  controlsTie: boolean;
  warnings: BankFileWarning[];
}

/** What a format parser returns: everything but what parse-bank-file adds from the bytes. */
export type ParsedBankFile = Omit<BankFile, 'sha256' | 'fileName'>;

/**
 * A file refused as a whole. `record`/`line` locate the first problem; `reason` says what rule it
 * breaks, in words a clerk can act on.
 */
export interface BankFileError {
  code: 'unknown_format' | 'empty_file' | 'malformed';
  format?: BankFileFormat;
  record?: number;
  line?: number;
  reason: string;
}
