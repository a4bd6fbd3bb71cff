import { RecorderRig } from './harness';

describe('recorder: the rule on the device', () => {
  test('art. 12: recording starts, the notice plays and is journaled; marks; a normal stop', () => {
    const rig = new RecorderRig();
    const r = rig.recorder;
    r.assignOfficer('李明', '53032419001', 'luoping', 'tech-01');
    r.tagCase('罗市监（2026）12号', 'inspection', 4);
    rig.run(5000);
    r.press('record-short');
    expect(r.state).toBe('recording');
    expect(rig.prompts.played).toEqual(['notice']);
    rig.run(12000);
    r.press('mark-short');
    r.press('both');
    rig.run(3000);
    r.press('record-short');
    expect(r.state).toBe('standby');
    const report = rig.verify();
    expect(report.problems).toEqual([]);
    const rec = report.compliance.recordings[0];
    expect(rec.notice?.outcome).toBe('played');
    expect(rec.marks).toHaveLength(1);
    expect(rec.obstructions).toHaveLength(1);
    expect(rec.officer?.certificate).toBe('53032419001');
    expect(rec.caseTag?.caseNumber).toBe('罗市监（2026）12号');
    expect(rec.stop?.cause).toBe('officer');
    expect(rec.flags).toEqual(['obstruction marked 1 time(s) (art. 17)']);
  });

  test('pre-event: frames from before the press open the recording, in order, with their own times', () => {
    const rig = new RecorderRig({ preEventMs: 10_000 });
    rig.run(20_000);
    rig.recorder.press('record-short');
    rig.run(2000);
    rig.recorder.press('record-short');
    const report = rig.verify();
    expect(report.problems).toEqual([]);
    const rec = report.compliance.recordings[0];
    // ~10 s of pre-event at 3 fps plus 2 s after the press.
    expect(rec.frames).toBeGreaterThanOrEqual(30 + 5);
    expect(rec.start!.at).toBeLessThanOrEqual(rig.storage.clock.wall()! - 2000);
  });

  test('art. 12: a speaker fault is journaled and the officer confirms with a mark', () => {
    const rig = new RecorderRig();
    rig.prompts.speakerWorks = false;
    rig.recorder.press('record-short');
    rig.run(1000);
    rig.recorder.press('mark-short');
    rig.run(1000);
    rig.recorder.press('record-short');
    const rec = rig.verify().compliance.recordings[0];
    expect(rec.notice?.outcome).toBe('officer-spoke');
    expect(rec.marks).toHaveLength(0);
  });

  test('art. 13: an interruption, resumed, with the explanation prompt and the linked explanation', () => {
    const rig = new RecorderRig();
    const r = rig.recorder;
    r.press('record-short');
    rig.run(15_000);
    r.interrupt('weather', '暴雨');
    expect(r.state).toBe('interrupted');
    rig.run(60_000);
    r.press('record-short');
    expect(rig.prompts.played).toEqual(['notice', 'explain']);
    rig.run(25_000);
    r.press('record-short');
    const report = rig.verify();
    expect(report.problems).toEqual([]);
    const [i] = report.compliance.recordings[0].interruptions;
    expect(i).toMatchObject({ reason: 'weather', needsWrittenReport: false });
    expect(i.resumed!.gapMs).toBeGreaterThanOrEqual(60_000);
    expect(i.explanation).toMatchObject({ durationMs: 15_000 });
    expect(report.compliance.recordings[0].flags).toEqual([]);
  });

  test('art. 13: the officer pauses with the buttons: mark held is weather, or obstruction right after an obstruction mark', () => {
    const rig = new RecorderRig();
    const r = rig.recorder;
    r.press('record-short');
    rig.run(5000);
    r.press('mark-long');
    expect(r.state).toBe('interrupted');
    rig.run(5000);
    r.press('record-short');
    rig.run(20_000);
    r.press('both');
    rig.run(3000);
    r.press('mark-long');
    rig.run(3000);
    r.press('record-short');
    rig.run(20_000);
    r.press('record-short');
    const rec = rig.verify().compliance.recordings[0];
    expect(rec.interruptions.map((i) => `${i.reason}:${i.explanation ? 'explained' : '-'}`)).toEqual(['weather:explained', 'obstruction:explained']);
    expect(rec.obstructions).toHaveLength(1);
  });

  test('art. 13: an interruption never resumed is flagged for a written report', () => {
    const rig = new RecorderRig();
    rig.recorder.press('record-short');
    rig.run(5000);
    rig.recorder.interrupt('device-fault', 'camera stopped');
    rig.run(5000);
    rig.recorder.press('record-long');
    const rec = rig.verify().compliance.recordings[0];
    expect(rec.flags.join()).toMatch(/interruption 1 \(device-fault\) never resumed: written report needed/);
  });

  test('art. 11: continuous mode refuses a short press, needs a long press and a confirmation', () => {
    const rig = new RecorderRig();
    const r = rig.recorder;
    r.setContinuous(true, 'technician');
    r.press('record-short');
    rig.run(3000);
    r.press('record-short'); // refused
    expect(r.state).toBe('recording');
    r.press('record-long');
    rig.run(6000); // no confirmation: refused
    expect(r.state).toBe('recording');
    r.press('record-long');
    rig.run(1000);
    r.press('record-short'); // confirmed
    expect(r.state).toBe('standby');
    const rec = rig.verify().compliance.recordings[0];
    expect(rec.continuous).toBe(true);
    expect(rec.refusedStops).toHaveLength(2);
    expect(rec.stop?.cause).toBe('continuous-confirmed');
    expect(rig.feedback.signals.filter((s) => s === 'refused')).toHaveLength(2);
  });

  test('power lost while recording: an interruption (power loss) at boot; resumed and explained on the same recording', () => {
    const rig = new RecorderRig();
    rig.recorder.press('record-short');
    rig.run(8000);
    rig.powerCut();
    expect(rig.recorder.state).toBe('interrupted');
    expect(rig.recorder.recording).toBe(1);
    rig.recorder.press('record-short');
    rig.run(20_000);
    rig.recorder.press('record-short');
    const report = rig.verify();
    expect(report.problems).toEqual([]);
    const rec = report.compliance.recordings.find((x) => x.recording === 1)!;
    expect(rec.interruptions[0]).toMatchObject({ reason: 'power-loss', needsWrittenReport: false });
    expect(rec.interruptions[0].explanation).not.toBeNull();
    expect(report.compliance.events.some((e) => /boot after power-loss/.test(e.summary))).toBe(true);
  });

  test('art. 16: deletion is refused and journaled', () => {
    const rig = new RecorderRig();
    expect(rig.recorder.requestDeletion('ev/0000000/0000000001.qce', 'maintenance', 'tech-02')).toBe(false);
    const events = rig.verify().compliance.events.map((e) => e.summary);
    expect(events.join('\n')).toMatch(/deletion of ev\/0000000\/0000000001.qce refused/);
  });

  test('art. 14: deadline warnings on the right working days, once per level', () => {
    const rig = new RecorderRig();
    const clock = rig.storage.clock;
    // 2026-11-26 09:00 CST is a Thursday: the deadline is the end of Mon 7 Dec... counted: Fri 27 (1), Mon 30 (2), Tue 1 (3), Wed 2 (4), Thu 3 (5), Fri 4 (6), Mon 7 (7).
    clock.setWall(Date.parse('2026-11-26T09:00:00+08:00'));
    rig.recorder.press('record-short');
    rig.run(2000);
    rig.recorder.press('record-short');
    const day = 86_400_000;
    for (let d = 0; d < 14; d++) {
      clock.advance(day);
      rig.recorder.tick();
    }
    const warnings = rig.verify().compliance.events.filter((e) => e.type === 'deadline-warning').map((e) => `${new Date(e.at! + 8 * 3600_000).toISOString().slice(0, 10)} ${e.summary}`);
    expect(warnings).toEqual([
      expect.stringMatching(/^2026-12-03 recording 1 offload deadline approaching \(2 working days left\)/),
      expect.stringMatching(/^2026-12-07 recording 1 offload deadline due-today/),
      expect.stringMatching(/^2026-12-08 recording 1 offload deadline overdue/),
    ]);
  });
});
