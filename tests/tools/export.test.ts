// quancheng export on a simulated shift: playable media at the recorded timing, the
// article-15 note, the verification report, the originals, the disc image.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ffprobe, mediaSpan, scenarioRun, type ScenarioRun } from '../support/export';
import { runCli, tempDir } from '../support/cli';

const AT = '2026-11-27T09:00:00+08:00';

describe('quancheng export (shift scenario)', () => {
  let run: ScenarioRun;
  let out: string;
  let iso: string;
  let code: number;
  let stdout: string;
  let note: any;

  beforeAll(async () => {
    run = scenarioRun('shift');
    const base = tempDir('export');
    out = join(base, 'package');
    iso = join(base, 'package.iso');
    const r = await runCli('export', run.image, '--out', out, '--iso', iso, '--at', AT);
    code = r.code;
    stdout = r.stdout;
    expect(r.stderr).toBe('');
    note = JSON.parse(readFileSync(join(out, 'note.json'), 'utf8'));
  }, 120_000);

  test('exit 0 for an intact chain; the package holds the note, the report, media per recording, the originals', () => {
    expect(code).toBe(0);
    expect(stdout).toMatch(/^exported 3 recordings \(6 media files/);
    expect(stdout).toMatch(/^INTACT: device QC-SIM-0001/m);
    expect(readdirSync(out).sort()).toEqual(['SHA256SUMS', 'media', 'note.html', 'note.json', 'original', 'report.html', 'verify.json', 'verify.txt']);
    expect(readdirSync(join(out, 'media')).sort()).toEqual(['recording-0001.avi', 'recording-0001.wav', 'recording-0002.avi', 'recording-0002.wav', 'recording-0003.avi', 'recording-0003.wav']);
    expect(readdirSync(join(out, '..')).sort()).toEqual(['package', 'package.iso']);
  });

  test.each([1, 2, 3])('recording %i: the AVI is MJPEG 320x240 + PCM 16 kHz, lasting the recording span within a frame', (n) => {
    const avi = join(out, `media/recording-000${n}.avi`);
    const p = ffprobe(avi);
    expect(p.format.format_name).toBe('avi');
    const video = p.streams.find((s) => s.codec_type === 'video')!;
    const audio = p.streams.find((s) => s.codec_type === 'audio')!;
    expect(video).toMatchObject({ codec_name: 'mjpeg', width: 320, height: 240 });
    expect(audio).toMatchObject({ codec_name: 'pcm_s16le', sample_rate: '16000', channels: 1 });
    const span = mediaSpan(run.files, n);
    expect(Math.abs(Number(p.format.duration) - (span.to - span.from) / 1000)).toBeLessThanOrEqual(1 / 3);
    // Every stored picture is in the file, once, unchanged in size; the other slots hold the picture.
    const packets = ffprobe(avi, ['-select_streams', 'v', '-show_packets']).packets as { size: string }[];
    expect(packets.filter((k) => Number(k.size) > 0)).toHaveLength(span.frames);
    // ffmpeg decodes the whole file without complaint.
    const d = spawnSync('ffmpeg', ['-v', 'error', '-i', avi, '-f', 'null', '-'], { encoding: 'utf8' });
    expect(d.status).toBe(0);
    expect(d.stderr).toBe('');
  });

  test('the WAV is the same audio: 16-bit 16 kHz mono, same length, the stored samples unchanged', () => {
    const wav = join(out, 'media/recording-0002.wav');
    const p = ffprobe(wav);
    expect(p.streams[0]).toMatchObject({ codec_name: 'pcm_s16le', sample_rate: '16000', channels: 1 });
    const avi = ffprobe(join(out, 'media/recording-0002.avi'));
    expect(Math.abs(Number(p.format.duration) - Number(avi.format.duration))).toBeLessThan(0.01);
    const span = mediaSpan(run.files, 2);
    const bytes = readFileSync(wav);
    const at = 44 + Math.round(((span.firstChunk.start - span.from) * 16000) / 1000) * 2;
    expect(Buffer.compare(bytes.subarray(at, at + span.firstChunk.samples.length), Buffer.from(span.firstChunk.samples))).toBe(0);
  });

  test('the note names the collector, certificate, unit, case, times, GNSS place and device (JSON and HTML)', () => {
    expect(note.recordings).toHaveLength(3);
    const r = note.recordings[1];
    expect(r.collector).toEqual({ name: '李明', certificate: '53032419001', unit: '罗平县市场监督管理局', assignedBy: 'provisioning' });
    expect(r.case).toMatchObject({ number: '罗市监（2026）13号', kind: 'penalty', kindZh: '行政处罚', stage: 3 });
    expect(r.start.local).toMatch(/^2026-11-26 08:\d\d:\d\d \+08:00$/);
    expect(Date.parse(r.end.utc) - Date.parse(r.start.utc)).toBeGreaterThan(60_000);
    expect(r.place.fixes).toBeGreaterThan(10);
    expect(r.place.first.latitude).toBeCloseTo(24.88, 1);
    expect(r.place.first.longitude).toBeCloseTo(104.31, 1);
    expect(note.device.id).toBe('QC-SIM-0001');
    expect(note.exportedAt).toEqual({ local: '2026-11-27 09:00:00 +08:00', utc: '2026-11-27T01:00:00.000Z' });
    expect(note.verification.intact).toBe(true);
    expect(note.entries.map((e: { seq: number }) => e.seq)).toEqual(run.files.filter((f) => f.path.endsWith('.qce')).map((_, i) => i));
    const html = readFileSync(join(out, 'note.html'), 'utf8');
    for (const s of ['采集人', 'Collected by', '李明', '53032419001', '罗市监（2026）13号', '地点', '24.88', '104.31', 'QC-SIM-0001', '校验通过 INTACT', note.verification.head.link, 'quancheng verify original --expect-head'])
      expect(html).toContain(s);
    expect(html).not.toMatch(/<script|src="http|href="http/);
  });

  test('the originals verify on their own with the same head; SHA256SUMS checks every file', async () => {
    const direct = await runCli('verify', run.image);
    const copy = await runCli('verify', join(out, 'original'), '--expect-head', `${note.verification.head.seq}:${note.verification.head.link}`);
    expect(copy.code).toBe(0);
    expect(copy.stdout.split('\n')[0]).toBe(direct.stdout.split('\n')[0]);
    for (const f of run.files) expect(Buffer.compare(readFileSync(join(out, 'original', f.path)), Buffer.from(f.bytes))).toBe(0);
    const sums = spawnSync('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' });
    expect(sums.status).toBe(0);
    expect(sums.stdout.trim().split('\n').length).toBe(readFileSync(join(out, 'SHA256SUMS'), 'utf8').trim().split('\n').length);
    expect(sums.stdout).toMatch(/media\/recording-0003.avi: OK/);
  });

  test('verify.txt is what quancheng verify prints at the export time; verify.json its report', async () => {
    const v = await runCli('verify', run.image, '--at', AT);
    expect(readFileSync(join(out, 'verify.txt'), 'utf8')).toBe(v.stdout);
    expect(JSON.parse(readFileSync(join(out, 'verify.json'), 'utf8'))).toEqual(JSON.parse((await runCli('verify', run.image, '--at', AT, '--json')).stdout));
  });

  test("report.html is the inspector's report, linking each recording's video", () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const n of [1, 2, 3]) expect(html).toContain(`src="media/recording-000${n}.avi"`);
    expect(html).toContain(note.verification.head.link);
  });

  test('the disc image lists every file of the package', () => {
    const r = spawnSync('xorriso', ['-indev', iso, '-find', '/', '-type', 'f'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const listed = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.replace(/^'\/?|'$/g, ''))
      .sort();
    const sums = readFileSync(join(out, 'SHA256SUMS'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.slice(66));
    expect(listed).toEqual([...sums, 'SHA256SUMS'].sort());
    expect(existsSync(`${iso}.partial-${process.pid}`)).toBe(false);
  });

  test('the same chain at the same export time gives the same package, file for file', async () => {
    const again = join(tempDir('export-again'), 'p');
    expect((await runCli('export', run.image, '--out', again, '--at', AT)).code).toBe(0);
    expect(readFileSync(join(again, 'SHA256SUMS'), 'utf8')).toBe(readFileSync(join(out, 'SHA256SUMS'), 'utf8'));
  });
});
