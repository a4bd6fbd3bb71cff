// Where littlefs's file blocks end. A littlefs file larger than its inline limit is a
// CTZ skip-list: block 0 holds only data, block n (n ≥ 1) starts with ctz(n)+1 four-byte
// pointers to earlier blocks, then data. Syncing a file whose size ends inside a block
// makes the next append copy that block (littlefs #564, #581); syncing exactly where a
// block ends does not. These functions say where those places are.

function ctz(n: number): number {
  let c = 0;
  while ((n & 1) === 0) {
    n >>>= 1;
    c++;
  }
  return c;
}

/** Data bytes block n of a file holds. */
export function blockCapacity(blockSize: number, n: number): number {
  return n === 0 ? blockSize : blockSize - 4 * (ctz(n) + 1);
}

/** Tracks the block boundaries of a file that only grows. */
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
    while (this.end < size) {
      this.block++;
      this.end += blockCapacity(this.blockSize, this.block);
    }
    return this.end;
  }

  /** Blocks a file of `size` bytes occupies (0 for an empty file). */
  static blocksFor(blockSize: number, size: number): number {
    if (size === 0) return 0;
    let blocks = 1;
    let end = blockSize;
    while (end < size) {
      end += blockCapacity(blockSize, blocks);
      blocks++;
    }
    return blocks;
  }
}
