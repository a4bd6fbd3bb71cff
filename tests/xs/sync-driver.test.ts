// The synchronous xsnap driver the whole-device simulator runs on: blocking round trips with
// nested issueCommand calls, the meter, errors, and a dead worker reported rather than waited on.
import { XsSyncWorker } from '../../host-sim/xs/sync-driver';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('synchronous xsnap driver', () => {
  const workers: XsSyncWorker[] = [];
  afterAll(() => workers.forEach((w) => w.close()));
  const start = (onCommand?: (m: Uint8Array) => Uint8Array) => {
    const w = new XsSyncWorker({ onCommand });
    workers.push(w);
    return w;
  };

  test('evaluate and command block until XS answers; issueCommand nests; big messages cross whole', () => {
    const seen: number[] = [];
    const w = start((m) => {
      seen.push(m.length);
      return m.slice().reverse();
    });
    expect(text(w.evaluate('new TextEncoder().encode(String(6 * 7)).buffer').reply)).toBe('42');
    w.evaluate(`globalThis.handleCommand = (buf) => {
      let back;
      for (let i = 0; i < 3; i++) back = new Uint8Array(issueCommand(buf));
      print('got ' + back.length);
      return back.buffer;
    }`);
    const big = new Uint8Array(3 << 20).map((_, i) => i & 0xff);
    const r = w.command(big);
    expect(seen).toEqual([big.length, big.length, big.length]);
    expect(r.reply.length).toBe(big.length);
    expect(r.reply[0]).toBe(big[big.length - 1]);
    expect(r.meter.compute).toBeGreaterThan(0);
    expect(w.calls).toBe(3);
    expect(w.stdout).toContain('got ');
  });

  test('an exception in XS is thrown on the host; the worker lives on; a command into XS from inside issueCommand is refused', () => {
    let inner: unknown;
    const w: XsSyncWorker = start(() => {
      try {
        w.command(new Uint8Array(1));
      } catch (e) {
        inner = e;
      }
      return new Uint8Array(0);
    });
    expect(() => w.evaluate('throw new RangeError("no such thing")')).toThrow(/RangeError.*no such thing/);
    w.evaluate('globalThis.handleCommand = (b) => issueCommand(b)');
    w.command(new Uint8Array(1));
    expect(String(inner)).toMatch(/busy/);
  });

  test('a worker that dies is reported, never waited on', () => {
    const w = start();
    w.evaluate('globalThis.handleCommand = (b) => b');
    process.kill(w.pid!, 'SIGKILL');
    expect(() => w.command(new Uint8Array(10))).toThrow(/xsnap-worker (exited|gone)/);
    expect(w.alive).toBe(false);
  });
});
