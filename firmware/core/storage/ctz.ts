// Where littlefs's file blocks end. A littlefs file larger than its inline limit is a
// CTZ skip-list: block 0 holds only data, block n (n ≥ 1) starts with ctz(n)+1 four-byte
// pointers to earlier blocks, then data. Syncing a file whose size ends inside a block
// makes the next append copy that block (littlefs #564, #581); syncing exactly where a
// block ends does not. These functions say where those places are, in constant time:
// blocks 1..n hold Σ(ctz(i)+1) = 2n − popcount(n) pointers (littlefs DESIGN.md).

function popcount(n: number): number {
  let c = 0;
  for (let v = n; v > 0; v = Math.floor(v / 2)) c += v % 2;
  return c;
}

/** File offset where block n's data ends. */
export function endOfBlock(blockSize: number, n: number): number {
  return blockSize * (n + 1) - 4 * (2 * n - popcount(n));
}

/** The block holding file offset size − 1 (the last byte of a file of `size` bytes). */
export function blockOf(blockSize: number, size: number): number {
  let n = Math.max(0, Math.floor((size - blockSize) / (blockSize - 8)));
  while (endOfBlock(blockSize, n) < size) n++;
  while (n > 0 && endOfBlock(blockSize, n - 1) >= size) n--;
  return n;
}

/** Data bytes block n of a file holds. */
export function blockCapacity(blockSize: number, n: number): number {
  return n === 0 ? blockSize : endOfBlock(blockSize, n) - endOfBlock(blockSize, n - 1);
}

/** The block boundaries of a file that only grows. */
export class CtzBoundaries {
  readonly blockSize: number;
  /** Index of the block holding the current end of file. */
  block = 0;
  /** File offset where that block's data ends. */
  end: number;

  constructor(blockSize: number) {
    this.blockSize = blockSize;
    this.end = blockSize;
  }

  /** The first block end at or after `size` (a file of exactly this size fills its last block). */
  boundaryAtOrAfter(size: number): number {
    if (size > this.end) {
      this.block = blockOf(this.blockSize, size);
      this.end = endOfBlock(this.blockSize, this.block);
    }
    return this.end;
  }

  /** Blocks a file of `size` bytes occupies (0 for an empty file). */
  static blocksFor(blockSize: number, size: number): number {
    return size === 0 ? 0 : blockOf(blockSize, size) + 1;
  }
}
