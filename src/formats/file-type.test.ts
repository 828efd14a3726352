import { describe, expect, it } from 'vitest';
import { cleanFileName, declaredTypeMatches, detectFileType } from './file-type.ts';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('detectFileType', () => {
  it.each([
    ['a PDF', Buffer.from('%PDF-1.7\n%âãÏÓ'), 'application/pdf'],
    ['a PNG', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13), 'image/png'],
    ['a JPEG (JFIF)', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 16), 'image/jpeg'],
    ['a JPEG (Exif)', bytes(0xff, 0xd8, 0xff, 0xe1, 0, 16), 'image/jpeg'],
    ['a little-endian TIFF', bytes(0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0), 'image/tiff'],
    ['a big-endian TIFF', bytes(0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8), 'image/tiff'],
    ['a PDF cut short', Buffer.from('%PDF'), null],
    ['an empty file', bytes(), null],
    ['text claiming to be a PDF', Buffer.from('not a PDF at all'), null],
    ['a GIF', Buffer.from('GIF89a'), null],
    ['a ZIP (an XLSX)', bytes(0x50, 0x4b, 0x03, 0x04), null],
    ['HTML', Buffer.from('<!doctype html><script>'), null],
  ])('%s', (_, content, type) => {
    expect(detectFileType(content)).toBe(type);
  });
});

describe('declaredTypeMatches', () => {
  it.each([
    ['application/pdf', 'application/pdf', true],
    ['Application/PDF; name=x.pdf', 'application/pdf', true],
    ['application/octet-stream', 'image/png', true],
    ['', 'image/png', true],
    ['image/jpg', 'image/jpeg', true],
    ['image/png', 'image/jpeg', false],
    ['text/plain', 'application/pdf', false],
  ] as const)('%s for %s: %s', (declared, detected, expected) => {
    expect(declaredTypeMatches(declared, detected)).toBe(expected);
  });
});

describe('cleanFileName', () => {
  it.each([
    ['pod-1001.pdf', 'pod-1001.pdf'],
    ['  BOL 77.tif ', 'BOL 77.tif'],
    ['C:\\scans\\pod 1001.pdf', 'pod 1001.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['folder/', null],
    ['..', null],
    ['bad\nname.pdf', null],
    ['x'.repeat(256), null],
    ['Übergabe-Nachweis.pdf', 'Übergabe-Nachweis.pdf'],
  ])('%j -> %j', (name, expected) => {
    expect(cleanFileName(name)).toBe(expected);
  });
});
