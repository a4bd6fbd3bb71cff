import { blockCapacity, blockOf, CtzBoundaries, endOfBlock } from '../../firmware/core/storage/ctz';

const ctz = (n: number) => {
  let c = 0;
  while ((n & 1) === 0) {
    n >>>= 1;
    c++;
  }
  return c;
};

test('the closed form matches littlefs CTZ layout block by block', () => {
  const B = 4096;
  let end = B;
  expect(endOfBlock(B, 0)).toBe(B);
  for (let n = 1; n < 20_000; n++) {
    end += B - 4 * (ctz(n) + 1); // block n starts with ctz(n)+1 pointers
    expect(endOfBlock(B, n)).toBe(end);
    expect(blockCapacity(B, n)).toBe(B - 4 * (ctz(n) + 1));
  }
});

test('blockOf finds the block holding the last byte, at and around every boundary', () => {
  const B = 4096;
  for (let n = 0; n < 3000; n++) {
    const end = endOfBlock(B, n);
    expect(blockOf(B, end)).toBe(n);
    expect(blockOf(B, end + 1)).toBe(n + 1);
    if (end > 1) expect(blockOf(B, end - 1)).toBe(n);
  }
  expect(CtzBoundaries.blocksFor(B, 0)).toBe(0);
  expect(CtzBoundaries.blocksFor(B, 1)).toBe(1);
  expect(CtzBoundaries.blocksFor(B, B + 1)).toBe(2);
});

test('a growing file asks in any step size and gets the next boundary', () => {
  const b = new CtzBoundaries(4096);
  let size = 0;
  for (const step of [1, 100, 4095, 3, 9000, 40_000, 1, 123_456]) {
    size += step;
    const end = b.boundaryAtOrAfter(size);
    expect(end).toBe(endOfBlock(4096, blockOf(4096, size)));
    expect(end).toBeGreaterThanOrEqual(size);
  }
});

test('crossing block by block (a card\'s 128 KiB blocks, frames smaller than a block) steps to the same boundaries as the closed form', () => {
  const B = 131_072;
  const b = new CtzBoundaries(B);
  let size = 0;
  let seed = 7;
  for (let i = 0; i < 4000; i++) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    size += 1 + (seed % B);
    expect(b.boundaryAtOrAfter(size)).toBe(endOfBlock(B, blockOf(B, size)));
    expect(b.block).toBe(blockOf(B, size));
  }
});

test('block ends for block indexes near and past 2^31 and 2^32 (the bit count with and without 32-bit operations)', () => {
  const popcount = (n: number) => [...n.toString(2)].filter((d) => d === '1').length;
  const B = 512;
  for (const n of [2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 5, 2 ** 40 + 3]) {
    // Blocks 0..n hold (n+1)·B bytes less 4 bytes for each of their 2n − popcount(n) pointers.
    expect(endOfBlock(B, n)).toBe((n + 1) * B - 4 * (2 * n - popcount(n)));
  }
});
