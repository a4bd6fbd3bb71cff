// The technician's cable to a simulated device, in-process: bytes go through the device's
// maintenance link model, and waiting for an answer runs the device's virtual time, so a
// tool's conversation takes the time it would on the wire.
import type { Transport } from './transport';
import type { SimDevice } from './sim-device';

export class SimTransport implements Transport {
  readonly #dev: SimDevice;
  readonly #inbox: Uint8Array[] = [];
  /** Virtual ms run per step while waiting. */
  readonly #stepMs: number;
  /** Cut the cable after this many bytes from the device (tests of broken offloads). */
  cutAfterBytes: number | undefined;
  #fromDevice = 0;
  #cut = false;

  constructor(dev: SimDevice, stepMs = 2) {
    this.#dev = dev;
    this.#stepMs = stepMs;
    dev.maintenance.onData = (d) => {
      if (this.#cut) return;
      this.#fromDevice += d.length;
      if (this.cutAfterBytes !== undefined && this.#fromDevice > this.cutAfterBytes) {
        this.#cut = true;
        return;
      }
      this.#inbox.push(d.slice());
    };
  }

  now(): number {
    return this.#dev.scheduler.now();
  }

  write(bytes: Uint8Array): void {
    if (!this.#cut) this.#dev.maintenance.send(bytes);
  }

  async read(timeoutMs: number): Promise<Uint8Array | undefined> {
    const end = this.now() + timeoutMs;
    while (this.#inbox.length === 0 && this.now() < end) this.#dev.runUntil(Math.min(end, this.now() + this.#stepMs));
    if (this.#inbox.length === 0) return undefined;
    const n = this.#inbox.reduce((a, c) => a + c.length, 0);
    const out = new Uint8Array(n);
    let at = 0;
    for (const c of this.#inbox.splice(0)) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  close(): void {
    this.#dev.maintenance.onData = undefined;
  }
}
