// The far end of the device's maintenance port: the technician's computer on the cable.
// Bytes to the device are paced at the line's rate in virtual time (a UART receive FIFO
// overflows when fed faster than its interrupt is served, as on the device); bytes from
// the device arrive as its Serial puts them on the wire.
import type { SerialPart } from '../board/sim-board';
import type { Scheduler, TimerHandle } from '../time/scheduler';

export interface MaintenanceLinkOptions {
  scheduler: Scheduler;
  /** Bytes the host puts on the line per ms: below the device's 96-byte FIFO threshold per tick. */
  bytesPerMs?: number;
}

export class MaintenanceLink implements SerialPart {
  toDevice: ((data: Uint8Array) => void) | undefined;
  /** Called with each write the device completes. */
  onData: ((data: Uint8Array) => void) | undefined;
  /** The device's port is open (its firmware is running). */
  open = false;
  /** Bytes carried each way. */
  sent = 0;
  received = 0;
  readonly #scheduler: Scheduler;
  readonly #rate: number;
  #outbox: Uint8Array[] = [];
  #pump: TimerHandle | undefined;

  constructor(options: MaintenanceLinkOptions) {
    this.#scheduler = options.scheduler;
    this.#rate = options.bytesPerMs ?? 24;
  }

  fromDevice(data: Uint8Array): void {
    this.received += data.length;
    this.onData?.(data);
  }

  connected(open: boolean): void {
    this.open = open;
    if (!open) this.reset();
  }

  /** The device lost power or closed its port: what was on the wire is gone. */
  reset(): void {
    this.open = false;
    this.#outbox = [];
    this.#scheduler.clear(this.#pump);
    this.#pump = undefined;
  }

  /** Queues bytes for the device; they go out at the line's rate. */
  send(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#outbox.push(bytes.slice());
    if (!this.#pump) this.#pump = this.#scheduler.set(() => this.#tick(), 0);
  }

  /** Bytes still waiting to go out. */
  get backlog(): number {
    let n = 0;
    for (const b of this.#outbox) n += b.length;
    return n;
  }

  #tick(): void {
    this.#pump = undefined;
    let budget = this.#rate;
    const parts: Uint8Array[] = [];
    while (budget > 0 && this.#outbox.length > 0) {
      const head = this.#outbox[0];
      const n = Math.min(budget, head.length);
      parts.push(head.subarray(0, n));
      budget -= n;
      if (n === head.length) this.#outbox.shift();
      else this.#outbox[0] = head.subarray(n);
    }
    const chunk = new Uint8Array(this.#rate - budget);
    let at = 0;
    for (const p of parts) {
      chunk.set(p, at);
      at += p.length;
    }
    this.sent += chunk.length;
    this.toDevice?.(chunk);
    if (this.#outbox.length > 0) this.#pump = this.#scheduler.set(() => this.#tick(), 1);
  }
}
