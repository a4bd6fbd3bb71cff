// Where littlefs's file blocks end. A littlefs file larger than its inline limit is a
// CTZ skip-list: block 0 holds only data, block n (n ≥ 1) starts with ctz(n)+1 four-byte
// pointers to earlier blocks, then data. Syncing a file whose size ends inside a block
// makes the next append copy that block (littlefs #564, #581); syncing exactly where a
// block ends does not. These functions say where those places are, in constant time:
// blocks 1..n hold Σ(ctz(i)+1) = 2n − popcount(n) pointers (littlefs DESIGN.md).

function popcount(n: number): number {
  if (n <= 0xffffffff) {
    // The usual case (every block index below 2^32): a few bit operations, no loop.
    let v = n - ((n >>> 1) & 0x55555555);
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
  }
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
      // Most often the file has just crossed into the next block (a card's 128 KiB blocks
      // are crossed one at a time): step to it, block n holding blockSize − 4·(ctz(n)+1)
      // bytes (32 − clz32(n & −n) is ctz(n)+1); a longer jump finds its block in closed form.
      const n = this.block + 1;
      const next = n < 0x80000000 ? this.end + this.blockSize - 4 * (32 - Math.clz32(n & -n)) : endOfBlock(this.blockSize, n);
      if (size <= next) {
        this.block++;
        this.end = next;
      } else {
        this.block = blockOf(this.blockSize, size);
        this.end = endOfBlock(this.blockSize, this.block);
      }
    }
    return this.end;
  }

  /** Blocks a file of `size` bytes occupies (0 for an empty file). */
  static blocksFor(blockSize: number, size: number): number {
    return size === 0 ? 0 : blockOf(blockSize, size) + 1;
  }
}
