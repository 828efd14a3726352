/**
 * Tabular import files, CSV and XLSX, read as a stream of records keyed by the header row.
 * Nothing is held but the record being read, so a file of a million rows reads in flat memory.
 *
 * Line numbers are what a person finds in the file: the physical line where a CSV record starts
 * (the header is line 1; a quoted field may span lines) or the sheet row number in XLSX.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';

/** A problem with one record that the reader can see (the importer checks everything else). */
export interface RecordProblem {
  column: string;
  reason: string;
}

/** One data row: every header column is present (blank cells as ''). */
export interface TabularRecord {
  line: number;
  values: Record<string, string>;
  problem?: RecordProblem;
}

export type TabularFormat = 'csv' | 'xlsx';

/** An opened file: the header is read, the rows are read on demand, once. */
export interface TabularSource {
  fileName: string;
  sha256: string;
  sizeBytes: number;
  format: TabularFormat;
  /** Header names, trimmed and lower-cased, in file order (blank header cells left out). */
  columns: string[];
  headerLine: number;
  rows: AsyncIterable<TabularRecord>;
  /** Bytes of the file read so far, for a progress bar. */
  bytesRead(): number;
  /**
   * Reads the file again from its first data row (the rows read so far are dropped): for an
   * importer that tried a fast path and needs a second pass. bytesRead starts again from 0.
   */
  restart(): Promise<AsyncIterable<TabularRecord>>;
  /** Stops reading and releases the file (also fine after the rows were read to the end). */
  close(): Promise<void>;
}

/** A record as the format reader sees it: cells in column order, or a reason it is unreadable. */
type RawRecord = { line: number; cells: string[] } | { line: number; error: string };

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];

/** XLSX by extension, CSV by extension, else by the zip signature an XLSX file starts with. */
export function detectFormat(path: string, firstBytes: Uint8Array): TabularFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.xlsx') return 'xlsx';
  if (ext === '.csv') return 'csv';
  return ZIP_SIGNATURE.every((b, i) => firstBytes[i] === b) ? 'xlsx' : 'csv';
}

/** SHA-256 of a file, in one streaming pass. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function firstBytes(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(4);
    await handle.read(buffer, 0, 4, 0);
    return buffer;
  } finally {
    await handle.close();
  }
}

/**
 * Opens a CSV or XLSX file: hashes it (a streaming pass), then starts reading and takes the
 * header (the first non-blank row). Call `close()` when done, also when the rows were not read.
 * @example const src = await openTabularFile('invoices.csv');
 *   for await (const r of src.rows) console.log(r.line, r.values.number);
 */
export async function openTabularFile(path: string): Promise<TabularSource> {
  const [size, sha256, head] = [(await stat(path)).size, await sha256File(path),
    await firstBytes(path)];
  const format = detectFormat(path, head);
  const start = async () => {
    const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
    const records = format === 'xlsx' ? xlsxRecords(stream) : csvRecords(stream);
    return { stream, header: await readHeader(records) };
  };
  let reading = await start();
  return {
    fileName: basename(path), sha256, sizeBytes: size, format, ...reading.header,
    bytesRead: () => reading.stream.bytesRead,
    async restart() {
      reading.stream.destroy();
      reading = await start();
      return reading.header.rows;
    },
    async close() {
      reading.stream.destroy();
    },
  };
}

/** Lower-cased, trimmed header names; blank ones are kept as '' to hold their position. */
function headerNames(cells: readonly string[]): string[] {
  return cells.map((c) => c.trim().toLowerCase());
}

function isBlank(cells: readonly string[]): boolean {
  for (const c of cells) if (c.trim() !== '') return false;
  return true;
}

/**
 * Takes the header (the first non-blank record) and returns the rest keyed by it. A file with
 * no rows at all has no columns (the importer then reports the required ones missing).
 */
export async function readHeader(batches: AsyncGenerator<RawRecord[]>): Promise<{
  columns: string[]; headerLine: number; rows: AsyncIterable<TabularRecord>;
}> {
  let batch: RawRecord[] = [];
  let head: RawRecord | undefined;
  while (head === undefined) {
    const next = await batches.next();
    if (next.done) return { columns: [], headerLine: 1, rows: keyed(batches, [], []) };
    batch = next.value;
    const i = batch.findIndex((r) => 'error' in r || !isBlank(r.cells));
    head = batch[i];
    batch = batch.slice(i + 1);
  }
  if ('error' in head) {
    return { columns: [], headerLine: head.line, rows: keyed(batches, [head], []) };
  }
  const names = headerNames(head.cells);
  return {
    columns: names.filter((n) => n !== ''), headerLine: head.line,
    rows: keyed(batches, batch, names),
  };
}

/**
 * Data records keyed by the header, from what is left of the header's batch and the batches
 * after it; blank ones left out; an unreadable one ends the rows.
 */
async function* keyed(
  batches: AsyncGenerator<RawRecord[]>, first: RawRecord[], names: readonly string[],
): AsyncGenerator<TabularRecord> {
  for (let batch = first; ; ) {
    for (const r of batch) {
      const row = keyedRecord(r, names);
      if (row) yield row;
      if ('error' in r) return;
    }
    const next = await batches.next();
    if (next.done) return;
    batch = next.value;
  }
}

/** A record keyed by the header names; null for a blank one. */
function keyedRecord(r: RawRecord, names: readonly string[]): TabularRecord | null {
  if ('error' in r) return { line: r.line, values: {}, problem: { column: '', reason: r.error } };
  if (isBlank(r.cells)) return null;
  const values: Record<string, string> = {};
  let problem: RecordProblem | undefined;
  const width = Math.max(names.length, r.cells.length);
  for (let i = 0; i < width; i++) {
    const name = names[i];
    const cell = r.cells[i] ?? '';
    if (name) values[name] = cell;
    else if (!problem && cell.trim() !== '') {
      problem = { column: `column ${i + 1}`, reason: 'a value in a column without a header' };
    }
  }
  return problem ? { line: r.line, values, problem } : { line: r.line, values };
}

// ---- CSV ----

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

type Parsed = { cells: string[]; next: number; lines: number } | { error: string } | null;

/** Line breaks inside a quoted value (CRLF, CR or LF each count one). */
function lineBreaks(value: string): number {
  if (value.indexOf('\n') === -1 && value.indexOf('\r') === -1) return 0;
  return value.match(/\r\n|\r|\n/g)?.length ?? 0;
}

/**
 * An RFC 4180 reader fed text in chunks: comma-separated, fields quoted with double quotes
 * (doubled inside), CRLF, LF or CR line ends, a UTF-8 BOM dropped. A line without a quote takes
 * a fast path (split on commas); this reader is several times faster than a general one, which
 * matters for files of a million rows. Records are numbered by the physical line they start on.
 */
export class CsvReader {
  private buffer = '';
  private line = 1;
  private started = false;
  private failed = false;

  /** The complete records in `text` (with what was left over); `last` ends the input. */
  feed(text: string, last: boolean): RawRecord[] {
    const out: RawRecord[] = [];
    if (this.failed) return out;
    let buf = this.buffer + text;
    if (!this.started && buf.length > 0) {
      if (buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1);
      this.started = true;
    }
    // Cached positions of the next LF, CR and quote, so each is searched for once per chunk.
    let lf = -1;
    let cr = -1;
    let quote = -1;
    const find = (ch: string, from: number): number => {
      const i = buf.indexOf(ch, from);
      return i === -1 ? buf.length : i;
    };
    let pos = 0;
    while (pos < buf.length) {
      if (lf < pos) lf = find('\n', pos);
      if (cr < pos) cr = find('\r', pos);
      if (quote < pos) quote = find('"', pos);
      const end = Math.min(lf, cr);
      if (quote < end) {
        const r = this.quotedRecord(buf, pos, last);
        if (r === null) break;
        if ('error' in r) {
          out.push({ line: this.line, error: r.error });
          this.failed = true;
          this.buffer = '';
          return out;
        }
        out.push({ line: this.line, cells: r.cells });
        this.line += r.lines;
        pos = r.next;
        continue;
      }
      if (end === buf.length && !last) break;
      const after = this.recordEnd(buf, end, last);
      if (after === null) break;
      out.push({ line: this.line, cells: buf.slice(pos, end).split(',') });
      this.line += 1;
      pos = after;
    }
    this.buffer = buf.slice(pos);
    return out;
  }

  /** Where the next record starts after a line break at `end`; null: wait for more text. */
  private recordEnd(buf: string, end: number, last: boolean): number | null {
    if (buf.charCodeAt(end) !== CR) return end + 1;
    if (end + 1 === buf.length && !last) return null; // a CRLF cut between two chunks
    return buf.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
  }

  /** One record with quoted fields, from `pos`; null when it runs past the text so far. */
  private quotedRecord(buf: string, pos: number, last: boolean): Parsed {
    const cells: string[] = [];
    let lines = 1;
    let i = pos;
    for (;;) {
      let value = '';
      if (buf.charCodeAt(i) === QUOTE) {
        let j = i + 1;
        for (;;) {
          const q = buf.indexOf('"', j);
          if (q === -1 || (q + 1 === buf.length && !last)) {
            return last ? { error: 'a quoted field is not closed' } : null;
          }
          value += buf.slice(j, q);
          if (buf.charCodeAt(q + 1) !== QUOTE) {
            i = q + 1;
            break;
          }
          value += '"';
          j = q + 2;
        }
        lines += lineBreaks(value);
      } else {
        let j = i;
        while (j < buf.length) {
          const c = buf.charCodeAt(j);
          if (c === COMMA || c === LF || c === CR) break;
          j += 1;
        }
        value = buf.slice(i, j);
        i = j;
      }
      cells.push(value);
      if (i >= buf.length) return last ? { cells, next: i, lines } : null;
      const c = buf.charCodeAt(i);
      if (c === COMMA) {
        i += 1;
        continue;
      }
      if (c !== LF && c !== CR) return { error: 'a quote inside a field is not doubled' };
      const next = this.recordEnd(buf, i, last);
      return next === null ? null : { cells, next, lines };
    }
  }
}

/** CSV records of a UTF-8 text stream, a chunk's worth at a time. */
export async function* csvRecords(input: NodeJS.ReadableStream): AsyncGenerator<RawRecord[]> {
  input.setEncoding('utf8');
  const reader = new CsvReader();
  for await (const chunk of input) {
    const records = reader.feed(chunk as string, false);
    if (records.length > 0) yield records;
  }
  yield reader.feed('', true);
}

// ---- XLSX ----

type CellValue = ExcelJS.CellValue | undefined;

/** A cell as text: dates as YYYY-MM-DD, numbers in their shortest exact decimal form. */
export function cellText(v: CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  if ('richText' in v) return v.richText.map((t) => t.text).join('');
  if ('formula' in v || 'sharedFormula' in v) return cellText((v as { result?: CellValue }).result);
  if ('text' in v) return String(v.text);
  if ('error' in v) return String(v.error);
  return '';
}

/** The first worksheet's rows, with their sheet row numbers. */
export async function* xlsxRecords(input: NodeJS.ReadableStream): AsyncGenerator<RawRecord[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input as never, {
    sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit',
    entries: 'ignore',
  });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = row.values as CellValue[];
        // ExcelJS rows are 1-based: values[0] is always empty.
        yield [{ line: row.number, cells: Array.from(values.slice(1), cellText) }];
      }
      return;
    }
  } catch (e) {
    if (e instanceof Error && /zip|end of central directory|signature/i.test(e.message)) {
      yield [{ line: 1, error: `not a readable XLSX workbook: ${e.message}` }];
      return;
    }
    throw e;
  }
}
