// The tools' side of the byte links to a device's maintenance port: how a link fails, and
// the inbox a real port's bytes wait in. The Transport interface itself lives with the
// simulator's link, host-sim/device/transport.ts, below the tools.

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
