// Passwords hashed with scrypt (memory-hard, node:crypto). The stored form records its
// parameters and salt, so they can be raised later without breaking older hashes:
//   scrypt$N$r$p$salt-hex$hash-hex
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** N = 2^15, r = 8: 32 MiB of memory per guess. */
export const SCRYPT = { N: 1 << 15, r: 8, p: 1, keyLength: 32 } as const;

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Buffer {
  return scryptSync(password.normalize('NFC'), salt, keyLength, { N, r, p, maxmem: 256 * N * r + (1 << 20) });
}

export function hashPassword(password: string, params: { N: number; r: number; p: number } = SCRYPT): string {
  const salt = randomBytes(16);
  const hash = derive(password, salt, params.N, params.r, params.p, SCRYPT.keyLength);
  return ['scrypt', params.N, params.r, params.p, salt.toString('hex'), hash.toString('hex')].join('$');
}

export function checkPassword(password: string, stored: string): boolean {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'hex');
  const want = Buffer.from(parts[5], 'hex');
  if (!Number.isSafeInteger(N) || !Number.isSafeInteger(r) || !Number.isSafeInteger(p) || want.length === 0) return false;
  return timingSafeEqual(derive(password, salt, N, r, p, want.length), want);
}
