// Runs the recorder on the real evidence store (littlefs on the NOR model) with prompts
// that take their clip's time to play and feedback that is written down.
import { verifyChain, type VerifyReport } from '../../firmware/core/evidence';
import { CHINA_2026, WorkingDays } from '../../firmware/core/policy/calendar';
import type { ClipName, FeedbackPort, Indication, PromptPort, Signal } from '../../firmware/core/recorder/ports';
import { Recorder, type RecorderOptions } from '../../firmware/core/recorder/recorder';
import { LfsDirectory } from '../../host-sim/files/lfs-directory';
import { StorageRig } from '../../host-sim/storage/rig';
import { nodeChecker } from '../../host-sim/crypt/node-checker';

export class TestPrompts implements PromptPort {
  speakerWorks = true;
  played: ClipName[] = [];
  pending: { at: number; done: (ok: boolean) => void }[] = [];
  constructor(private readonly now: () => number) {}
  clipHash(): Uint8Array {
    return new Uint8Array(32).fill(7);
  }
  clipMs(name: ClipName): number {
    return name === 'notice' ? 9800 : 3000;
  }
  play(name: ClipName, done: (ok: boolean) => void): void {
    this.played.push(name);
    this.pending.push({ at: this.now() + (this.speakerWorks ? this.clipMs(name) : 10), done });
  }
  due(now: number): void {
    const ready = this.pending.filter((p) => p.at <= now);
    this.pending = this.pending.filter((p) => p.at > now);
    for (const p of ready) p.done(this.speakerWorks);
  }
}

export class TestFeedback implements FeedbackPort {
  states: Indication[] = [];
  signals: Signal[] = [];
  show(s: Indication): void {
    this.states.push(s);
  }
  signal(k: Signal): void {
    this.signals.push(k);
  }
}

export class RecorderRig {
  readonly storage: StorageRig;
  prompts!: TestPrompts;
  feedback!: TestFeedback;
  recorder!: Recorder;
  #frame = 0;
  #sample = 0;

  constructor(readonly extra: Partial<RecorderOptions> = {}) {
    this.storage = new StorageRig({ blockCount: 512 });
    this.start();
  }

  start(): Recorder {
    const clock = this.storage.clock;
    this.prompts = new TestPrompts(() => clock.mono());
    this.feedback = new TestFeedback();
    this.recorder = new Recorder({
      store: this.storage.store,
      root: new LfsDirectory(this.storage.lfs),
      clock,
      prompts: this.prompts,
      feedback: this.feedback,
      calendar: new WorkingDays(CHINA_2026),
      profile: 'qvga-3-16k',
      ...this.extra,
    });
    return this.recorder;
  }

  /** Lets `ms` pass with media flowing: a frame every 333 ms, 500 ms audio chunks, ticks. */
  run(ms: number): void {
    const clock = this.storage.clock;
    const end = clock.mono() + ms;
    while (clock.mono() < end) {
      const step = Math.min(333, end - clock.mono());
      clock.advance(step);
      const now = clock.mono();
      this.recorder.frame(this.#frame++, 320, 240, new Uint8Array(400).fill(this.#frame & 255), now);
      if (this.#frame % 3 === 0) {
        this.recorder.audio(this.#sample, 16000, new Uint8Array(2000), now);
        this.#sample += 1000;
      }
      this.prompts.due(now);
      this.recorder.tick();
    }
  }

  powerCut(): void {
    this.storage.nor.cutPower();
    this.storage.powerOn();
    this.start();
  }

  verify(): VerifyReport {
    this.storage.store.sealOpen();
    return verifyChain(this.storage.entryFiles(), { checker: nodeChecker, deviceKey: this.storage.signer.publicKey });
  }
}
