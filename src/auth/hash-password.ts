import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// Passwords are hashed with scrypt, a memory-hard function: each guess costs 128 * N * r bytes of
// memory (32 MiB here), which makes GPU and ASIC guessing expensive. Every hash carries its own
// random salt and its parameters, so they can be raised later without breaking stored hashes:
//   scrypt$<N>$<r>$<p>$<salt, base64>$<key, base64>

export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Refuse stored parameters beyond these: a tampered hash must not exhaust memory. */
const N_MAX = 2 ** 20;
const R_MAX = 32;
const P_MAX = 16;

function deriveKey(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = {
    N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    // NFKC: the same password typed on another keyboard or OS hashes the same.
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (e, key) =>
      e ? reject(e) : resolve(key));
  });
}

interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** Hashes a password with a fresh salt; the result is what `users.password_hash` stores. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, SCRYPT_PARAMS);
  const { N, r, p } = SCRYPT_PARAMS;
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** True when `password` matches `stored`; false for a wrong password or an unreadable hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const valid = Number.isSafeInteger(N) && N > 1 && N <= N_MAX && (N & (N - 1)) === 0
    && Number.isSafeInteger(r) && r >= 1 && r <= R_MAX
    && Number.isSafeInteger(p) && p >= 1 && p <= P_MAX;
  if (!valid) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length !== KEY_BYTES) return false;
  const key = await deriveKey(password, salt, { N, r, p });
  return timingSafeEqual(key, expected);
}

let decoy: Promise<string> | undefined;

/**
 * A hash of nothing anyone knows, to verify against when the user does not exist: a sign-in for
 * an unknown name takes as long as one with a wrong password, so timing reveals no usernames.
 */
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(32).toString('base64'));
  return decoy;
}
