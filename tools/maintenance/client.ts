// The technician's side of the maintenance protocol (firmware/core/maintenance, docs/MAINTENANCE.md).
import { encodeFrame, FrameDecoder, FrameKind, MAX_PAYLOAD, decodeMessage, encodeMessage, type Message } from '../../firmware/core/maintenance/frame';
import type { Transport } from '../../host-sim/device/transport';
import { LinkError } from './link';

/** The device answered, and said no. */
export class DeviceRefusal extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** Commands that can be sent again safely when an answer is lost. */
const IDEMPOTENT = new Set(['status', 'list', 'read']);

export interface ClientOptions {
  /** How long to wait for an answer (ms of the transport's time). */
  timeoutMs?: number;
  /** Resends of an idempotent request whose answer did not come. */
  retries?: number;
}

export class MaintenanceClient {
  readonly #t: Transport;
  readonly #decoder = new FrameDecoder();
  readonly #timeoutMs: number;
  readonly #retries: number;
  #nextId = 1;
  /** Payload bytes received in answers (entry data and heads). */
  received = 0;

  constructor(transport: Transport, options: ClientOptions = {}) {
    this.#t = transport;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#retries = options.retries ?? 2;
  }

  /** Sends a request and returns the device's answer; throws DeviceRefusal when it refuses, LinkError when it does not answer. */
  async call(head: Record<string, unknown>, body?: Uint8Array): Promise<Message> {
    const cmd = String(head.cmd);
    const payload = encodeMessage({ head, body });
    if (payload.length > MAX_PAYLOAD) throw new RangeError(`${cmd}: request of ${payload.length} bytes exceeds the protocol's ${MAX_PAYLOAD}`);
    const attempts = IDEMPOTENT.has(cmd) ? 1 + this.#retries : 1;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const id = this.#nextId;
      this.#nextId = (this.#nextId % 0xffff) + 1;
      this.#t.write(encodeFrame({ kind: FrameKind.Request, id, payload }));
      const answer = await this.#await(id);
      if (!answer) continue;
      this.received += answer.length;
      const m = decodeMessage(answer);
      if (m.head.ok !== true) throw new DeviceRefusal(String(m.head.error ?? 'failed'), String(m.head.message ?? 'refused'));
      return m;
    }
    throw new LinkError(`${cmd}: no answer from the device`);
  }

  close(): void {
    this.#t.close();
  }

  /** Waits for the response with this id; answers to earlier (timed-out) requests are skipped. */
  async #await(id: number): Promise<Uint8Array | undefined> {
    const deadline = this.#t.now() + this.#timeoutMs;
    for (;;) {
      const left = deadline - this.#t.now();
      if (left <= 0) return undefined;
      const bytes = await this.#t.read(left);
      if (!bytes) return undefined;
      for (const f of this.#decoder.push(bytes)) if (f.kind === FrameKind.Response && f.id === id) return f.payload;
    }
  }
}
