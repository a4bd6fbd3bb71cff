// RIFF building blocks shared by the AVI and WAV writers: little-endian fields and chunks.
// A file is a list of byte parts written in order, so media payloads are never copied.

export type Parts = Uint8Array[];

/** A four-character code as 4 ASCII bytes. */
export function fourcc(code: string): Uint8Array {
  if (code.length !== 4) throw new RangeError(`fourcc ${JSON.stringify(code)} is not 4 characters`);
  return Uint8Array.from(code, (c) => c.charCodeAt(0));
}

/** A little-endian field writer for fixed-layout headers. */
export class LeWriter {
  readonly bytes: Uint8Array;
  readonly #view: DataView;
  #at = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.#view = new DataView(this.bytes.buffer);
  }
  u16(v: number): this {
    this.#view.setUint16(this.#at, v, true);
    this.#at += 2;
    return this;
  }
  u32(v: number): this {
    this.#view.setUint32(this.#at, v >>> 0, true);
    this.#at += 4;
    return this;
  }
  i16(v: number): this {
    this.#view.setInt16(this.#at, v, true);
    this.#at += 2;
    return this;
  }
  code(c: string): this {
    this.bytes.set(fourcc(c), this.#at);
    this.#at += 4;
    return this;
  }
  /** Asserts the layout was filled exactly. */
  done(): Uint8Array {
    if (this.#at !== this.bytes.length) throw new Error(`header layout: wrote ${this.#at} of ${this.bytes.length} bytes`);
    return this.bytes;
  }
}

export function partsLength(parts: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of parts) n += p.length;
  return n;
}

const PAD = new Uint8Array(1);

/** A chunk: id, size, the data, and a pad byte when the size is odd (RIFF words are 16-bit aligned). */
export function chunk(id: string, data: readonly Uint8Array[]): Parts {
  const size = partsLength(data);
  const head = new LeWriter(8).code(id).u32(size).done();
  return size % 2 ? [head, ...data, PAD] : [head, ...data];
}

/** A LIST (or RIFF, with id "RIFF") of the given form type around its children. */
export function list(form: string, children: readonly Uint8Array[], id = 'LIST'): Parts {
  return chunk(id, [fourcc(form), ...children]);
}
