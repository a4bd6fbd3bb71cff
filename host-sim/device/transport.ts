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
