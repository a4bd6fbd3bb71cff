// Video capture: JPEG frames from the camera at a requested rate. The sensor runs at its own
// pace (25 fps at VGA on an OV2640); frames beyond the requested rate go straight back to the
// driver, so the three frame buffers never run out. Each kept frame gets a number and the
// tick it was read, and is handed over without copying.
import Camera from "embedded:io/image/in/camera";
import type { DisposableFrame } from "embedded:io/image/in/camera";
import Time from "time";
import Timer from "timer";

export interface CapturedFrame {
  /** 0, 1, 2… in the order this capture kept them. */
  number: number;
  /** Time.ticks when the frame was read. */
  ticks: number;
  /** The JPEG. Valid only during onFrame: its frame buffer goes back to the driver afterwards. */
  jpeg: ArrayBuffer;
}

export interface CameraCaptureOptions {
  /** An esp32-camera frame size, e.g. 640×480 (the camera throws "unsupported dimensions" otherwise). */
  width: number;
  height: number;
  /** Frames per second to keep. */
  rate: number;
  onFrame(frame: CapturedFrame): void;
  /** The camera failed or stopped delivering frames; capture has stopped. */
  onFault(reason: string): void;
  /** No frame for this long (ms) is a fault. Default: 1 s or five frame intervals, whichever is longer. */
  stallTimeout?: number;
}

export class CameraCapture {
  readonly #camera: Camera;
  readonly #interval: number;
  readonly #stallTimeout: number;
  readonly #onFrame: CameraCaptureOptions["onFrame"];
  readonly #onFault: CameraCaptureOptions["onFault"];
  #watchdog: ReturnType<typeof Timer.set> | undefined;
  #startTicks = 0;
  /** When the next frame is due, in ms after start (fractional: 1000 / rate need not be whole). */
  #due = 0;
  #lastFrameTicks = 0;
  #running = false;
  #kept = 0;
  #skipped = 0;

  constructor(options: CameraCaptureOptions) {
    if (!(options.rate > 0)) throw new RangeError("rate must be > 0");
    this.#interval = 1000 / options.rate;
    this.#stallTimeout = options.stallTimeout ?? Math.max(1000, 5 * this.#interval);
    this.#onFrame = options.onFrame;
    this.#onFault = options.onFault;
    const capture = this;
    this.#camera = new Camera({
      width: options.width,
      height: options.height,
      imageType: "jpeg",
      format: "buffer/disposable",
      onReadable() {
        capture.#readable();
      },
      onError(error) {
        capture.#fault("camera error: " + (error?.message ?? "unknown"));
      },
    });
  }

  /** Frames kept and frames returned unused (over the requested rate) since construction. */
  get kept(): number {
    return this.#kept;
  }
  get skipped(): number {
    return this.#skipped;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#startTicks = this.#lastFrameTicks = Time.ticks;
    this.#due = 0;
    this.#camera.start();
    this.#watchdog = Timer.repeat(() => {
      if (Time.delta(this.#lastFrameTicks) >= this.#stallTimeout) this.#fault("camera stalled: no frame for " + this.#stallTimeout + " ms");
    }, Math.max(10, this.#stallTimeout >> 2));
  }

  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    Timer.clear(this.#watchdog);
    this.#watchdog = undefined;
    this.#camera.stop();
  }

  close(): void {
    this.stop();
    this.#camera.close();
  }

  #readable(): void {
    const frame = this.#camera.read() as DisposableFrame | undefined;
    if (!frame) return;
    const ticks = Time.ticks;
    this.#lastFrameTicks = ticks;
    const elapsed = Time.delta(this.#startTicks, ticks);
    if (!this.#running || elapsed < this.#due) {
      frame.close();
      this.#skipped++;
      return;
    }
    // Keep the long-run rate exact; after a gap longer than an interval, restart the pace
    // rather than emit a burst.
    this.#due += this.#interval;
    if (elapsed >= this.#due) this.#due = elapsed + this.#interval;
    try {
      this.#onFrame({ number: this.#kept++, ticks, jpeg: frame });
    } finally {
      frame.close();
    }
  }

  #fault(reason: string): void {
    if (!this.#running) return;
    this.stop();
    this.#onFault(reason);
  }
}
