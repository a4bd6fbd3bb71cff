// A deterministic, realistic chain built directly with the evidence format: a shift with
// provisioning, recordings with notices, marks, an interruption with its explanation.
// Tests, golden vectors and benchmarks use it. Media payloads are deterministic filler
// bytes of the requested size: the verifier never interprets them (real JPEG and PCM come
// from the camera and microphone models).
import {
  advanceHead,
  buildEntry,
  EntryKind,
  entryPath,
  genesisHead,
  NO_SEQ,
  sha256,
  type ChainHead,
  type EntryFile,
  type EntryHeader,
  type EvidenceRecord,
  type Signer,
} from '../../firmware/core/evidence';

export interface SampleChainOptions {
  deviceId?: string;
  signer: Signer;
  /** Number of recordings. */
  recordings?: number;
  /** Media entries per recording. */
  mediaEntries?: number;
  /** Span of each media entry, ms. */
  entryMs?: number;
  /** Time between video frames, ms. */
  frameIntervalMs?: number;
  /** Bytes per video frame. */
  frameBytes?: number;
  /** Span of each audio chunk (16 kHz mono 16-bit), ms. */
  audioChunkMs?: number;
  /** Wall-clock time of the first entry, ms since 1970. */
  startTime?: number;
  /** Recording 2's interruption is never resumed (the unit died): art. 13 asks a written explanation. */
  unresumed?: boolean;
}

/** Deterministic filler bytes for a label (xorshift32 seeded from the label's hash). */
function filler(size: number, label: string): Uint8Array {
  const words = new Uint32Array(Math.ceil(size / 4));
  const seed = sha256(new TextEncoder().encode(label));
  let x = (seed[0] | (seed[1] << 8) | (seed[2] << 16) | (seed[3] << 24)) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new Uint8Array(words.buffer, 0, size);
}

const ZERO_HASH = new Uint8Array(32);

export function buildSampleChain(o: SampleChainOptions): EntryFile[] {
  const deviceId = o.deviceId ?? 'QC-SAMPLE-01';
  const recordings = o.recordings ?? 2;
  const mediaEntries = o.mediaEntries ?? 2;
  const entryMs = o.entryMs ?? 400;
  const frameIntervalMs = o.frameIntervalMs ?? 100;
  const frameBytes = o.frameBytes ?? 1200;
  const audioChunkMs = o.audioChunkMs ?? 100;
  const framesPerEntry = Math.floor(entryMs / frameIntervalMs);
  const chunksPerEntry = Math.floor(entryMs / audioChunkMs);
  const samplesPerChunk = (16000 * audioChunkMs) / 1000;
  const start = o.startTime ?? Date.UTC(2026, 10, 26, 1, 0, 0);
  const files: EntryFile[] = [];
  let head: ChainHead = genesisHead(deviceId);
  let mono = 1000;
  let interruptions = 0;

  const seal = (kind: EntryKind, recording: number, records: EvidenceRecord[], spanMs: number) => {
    const header: EntryHeader = {
      kind,
      flags: 0,
      deviceId,
      seq: head.nextSeq,
      session: 1,
      recording,
      wallStart: start + mono,
      monoStart: mono,
      prevLink: head.link,
    };
    const { bytes, seal: s } = buildEntry(header, records, o.signer, spanMs);
    files.push({ path: entryPath(header.seq), bytes });
    head = advanceHead(head, s);
    mono += spanMs;
  };

  seal(EntryKind.Journal, 0, [
    { type: 'boot', t: 0, data: { cause: 'cold', bootCount: 1, recoveredSeq: NO_SEQ, recoveredRecords: 0 } },
    { type: 'firmware', t: 0, data: { version: '0.1.0', build: 'sample' } },
    { type: 'device-key', t: 0, data: { publicKey: o.signer.publicKey, store: 'software' } },
    { type: 'time-set', t: 1, data: { oldTime: 0, newTime: start + 1001, source: 'technician' } },
    { type: 'officer', t: 2, data: { name: '李明', certificate: '53032419001', unit: '罗平县市场监督管理局', assignedBy: 'tech-01' } },
    { type: 'case-tag', t: 3, data: { caseNumber: '罗市监（2026）12号', kind: 'inspection', stage: 4, note: '现场检查' } },
  ], 10);

  for (let rec = 1; rec <= recordings; rec++) {
    for (let m = 0; m < mediaEntries; m++) {
      const records: EvidenceRecord[] = [];
      if (m === 0) {
        records.push({ type: 'record-start', t: 0, data: { recording: rec, trigger: 'button', preEventMs: 30000, profile: 'vga-10-16k' } });
        records.push({ type: 'notice', t: 0, data: { recording: rec, outcome: 'played', clip: ZERO_HASH.map((_, i) => i), durationMs: 9800 } });
      }
      for (let f = 0; f < framesPerEntry; f++) {
        records.push({ type: 'video-frame', t: f * frameIntervalMs, data: { frame: m * framesPerEntry + f, width: 640, height: 480, format: 'jpeg', image: filler(frameBytes, `${deviceId}/${rec}/${m}/${f}`) } });
      }
      for (let a = 0; a < chunksPerEntry; a++) {
        const samples = filler(samplesPerChunk * 2, `a/${rec}/${m}/${a}`);
        records.push({ type: 'audio-chunk', t: a * audioChunkMs, data: { firstSample: (m * chunksPerEntry + a) * samplesPerChunk, sampleRate: 16000, channels: 1, bitsPerSample: 16, encoding: 'lpcm-le', samples } });
      }
      records.push({ type: 'gnss-fix', t: 0, data: { latitude: 249016000, longitude: 1046040000, altitude: 150000, speed: 1200, heading: 9000, satellites: 11, hdop: 90, quality: 'gps', utc: start + mono } });
      if (m === 0) records.push({ type: 'mark', t: 50, data: { recording: rec, label: '出示执法证件' } });
      seal(EntryKind.Media, rec, records, entryMs);
      if (rec === 2 && m === 0) {
        const id = ++interruptions;
        seal(EntryKind.Journal, 0, [
          { type: 'battery-low', t: 0, data: { millivolts: 3400, percent: 9, level: 'low' } },
          { type: 'interruption', t: 0, data: { recording: rec, interruption: id, reason: 'low-battery', detail: 'battery swap' } },
          ...(o.unresumed
            ? []
            : ([
                { type: 'resume', t: 90000, data: { recording: rec, interruption: id, gapMs: 90000 } },
                { type: 'explanation', t: 90000, data: { recording: rec, interruption: id, mediaSeq: head.nextSeq + 1, offsetMs: 0, durationMs: 6000 } },
              ] as EvidenceRecord[])),
        ], 90000);
      }
    }
    seal(EntryKind.Journal, 0, [{ type: 'record-stop', t: 0, data: { recording: rec, cause: 'officer', durationMs: mediaEntries * entryMs } }], 5);
  }
  return files;
}
