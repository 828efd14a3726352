import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new random secret (256 bits, base64url), optionally with a recognizable prefix. */
export function randomSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** What is stored instead of a session or API token: its SHA-256, hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Compares two strings in time that depends only on their lengths. */
export function equalSecrets(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
