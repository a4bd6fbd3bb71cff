// The pre-event buffer: while on standby the device keeps the last N seconds of media in
// RAM (PSRAM on the device), so a recording opens with what happened just before the
// officer pressed record. Bounded by time and by bytes: memory never grows with idle time.

export type BufferedMedia =
  | { kind: "frame"; at: number; frame: number; width: number; height: number; image: Uint8Array }
  | { kind: "audio"; at: number; firstSample: number; sampleRate: number; samples: Uint8Array }
  | { kind: "fix"; at: number; fix: GnssFix };

export interface GnssFix {
  latitude: number;
  longitude: number;
  altitude: number;
  speed: number;
  heading: number;
  satellites: number;
  hdop: number;
  quality: number;
  utc: number;
}

function sizeOf(m: BufferedMedia): number {
  return m.kind === "frame" ? m.image.length : m.kind === "audio" ? m.samples.length : 64;
}

export class PreEventBuffer {
  readonly windowMs: number;
  readonly maxBytes: number;
  #items: BufferedMedia[] = [];
  #head = 0;
  #bytes = 0;

  constructor(windowMs: number, maxBytes: number) {
    if (!(windowMs >= 0 && windowMs <= 120_000)) throw new RangeError("pre-event window must be 0-120 s");
    this.windowMs = windowMs;
    this.maxBytes = maxBytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(m: BufferedMedia, now: number): void {
    if (this.windowMs === 0) return;
    this.#items.push(m);
    this.#bytes += sizeOf(m);
    this.#trim(now);
  }

  /** Everything still inside the window, oldest first; the buffer is left empty. */
  drain(now: number): BufferedMedia[] {
    this.#trim(now);
    const out = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
    return out;
  }

  #trim(now: number): void {
    while (this.#head < this.#items.length) {
      const m = this.#items[this.#head];
      if (m.at >= now - this.windowMs && this.#bytes <= this.maxBytes) break;
      this.#bytes -= sizeOf(m);
      this.#head++;
    }
    // Compact now and then so the array does not grow without bound.
    if (this.#head > 64 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
