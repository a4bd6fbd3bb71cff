// SHA256SUMS in the format `sha256sum -c` reads: "<hex>  <path>", one file a line.
import { createHash } from 'node:crypto';

export function sha256Hex(...parts: readonly Uint8Array[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

export function sha256Sums(files: ReadonlyMap<string, string>): string {
  return [...files.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([path, hex]) => `${hex}  ${path}\n`)
    .join('');
}
