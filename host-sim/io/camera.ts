// The host's "embedded:io/image/in/camera": Moddable's ECMA-419 ImageIn over the simulated
// board's camera module. It follows Moddable's ESP32 camera (modules/io/imagein/camera):
// width×height must be an esp32-camera frame size, imageType "jpeg", three frame buffers
// with CAMERA_GRAB_LATEST, onReadable called with 0, stop() returning every frame.
//
// Host-only options: `frameInterval` (ms between sensor frames on the virtual clock; default
// 40, the OV2640's 25 fps at VGA) and `quality` (esp32-camera jpeg_quality, default 12 as
// Moddable's defines.camera.jpeg_quality). A module fault (the part throws) reaches onError
// and stops capture; a stalled module (the part returns no bytes) simply delivers no frames.
import { currentBoard } from '../board/current';
import type { CameraPart, SimBoard } from '../board/sim-board';
import type { TimerHandle } from '../time/scheduler';

/** esp32-camera's FRAMESIZE_* table (96×96 … 2560×1920): the only sizes the sensor can deliver. */
export const FRAME_SIZES: readonly (readonly [number, number])[] = [
  [96, 96], [160, 120], [128, 128], [176, 144], [240, 176], [240, 240], [320, 240], [320, 320],
  [400, 296], [480, 320], [640, 480], [800, 600], [1024, 768], [1280, 720], [1280, 1024],
  [1600, 1200], [1920, 1080], [720, 1280], [864, 1536], [2048, 1536], [2560, 1440], [2560, 1600],
  [1080, 1920], [2560, 1920],
];

/** esp32-camera's fb_count in Moddable's camera: three frame buffers in PSRAM. */
export const FRAME_BUFFERS = 3;

export type CameraFormat = 'buffer' | 'buffer/disposable';

export interface CameraOptions {
  width?: number;
  height?: number;
  imageType?: 'jpeg' | number;
  format?: CameraFormat;
  target?: unknown;
  onReadable?: (this: Camera, byteLength: number) => void;
  onError?: (this: Camera, error: Error) => void;
  frameInterval?: number;
  quality?: number;
}

/** A frame buffer: free, holding a captured frame not yet read, or lent to the script (disposable). */
type Slot = { state: 'free' } | { state: 'queued'; data: Uint8Array; sequence: number } | { state: 'held'; frame: ArrayBuffer };

export type DisposableFrame = ArrayBuffer & { close(): void };

export default class Camera {
  target: unknown;
  /** Host-only: sensor frames lost because all three buffers were held by the script. */
  droppedFrames = 0;
  readonly #board: SimBoard;
  readonly #part: CameraPart;
  readonly #width: number;
  readonly #height: number;
  readonly #interval: number;
  readonly #quality: number;
  readonly #onReadable: CameraOptions['onReadable'];
  readonly #onError: CameraOptions['onError'];
  #format: CameraFormat;
  #slots: Slot[] = Array.from({ length: FRAME_BUFFERS }, () => ({ state: 'free' }) as Slot);
  #timer: TimerHandle | undefined;
  #sensorFrame = 0;
  #sequence = 0;
  #closed = false;

  constructor(options: CameraOptions) {
    const width = options.width ?? 240;
    const height = options.height ?? 176;
    if (!FRAME_SIZES.some(([w, h]) => w === width && h === height)) throw new Error('unsupported dimensions');
    const imageType = options.imageType ?? 7;
    if (typeof imageType === 'string' && imageType !== 'jpeg') throw new Error('unknown imageType');
    // Moddable also delivers raw pixel formats; the simulated module only makes JPEG.
    if (imageType !== 'jpeg') throw new Error('host camera: only imageType "jpeg" is simulated');
    this.#board = currentBoard();
    const part = this.#board.camera;
    if (!part) throw new Error('no camera on the simulated board');
    this.#part = part;
    this.#width = width;
    this.#height = height;
    this.#format = checkFormat(options.format ?? 'buffer');
    this.#interval = options.frameInterval ?? this.#board.cameraFrameInterval ?? 40;
    if (!(this.#interval > 0)) throw new RangeError('frameInterval must be > 0');
    this.#quality = options.quality ?? this.#board.cameraJpegQuality ?? 12;
    this.#onReadable = options.onReadable;
    this.#onError = options.onError;
    this.target = options.target;
  }

  get width(): number {
    return this.#width;
  }
  get height(): number {
    return this.#height;
  }
  get imageType(): 'jpeg' {
    return 'jpeg';
  }
  get format(): CameraFormat {
    return this.#format;
  }
  set format(value: CameraFormat) {
    this.#check();
    this.#format = checkFormat(value);
  }

  start(): void {
    this.#check();
    if (!this.#timer) this.#timer = this.#board.scheduler.set(() => this.#capture(), this.#interval, this.#interval);
  }

  /** Stops capture; every frame still queued or held is returned (held ones are detached). */
  stop(): void {
    this.#check();
    this.#halt();
  }

  read(): ArrayBuffer | DisposableFrame | undefined {
    this.#check();
    // CAMERA_GRAB_LATEST: the newest frame; older unread ones go back to the driver.
    let newest = -1;
    this.#slots.forEach((s, i) => {
      if (s.state === 'queued' && (newest < 0 || s.sequence > (this.#slots[newest] as { sequence: number }).sequence)) newest = i;
    });
    if (newest < 0) return undefined;
    const slot = this.#slots[newest] as Extract<Slot, { state: 'queued' }>;
    this.#slots = this.#slots.map((s) => (s.state === 'queued' ? { state: 'free' } : s));
    const bytes = slot.data;
    const frame = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    if (this.#format === 'buffer') return frame;
    const held: Slot = { state: 'held', frame };
    this.#slots[newest] = held;
    Object.defineProperty(frame, 'close', {
      value: () => {
        if (this.#slots[newest] !== held) return;
        detach(frame);
        this.#slots[newest] = { state: 'free' };
      },
    });
    return frame as DisposableFrame;
  }

  close(): void {
    if (this.#closed) return;
    this.#halt();
    this.#closed = true;
  }

  #capture(): void {
    this.#sensorFrame++;
    let data: Uint8Array;
    try {
      data = this.#part.jpeg(this.#width, this.#height, this.#sensorFrame, this.#board.scheduler.now(), this.#quality);
    } catch (e) {
      this.#halt();
      this.#onError?.call(this, e instanceof Error ? e : new Error(String(e)));
      return;
    }
    if (data.byteLength === 0) return;
    let i = this.#slots.findIndex((s) => s.state === 'free');
    if (i < 0) {
      // Every buffer busy: overwrite the oldest unread frame, or lose this one if all are held.
      let oldest = -1;
      this.#slots.forEach((s, k) => {
        if (s.state === 'queued' && (oldest < 0 || s.sequence < (this.#slots[oldest] as { sequence: number }).sequence)) oldest = k;
      });
      if (oldest < 0) {
        this.droppedFrames++;
        return;
      }
      i = oldest;
    }
    this.#slots[i] = { state: 'queued', data, sequence: ++this.#sequence };
    this.#onReadable?.call(this, 0);
  }

  #halt(): void {
    this.#board.scheduler.clear(this.#timer);
    this.#timer = undefined;
    for (const s of this.#slots) if (s.state === 'held') detach(s.frame);
    this.#slots = this.#slots.map(() => ({ state: 'free' }));
  }

  #check(): void {
    if (this.#closed) throw new Error('closed');
  }
}

function checkFormat(format: string): CameraFormat {
  if (format !== 'buffer' && format !== 'buffer/disposable') throw new RangeError(`unsupported format ${JSON.stringify(format)}`);
  return format;
}

/** Detaches an ArrayBuffer, as Moddable does when a frame buffer goes back to the driver. */
function detach(buffer: ArrayBuffer): void {
  if (buffer.byteLength > 0) structuredClone(buffer, { transfer: [buffer] });
}
