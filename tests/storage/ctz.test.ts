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
