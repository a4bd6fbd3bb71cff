// The bytes of an ArrayBuffer or of a view on one (no copy): what host classes accept
// wherever ECMA-419 takes a buffer.
export function bytesOf(buffer: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  throw new TypeError('buffer required');
}
