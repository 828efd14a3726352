import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Hand-made bank files for the remittance-advice tests (linking, unlinking, the web screen): a BAI2
// deposit file and an X12 820 advice, every control total tying.

const dir = mkdtempSync(join(tmpdir(), 'arc-advice-fx-'));
let n = 0;

/** Writes `text` with CRLF line ends to a new temporary file; returns its path. */
export function file(name: string, text: string): string {
  const path = join(dir, `${++n}-${name}`);
  writeFileSync(path, text.replace(/\n/g, '\r\n'));
  return path;
}

export interface Credit { cents: number; bankRef?: string; customerRef?: string; tags?: string }

/** A prior-day BAI2 file with one account and its ACH credits (165). */
export function bai2(date: string, credits: Credit[]): string {
  const yymmdd = date.slice(2).replace(/-/g, '');
  const details = credits.flatMap((c) => [
    `16,165,${c.cents},0,${c.bankRef ?? ''},${c.customerRef ?? ''},ACH CREDIT/`,
    ...(c.tags ? [`88,${c.tags}/`] : [])]);
  const total = 100_000 + credits.reduce((s, c) => s + c.cents, 0);
  const account = ['03,9876543210,USD,010,100000,,,/', ...details];
  return [`01,BANK1,ARCDEMO,${yymmdd},0600,1,80,1,2/`, `02,ARCDEMO,BANK1,1,${yymmdd},,USD,2/`,
    ...account, `49,${total},${account.length + 1}/`, `98,${total},1,${account.length + 3}/`,
    `99,${total},1,${account.length + 5}/`].join('\n') + '\n';
}

/** An 820 advice: BPR amount, payer account, date; TRN trace; N1*PR payer; RMR lines. */
export function x820(o: { amount: string; date: string; trace: string; payer: string;
  payerAccount: string; rmr: string[]; control: string }): string {
  const d = o.date.replace(/-/g, '');
  const body = [`ST*820*0001`,
    `BPR*C*${o.amount}*C*ACH*CCD*01*071000013*DA*${o.payerAccount}*1411111111**01*091000019*DA*`
      + `4455667788*${d}`, `TRN*1*${o.trace}`, `N1*PR*${o.payer}`, 'ENT*1', ...o.rmr];
  const isa = 'ISA*00*          *00*          *ZZ*PAYER          *ZZ*ARCDEMO        *';
  return [`${isa}${d.slice(2)}*0930*U*00401*${o.control}*0*P*>`,
    `GS*RA*PAYER*ARC*${d}*0930*1*X*004010`, ...body, `SE*${body.length + 1}*0001`, 'GE*1*1',
    `IEA*1*${o.control}`].join('~\n') + '~\n';
}
