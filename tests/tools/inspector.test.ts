// The inspector's HTML report: from a shift the simulated device really recorded, the
// report shows exactly the events the chain holds, escapes what the chain says, plays
// the explanation's stretch of audio, and renders in a real headless browser (Debian's
// chromium driven by playwright-core) to a screenshot.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { verifyChain, type EntryFile, type VerifyReport } from '../../firmware/core/evidence';
import { CHINA_2026, WorkingDays } from '../../firmware/core/policy/calendar';
import { OFFLOAD_WORKING_DAYS } from '../../firmware/core/policy/deadline';
import { readVolumeFiles } from '../../host-sim/flash/volume-files';
import { resolveScenario } from '../../host-sim/scenario/builtin';
import { runScenario } from '../../host-sim/scenario/run';
import type { Scenario } from '../../host-sim/scenario/types';
import { nodeChecker } from '../../host-sim/crypt/node-checker';
import { collectRecordings, usableEntries } from '../../tools/export/recordings';
import { buildTimeline } from '../../tools/export/timeline';
import { wavParts } from '../../tools/export/wav';
import { trustedEntries } from '../../tools/report/chain-details';
import { renderInspectorReport } from '../../tools/report/inspector';
import { runCli, tempDir } from '../support/cli';

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE_NAME = '李明 <script>window.__pwned = 1</script>';
const AT = Date.parse('2026-11-30T12:00:00+08:00');

/** The built-in shift (notice, mark, obstruction, a weather interruption explained, continuous mode with a refused stop), plus a GNSS fix loss during recording 2 and an officer name that is markup. */
function scenario(): Scenario {
  const s = resolveScenario('shift');
  s.officer = { ...s.officer!, name: HOSTILE_NAME };
  s.timeline.push({ at: 190_000, do: 'gnss-loss', on: true }, { at: 215_000, do: 'gnss-loss', on: false });
  s.timeline.sort((a, b) => a.at - b.at);
  return s;
}

/** A recording's audio exactly as \`quancheng export\` lays it (its code, not a copy): the contract the report's seek positions rest on. */
function exportedAudio(files: readonly EntryFile[], recording: number): { wav: Buffer; startAt: number } {
  const problems = new Set(report.problems.map((p) => p.seq).filter((s): s is number => s !== null));
  const material = collectRecordings(usableEntries(files, problems).map((u) => u.entry)).get(recording)!;
  const t = buildTimeline(material.profile, material.frames, material.audio)!;
  return { wav: Buffer.concat(wavParts(t.audio!.format, t.audio!.pcm)), startAt: t.startAt };
}

const count = (html: string, needle: string) => html.split(needle).length - 1;

/** What the test reads of an <audio> element (the host compilation has no DOM types). */
interface AudioLike {
  readyState: number;
  currentTime: number;
  duration: number;
  paused: boolean;
  dataset: Record<string, string | undefined>;
  addEventListener(type: string, listener: (e: unknown) => void, options: { once: boolean }): void;
}

let files: EntryFile[];
let report: VerifyReport;
let html: string;
let dir: string;
let reportPath: string;
let exported: { wav: Buffer; startAt: number };

beforeAll(() => {
  const run = runScenario(scenario(), { seed: 1 });
  files = readVolumeFiles(run.device.lfs!, (p) => p.startsWith('ev/') || p.startsWith('open/'));
  const days = new WorkingDays({ ...CHINA_2026, utcOffsetMinutes: 480 });
  report = verifyChain(files, {
    checker: nodeChecker,
    deviceKey: run.device.signer.publicKey,
    deadline: { of: (start) => days.deadline(start, OFFLOAD_WORKING_DAYS), now: AT },
  });
  dir = tempDir('inspector');
  exported = exportedAudio(files, 2);
  writeFileSync(join(dir, 'recording 2.wav'), exported.wav);
  html = renderInspectorReport(report, files, { utcOffsetMinutes: 480, media: { 2: { audio: 'recording 2.wav' } }, title: 'Shift of 2026-11-26' });
  reportPath = join(dir, 'report.html');
  writeFileSync(reportPath, html);
}, 300_000);

describe('the report from a recorded shift', () => {
  test('the scenario did what the report should show', () => {
    expect(report.ok).toBe(true);
    const [r1, r2, r3] = report.compliance.recordings;
    expect(report.compliance.recordings).toHaveLength(3);
    expect([r1.marks.length, r2.obstructions.length, r2.interruptions.length, r3.refusedStops.length]).toEqual([1, 1, 1, 1]);
    expect(r2.interruptions[0]).toMatchObject({ reason: 'weather', needsWrittenReport: false });
    expect(r2.interruptions[0].explanation).not.toBeNull();
    expect([r1.continuous, r2.continuous, r3.continuous]).toEqual([false, false, true]);
  });

  test('verdict, head and one timeline per recording with each event as often as the chain has it', () => {
    expect(html).toContain('data-verdict="intact"');
    expect(html).toContain(`data-head="${report.head!.seq}:${report.head!.hash}"`);
    expect(count(html, '<svg class="timeline"')).toBe(3);
    expect(count(html, 'data-event="notice"')).toBe(3);
    expect(count(html, 'data-event="mark"')).toBe(1);
    expect(count(html, 'data-event="obstruction"')).toBe(1);
    expect(count(html, 'data-event="interruption"')).toBe(1);
    expect(count(html, 'data-event="interruption" data-interruption="1" data-reason="weather"')).toBe(1);
    expect(count(html, 'data-event="explanation" data-interruption="1"')).toBe(1);
    expect(count(html, 'data-event="gap"')).toBe(1);
    expect(count(html, 'data-event="continuous"')).toBe(1);
    expect(count(html, 'data-event="refused-stop"')).toBe(1);
    expect(count(html, 'data-event="pre-event"')).toBe(3);
    // The fix loss: a band on recording 2's timeline and a dashed stretch on its track.
    expect(count(html, 'data-event="fix-lost"')).toBe(2);
    expect(count(html, 'data-offload="pending"')).toBe(3);
  });

  test('times are local: recording 1 starts at 08:31:00 +08:00 (pre-event buffer before it)', () => {
    expect(html).toContain('2026-11-26 08:31:00 +08:00');
    expect(html).toMatch(/\(button, profile qvga-3-16k, (29\.9|30) s pre-event\)/);
  });

  test('the explanation plays from the recording audio: a media fragment of its 15 s', () => {
    const m = /<audio id="r2-x1"[^>]*data-from="([\d.]+)" src="recording%202\.wav#t=([\d.]+),([\d.]+)"/.exec(html);
    expect(m).not.toBeNull();
    const [from, a, b] = [Number(m![1]), Number(m![2]), Number(m![3])];
    expect(a).toBe(from);
    expect(b - a).toBeCloseTo(15, 1);
    // On the exported media's clock: where the explanation was spoken, from the first picture or sample.
    const said = report.compliance.recordings[1].interruptions[0].resumed!.at!;
    expect(a).toBeGreaterThan((said - exported.startAt) / 1000);
    expect(a).toBeLessThan((said - exported.startAt) / 1000 + 10); // after the explanation prompt
    // 30 s pre-event + 40 s recorded + 20 s gap + the prompt.
    expect(a).toBeGreaterThan(90);
    expect(a).toBeLessThan(100);
  });

  test('text from the chain is escaped: an officer name with a script tag is shown as text', () => {
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).toContain('李明 &lt;script&gt;window.__pwned = 1&lt;/script&gt;');
    expect(count(html, '<script')).toBe(1);
  });

  test('self-contained and deterministic: no external reference; the same input gives the same bytes', () => {
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain('Content-Security-Policy');
    expect(renderInspectorReport(report, files, { utcOffsetMinutes: 480, media: { 2: { audio: 'recording 2.wav' } }, title: 'Shift of 2026-11-26' })).toBe(html);
  });

  test('without media there is no audio element, and the explanation is still described', () => {
    const plain = renderInspectorReport(report, files, { utcOffsetMinutes: 480 });
    expect(plain).not.toContain('<audio');
    expect(plain).toMatch(/spoken explanation: 15 s from 2026-11-26 /);
    expect(plain).toContain('<title>Inspector&#39;s report: device QC-SIM-0001</title>');
  });

  test('an interruption never resumed: the gap runs to the end and a written report is called for', () => {
    const r: VerifyReport = structuredClone(report);
    const i = r.compliance.recordings[1].interruptions[0];
    Object.assign(i, { resumed: null, explanation: null, needsWrittenReport: true });
    const out = renderInspectorReport(r, [], { utcOffsetMinutes: 480 });
    expect(out).toContain('never resumed: a written report is needed (art. 13)');
    expect(count(out, 'data-event="explanation"')).toBe(0);
    const r2 = out.slice(out.indexOf('<section class="recording" id="r2"'), out.indexOf('<section class="recording" id="r3"'));
    const rightEdge = (event: string) => {
      const m = new RegExp(`<rect data-event="${event}"[^>]* x="([\\d.]+)" y="[\\d.]+" width="([\\d.]+)"`).exec(r2)!;
      return Number(m[1]) + Number(m[2]);
    };
    expect(rightEdge('gap')).toBeCloseTo(rightEdge('recorded'), 0); // both end at the recording's stop
  });

  test('a damaged chain: NOT INTACT, its problems listed (escaped), the faulted entry not drawn from', () => {
    const damaged = files.map((f) => ({ ...f }));
    const i = damaged.findIndex((f) => f.path.endsWith('0000000001.qce'));
    const bytes = damaged[i].bytes.slice();
    bytes[100] ^= 1;
    damaged[i] = { ...damaged[i], bytes };
    const r = verifyChain(damaged, { checker: nodeChecker });
    r.problems.push({ kind: 'malformed', seq: null, detail: '<img src=x onerror=alert(1)>' });
    const out = renderInspectorReport(r, damaged, { utcOffsetMinutes: 480 });
    expect(out).toContain('data-verdict="not-intact"');
    expect(out).toContain('data-problem="modified"');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out).not.toContain('<img');
    const drawnFrom = trustedEntries(r, damaged).map((e) => e.header.seq);
    expect(drawnFrom).not.toContain(1);
    expect(drawnFrom).toHaveLength(files.length - 1);
  });
});

describe('in a real headless browser', () => {
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    // playwright-core brings no browser: the test drives the distribution's chromium.
    expect(existsSync(CHROMIUM)).toBe(true);
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    // A media element cancels its own range requests as it buffers (net::ERR_ABORTED): not a failure.
    page.on('requestfailed', (r) => {
      if (!(r.resourceType() === 'media' && r.failure()?.errorText === 'net::ERR_ABORTED')) errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
    });
    await page.goto('file://' + reportPath);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  test('renders without errors; the markup in the officer name stayed text', async () => {
    expect(await page.title()).toBe('Shift of 2026-11-26');
    expect(await page.textContent('[data-verdict]')).toMatch(/^INTACT: device QC-SIM-0001/);
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(await page.locator('#r1 dd').first().textContent()).toContain(HOSTILE_NAME);
    expect(errors).toEqual([]);
  });

  test('the timelines hold the scenario events, laid out in time order', async () => {
    const n = (sel: string) => page.locator(sel).count();
    expect(await n('svg.timeline')).toBe(3);
    expect(await n('svg.timeline [data-event="notice"]')).toBe(3);
    expect(await n('svg.timeline [data-event="interruption"]')).toBe(1);
    expect(await n('svg.timeline [data-event="explanation"]')).toBe(1);
    expect(await n('#r2 svg.timeline [data-event="gap"]')).toBe(1);
    expect(await n('#r3 svg.timeline [data-event="continuous"]')).toBe(1);
    const x = async (sel: string) => (await page.locator(sel).boundingBox())!.x;
    const [notice, obstruction, interruption, explanation] = [
      await x('#r2 [data-event="notice"]'),
      await x('#r2 [data-event="obstruction"]'),
      await x('#r2 [data-event="interruption"]'),
      await x('#r2 [data-event="explanation"]'),
    ];
    // Recording 2: notice at its start, rain at 0:40, resumed at 1:00 with the explanation, obstruction at 1:30.
    expect(notice).toBeLessThan(interruption);
    expect(interruption).toBeLessThan(explanation);
    expect(explanation).toBeLessThan(obstruction);
    const gap = (await page.locator('#r2 [data-event="gap"]').boundingBox())!;
    expect(gap.x).toBeCloseTo(interruption, -1);
    expect(gap.x + gap.width).toBeLessThanOrEqual(explanation + 2);
  });

  test('the GNSS track is a polyline with points, broken at the fix loss, with start and end', async () => {
    const points = await page.$$eval('#r2 svg.track polyline', (ls) => ls.map((l) => (l as unknown as { points: { numberOfItems: number } }).points.numberOfItems));
    expect(points.length).toBe(2); // before and after the loss
    expect(Math.min(...points)).toBeGreaterThan(5);
    expect(await page.locator('#r2 svg.track [data-event="fix-lost"]').count()).toBe(1);
    expect(await page.locator('#r1 svg.track polyline').count()).toBe(1);
    expect(await page.locator('svg.track [data-marker="start"]').count()).toBe(3);
    expect(await page.locator('svg.track [data-marker="end"]').count()).toBe(3);
  });

  test('the explanation is playable: its audio loads at the fragment start, and clicking it on the timeline plays it', async () => {
    const audio = page.locator('audio[data-explanation="1"]');
    await audio.evaluate((el) => {
      const a = el as unknown as AudioLike;
      return a.readyState >= 1 ? undefined : new Promise((ok) => a.addEventListener('loadedmetadata', ok, { once: true }));
    });
    const state = await audio.evaluate((el) => {
      const a = el as unknown as AudioLike;
      return { t: a.currentTime, d: a.duration, from: Number(a.dataset.from) };
    });
    expect(state.t).toBeCloseTo(state.from, 1);
    expect(state.d).toBeGreaterThan(state.from + 15);
    await page.locator('#r2 svg.timeline [data-event="explanation"]').click();
    // Waited for inside the page by events, not by waitForFunction: a string predicate is an
    // eval, which the report's Content-Security-Policy forbids (and playwright falls back to it).
    await audio.evaluate((el) => {
      const a = el as unknown as AudioLike;
      return new Promise<void>((ok, fail) => {
        const playing = () => !a.paused && a.currentTime > Number(a.dataset.from);
        if (playing()) return ok();
        a.addEventListener('timeupdate', () => playing() && ok(), { once: false });
        setTimeout(() => fail(new Error('the explanation did not play')), 10_000);
      });
    });
    expect(errors).toEqual([]);
  });

  test('a screenshot of the whole report', async () => {
    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = readFileSync(shot);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.readUInt32BE(16)).toBe(1200); // IHDR width
    expect(png.readUInt32BE(20)).toBeGreaterThan(2000); // the whole page, three recordings long
    expect(statSync(shot).size).toBeGreaterThan(50_000);
  });
});

describe('quancheng verify --html', () => {
  test('writes the report and prints the usual text, with the usual exit code', async () => {
    const out = join(tempDir('verify-html'), 'report.html');
    const plain = await runCli('verify', 'tests/vectors/chain', '--at', '2026-11-30T12:00:00+08:00');
    const r = await runCli('verify', 'tests/vectors/chain', '--at', '2026-11-30T12:00:00+08:00', '--html', out);
    expect(r).toEqual(plain);
    expect(r.code).toBe(0);
    const page = readFileSync(out, 'utf8');
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).toContain('data-verdict="intact"');
  });

  test('an unwritable --html path is bad input: exit 2, one line', async () => {
    const r = await runCli('verify', 'tests/vectors/chain', '--html', '/nonexistent-dir/report.html');
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot write \/nonexistent-dir\/report.html/);
  });
});
