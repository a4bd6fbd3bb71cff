// The card's write-behind queue as the native module has it (native/card): mutations wait in a
// bounded PSRAM buffer and a task of the card's own does them in order. Here the task runs in
// virtual time: an operation starts when the card is free and its turn comes, lasts what the
// card model says it took (its busy-time counter), and only when it has ended does its memory
// go back to the queue and, for a flush, the done count move. A card write stall therefore
// fills the queue while the firmware goes on taking frames, exactly as on the device.
//
// A caller that must read waits for the queue to drain (drain()): in the simulator the wait
// costs no virtual time (the JavaScript would block that long on the device; `waitedMs` says
// how long in all).

export interface QueuedOp {
  /** Does the operation on the card (littlefs over the card model); throws what the card throws. */
  run(): void;
  /** Queue bytes it holds until done (a write's data; metadata operations count a little). */
  bytes: number;
  /** A flush, close, move or other commit: done ones are counted in flushesDone. */
  commit: boolean;
}

interface InFlight {
  endsAt: number;
  bytes: number;
  commit: boolean;
}

export interface QueueClock {
  /** Virtual time now, ms. */
  now(): number;
  /** The card's busy time so far, ms (card model counter): what an operation took is its difference. */
  busyMs(): number;
}

export class WriteQueue {
  readonly capacity: number;
  used = 0;
  peak = 0;
  flushesQueued = 0;
  flushesDone = 0;
  /** Virtual ms callers would have blocked waiting for a drain. */
  waitedMs = 0;
  readonly #clock: QueueClock;
  readonly #ops: (QueuedOp & { at: number })[] = [];
  #inFlight: InFlight[] = [];
  /** When the card's task is free for the next operation. */
  #freeAt = 0;
  /** The error that stopped the queue (the card pulled out, power lost), rethrown to every caller... */
  failure: unknown;
  /** ...and the virtual time the operation that met it started (the caller may notice later). */
  failedAt: number | undefined;

  constructor(capacity: number, clock: QueueClock) {
    this.capacity = capacity;
    this.#clock = clock;
  }

  /** Queues an operation; false (nothing queued) when its bytes do not fit. */
  offer(op: QueuedOp): boolean {
    this.pump();
    if (this.used + op.bytes > this.capacity) return false;
    this.used += op.bytes;
    this.peak = Math.max(this.peak, this.used);
    if (op.commit) this.flushesQueued++;
    this.#ops.push({ ...op, at: this.#clock.now() });
    return true;
  }

  /** Runs the card's task up to the virtual time now. */
  pump(until = this.#clock.now()): void {
    if (this.failure !== undefined) return;
    for (;;) {
      this.#retire(until);
      const op = this.#ops[0];
      if (!op) return;
      const start = Math.max(this.#freeAt, op.at);
      if (start > until) return;
      this.#ops.shift();
      const before = this.#clock.busyMs();
      try {
        op.run();
      } catch (e) {
        this.fail(e, start);
        return;
      }
      this.#freeAt = start + (this.#clock.busyMs() - before);
      this.#inFlight.push({ endsAt: this.#freeAt, bytes: op.bytes, commit: op.commit });
    }
  }

  /** Waits until every queued operation is done; throws the failure that stopped the queue. */
  drain(): void {
    const now = this.#clock.now();
    this.pump(Number.POSITIVE_INFINITY);
    this.#retire(Number.POSITIVE_INFINITY);
    if (this.failure !== undefined) throw this.failure;
    if (this.#freeAt > now) {
      this.waitedMs += this.#freeAt - now;
      this.#freeAt = now;
    }
  }

  /** The card is gone: what was queued never reaches it. */
  fail(e: unknown, at = this.#clock.now()): void {
    if (this.failure === undefined) this.failedAt = at;
    this.failure ??= e;
    this.#ops.length = 0;
    this.#inFlight = [];
    this.used = 0;
  }

  #retire(until: number): void {
    while (this.#inFlight.length && this.#inFlight[0].endsAt <= until) {
      const f = this.#inFlight.shift()!;
      this.used -= f.bytes;
      if (f.commit) this.flushesDone++;
    }
  }
}
