// Moddable's camera (modules/io/imagein/camera, esp32/camera.js over esp32-camera): the
// ECMA-419 ImageIn class under Moddable's specifier. @moddable/typings has no declaration
// for it; this one follows the SDK source (v8.2.x).
declare module "embedded:io/image/in/camera" {
  /** A frame handed out under format "buffer/disposable": return its frame buffer with close(). */
  export interface DisposableFrame extends ArrayBuffer {
    close(): void;
  }

  export type CameraFormat = "buffer" | "buffer/disposable";

  export interface CameraOptions {
    /** Must match an esp32-camera FRAMESIZE exactly (96×96 … 2560×1920), else the constructor throws "unsupported dimensions". Default 240×176. */
    width?: number;
    height?: number;
    /** "jpeg" selects the sensor's hardware JPEG; numbers are Display pixel formats (7 RGB565LE, the default; 8 RGB565BE; 20 YUV422). */
    imageType?: "jpeg" | number;
    format?: CameraFormat;
    target?: any;
    /** Called (with 0 on Moddable) when a frame can be read. */
    onReadable?: (this: Camera, byteLength: number) => void;
    /** The IO pattern's fault callback. Moddable's ESP32 camera does not read it (capture code must also watch for stalls); the host simulator calls it on a module fault. */
    onError?: (this: Camera, error?: Error) => void;
  }

  class Camera {
    constructor(options: CameraOptions);
    /** The newest captured frame, or undefined when none is waiting. */
    read(): ArrayBuffer | DisposableFrame | undefined;
    start(): void;
    /** Stops capture; detaches and returns every frame still held. */
    stop(): void;
    close(): void;
    readonly width: number;
    readonly height: number;
    readonly imageType: "jpeg" | number;
    format: CameraFormat;
    target: any;
  }

  export { Camera as default };
}
