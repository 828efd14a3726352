import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvReader, detectFormat, openTabularFile, type TabularRecord } from './tabular.ts';

const dir = mkdtempSync(join(tmpdir(), 'arc-tabular-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(path: string) {
  const source = await openTabularFile(path);
  const rows: TabularRecord[] = [];
  try {
    for await (const r of source.rows) rows.push(r);
  } finally {
    await source.close();
  }
  return { source, rows };
}

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('CSV', () => {
  it('reads a BOM, quoted fields, CRLF and blank lines, numbering physical lines', async () => {
    const text = '\ufeff Account_Number ,NAME,memo\r\n'
      + 'A1,"Smith, Jones & Co","said ""hi"""\r\n'
      + '\r\n'
      + 'A2,"two\r\nlines",x\r\n'
      + 'A3,,\r\n'
      + ',,\r\n'
      + 'A4,last,\r\n\r\n\r\n';
    const { source, rows } = await readAll(file('a.csv', text));
    expect(source).toMatchObject({ format: 'csv', columns: ['account_number', 'name', 'memo'],
      headerLine: 1, fileName: 'a.csv', sizeBytes: Buffer.byteLength(text) });
    expect(source.sha256).toBe(createHash('sha256').update(text).digest('hex'));
    expect(rows).toEqual([
      { line: 2, values: { account_number: 'A1', name: 'Smith, Jones & Co', memo: 'said "hi"' } },
      { line: 4, values: { account_number: 'A2', name: 'two\r\nlines', memo: 'x' } },
      { line: 6, values: { account_number: 'A3', name: '', memo: '' } },
      { line: 8, values: { account_number: 'A4', name: 'last', memo: '' } },
    ]);
  });

  it('fills missing trailing cells and flags a value beyond the header', async () => {
    const { rows } = await readAll(file('b.csv', 'a,b,\n1\n2,3,,4\n5,6,,\n'));
    expect(rows).toEqual([
      { line: 2, values: { a: '1', b: '' } },
      { line: 3, values: { a: '2', b: '3' },
        problem: { column: 'column 4', reason: 'a value in a column without a header' } },
      { line: 4, values: { a: '5', b: '6' } },
    ]);
  });

  it('reports an unclosed quote at the line its record starts, and stops there', async () => {
    const { rows } = await readAll(file('c.csv', 'a,b\n1,2\n3,"open\n4,5\n'));
    expect(rows).toEqual([
      { line: 2, values: { a: '1', b: '2' } },
      { line: 3, values: {}, problem: { column: '', reason: 'a quoted field is not closed' } },
    ]);
  });

  it('reads the same records however the text is cut into chunks', () => {
    const text = 'h1,h2\r\n"a\r\nb","c""d"\r\ne,f\rg,"h"\n"",i';
    const whole = new CsvReader().feed(text, true);
    expect(whole).toEqual([
      { line: 1, cells: ['h1', 'h2'] }, { line: 2, cells: ['a\r\nb', 'c"d'] },
      { line: 4, cells: ['e', 'f'] }, { line: 5, cells: ['g', 'h'] }, { line: 6, cells: ['', 'i'] },
    ]);
    for (let cut = 1; cut < text.length; cut++) {
      const reader = new CsvReader();
      const parts = [...reader.feed(text.slice(0, cut), false), ...reader.feed(text.slice(cut), true)];
      expect(parts, `cut at ${cut}`).toEqual(whole);
    }
  });

  it('refuses a quote in the middle of a quoted field', () => {
    expect(new CsvReader().feed('a\n"x"y,1\n', true)).toEqual([
      { line: 1, cells: ['a'] }, { line: 2, error: 'a quote inside a field is not doubled' },
    ]);
  });

  it('gives no columns for an empty file', async () => {
    const { source, rows } = await readAll(file('empty.csv', '\n\n'));
    expect(source.columns).toEqual([]);
    expect(rows).toEqual([]);
  });
});

describe('XLSX', () => {
  async function workbook(name: string): Promise<string> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Invoices');
    ws.addRow(['Account_Number', 'Number', 'Date', 'Amount', 'Memo']);
    ws.addRow(['C1', 1001, new Date(Date.UTC(2026, 0, 15)), 1234.56, 'plain']);
    ws.addRow(['C2', 'INV-2', '2026-01-16', { formula: '10+2.5', result: 12.5 },
      { richText: [{ text: 'rich ' }, { text: 'text' }] }]);
    ws.addRow([]);
    ws.addRow(['C3', 'INV-3', new Date(Date.UTC(2026, 1, 28)), 0.1, null]);
    ws.getColumn(3).numFmt = 'yyyy-mm-dd';
    const path = join(dir, name);
    await wb.xlsx.writeFile(path);
    return path;
  }

  it('reads typed cells as text: dates as YYYY-MM-DD, numbers exactly, sheet row numbers', async () => {
    const { source, rows } = await readAll(await workbook('inv.xlsx'));
    expect(source.format).toBe('xlsx');
    expect(source.columns).toEqual(['account_number', 'number', 'date', 'amount', 'memo']);
    expect(rows).toEqual([
      { line: 2, values: { account_number: 'C1', number: '1001', date: '2026-01-15',
        amount: '1234.56', memo: 'plain' } },
      { line: 3, values: { account_number: 'C2', number: 'INV-2', date: '2026-01-16',
        amount: '12.5', memo: 'rich text' } },
      { line: 5, values: { account_number: 'C3', number: 'INV-3', date: '2026-02-28',
        amount: '0.1', memo: '' } },
    ]);
  });

  it('is recognized by its zip signature whatever the file is called', async () => {
    const path = await workbook('export.dat');
    const { source, rows } = await readAll(path);
    expect(source.format).toBe('xlsx');
    expect(rows).toHaveLength(3);
    expect(detectFormat('x.CSV', new Uint8Array([0x50, 0x4b, 3, 4]))).toBe('csv');
    expect(detectFormat('x.txt', new Uint8Array([0x61, 0x2c]))).toBe('csv');
  });
});
