// The service reads an offload batch entry by entry as its bytes arrive: whatever the chunk
// boundaries, the same entries; a cut or oversized body is refused with its reason.
import { BatchTooLarge, encodeBatch, readBatch } from '../../tools/store/http-wire';
import type { OffloadEntry } from '../../tools/store';

const entries: OffloadEntry[] = [
  { seq: 7, bytes: Uint8Array.from({ length: 21 }, (_, i) => i) },
  { seq: 8, bytes: new Uint8Array(0) },
  { seq: 9, bytes: Uint8Array.from({ length: 5 }, (_, i) => 200 + i) },
];
const body = encodeBatch(entries);

async function* chunks(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    yield bytes.subarray(at, c);
    at = c;
  }
}

async function read(source: AsyncIterable<Uint8Array>, limit = 1 << 20): Promise<OffloadEntry[]> {
  const out: OffloadEntry[] = [];
  for await (const e of readBatch(source, limit)) out.push(e);
  return out;
}

test('the same entries whatever the chunk boundaries (every one- and two-cut split)', async () => {
  for (let a = 0; a <= body.length; a++) {
    expect(await read(chunks(body, [a]))).toEqual(entries);
    for (let b = a; b <= body.length; b += 3) expect(await read(chunks(body, [a, b]))).toEqual(entries);
  }
});

test('a body cut in a length field or in an entry is refused with where', async () => {
  await expect(read(chunks(body.subarray(0, 4), []))).rejects.toThrow(/cut off in an entry's seq and length at byte 0/);
  await expect(read(chunks(body.subarray(0, 20), [3, 11]))).rejects.toThrow(/cut off in entry 7: 21 bytes announced, 12 sent/);
});

test('a body or an announced entry over the limit is refused before it is held', async () => {
  await expect(read(chunks(body, [10]), body.length - 1)).rejects.toThrow(BatchTooLarge);
  const huge = new Uint8Array(8);
  new DataView(huge.buffer).setUint32(4, 0xffffffff);
  await expect(read(chunks(huge, []), 1 << 20)).rejects.toThrow(/announces 4294967295 bytes, over the limit/);
});
