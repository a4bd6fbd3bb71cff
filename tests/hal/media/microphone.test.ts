import AudioIn from '../../../host-sim/io/audio-in';
import { MicrophoneCapture, type AudioChunk } from '../../../hal/media/microphone-capture';
import Timer from '../../../host-sim/time/timer-module';
import { mediaSim } from './sim';

function record(chunkMs: number, onChunk?: (c: AudioChunk) => void) {
  const chunks: AudioChunk[] = [];
  const faults: string[] = [];
  const gaps: [number, number][] = [];
  const mic = new MicrophoneCapture({
    sampleRate: 16000,
    chunkMs,
    onChunk: (c) => {
      chunks.push(c);
      onChunk?.(c);
    },
    onFault: (r) => faults.push(r),
    onGap: (first, lost) => gaps.push([first, lost]),
  });
  return { mic, chunks, faults, gaps };
}

test.each([20, 100, 250])('%d ms chunks of 16-bit PCM with contiguous first-sample indexes', (chunkMs) => {
  const sim = mediaSim();
  const { mic, chunks, faults, gaps } = record(chunkMs);
  mic.start();
  sim.run(5000);
  mic.stop();
  const per = (16000 * chunkMs) / 1000;
  expect(faults).toEqual([]);
  expect(gaps).toEqual([]);
  const whole = chunks.filter((c) => c.samples.byteLength === per * 2);
  expect(whole.length).toBeGreaterThanOrEqual(Math.floor(5000 / chunkMs) - 1);
  expect(chunks.length - whole.length).toBeLessThanOrEqual(1); // the tail at stop()
  chunks.forEach((c, i) => expect(c.firstSample).toBe(i * per));
  const total = chunks.reduce((n, c) => n + c.samples.byteLength / 2, 0);
  expect(total).toBe(80000);
  mic.close();
});

test('the recording is real, quiet ambient sound: not silent, far below full scale, repeatable', () => {
  const run = () => {
    const sim = mediaSim(11);
    const { mic, chunks } = record(100);
    mic.start();
    sim.run(1000);
    mic.close();
    const all = new Int16Array(16000);
    chunks.forEach((c) => all.set(new Int16Array(c.samples), c.firstSample));
    return all;
  };
  const a = run();
  const rms = Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
  expect(rms).toBeGreaterThan(20);
  expect(rms).toBeLessThan(500);
  expect(Buffer.from(run().buffer).equals(Buffer.from(a.buffer))).toBe(true);
});

test('a reader that falls behind loses the oldest samples; capture reports the gap and keeps indexes on time', () => {
  const sim = mediaSim();
  let stalled = false;
  // Blocking the event loop for 1.5 s once (Timer.delay) overflows the driver's 1 s buffer.
  const { mic, chunks, gaps } = record(100, (c) => {
    if (!stalled && c.firstSample >= 16000) {
      stalled = true;
      Timer.delay(1500);
    }
  });
  mic.start();
  sim.run(5000);
  mic.stop();
  expect(gaps).toHaveLength(1);
  const [at, lost] = gaps[0];
  expect(lost).toBeGreaterThan(7000);
  expect(lost).toBeLessThan(9000);
  // Indexes stay contiguous apart from the reported gap, and end where the clock says.
  let next = 0;
  for (const c of chunks) {
    if (c.firstSample !== next) {
      expect(next).toBe(at);
      expect(c.firstSample).toBe(at + lost);
    }
    next = c.firstSample + c.samples.byteLength / 2;
  }
  expect(Math.abs(next - 80000)).toBeLessThanOrEqual(1);
  mic.close();
});

test('host AudioIn: bounded buffer, overflow observable, read(n) and read(buffer), base pattern', () => {
  const sim = mediaSim();
  const seen: [unknown, number][] = [];
  const input = new AudioIn({
    sampleRate: 16000,
    bufferSamples: 8000,
    onReadable(n) {
      seen.push([this, n]);
    },
  });
  input.start();
  expect(seen).toHaveLength(0);
  sim.run(1000);
  expect(seen.every(([self]) => self === input)).toBe(true);
  expect(seen[seen.length - 1][1]).toBe(16000);
  expect(input.lostSamples).toBe(8000);
  const part = input.read(1001) as ArrayBuffer;
  expect(part.byteLength).toBe(1000);
  const buf = new Uint8Array(4000);
  expect(input.read(buf)).toBe(4000);
  expect((input.read() as ArrayBuffer).byteLength).toBe(16000 - 5000);
  expect(input.read()).toBeUndefined();
  input.close();
  input.close();
  expect(() => input.read()).toThrow('closed');
  expect(() => new AudioIn({ bitsPerSample: 8 })).toThrow();
});

test('a microphone error reaches onFault; a silent microphone is reported as stalled', () => {
  const sim = mediaSim();
  const a = record(100);
  a.mic.start();
  sim.run(300);
  sim.microphone.fault = 'error';
  sim.run(300);
  expect(a.faults).toEqual(['microphone error: microphone fault']);
  a.mic.close();

  sim.microphone.fault = 'silent';
  const b = record(100);
  b.mic.start();
  sim.run(3000);
  expect(b.faults).toHaveLength(1);
  expect(b.faults[0]).toMatch(/^microphone stalled/);
  b.mic.close();
});
