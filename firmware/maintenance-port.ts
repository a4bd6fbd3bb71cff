// The maintenance port on the wire: bytes from the Serial go through the frame decoder to
// the service, answers go back as fast as the transmit FIFO takes them. Nothing here
// blocks: reads happen when the port says bytes are there, writes when it says there is room.
import Serial from "embedded:io/serial";
import { encodeFrame, FrameDecoder, type Frame } from "./core/maintenance/frame";
import type { MaintenanceService } from "./core/maintenance/service";

/** A frame left incomplete this long after its last byte is given up (the line is resynchronised). */
export const INTER_BYTE_TIMEOUT_MS = 500;
/** Answers waiting to be sent beyond this are dropped: a host that never reads cannot exhaust memory. */
const MAX_QUEUED_BYTES = 64 * 1024;

export interface MaintenancePortOptions {
  service: MaintenanceService;
  port: number;
  receive: number;
  transmit: number;
  baud: number;
  mono(): number;
}

export class MaintenancePort {
  readonly #o: MaintenancePortOptions;
  readonly #serial: Serial;
  readonly #decoder = new FrameDecoder();
  readonly #queue: Uint8Array[] = [];
  #queued = 0;
  #sentOfHead = 0;
  #free = 0;
  #lastByteAt = 0;
  /** Answers dropped because the host did not read them. */
  dropped = 0;

  constructor(options: MaintenancePortOptions) {
    this.#o = options;
    const self = this;
    this.#serial = new Serial({
      port: options.port,
      receive: options.receive,
      transmit: options.transmit,
      baud: options.baud,
      format: "buffer",
      onReadable() {
        self.#readable();
      },
      onWritable(bytes: number) {
        self.#free = bytes;
        self.#drain();
      },
    });
  }

  /** Bytes skipped while resynchronising. */
  get skipped(): number {
    return this.#decoder.skipped;
  }

  /** Periodic: gives up on a frame the line stopped sending. */
  tick(): void {
    if (this.#decoder.pending > 0 && this.#o.mono() - this.#lastByteAt >= INTER_BYTE_TIMEOUT_MS) this.#answer(this.#decoder.timeout());
  }

  close(): void {
    this.#serial.close();
  }

  #readable(): void {
    for (;;) {
      const got = this.#serial.read() as ArrayBuffer | undefined;
      if (!got || got.byteLength === 0) break;
      this.#lastByteAt = this.#o.mono();
      this.#answer(this.#decoder.push(new Uint8Array(got)));
    }
  }

  #answer(frames: Frame[]): void {
    for (const f of frames) {
      const bytes = encodeFrame(this.#o.service.handle(f));
      if (this.#queued + bytes.length > MAX_QUEUED_BYTES) {
        this.dropped++;
        continue;
      }
      this.#queue.push(bytes);
      this.#queued += bytes.length;
    }
    this.#drain();
  }

  #drain(): void {
    while (this.#queue.length > 0 && this.#free > 0) {
      const head = this.#queue[0];
      const n = Math.min(this.#free, head.length - this.#sentOfHead);
      this.#serial.write(head.subarray(this.#sentOfHead, this.#sentOfHead + n));
      this.#free -= n;
      this.#sentOfHead += n;
      this.#queued -= n;
      if (this.#sentOfHead === head.length) {
        this.#queue.shift();
        this.#sentOfHead = 0;
      }
    }
  }
}
