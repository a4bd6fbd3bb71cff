// The notice played through the prompt player comes out of the speaker and is in the
// microphone's recording, where the recorder's audio would carry it as evidence.
import { createHash } from 'node:crypto';
import { clipSha256, type Clip } from '../../../hal/media/clip';
import { MicrophoneCapture } from '../../../hal/media/microphone-capture';
import { PromptPlayer, type PromptPlayed } from '../../../hal/media/prompt-player';
import AudioOut from '../../../host-sim/io/audio-out';
import Timer from '../../../host-sim/time/timer-module';
import { clips, loadClip } from './clips';
import { findSignal, ncc } from './correlate';
import { mediaSim } from './sim';

function player() {
  const done: PromptPlayed[] = [];
  const failed: string[] = [];
  const p = new PromptPlayer({ onDone: (d) => done.push(d), onFailed: (r) => failed.push(r) });
  return { p, done, failed };
}

test('the notice plays exactly, at the virtual time it was started, and reports done when heard out', () => {
  const sim = mediaSim();
  const clip = loadClip('notice');
  const { p, done, failed } = player();
  sim.run(250);
  p.play(clip);
  expect(p.playing).toBe(true);
  sim.run(12_000);
  expect(failed).toEqual([]);
  expect(done).toHaveLength(1);
  const pcm = new Int16Array(clip.samples);
  expect(Buffer.from(sim.speaker.joined().buffer).equals(Buffer.from(pcm.buffer))).toBe(true);
  expect(sim.speaker.firstAtMs).toBe(250);
  const durationMs = (pcm.length * 1000) / 16000;
  expect(done[0]).toMatchObject({ startTicks: 250, sampleCount: pcm.length, sampleRate: 16000 });
  // Done once the last block is handed to the speaker: within a block or two of the clip's end.
  expect(Math.abs(done[0].endTicks - done[0].startTicks - durationMs)).toBeLessThanOrEqual(40);
  expect(p.playing).toBe(false);
});

test('the recording contains the notice at the offset it was played (normalised cross-correlation)', () => {
  const sim = mediaSim(5);
  const clip = loadClip('notice');
  const recording = new Int16Array(16000 * 13);
  const mic = new MicrophoneCapture({
    sampleRate: 16000,
    chunkMs: 100,
    onChunk: (c) => recording.set(new Int16Array(c.samples), c.firstSample),
    onFault: (r) => {
      throw new Error(r);
    },
  });
  const { p, done } = player();
  mic.start();
  Timer.set(() => p.play(clip), 1234);
  sim.run(12_900);
  mic.close();
  expect(done).toHaveLength(1);
  const notice = new Int16Array(clip.samples);
  const found = findSignal(notice, recording);
  expect(Math.abs(found.lag - 1234 * 16)).toBeLessThanOrEqual(1);
  expect(found.ncc).toBeGreaterThan(0.9);
  // Elsewhere it is not there: the explanation prompt does not match, nor a shifted notice.
  expect(ncc(notice, recording, found.lag + 4000)).toBeLessThan(0.5);
  expect(findSignal(new Int16Array(loadClip('explain').samples), recording).ncc).toBeLessThan(0.5);
});

test('the SHA-256 the recorder journals is that of the clip bytes', () => {
  mediaSim();
  const clip = loadClip('notice');
  const hex = Buffer.from(clipSha256(clip)).toString('hex');
  expect(hex).toBe(clips().manifest.clips.notice.sha256);
  expect(hex).toBe(createHash('sha256').update(new Uint8Array(clip.samples)).digest('hex'));
});

test('volume scales what the speaker emits', () => {
  const sim = mediaSim();
  const clip: Clip = { samples: new Int16Array([1000, -1000, 2000, -2000]).buffer, sampleRate: 16000 };
  const done: PromptPlayed[] = [];
  new PromptPlayer({ volume: 0.5, onDone: (d) => done.push(d), onFailed: (r) => { throw new Error(r); } }).play(clip);
  sim.run(500);
  expect(done).toHaveLength(1);
  expect(Array.from(sim.speaker.joined())).toEqual([500, -500, 1000, -1000]);
});

test('a speaker fault, or no speaker, reports failed (never from inside play())', () => {
  const sim = mediaSim();
  const clip = loadClip('explain');
  const a = player();
  a.p.play(clip);
  sim.run(500);
  sim.speaker.fault = 'error';
  sim.run(500);
  expect(a.failed).toEqual(['speaker error: speaker fault']);
  expect(a.done).toEqual([]);
  expect(a.p.playing).toBe(false);

  sim.board.speaker = undefined;
  const b = player();
  b.p.play(clip);
  expect(b.failed).toEqual([]);
  sim.run(1);
  expect(b.failed).toEqual(['speaker unavailable: no speaker on the simulated board']);
});

test('cancel() stops a prompt quietly; the output is released', () => {
  const sim = mediaSim();
  const { p, done, failed } = player();
  p.play(loadClip('notice'));
  sim.run(1000);
  p.cancel();
  sim.run(15_000);
  expect([done, failed]).toEqual([[], []]);
  expect(sim.speaker.sampleCount).toBeLessThan(16000 * 1.5);
});

test('host AudioOut: paced by sampleRate, bounded queue, write throws rather than writing part', () => {
  const sim = mediaSim();
  const writable: number[] = [];
  const out = new AudioOut({ sampleRate: 16000, bufferSamples: 1600, onWritable: (n) => writable.push(n) });
  expect(() => out.write(new Uint8Array(3201))).toThrow();
  out.write(new Int16Array(1600));
  expect(() => out.write(new Int16Array(1))).toThrow('no room');
  out.start();
  expect(writable).toEqual([]);
  sim.run(0);
  // Output runs one 16 ms block ahead of the clock: 256 samples handed over at once.
  expect(writable).toEqual([512]);
  expect(sim.speaker.sampleCount).toBe(256);
  sim.run(80);
  expect(sim.speaker.sampleCount).toBe(1536);
  sim.run(16);
  expect(sim.speaker.sampleCount).toBe(1600);
  expect(sim.speaker.timeline.map((b) => b.atMs)).toEqual([0, 16, 32, 48, 64, 80, 96]);
  expect(writable[writable.length - 1]).toBe(3200);
  out.close();
  out.close();
  expect(() => out.write(new Int16Array(1))).toThrow('closed');
});
