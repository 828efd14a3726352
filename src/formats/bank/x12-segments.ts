/**
 * X12 envelope reading: separators from the ISA header, then segments with their elements.
 * The ISA is fixed-width, so its 4th character is the element separator, the character after the
 * 16th element separator is the component separator (ISA16) and the next one the segment
 * terminator. A terminator that is a line break (Scana's 820 has no `~`) means one segment per
 * line. ISA11 is the repetition separator from version 00402 on (`U` before that).
 * Elements are trimmed: pretty-printed files carry spaces at either end (`REF*CM* WSO_144324_05`).
 */
import { malformed } from './common.ts';

export interface X12Separators {
  element: string;
  component: string;
  /** `undefined` when segments end at line breaks. */
  segment: string | undefined;
  repetition: string | undefined;
}

export interface X12Segment {
  id: string;
  /** Element 0 is the segment id, so `elements[2]` is e.g. BPR02. */
  elements: string[];
  /** 1-based ordinal of the segment in the file. */
  record: number;
  /** 1-based physical line where the segment starts. */
  line: number;
}

/** Finds the separators from the ISA header; refuses text that does not start with one. */
export function x12Separators(text: string): X12Separators {
  if (!text.startsWith('ISA')) malformed('an X12 interchange must begin with an ISA segment', {
    record: 1,
    line: 1,
  });
  const element = text.charAt(3);
  let count = 0;
  let i = 0;
  for (; i < text.length && count < 16; i++) if (text[i] === element) count += 1;
  if (count < 16 || i + 1 >= text.length) {
    malformed('the ISA segment is incomplete (fewer than 16 elements)', { record: 1, line: 1 });
  }
  const component = text.charAt(i);
  const terminator = text.charAt(i + 1);
  const isa = text.slice(0, i).split(element);
  const repetition = isa[11]?.trim() ?? '';
  return {
    element,
    component,
    segment: terminator === '\r' || terminator === '\n' ? undefined : terminator,
    repetition: /^[^A-Za-z0-9 ]$/.test(repetition) ? repetition : undefined,
  };
}

/** Splits `text` into segments with `sep`; every segment keeps the line it starts on. */
export function x12Segments(text: string, sep: X12Separators): X12Segment[] {
  const out: X12Segment[] = [];
  const pieces = sep.segment === undefined ? text.split(/\r\n|\r|\n/) : text.split(sep.segment);
  let line = 1;
  for (const piece of pieces) {
    const leading = /^\s*/.exec(piece)?.[0] ?? '';
    const startLine = line + countLineBreaks(leading);
    line += countLineBreaks(piece) + (sep.segment === undefined ? 1 : 0);
    const s = piece.trim();
    if (s === '') continue;
    const elements = s.split(sep.element).map((e) => e.trim());
    out.push({ id: elements[0] ?? '', elements, record: out.length + 1, line: startLine });
  }
  return out;
}

function countLineBreaks(s: string): number {
  return (s.match(/\r\n|\r|\n/g) ?? []).length;
}
