// One example of every record type, with values that exercise each field encoding
// (non-ASCII strings, negative i32, u64 above 2^32, every enum position in use somewhere).
import type { EvidenceRecord } from '../../firmware/core/evidence';

const h = (n: number) => Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + n) & 255);

export function sampleRecords(): EvidenceRecord[] {
  return [
    { type: 'video-frame', t: 0, data: { frame: 7, width: 640, height: 480, format: 'jpeg', image: Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]) } },
    { type: 'audio-chunk', t: 1, data: { firstSample: 5_000_000_000, sampleRate: 16000, channels: 1, bitsPerSample: 16, encoding: 'lpcm-le', samples: Uint8Array.from([1, 0, 255, 127]) } },
    { type: 'gnss-fix', t: 2, data: { latitude: 249016123, longitude: -1046040000, altitude: -1200, speed: 1500, heading: 35999, satellites: 14, hdop: 85, quality: 'float-rtk', utc: 1_795_000_000_123 } },
    { type: 'boot', t: 3, data: { cause: 'power-loss', bootCount: 42, recoveredSeq: 17, recoveredRecords: 230 } },
    { type: 'firmware', t: 4, data: { version: '0.1.0', build: 'abc123' } },
    { type: 'device-key', t: 5, data: { publicKey: Uint8Array.from({ length: 65 }, (_, i) => (i === 0 ? 4 : i)), store: 'secure-element' } },
    { type: 'time-set', t: 6, data: { oldTime: 0, newTime: 1_795_000_000_000, source: 'gnss' } },
    { type: 'officer', t: 7, data: { name: '李明', certificate: '53032419001', unit: '罗平县市场监督管理局', assignedBy: 'tech-01' } },
    { type: 'case-tag', t: 8, data: { caseNumber: '罗市监（2026）12号', kind: 'coercive-measure', stage: 9, note: '' } },
    { type: 'record-start', t: 9, data: { recording: 3, trigger: 'continuous-restart', preEventMs: 30000, profile: 'vga-5-16k' } },
    { type: 'record-stop', t: 10, data: { recording: 3, cause: 'continuous-confirmed', durationMs: 7_200_000 } },
    { type: 'notice', t: 11, data: { recording: 3, outcome: 'officer-spoke', clip: h(1), durationMs: 9800 } },
    { type: 'mark', t: 12, data: { recording: 3, label: '出示执法证件' } },
    { type: 'obstruction', t: 13, data: { recording: 3, label: 'camera covered by hand' } },
    { type: 'interruption', t: 14, data: { recording: 3, interruption: 2, reason: 'weather', detail: '暴雨' } },
    { type: 'explanation', t: 15, data: { recording: 3, interruption: 2, mediaSeq: 88, offsetMs: 1200, durationMs: 6400 } },
    { type: 'resume', t: 16, data: { recording: 3, interruption: 2, gapMs: 300_000 } },
    { type: 'continuous-mode', t: 17, data: { on: 1, setBy: 'officer', caseNumber: '罗市监（2026）12号' } },
    { type: 'stop-refused', t: 18, data: { recording: 3, press: 'long-unconfirmed' } },
    { type: 'deletion-refused', t: 19, data: { target: 'ev/0000000/0000000005.qce', via: 'maintenance', requester: 'tech-02' } },
    { type: 'access-denied', t: 20, data: { command: 'offload', via: 'maintenance', reason: 'not authenticated' } },
    { type: 'offload-receipt', t: 21, data: { store: 'luoping-amr-store-1', throughSeq: 120, throughLink: h(2), receipt: h(3), signature: h(4) } },
    { type: 'space-reclaimed', t: 22, data: { throughSeq: 120, entries: 121, bytes: 6_000_000_000 } },
    { type: 'deadline-warning', t: 23, data: { recording: 3, deadline: 1_795_600_000_000, level: 'overdue', workingDaysLeft: -2 } },
    { type: 'battery-low', t: 24, data: { millivolts: 3350, percent: 4, level: 'critical' } },
    { type: 'storage-low', t: 25, data: { freeBytes: 0, totalBytes: 14_680_064, level: 'full' } },
    { type: 'gnss-lost', t: 26, data: { latitude: -335000000, longitude: 1512000000 } },
    { type: 'gnss-regained', t: 27, data: { latitude: -335000100, longitude: 1512000100, satellites: 6, lostMs: 45_000 } },
    { type: 'config', t: 28, data: { key: 'preEventSeconds', value: '30', setBy: 'tech-01' } },
    { type: 'card', t: 29, data: { event: 'removed', serial: '03-SD-SC32G-8a1b2c3d', capacity: 31914983424, seq: 41, detail: 'card stopped answering' } },
    { type: 'media-lost', t: 30, data: { recording: 3, reason: 'queue-full', frames: 2, audioChunks: 0, fixes: 0, bytes: 61440, firstMs: 120100, lastMs: 120200 } },
    { type: 'content-key', t: 31, data: { ephemeral: Uint8Array.from({ length: 65 }, (_, i) => (i === 0 ? 4 : 255 - i)), wrapped: h(5).subarray(0, 24) } },
  ];
}
