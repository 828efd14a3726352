// The kinds of file ARC keeps on open items, recognised by their first bytes ("magic numbers"),
// never by a name or a declared type: a PDF, or a PNG, JPEG or TIFF image (scans and photos of
// a proof of delivery or a signed bill of lading). Pure: bytes in, a type out.

export const ALLOWED_FILE_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'image/tiff'] as
  const;
export type AllowedFileType = (typeof ALLOWED_FILE_TYPES)[number];

const SIGNATURES: readonly { type: AllowedFileType; bytes: readonly number[] }[] = [
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/tiff', bytes: [0x49, 0x49, 0x2a, 0x00] }, // II*. little-endian
  { type: 'image/tiff', bytes: [0x4d, 0x4d, 0x00, 0x2a] }, // MM.* big-endian
];

/** The file's type from its first bytes, or null when it is none of ALLOWED_FILE_TYPES. */
export function detectFileType(content: Uint8Array): AllowedFileType | null {
  for (const s of SIGNATURES) {
    if (content.length >= s.bytes.length && s.bytes.every((b, i) => content[i] === b)) {
      return s.type;
    }
  }
  return null;
}

/** Declared types that say nothing about the content; any detected type goes with them. */
const GENERIC_TYPES = new Set(['application/octet-stream', 'binary/octet-stream', '']);

/** Declared types browsers and scanners use for the allowed ones. */
const ALIASES: Readonly<Record<string, AllowedFileType>> = {
  'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg', 'image/tif': 'image/tiff',
  'application/x-pdf': 'application/pdf',
};

/**
 * Whether a declared Content-Type agrees with the detected one: equal (ignoring parameters and
 * case, and common aliases), or generic (application/octet-stream).
 * @example declaredTypeMatches('image/jpg', 'image/jpeg') // true
 */
export function declaredTypeMatches(declared: string, detected: AllowedFileType): boolean {
  const bare = declared.split(';')[0]!.trim().toLowerCase();
  return GENERIC_TYPES.has(bare) || bare === detected || ALIASES[bare] === detected;
}

const EXTENSIONS: Readonly<Record<AllowedFileType, string>> = {
  'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg', 'image/tiff': 'tif',
};

export function extensionOf(type: AllowedFileType): string {
  return EXTENSIONS[type];
}

/**
 * The file name to keep: the last path segment (a browser or a scanner may send a whole path),
 * trimmed; null when nothing printable is left, it is too long, or it holds control characters.
 * @example cleanFileName('C:\\scans\\pod 1001.pdf') // 'pod 1001.pdf'
 */
export function cleanFileName(name: string): string | null {
  const last = name.split(/[\\/]/).at(-1)!.trim();
  if (last === '' || last === '.' || last === '..' || /[\u0000-\u001f\u007f]/.test(last)) {
    return null;
  }
  return last.length <= 255 ? last : null;
}
