import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseBankFile } from './parse-bank-file.ts';
import {
  expectOk,
  expectRefused,
  localFixtureBytes,
  sharedFixtureBytes,
  sharedFixtureNames,
} from './testing.ts';

/** Fixtures that are refused on purpose, with where and why. */
interface Refusal {
  format: string;
  record?: number;
  line?: number;
  reason: RegExp;
}

const REFUSED: Record<string, Refusal> = {
  'moov-invalid-sample-parseError.txt': {
    format: 'bai2',
    record: 1,
    line: 1,
    reason: /unknown record code '00'/,
  },
  'genkgo-camt053.v2.wrong.xml': { format: 'camt.053', line: 3, reason: /no Stmt element/ },
  'oopfactory-820-Example3_HomeDepot-TEMPLATE.txt': {
    format: 'x12-820',
    record: 4,
    line: 4,
    reason: /BPR02 amount 'TOTAL DOLLAR AMT OF CHECK'/,
  },
};

describe('parseBankFile over every fixture', () => {
  for (const folder of ['bai2', 'camt', 'nacha', 'edi820']) {
    const names = sharedFixtureNames(folder).filter((n) => folder !== 'camt' || n.endsWith('.xml'));
    it.each(names)(`${folder}/%s`, (name) => {
      const bytes = sharedFixtureBytes(folder, name);
      const result = parseBankFile(bytes, name);
      const refusal = REFUSED[name];
      if (refusal) {
        const e = expectRefused(result);
        expect(e).toMatchObject({ code: 'malformed', format: refusal.format });
        if (refusal.record !== undefined) expect(e.record).toBe(refusal.record);
        if (refusal.line !== undefined) expect(e.line).toBe(refusal.line);
        expect(e.reason).toMatch(refusal.reason);
        return;
      }
      const f = expectOk(result);
      expect(f.fileName).toBe(name);
      expect(f.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      for (const r of f.receipts) {
        expect(Number.isSafeInteger(r.amountCents) && r.amountCents > 0).toBe(true);
        expect(r.currency).toMatch(/^[A-Z]{3}$/);
        expect(r.sourceRecord.record).toBeGreaterThan(0);
      }
      for (const x of [...f.returns, ...f.other]) {
        expect(Number.isSafeInteger(x.amountCents) && x.amountCents >= 0).toBe(true);
      }
      expect(f.controlsTie).toBe(f.controls.every((c) => c.ties));
    });
  }

  it('the same bytes give the same hash; one changed byte gives another', () => {
    const bytes = localFixtureBytes('lockbox-sample.csv');
    const a = expectOk(parseBankFile(bytes, 'a.csv'));
    const b = expectOk(parseBankFile(new Uint8Array(bytes), 'b.csv'));
    const changed = new Uint8Array(bytes);
    changed[new TextDecoder().decode(bytes).indexOf('525.00')] = '6'.charCodeAt(0);
    const c = expectOk(parseBankFile(changed, 'a.csv'));
    expect(a.sha256).toBe(b.sha256);
    expect(c.sha256).not.toBe(a.sha256);
  });

  it('refuses an unknown format with a clear reason', () => {
    const e = expectRefused(parseBankFile(new TextEncoder().encode('%PDF-1.7\n...'), 'scan.pdf'));
    expect(e.code).toBe('unknown_format');
    expect(e.reason).toContain('scan.pdf is not a recognised bank file');
  });

  it('refuses an empty file', () => {
    expect(expectRefused(parseBankFile(new Uint8Array(), 'empty.txt')).code).toBe('empty_file');
  });

  it('reads a Windows-1252 file (bytes that are not UTF-8)', () => {
    const text = '01,S,R,240101,0800,1,,,2/\n02,R,S,1,240101,,USD,2/\n03,1,USD/\n' +
      '16,195,100,,,,CAF\xc9 M\xdcLLER/\n49,100,3/\n98,100,1,5/\n99,100,1,7/\n';
    const bytes = Uint8Array.from(text, (ch) => ch.charCodeAt(0));
    const f = expectOk(parseBankFile(bytes, 'latin.bai'));
    expect(f.receipts[0]?.remittance.freeText).toEqual(['CAFÉ MÜLLER']);
  });
});
