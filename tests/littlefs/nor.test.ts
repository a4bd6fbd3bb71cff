import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadBlockError, NorFlash, NorUsageError, PowerCut } from '../../host-sim/flash/nor';
import { Random } from '../../host-sim/random';

const BS = 4096;

describe('Random', () => {
  test('is deterministic per seed and roughly uniform', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const xs = Array.from({ length: 1000 }, () => a.u32());
    expect(Array.from({ length: 1000 }, () => b.u32())).toEqual(xs);
    expect(c.u32()).not.toBe(xs[0]);
    const r = new Random(7);
    let sum = 0;
    for (let i = 0; i < 10000; i++) sum += r.next();
    expect(sum / 10000).toBeGreaterThan(0.48);
    expect(sum / 10000).toBeLessThan(0.52);
    expect(new Random(1).bytes(7)).toHaveLength(7);
  });
});

describe('NorFlash rules', () => {
  test('fresh flash reads 0xFF; erase restores 0xFF; programs only clear bits', () => {
    const f = new NorFlash({ blockCount: 4 });
    expect(f.size).toBe(4 * BS);
    expect(f.read(0, 0, 16).every((b) => b === 0xff)).toBe(true);
    f.prog(1, 100, Uint8Array.of(0xf0, 0x0f, 0x00));
    expect([...f.read(1, 100, 3)]).toEqual([0xf0, 0x0f, 0x00]);
    // clearing more bits of a programmed byte is legal NOR behaviour
    f.prog(1, 100, Uint8Array.of(0x30));
    expect(f.read(1, 100, 1)[0]).toBe(0x30);
    // 0 -> 1 is a caller bug, refused loudly and nothing lands
    expect(() => f.prog(1, 100, Uint8Array.of(0xff, 0xff, 0x01))).toThrow(NorUsageError);
    expect(() => f.prog(1, 101, Uint8Array.of(0x1f))).toThrow(/can only clear bits/);
    expect([...f.read(1, 100, 3)]).toEqual([0x30, 0x0f, 0x00]);
    f.erase(1);
    expect(f.read(1, 0, BS).every((b) => b === 0xff)).toBe(true);
    f.prog(1, 100, Uint8Array.of(0xff, 0x01));
    expect([...f.read(1, 100, 2)]).toEqual([0xff, 0x01]);
    expect(f.wear[1]).toBe(1);
  });

  test('bounds and alignment are checked against the geometry', () => {
    const f = new NorFlash({ blockCount: 2, readSize: 16, progSize: 16 });
    expect(() => f.read(2, 0, 16)).toThrow(/block 2 out of range/);
    expect(() => f.read(0, 8, 16)).toThrow(/multiples of 16/);
    expect(() => f.read(0, 0, 8)).toThrow(/multiples of 16/);
    expect(() => f.read(0, BS - 16, 32)).toThrow(/exceeds/);
    expect(() => f.prog(0, 4, new Uint8Array(16))).toThrow(NorUsageError);
    expect(() => f.prog(0, 0, new Uint8Array(17))).toThrow(NorUsageError);
    expect(() => f.erase(-1)).toThrow(NorUsageError);
    expect(() => f.erase(1.5)).toThrow(NorUsageError);
    expect(() => new NorFlash({ blockCount: 2, blockSize: 4096, progSize: 3 })).toThrow(/multiple/);
    f.prog(0, 16, new Uint8Array(32));
    expect(f.read(0, 16, 32).every((b) => b === 0)).toBe(true);
  });
});

describe('NorFlash counters and modeled time', () => {
  test('add up from the datasheet timings', () => {
    const f = new NorFlash({ blockCount: 8 });
    f.erase(0);
    f.erase(1);
    f.prog(0, 0, new Uint8Array(300)); // ceil(300/256) = 2 pages
    f.prog(0, 512, new Uint8Array(256)); // 1 page
    f.prog(1, 0, new Uint8Array(16)); // 1 page (a partial page costs a whole one)
    f.read(0, 0, BS);
    f.read(1, 0, 100);
    f.sync();
    const c = f.counters;
    expect(c).toMatchObject({
      erases: 2,
      programs: 3,
      reads: 2,
      syncs: 1,
      bytesErased: 2 * BS,
      bytesProgrammed: 300 + 256 + 16,
      bytesRead: BS + 100,
      pagesProgrammed: 4,
      opIndex: 5,
    });
    expect(c.eraseMs).toBeCloseTo(90, 9);
    expect(c.programMs).toBeCloseTo(4 * 0.4, 9);
    expect(c.readMs).toBeCloseTo(((BS + 100) / 20e6) * 1000, 9);
    expect(c.timeMs).toBeCloseTo(c.eraseMs + c.programMs + c.readMs, 9);
    f.resetCounters();
    expect(f.counters.programs).toBe(0);
    expect(f.counters.opIndex).toBe(5); // power-cut indexing keeps counting
  });

  test('timings are overridable, and page-crossing programs can be charged per page', () => {
    const f = new NorFlash({
      blockCount: 2,
      timings: { pageProgramMs: 1, sectorEraseMs: 30, readBytesPerSecond: 1e6, readOverheadMs: 0.01, programCost: 'pages' },
    });
    f.erase(0);
    f.prog(0, 200, new Uint8Array(100)); // crosses the 256 boundary: 2 page programs
    f.read(0, 0, 1000);
    expect(f.counters.pagesProgrammed).toBe(2);
    expect(f.counters.timeMs).toBeCloseTo(30 + 2 + 1 + 0.01, 9);
    const big = new NorFlash({ blockCount: 1, blockSize: 65536 });
    big.erase(0);
    expect(big.counters.eraseMs).toBeCloseTo(45 * 16, 9);
  });
});

describe('NorFlash power cuts', () => {
  test('the op at index N is interrupted and every op after throws until reboot', () => {
    const f = new NorFlash({ blockCount: 4, powerCut: { atOp: 2 } });
    f.erase(0); // op 0
    f.prog(0, 0, Uint8Array.of(1, 2, 3)); // op 1
    f.read(0, 0, 3); // reads do not count
    let err: unknown;
    try {
      f.prog(0, 3, Uint8Array.of(4, 5, 6)); // op 2: cut
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PowerCut);
    expect((err as PowerCut).opIndex).toBe(2);
    expect(f.powerLost).toBe(true);
    expect(() => f.read(0, 0, 1)).toThrow(PowerCut);
    expect(() => f.erase(1)).toThrow(PowerCut);
    expect(() => f.sync()).toThrow(PowerCut);
    f.reboot();
    // not torn: the interrupted program did not land at all
    expect([...f.read(0, 0, 6)]).toEqual([1, 2, 3, 0xff, 0xff, 0xff]);
    f.prog(0, 3, Uint8Array.of(4)); // disarmed after the cut
    expect(f.counters.powerCuts).toBe(1);
  });

  test('torn programs land a seeded prefix; same seed, same tear', () => {
    const data = new Uint8Array(256).fill(0x00);
    const tear = (seed: number) => {
      const f = new NorFlash({ blockCount: 1, seed, powerCut: { atOp: 0, torn: true } });
      expect(() => f.prog(0, 0, data)).toThrow(PowerCut);
      f.reboot();
      return f.read(0, 0, 256);
    };
    const landed = (img: Uint8Array) => img.findIndex((b) => b !== 0x00);
    const a = tear(5);
    expect(tear(5)).toEqual(a);
    const k = landed(a);
    expect(k).toBeGreaterThanOrEqual(0);
    expect(k).toBeLessThan(256);
    // everything after the partly programmed byte is still erased
    expect(a.subarray(k + 1).every((b) => b === 0xff)).toBe(true);
    const ks = new Set([1, 2, 3, 4, 6, 7, 8].map((s) => landed(tear(s))));
    expect(ks.size).toBeGreaterThan(3);
  });

  test('a torn erase leaves a partly erased block (bits only set)', () => {
    const f = new NorFlash({ blockCount: 2, seed: 9 });
    f.prog(1, 0, new Uint8Array(BS).fill(0x00));
    f.armPowerCut({ atOp: 0, torn: true });
    expect(() => f.erase(1)).toThrow(PowerCut);
    f.reboot();
    const b = f.read(1, 0, BS);
    const ff = b.filter((x) => x === 0xff).length;
    expect(ff).toBeGreaterThan(0);
    expect(ff).toBeLessThan(BS);
    expect(f.wear[1]).toBe(0);
  });

  test('out-of-order landing: unsynced writes land as a per-block prefix, synced ones stay', () => {
    let sawDrop = false;
    for (let seed = 1; seed <= 20; seed++) {
      const f = new NorFlash({ blockCount: 4, seed });
      f.prog(0, 0, Uint8Array.of(0xa0));
      f.sync();
      f.armPowerCut({ atOp: 3, reorder: true });
      f.prog(1, 0, Uint8Array.of(0x11)); // op 0
      f.prog(2, 0, Uint8Array.of(0x22)); // op 1
      f.prog(1, 1, Uint8Array.of(0x33)); // op 2
      expect(() => f.prog(3, 0, Uint8Array.of(0x44))).toThrow(PowerCut); // op 3
      f.reboot();
      expect(f.read(0, 0, 1)[0]).toBe(0xa0);
      const b1 = [...f.read(1, 0, 2)];
      expect([[0xff, 0xff], [0x11, 0xff], [0x11, 0x33]]).toContainEqual(b1);
      expect([0xff, 0x22]).toContain(f.read(2, 0, 1)[0]);
      expect(f.read(3, 0, 1)[0]).toBe(0xff);
      if (b1[0] === 0xff || b1[1] === 0xff) sawDrop = true;
    }
    expect(sawDrop).toBe(true);
  });
});

describe('NorFlash faults', () => {
  test('bad blocks fail with LFS_ERR_CORRUPT or silently do nothing', () => {
    const f = new NorFlash({ blockCount: 8, badBlocks: { 3: 'erase-error', 4: 'prog-error', 5: 'read-error', 6: 'prog-noop' } });
    expect(() => f.erase(3)).toThrow(BadBlockError);
    let err: unknown;
    try {
      f.prog(4, 0, Uint8Array.of(0));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BadBlockError);
    expect((err as BadBlockError).code).toBe('LFS_ERR_CORRUPT');
    expect((err as BadBlockError).block).toBe(4);
    expect(() => f.read(5, 0, 1)).toThrow(/bad block 5/);
    f.prog(6, 0, Uint8Array.of(0));
    expect(f.read(6, 0, 1)[0]).toBe(0xff);
    expect(f.counters.badBlockErrors).toBe(3);
    const picked = f.randomBadBlocks(2, 'erase-error');
    expect(picked).toHaveLength(2);
    expect(picked).not.toContain(0);
  });

  test('read bit flips are transient, seeded and near the requested rate', () => {
    const run = () => {
      const f = new NorFlash({ blockCount: 16, seed: 3, readBitFlipRate: 1e-4 });
      let flipped = 0;
      for (let b = 0; b < 16; b++) {
        for (const x of f.read(b, 0, BS)) if (x !== 0xff) flipped++;
      }
      expect(f.image.every((x) => x === 0xff)).toBe(true);
      return { flipped, counted: f.counters.bitFlips };
    };
    const r = run();
    expect(run()).toEqual(r);
    const bits = 16 * BS * 8;
    expect(r.counted).toBeGreaterThan(bits * 1e-4 * 0.6);
    expect(r.counted).toBeLessThan(bits * 1e-4 * 1.4);
    const f = new NorFlash({ blockCount: 1 });
    f.corrupt(10, 0x81);
    expect(f.read(0, 10, 1)[0]).toBe(0x7e);
  });

  test('the image is byte exact and saves/loads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nor-'));
    try {
      const f = new NorFlash({ blockCount: 3 });
      f.prog(2, 4095, Uint8Array.of(0x5a));
      const p = join(dir, 'part.bin');
      f.save(p);
      const raw = readFileSync(p);
      expect(raw.length).toBe(3 * BS);
      expect(raw[2 * BS + 4095]).toBe(0x5a);
      const g = NorFlash.load(p);
      expect(g.geometry.blockCount).toBe(3);
      expect(g.snapshot()).toEqual(f.snapshot());
      expect(() => new NorFlash({ blockCount: 2, image: new Uint8Array(10) })).toThrow(/geometry needs/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
