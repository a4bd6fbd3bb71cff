// UTF-8 for the evidence format's strings. The device's XS build has no TextEncoder
// unless a module is added for it, and strings here are short (names, case numbers).

export function utf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // lone surrogate
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(out);
}

/** Strict decoder: invalid UTF-8 is a format error, not something to paper over in evidence. */
export function utf8Decode(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    let cp: number;
    let n: number;
    if (c < 0x80) {
      cp = c;
      n = 0;
    } else if (c >= 0xc2 && c < 0xe0) {
      cp = c & 31;
      n = 1;
    } else if (c >= 0xe0 && c < 0xf0) {
      cp = c & 15;
      n = 2;
    } else if (c >= 0xf0 && c < 0xf5) {
      cp = c & 7;
      n = 3;
    } else throw new RangeError("invalid UTF-8");
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) throw new RangeError("invalid UTF-8");
      cp = (cp << 6) | (d & 63);
    }
    if ((n === 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n === 3 && (cp < 0x10000 || cp > 0x10ffff)))
      throw new RangeError("invalid UTF-8");
    s += String.fromCodePoint(cp);
    i += n + 1;
  }
  return s;
}
