// The XS harness itself: the driver's protocol, and proof that it can fail — code that leans
// on what XS lacks (Node globals, library methods newer than ES2022) throws inside XS and the
// error reaches the host; the firmware's bundle mentions none of those.
import { bundleForXs, deviceBundle, deviceXsBundle, scanForMissing, storeBundle } from '../../host-sim/xs/bundle';
import { findXsnapWorker, XsWorker } from '../../host-sim/xs/driver';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('xsnap driver', () => {
  let w: XsWorker;
  beforeEach(() => {
    w = new XsWorker();
  });
  afterEach(() => w.close());

  test('evaluates scripts; the reply is an ArrayBuffer completion value; the meter counts', async () => {
    const r = await w.evaluate('let s = 0; for (let i = 0; i < 1000; i++) s += i; new TextEncoder().encode(String(s)).buffer');
    expect(text(r.reply)).toBe('499500');
    expect(r.meter.compute).toBeGreaterThan(1000);
    const again = await w.evaluate('let t = 0; for (let i = 0; i < 1000; i++) t += i; new TextEncoder().encode(String(t)).buffer');
    expect(again.meter.compute).toBe(r.meter.compute);
  });

  test('handleCommand and issueCommand carry bytes both ways, a megabyte whole', async () => {
    const seen: number[] = [];
    w.close();
    w = new XsWorker({
      onCommand: (m) => {
        seen.push(m.length);
        return Uint8Array.from(m, (x) => x ^ 0xff);
      },
    });
    await w.evaluate(`globalThis.handleCommand = (buf) => {
      const back = new Uint8Array(issueCommand(buf));
      let sum = 0; for (let i = 0; i < back.length; i += 4096) sum += back[i];
      print('sum ' + sum);
      return new Uint8Array([back.length & 255, (back.length >> 8) & 255, (back.length >> 16) & 255, sum & 255]).buffer;
    }`);
    const big = new Uint8Array(1 << 20).map((_, i) => i & 0x7f);
    const r = await w.command(big);
    expect(seen).toEqual([1 << 20]);
    expect(Array.from(r.reply.subarray(0, 3))).toEqual([0, 0, 16]);
    expect(w.stdout).toContain('sum ');
  });

  test('an uncaught exception comes back as an Error; the worker lives on', async () => {
    await expect(w.evaluate('throw new RangeError("no such thing")')).rejects.toThrow(/RangeError.*no such thing/);
    expect(text((await w.evaluate('new TextEncoder().encode("alive").buffer')).reply)).toBe('alive');
  });

  test('what XS lacks: console, setTimeout, structuredClone, toSorted, Promise.withResolvers', async () => {
    const r = await w.evaluate(
      'new TextEncoder().encode([typeof console, typeof setTimeout, typeof structuredClone, typeof [].toSorted, typeof Promise.withResolvers, typeof print, typeof TextDecoder].join()).buffer',
    );
    expect(text(r.reply)).toBe('undefined,undefined,undefined,undefined,undefined,function,function');
  });

  test('a missing worker binary gives a clear error', () => {
    const saved = process.env.QUANCHENG_XSNAP_WORKER;
    process.env.QUANCHENG_XSNAP_WORKER = '/nonexistent/xsnap-worker';
    try {
      expect(() => findXsnapWorker()).toThrow(/run npm install/);
    } finally {
      if (saved === undefined) delete process.env.QUANCHENG_XSNAP_WORKER;
      else process.env.QUANCHENG_XSNAP_WORKER = saved;
    }
  });
});

describe('the harness can fail', () => {
  test('a bundled script using a Node-only global (process.env) throws a ReferenceError that reaches the host', async () => {
    const script = await bundleForXs('tests/xs/fixtures/node-only.ts');
    expect(script).toContain('process.env');
    const w = new XsWorker();
    try {
      await expect(w.evaluate(script)).rejects.toThrow(/ReferenceError.*process/);
      await expect(w.evaluate('Buffer.from("x")')).rejects.toThrow(/ReferenceError.*Buffer/);
      await expect(w.evaluate('[3, 1, 2].toSorted()')).rejects.toThrow(/TypeError/);
    } finally {
      w.close();
    }
  });

  test('the scan finds what XS lacks', () => {
    expect(scanForMissing('const a = structuredClone(b);\nconst c = d.toSorted();\nconsole.log(1);\nconst { promise } = Promise.withResolvers();').map((m) => m.name)).toEqual([
      'structuredClone',
      'Promise.withResolvers',
      'Array.prototype.toSorted',
      'console',
    ]);
    expect(scanForMissing('const sorted = [...a].sort();')).toEqual([]);
    // The ES2025 byte methods are caught; the project's own toHex()/fromHex() functions are not them.
    for (const t of ['const h = bytes.toHex();', 'const b = Uint8Array.fromHex(h);']) expect(scanForMissing(t).map((m) => m.name)).toEqual(['Uint8Array base64/hex']);
    expect(scanForMissing('function toHex(b) { return b; }\nconst h = toHex(x);')).toEqual([]);
  });
});

describe('bundles for XS use only what XS has', () => {
  test('the device program (firmware/main.ts and all it imports)', async () => {
    const text = await deviceBundle();
    expect(text.length).toBeGreaterThan(10000);
    expect(scanForMissing(text)).toEqual([]);
  });

  test('the storage harness script', async () => {
    expect(scanForMissing(await storeBundle())).toEqual([]);
  });

  test('the whole-device script (firmware/main.ts over every device bridge): no device module left unresolved', () => {
    const text = deviceXsBundle();
    expect(scanForMissing(text)).toEqual([]);
    // Every platform module is bridged: nothing is left to import at run time.
    expect(text).not.toMatch(/\brequire\(|\bimport\(|from\s*["'](embedded:|timer|time|crypt)/);
  });
});
