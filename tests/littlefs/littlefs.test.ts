import { NorFlash, NorUsageError, PowerCut } from '../../host-sim/flash/nor';
import { isLittlefsError, Littlefs, littlefsVersion, O, type LittlefsError } from '../../host-sim/littlefs/index';
import { content, dec, enc, expectBytes, lfsConfig, makeFs, walk } from './helpers';

function catchErr(fn: () => unknown): LittlefsError {
  try {
    fn();
  } catch (e) {
    return e as LittlefsError;
  }
  throw new Error('expected a throw');
}

describe('littlefs binding', () => {
  test('is littlefs 2.9 from littlefs2-sys', () => {
    expect(littlefsVersion()).toEqual({ version: '2.9', diskVersion: '2.1', nameMax: 255 });
  });

  test('format, mount, write, read, mkdir, listing, rename, remove round trip', () => {
    const { fs } = makeFs(64);
    fs.format();
    fs.mount();
    expect(fs.mounted).toBe(true);
    expect(fs.readdir('/')).toEqual([]);

    fs.mkdir('evidence');
    fs.mkdir('evidence/2026');
    const small = enc('hello littlefs');
    const big = content(1, 20000); // spans several 4 KB blocks
    fs.writeFile('evidence/2026/a.txt', small);
    fs.writeFile('evidence/2026/b.bin', big);
    fs.writeFile('top.bin', content(2, 1000));

    expect(dec(fs.readFile('evidence/2026/a.txt'))).toBe('hello littlefs');
    expectBytes(fs.readFile('evidence/2026/b.bin'), big);
    expect(walk(fs)).toEqual([
      { path: 'evidence', type: 'dir', size: 0 },
      { path: 'evidence/2026', type: 'dir', size: 0 },
      { path: 'evidence/2026/a.txt', type: 'file', size: small.length },
      { path: 'evidence/2026/b.bin', type: 'file', size: 20000 },
      { path: 'top.bin', type: 'file', size: 1000 },
    ]);
    expect(fs.stat('evidence/2026/b.bin')).toEqual({ name: 'b.bin', type: 'file', size: 20000 });
    expect(fs.stat('evidence')).toMatchObject({ name: 'evidence', type: 'dir' });

    fs.rename('evidence/2026/b.bin', 'evidence/b-moved.bin');
    expect(fs.exists('evidence/2026/b.bin')).toBe(false);
    expectBytes(fs.readFile('evidence/b-moved.bin'), big);
    // rename over an existing file replaces it atomically
    fs.rename('top.bin', 'evidence/2026/a.txt');
    expectBytes(fs.readFile('evidence/2026/a.txt'), content(2, 1000));

    fs.remove('evidence/b-moved.bin');
    expect(isLittlefsError(catchErr(() => fs.remove('evidence')), 'LFS_ERR_NOTEMPTY')).toBe(true);
    fs.remove('evidence/2026/a.txt');
    fs.remove('evidence/2026');
    expect(walk(fs)).toEqual([{ path: 'evidence', type: 'dir', size: 0 }]);
    fs.unmount();
    expect(fs.mounted).toBe(false);
  });

  test('file handles: seek, tell, size, truncate, append, sync, flags', () => {
    const { fs } = makeFs(32);
    fs.format();
    fs.mount();
    const f = fs.open('f.bin', ['rdwr', 'creat', 'excl']);
    expect(f.write(enc('0123456789'))).toBe(10);
    expect(f.tell()).toBe(10);
    expect(f.size()).toBe(10);
    expect(f.seek(2)).toBe(2);
    expect(dec(f.read(3))).toBe('234');
    expect(f.seek(-2, 'end')).toBe(8);
    expect(dec(f.read(100))).toBe('89'); // short read at end of file
    expect(f.read(10)).toHaveLength(0);
    expect(f.seek(-1, 'cur')).toBe(9);
    f.sync();
    f.truncate(4);
    expect(f.size()).toBe(4);
    f.close();
    f.close(); // idempotent
    expect(dec(fs.readFile('f.bin'))).toBe('0123');

    expect(catchErr(() => fs.open('f.bin', ['wronly', 'creat', 'excl'])).code).toBe('LFS_ERR_EXIST');
    const a = fs.open('f.bin', ['wronly', 'append']);
    a.seek(0);
    a.write(enc('AB'));
    a.close();
    expect(dec(fs.readFile('f.bin'))).toBe('0123AB');
    const t = fs.open('f.bin', O.wronly | O.trunc);
    t.close();
    expect(fs.readFile('f.bin')).toHaveLength(0);
    // writing a read-only file, reading a write-only one
    const r = fs.open('f.bin', 'rdonly');
    expect(catchErr(() => r.write(enc('x'))).code).toBe('LFS_ERR_BADF');
    r.close();
    expect(() => r.read(1)).toThrow(/LFS_ERR_BADF/);
    expect(() => fs.open('f.bin', ['bogus' as 'rdonly'])).toThrow(TypeError);
  });

  test('littlefs errors carry their code name', () => {
    const { fs } = makeFs(16);
    // not mounted yet
    expect(catchErr(() => fs.readdir('/')).code).toBe('LFS_ERR_INVAL');
    // a blank flash does not mount
    const e = catchErr(() => fs.mount());
    expect(isLittlefsError(e)).toBe(true);
    expect(Object.prototype.toString.call(e)).toBe('[object Error]');
    expect(e.code).toBe('LFS_ERR_CORRUPT');
    expect(e.errno).toBe(-84);
    expect(e.op).toBe('mount');
    fs.format();
    fs.mount();
    expect(catchErr(() => fs.mount()).code).toBe('LFS_ERR_INVAL');
    expect(catchErr(() => fs.open('nope.txt')).code).toBe('LFS_ERR_NOENT');
    expect(catchErr(() => fs.stat('no/such/dir')).code).toBe('LFS_ERR_NOENT');
    fs.mkdir('d');
    expect(catchErr(() => fs.mkdir('d')).code).toBe('LFS_ERR_EXIST');
    expect(catchErr(() => fs.open('d', 'rdonly')).code).toBe('LFS_ERR_ISDIR');
    expect(catchErr(() => fs.open('x'.repeat(65), ['wronly', 'creat'])).code).toBe('LFS_ERR_NAMETOOLONG');
    // filling the partition
    const f = fs.open('fill', ['wronly', 'creat']);
    expect(catchErr(() => f.write(new Uint8Array(16 * 4096))).code).toBe('LFS_ERR_NOSPC');
    f.close();
  });

  test('rejects bad geometry up front', () => {
    const flash = new NorFlash({ blockCount: 4 });
    expect(() => new Littlefs(lfsConfig(4, { cacheSize: 100 }), flash)).toThrow(/cacheSize/);
    expect(() => new Littlefs(lfsConfig(4, { blockSize: 64, cacheSize: 64 }), flash)).toThrow(/blockSize must be at least 128/);
    expect(() => new Littlefs(lfsConfig(4, { nameMax: 300 }), flash)).toThrow(/nameMax/);
    expect(() => new Littlefs(lfsConfig(4, { compactThresh: 100 }), flash)).toThrow(/compactThresh/);
    expect(() => new Littlefs(lfsConfig(4, { inlineMax: 4096 }), flash)).toThrow(/inlineMax/);
    expect(() => new Littlefs(lfsConfig(4, { blockCycles: 0 }), flash)).toThrow(/blockCycles/);
  });

  test('data persists across unmount/mount and across filesystem objects', () => {
    const { fs, flash, config } = makeFs(48);
    fs.format();
    fs.mount();
    const files = new Map<string, Uint8Array>();
    for (let i = 0; i < 12; i++) {
      const data = content(100 + i, (i * 1777) % 9000);
      files.set(`f${i}.bin`, data);
      fs.writeFile(`f${i}.bin`, data);
    }
    fs.unmount();
    fs.mount();
    for (const [p, d] of files) expectBytes(fs.readFile(p), d);
    const open = fs.open('open.bin', ['wronly', 'creat']);
    open.write(enc('kept by unmount'));
    fs.unmount(); // closes (syncs) open files first
    const again = new Littlefs(config, new NorFlash({ ...flash.geometry, image: flash.snapshot() }));
    again.mount();
    for (const [p, d] of files) expectBytes(again.readFile(p), d);
    expect(dec(again.readFile('open.bin'))).toBe('kept by unmount');
    expect(again.fsStat()).toEqual({ diskVersion: 0x20001, blockSize: 4096, blockCount: 48, nameMax: 64, fileMax: 2147483647, attrMax: 1022 });
    const used = again.fsSize();
    expect(used).toBeGreaterThan(2);
    expect(used).toBeLessThan(48);
    again.fsGc();
    again.fsMkconsistent();
  });

  test('device counters agree with littlefs calls and the modeled time adds up', () => {
    const { fs, flash } = makeFs(32);
    fs.format();
    fs.mount();
    flash.resetCounters();
    const before = { ...fs.deviceCalls };
    const data = content(9, 64 * 1024);
    fs.writeFile('clip.bin', data);
    const c = flash.counters;
    const calls = fs.deviceCalls;
    expect(c.programs).toBe(calls.prog - before.prog);
    expect(c.erases).toBe(calls.erase - before.erase);
    expect(c.reads).toBe(calls.read - before.read);
    expect(c.syncs).toBe(calls.sync - before.sync);
    // 64 KiB of data: at least 16 blocks erased and 64 KiB programmed
    expect(c.erases).toBeGreaterThanOrEqual(16);
    expect(c.bytesProgrammed).toBeGreaterThanOrEqual(64 * 1024);
    expect(c.timeMs).toBeCloseTo(c.readMs + c.programMs + c.eraseMs, 6);
    expect(c.eraseMs).toBeCloseTo(c.erases * 45, 6);
    expect(c.programMs).toBeCloseTo(c.pagesProgrammed * 0.4, 6);
    // the storage-bound throughput of FACTS.md: erase + program of 64 KiB ≈ 0.8-1 s
    const kbPerS = 64 / (c.timeMs / 1000);
    expect(kbPerS).toBeGreaterThan(50);
    expect(kbPerS).toBeLessThan(89);
  });

  test('a device exception becomes LFS_ERR_IO with the exception as cause, and nothing crashes', () => {
    const { fs, flash } = makeFs(32);
    fs.format();
    fs.mount();
    fs.writeFile('keep.txt', enc('safe'));
    const f = fs.open('new.bin', ['wronly', 'creat']);
    flash.armPowerCut({ atOp: 0 });
    const e = catchErr(() => {
      f.write(content(3, 5000));
      f.close();
    });
    expect(e.code).toBe('LFS_ERR_IO');
    expect(e.cause).toBeInstanceOf(PowerCut);
    expect(e.message).toMatch(/power cut/);
    expect(catchErr(() => fs.readFile('keep.txt')).cause).toBeInstanceOf(PowerCut);
    // A device that returns garbage
    const bogus = new Littlefs(lfsConfig(8), {
      read: () => new Uint8Array(3),
      prog: () => undefined,
      erase: () => undefined,
    });
    expect(catchErr(() => bogus.mount()).message).toMatch(/returned 3 elements/);
    const missing = new Littlefs(lfsConfig(8), { read: (_b: number, _o: number, n: number) => new Uint8Array(n).fill(0xff) } as never);
    expect(catchErr(() => missing.format()).message).toMatch(/no erase\(\) method|no prog\(\) method/);
    const weird = new Littlefs(lfsConfig(8), {
      read: () => {
        throw 42; // not even an Error
      },
      prog: () => undefined,
      erase: () => undefined,
    });
    const w = catchErr(() => weird.mount());
    expect(w.code).toBe('LFS_ERR_IO');
    expect(w.cause).toBe(42);
  });

  test('a NOR rule violation by littlefs would surface as LFS_ERR_IO with NorUsageError', () => {
    const { fs, flash } = makeFs(16);
    fs.format();
    // Scribble zeros over the superblock pair so littlefs's next commit would hit programmed bytes.
    flash.prog(0, 4096 - 16, new Uint8Array(16));
    flash.prog(1, 4096 - 16, new Uint8Array(16));
    fs.mount();
    let err: LittlefsError | undefined;
    try {
      for (let i = 0; i < 200; i++) fs.writeFile(`n${i}`, enc(String(i)));
    } catch (e) {
      err = e as LittlefsError;
    }
    // littlefs checks erased state before it appends, so this may legitimately succeed;
    // if it did fail it must be the device's loud refusal, not a crash.
    if (err) {
      expect(err.code).toBe('LFS_ERR_IO');
      expect(err.cause).toBeInstanceOf(NorUsageError);
    }
  });

  test('bad blocks: littlefs relocates around erase/prog failures', () => {
    const { fs, flash } = makeFs(64, { seed: 11 });
    fs.format();
    fs.mount();
    const bad = flash.randomBadBlocks(6, 'prog-error', [0, 1]);
    flash.randomBadBlocks(3, 'erase-error', [0, 1, ...bad]);
    const files = new Map<string, Uint8Array>();
    for (let i = 0; i < 10; i++) {
      const d = content(500 + i, 6000);
      files.set(`r${i}`, d);
      fs.writeFile(`r${i}`, d);
    }
    expect(flash.counters.badBlockErrors).toBeGreaterThan(0);
    fs.unmount();
    fs.mount();
    for (const [p, d] of files) expectBytes(fs.readFile(p), d);
  });
});
