// HTML text helpers for the inspector's report. Everything read from a chain (officer
// names, case numbers, free-text details) is untrusted and goes through esc().

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside an element or a quoted attribute. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** A coordinate or length with one decimal: fixed, so the same input gives the same bytes. */
export function px(n: number): string {
  const s = n.toFixed(1);
  return s === '-0.0' ? '0.0' : s;
}

/** A relative media path as an URL: each '/'-separated segment percent-encoded (spaces, '#', non-ASCII). */
export function mediaUrl(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
