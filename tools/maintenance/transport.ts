// A byte link to a device's maintenance port: a serial device (the real camera's USB-CDC),
// a local socket (`quancheng sim --serve`), or the simulator in-process (tests, benchmarks).
export interface Transport {
  /** The transport's clock in ms (wall time; virtual time for the in-process simulator). */
  now(): number;
  write(bytes: Uint8Array): void;
  /** Bytes received so far, waiting at most `timeoutMs` for the first; undefined on timeout. */
  read(timeoutMs: number): Promise<Uint8Array | undefined>;
  close(): void;
}

/** The link failed: no answer in time, or the other end went away. */
export class LinkError extends Error {}

/** Collects bytes from a stream-like source for a Transport's read(). */
export class Inbox {
  #chunks: Uint8Array[] = [];
  #waiter: (() => void) | undefined;
  #closed: string | undefined;

  push(bytes: Uint8Array): void {
    this.#chunks.push(bytes);
    this.#wake();
  }

  close(reason: string): void {
    this.#closed = reason;
    this.#wake();
  }

  take(): Uint8Array | undefined {
    if (this.#chunks.length === 0) {
      if (this.#closed) throw new LinkError(this.#closed);
      return undefined;
    }
    const n = this.#chunks.reduce((a, c) => a + c.length, 0);
    const out = new Uint8Array(n);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.#chunks = [];
    return out;
  }

  /** Waits (real time) until bytes arrive, the source closes, or the timeout. */
  async wait(timeoutMs: number): Promise<Uint8Array | undefined> {
    const now = this.take();
    if (now) return now;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        resolve();
      }, timeoutMs);
      this.#waiter = () => {
        clearTimeout(timer);
        this.#waiter = undefined;
        resolve();
      };
    });
    return this.take();
  }

  #wake(): void {
    this.#waiter?.();
  }
}
