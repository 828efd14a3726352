/**
 * BAI2 physical layout: turns the text into logical records, whatever the bank did with slashes
 * and newlines. Rules, in order, for each physical line:
 * 1. A line that starts with a record code and a comma (`16,`) starts a record. A code followed by
 *    `:` or `;` (`88:EREF: ...`, seen in moov sample5) is read as that record and reported.
 * 2. Inside a line, `/` followed by optional spaces and another record code and comma ends one
 *    record and starts the next (several records on one line, moov sample3). Any other `/` is
 *    data: references and text may contain slashes (`AB/GS/RP0001`, `22/03/66`).
 * 3. A line that does not start with a record code continues the previous 16 or 88 record when
 *    that record has no `/` terminator (text broken across a newline): it is joined with a space.
 * 4. Anything else is refused.
 */
import { malformed, splitLines } from './common.ts';

export const BAI2_RECORD_CODES: ReadonlySet<string> = new Set([
  '01',
  '02',
  '03',
  '16',
  '49',
  '88',
  '98',
  '99',
]);

/** One record as written: code, the rest of the record after `NN,`, and where it starts. */
export interface RawRecord {
  code: string;
  body: string;
  record: number;
  line: number;
}

/** A record with its 88 continuation records. */
export interface LogicalRecord extends RawRecord {
  continuations: RawRecord[];
  /** Records this one occupies in trailer counts: itself plus its continuations. */
  recordCount: number;
}

export interface Repair {
  line: number;
  record: number;
  message: string;
}

const START = /^(\d\d)([,:;])/;
const EMBEDDED_START = /\/\s*(?=(?:01|02|03|16|49|88|98|99),)/g;

/** Splits one line at every `/` that is followed by the start of another record. */
function splitEmbedded(s: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  for (const m of s.matchAll(EMBEDDED_START)) {
    pieces.push(s.slice(start, m.index + 1));
    start = m.index + m[0].length;
  }
  pieces.push(s.slice(start));
  return pieces;
}

/** True when the record's last non-blank character is the `/` terminator. */
export function isTerminated(body: string): boolean {
  return body.trimEnd().endsWith('/');
}

/** Splits BAI2 text into records (rules in the module comment). */
export function splitBai2Records(text: string, repairs: Repair[] = []): RawRecord[] {
  const out: RawRecord[] = [];
  for (const { text: raw, line } of splitLines(text)) {
    const s = raw.trim();
    if (s === '') continue;
    const m = START.exec(s);
    let pieces: string[];
    if (m && BAI2_RECORD_CODES.has(m[1] ?? '')) {
      if (m[2] !== ',') {
        repairs.push({
          line,
          record: out.length + 1,
          message: `record code ${m[1]} is followed by '${m[2]}' instead of ','; read as a comma`,
        });
      }
      pieces = splitEmbedded(`${m[1]},${s.slice(3)}`);
    } else {
      const prev = out.at(-1);
      if (prev && (prev.code === '16' || prev.code === '88') && !isTerminated(prev.body)) {
        const [first = '', ...more] = splitEmbedded(s);
        prev.body = `${prev.body} ${first}`;
        pieces = more;
      } else if (m) {
        malformed(`unknown record code '${m[1]}' (BAI2 codes are 01, 02, 03, 16, 49, 88, 98, 99)`, {
          record: out.length + 1,
          line,
        });
      } else {
        malformed(`'${s.slice(0, 30)}' is not a BAI2 record and continues no text record`, {
          record: out.length + 1,
          line,
        });
      }
    }
    for (const piece of pieces) {
      out.push({ code: piece.slice(0, 2), body: piece.slice(3), record: out.length + 1, line });
    }
  }
  return out;
}

/** Attaches each 88 continuation to the record it continues. */
export function groupContinuations(records: RawRecord[]): LogicalRecord[] {
  const out: LogicalRecord[] = [];
  for (const r of records) {
    const prev = out.at(-1);
    if (r.code === '88') {
      if (!prev) malformed('a file cannot begin with an 88 continuation', r);
      prev.continuations.push(r);
      prev.recordCount += 1;
    } else {
      out.push({ ...r, continuations: [], recordCount: 1 });
    }
  }
  return out;
}

/** The record's content without its trailing `/` terminator. */
export function stripTerminator(body: string): string {
  const s = body.trimEnd();
  return s.endsWith('/') ? s.slice(0, -1) : s;
}

/** Comma-separated fields of a record and all its continuations, trimmed. */
export function allFields(r: LogicalRecord): string[] {
  return [r, ...r.continuations].flatMap((x) =>
    stripTerminator(x.body)
      .split(',')
      .map((f) => f.trim()),
  );
}

/** Reads comma-separated fields one at a time; `rest()` returns the remaining text as is. */
export class FieldCursor {
  private pos = 0;
  constructor(private readonly s: string) {}

  next(): string | undefined {
    if (this.pos > this.s.length) return undefined;
    const i = this.s.indexOf(',', this.pos);
    const end = i < 0 ? this.s.length : i;
    const v = this.s.slice(this.pos, end);
    this.pos = end + 1;
    return v.trim();
  }

  rest(): string | undefined {
    if (this.pos > this.s.length) return undefined;
    const v = this.s.slice(this.pos);
    this.pos = this.s.length + 1;
    return v;
  }
}
