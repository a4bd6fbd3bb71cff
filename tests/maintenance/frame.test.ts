// The maintenance wire format: frames survive being split anywhere, garbage and damaged
// frames are skipped, oversize lengths never make the decoder wait for them.
import { crc32 } from '../../firmware/core/maintenance/crc32';
import { decodeMessage, encodeFrame, encodeMessage, FrameDecoder, FrameKind, MAX_PAYLOAD, MessageError } from '../../firmware/core/maintenance/frame';
import { utf8Encode } from '../../firmware/core/evidence/utf8';

const frame = (id: number, head: Record<string, unknown>, body?: Uint8Array) => encodeFrame({ kind: FrameKind.Request, id, payload: encodeMessage({ head, body }) });

test('CRC-32 is zlib\'s (check value of "123456789")', () => {
  expect(crc32(utf8Encode('123456789'))).toBe(0xcbf43926);
  expect(crc32(new Uint8Array(0))).toBe(0);
});

test('a stream of frames split at every byte boundary decodes to the same frames', () => {
  const body = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff);
  const stream = new Uint8Array([...frame(1, { cmd: 'hello' }), ...frame(2, { cmd: 'read', seq: 3 }, body), ...frame(3, { cmd: 'bye' })]);
  for (const cut of [1, 2, 9, 10, 11, 100, 3013, stream.length - 1]) {
    const d = new FrameDecoder();
    const got = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
    expect(got.map((f) => f.id)).toEqual([1, 2, 3]);
    expect(decodeMessage(got[1].payload).body).toEqual(body);
    expect(d.skipped).toBe(0);
  }
});

test('garbage, a flipped bit and an absurd length are skipped; the frames after them decode', () => {
  const good = frame(9, { cmd: 'status' });
  const flipped = frame(8, { cmd: 'list' });
  flipped[14] ^= 0x20;
  const absurd = frame(7, { cmd: 'x' });
  new DataView(absurd.buffer).setUint32(6, MAX_PAYLOAD + 1, true);
  const d = new FrameDecoder();
  const got = d.push(new Uint8Array([0x00, 0x51, 0x51, 0x4d, 0xff, ...flipped, ...absurd, ...good]));
  expect(got.map((f) => f.id)).toEqual([9]);
  expect(d.skipped).toBe(5 + flipped.length + absurd.length);
});

test('a header promising bytes that never come: the inter-byte timeout recovers the frame behind it', () => {
  const d = new FrameDecoder();
  const liar = Uint8Array.of(0x51, 0x4d, 1, 1, 0, 0, 0x00, 0x10, 0, 0); // 4096 bytes promised
  expect(d.push(new Uint8Array([...liar, ...frame(5, { cmd: 'status' })]))).toEqual([]);
  expect(d.timeout().map((f) => f.id)).toEqual([5]);
  expect(d.pending).toBe(0);
});

test('messages: a head that is not a JSON object is refused', () => {
  expect(() => decodeMessage(Uint8Array.of(5))).toThrow(MessageError);
  expect(() => decodeMessage(Uint8Array.of(3, 0, 0x5b, 0x31, 0x5d))).toThrow(/not an object/);
  expect(() => decodeMessage(Uint8Array.of(9, 0, 0x7b))).toThrow(/runs past/);
  expect(() => encodeFrame({ kind: FrameKind.Response, id: 1, payload: new Uint8Array(MAX_PAYLOAD + 1) })).toThrow(RangeError);
});
