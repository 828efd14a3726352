/**
 * Helpers shared by the bank-file parsers: text decoding, line splitting, amounts, dates, and the
 * collector of control checks and warnings. Pure: no I/O.
 */
import { isIsoDate, type IsoDate } from '../../domain/dates.ts';
import { cents, currencyExponent, parseAmount, type Cents } from '../../domain/money.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type {
  BankFileError,
  BankFileFormat,
  BankFileWarning,
  BankFileWarningCode,
  ControlCheck,
  ParsedBankFile,
  Remittance,
  SourceRecord,
} from './model.ts';

/**
 * Thrown deep inside a parser when the file breaks a rule it cannot be read past; each parser's
 * entry point turns it into an `err(BankFileError)`. It never escapes a parser.
 */
export class MalformedFile extends Error {
  readonly detail: Omit<BankFileError, 'code' | 'format'>;
  constructor(detail: Omit<BankFileError, 'code' | 'format'>) {
    super(detail.reason);
    this.detail = detail;
  }
}

/** Refuses the file: `reason` with the record and line of `at` (other fields of `at` ignored). */
export function malformed(reason: string, at?: { record?: number; line?: number }): never {
  const detail: Omit<BankFileError, 'code' | 'format'> = { reason };
  if (at?.record !== undefined) detail.record = at.record;
  if (at?.line !== undefined) detail.line = at.line;
  throw new MalformedFile(detail);
}

/** Runs a parser body, turning a `MalformedFile` into a refused-file result for `format`. */
export function refuseOnMalformed<T>(
  format: BankFileFormat,
  body: () => T,
): Result<T, BankFileError> {
  try {
    return ok(body());
  } catch (e) {
    if (e instanceof MalformedFile) return err({ code: 'malformed', format, ...e.detail });
    throw e;
  }
}

/**
 * Decodes file bytes: UTF-8 (a BOM is dropped); bytes that are not valid UTF-8 are read as
 * Windows-1252, the usual encoding of older US bank files.
 */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

export interface PhysicalLine {
  text: string;
  /** 1-based. */
  line: number;
}

/** Splits on CRLF, CR alone (old Mac files) or LF alone. */
export function splitLines(text: string): PhysicalLine[] {
  return text.split(/\r\n|\r|\n/).map((t, i) => ({ text: t, line: i + 1 }));
}

export type DecimalAmount = { amountCents: Cents; rounded: boolean };

/**
 * Parses a decimal amount string ("1234.56", "18.150") into minor units of `currency`, without
 * floats. Extra zero decimals are accepted as they are. Significant digits beyond the currency's
 * precision are rounded half-to-even in integer arithmetic and reported as `rounded` so the caller
 * can warn; the bank's exact figure is then no longer representable in minor units.
 */
export function parseDecimalAmount(text: string, currency: string): Result<DecimalAmount, string> {
  const exponent = currencyExponent(currency);
  const parsed = parseAmount(text, exponent);
  if (parsed.ok) return ok({ amountCents: parsed.value, rounded: false });
  if (parsed.error.code !== 'amount_too_precise') {
    return err(`amount '${text}' is not a decimal number (${parsed.error.code})`);
  }
  const m = /^\s*([+-])?(\d*)\.(\d+)\s*$/.exec(text);
  if (!m) return err(`amount '${text}' is not a decimal number`);
  const scaled = BigInt((m[2] || '0') + m[3]);
  const divisor = 10n ** BigInt((m[3] ?? '').length - exponent);
  let quotient = scaled / divisor;
  const twiceRemainder = (scaled % divisor) * 2n;
  if (twiceRemainder > divisor || (twiceRemainder === divisor && quotient % 2n === 1n)) {
    quotient += 1n;
  }
  if (quotient > BigInt(Number.MAX_SAFE_INTEGER)) return err(`amount '${text}' is too large`);
  const signed = Number(quotient) * (m[1] === '-' ? -1 : 1);
  return ok({ amountCents: cents(signed), rounded: true });
}

/**
 * Parses an implied-decimal integer ("000000000208500", "+4350000", "-500000") as minor units.
 * Returns undefined for an empty field.
 */
export function parseImpliedAmount(text: string): Result<Cents | undefined, string> {
  const s = text.trim();
  if (s === '') return ok(undefined);
  if (!/^[+-]?\d+$/.test(s)) return err(`amount '${text}' is not a whole number of minor units`);
  const big = BigInt(s);
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < -BigInt(Number.MAX_SAFE_INTEGER)) {
    return err(`amount '${text}' is too large`);
  }
  return ok(cents(Number(big)));
}

/**
 * YYMMDD to YYYY-MM-DD. Years 00-69 are 20xx, 70-99 are 19xx (the POSIX pivot): bank files are
 * recent, and 1970-1999 dates still read correctly in archived files.
 */
export function yymmddToIso(s: string): IsoDate | undefined {
  if (!/^\d{6}$/.test(s)) return undefined;
  const yy = Number(s.slice(0, 2));
  const iso = `${yy < 70 ? 2000 + yy : 1900 + yy}-${s.slice(2, 4)}-${s.slice(4, 6)}`;
  return isIsoDate(iso) ? iso : undefined;
}

/** CCYYMMDD to YYYY-MM-DD, or undefined when not a real date. */
export function ccyymmddToIso(s: string): IsoDate | undefined {
  if (!/^\d{8}$/.test(s)) return undefined;
  const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
  return isIsoDate(iso) ? iso : undefined;
}

export function emptyRemittance(): Remittance {
  return { lines: [], freeText: [] };
}

/** Drops keys whose value is undefined or '', so results compare and serialize cleanly. */
export function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) {
    if (o[k] === undefined || o[k] === '') delete o[k];
  }
  return o;
}

/** Collects the parts of a parsed file while a parser walks it. */
export class FileCollector {
  readonly result: ParsedBankFile;

  constructor(format: BankFileFormat) {
    this.result = {
      format,
      statements: [],
      receipts: [],
      returns: [],
      notifications: [],
      other: [],
      controls: [],
      controlsTie: true,
      warnings: [],
    };
  }

  warn(code: BankFileWarningCode, message: string, sourceRecord?: SourceRecord): void {
    const w: BankFileWarning = { code, message };
    if (sourceRecord) w.sourceRecord = sourceRecord;
    this.result.warnings.push(w);
  }

  /** Records a control check; a mismatch also becomes a `control_total_mismatch` warning. */
  control(
    scope: ControlCheck['scope'],
    name: string,
    stated: string | number,
    computed: string | number,
    sourceRecord: SourceRecord,
    warning: BankFileWarningCode = 'control_total_mismatch',
  ): void {
    const check: ControlCheck = {
      scope,
      name,
      stated: String(stated),
      computed: String(computed),
      ties: String(stated) === String(computed),
      sourceRecord,
    };
    this.result.controls.push(check);
    if (!check.ties) {
      this.result.controlsTie = false;
      this.warn(
        warning,
        `${scope} ${name} does not tie: the file says ${check.stated}, ` +
          `the records add up to ${check.computed}`,
        sourceRecord,
      );
    }
  }
}
