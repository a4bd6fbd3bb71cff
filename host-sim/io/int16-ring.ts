// A bounded FIFO of 16-bit samples for the host audio classes: pushing into a full ring
// drops the oldest samples and counts them, as a DMA ring overwritten by a slow reader would.

export class Int16Ring {
  readonly capacity: number;
  /** Samples dropped because the ring was full. */
  lost = 0;
  readonly #data: Int16Array;
  #head = 0;
  #length = 0;

  constructor(capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError('ring capacity must be a positive integer');
    this.capacity = capacity;
    this.#data = new Int16Array(capacity);
  }

  get length(): number {
    return this.#length;
  }

  get free(): number {
    return this.capacity - this.#length;
  }

  push(samples: Int16Array): void {
    let src = samples;
    if (src.length > this.capacity) {
      this.lost += src.length - this.capacity;
      src = src.subarray(src.length - this.capacity);
    }
    const overflow = this.#length + src.length - this.capacity;
    if (overflow > 0) {
      this.#head = (this.#head + overflow) % this.capacity;
      this.#length -= overflow;
      this.lost += overflow;
    }
    const tail = (this.#head + this.#length) % this.capacity;
    const first = Math.min(src.length, this.capacity - tail);
    this.#data.set(src.subarray(0, first), tail);
    this.#data.set(src.subarray(first), 0);
    this.#length += src.length;
  }

  /** Moves the oldest out.length samples (at most length) into `out`; returns how many. */
  take(out: Int16Array): number {
    const n = Math.min(out.length, this.#length);
    const first = Math.min(n, this.capacity - this.#head);
    out.set(this.#data.subarray(this.#head, this.#head + first), 0);
    out.set(this.#data.subarray(0, n - first), first);
    this.#head = (this.#head + n) % this.capacity;
    this.#length -= n;
    return n;
  }

  clear(): void {
    this.#head = 0;
    this.#length = 0;
  }
}
