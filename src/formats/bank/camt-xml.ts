/**
 * Reading ISO 20022 XML: the document as plain objects (fast-xml-parser, namespace prefixes
 * dropped, every value kept as a string), and small accessors that hide which elements repeat.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { malformed } from './common.ts';

/** A parsed element: a string for a bare text element, else an object of children. */
export type XmlNode = string | { [key: string]: XmlValue };
export type XmlValue = XmlNode | XmlNode[];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** Parses well-formed XML; refuses malformed XML with the line the parser stopped at. */
export function parseXml(text: string): Record<string, XmlValue> {
  // Bank messages never need a DTD; refusing one rules out entity-expansion attacks.
  const doctype = /<!DOCTYPE/i.exec(text);
  if (doctype) {
    const line = (text.slice(0, doctype.index).match(/\r\n|\r|\n/g) ?? []).length + 1;
    malformed('the XML declares a DOCTYPE, which bank messages do not use', { line });
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    malformed(`the XML is not well-formed: ${valid.err.msg}`, { line: valid.err.line });
  }
  return parser.parse(text) as Record<string, XmlValue>;
}

/** The value as a list: absent is [], one element is [it]. */
export function arr(v: XmlValue | undefined): XmlNode[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The child `key` of a node (the first one when it repeats). */
export function child(node: XmlValue | undefined, key: string): XmlValue | undefined {
  const n = arr(node)[0];
  if (n === undefined || typeof n === 'string') return undefined;
  return n[key];
}

/** Follows a path of child names: `get(ntry, 'BookgDt', 'Dt')`. */
export function get(node: XmlValue | undefined, ...path: string[]): XmlValue | undefined {
  let cur = node;
  for (const key of path) {
    cur = child(cur, key);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** All nodes named by the last step of `path`, across repetitions at every step. */
export function all(node: XmlValue | undefined, ...path: string[]): XmlNode[] {
  let cur: XmlNode[] = arr(node);
  for (const key of path) {
    cur = cur.flatMap((n) => (typeof n === 'string' ? [] : arr(n[key])));
  }
  return cur;
}

/** Text content of a node, trimmed; undefined when absent or empty. */
export function text(node: XmlValue | undefined): string | undefined {
  const n = arr(node)[0];
  if (n === undefined) return undefined;
  const t = typeof n === 'string' ? n : n['#text'];
  const s = typeof t === 'string' ? t.trim() : undefined;
  return s === '' ? undefined : s;
}

/** Text at a path: `textAt(ntry, 'Amt')`. */
export function textAt(node: XmlValue | undefined, ...path: string[]): string | undefined {
  return text(get(node, ...path));
}

/** An attribute of a node: `attr(amt, 'Ccy')`. */
export function attr(node: XmlValue | undefined, name: string): string | undefined {
  const n = arr(node)[0];
  if (n === undefined || typeof n === 'string') return undefined;
  const v = n[`@_${name}`];
  return typeof v === 'string' ? v.trim() : undefined;
}

/**
 * The 1-based line of each occurrence of element `name`, in document order, ignoring comments
 * and CDATA; used to point error messages and audit records at an entry.
 */
export function elementLines(xml: string, name: string): number[] {
  const blanked = xml.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g, (m) =>
    m.replace(/[^\r\n]/g, ' '),
  );
  const lines: number[] = [];
  const re = new RegExp(`<(?:[\\w.-]+:)?${name}[\\s>/]`, 'g');
  let line = 1;
  let last = 0;
  for (const m of blanked.matchAll(re)) {
    line += (blanked.slice(last, m.index).match(/\r\n|\r|\n/g) ?? []).length;
    last = m.index;
    lines.push(line);
  }
  return lines;
}
