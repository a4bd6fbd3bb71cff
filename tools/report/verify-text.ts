// Human output of verify: a verdict line, the problems one per line, then the compliance view.
import type { RecordingView, VerifyReport } from '../../firmware/core/evidence';

let offsetMinutes = 480;

/** A wall-clock time in the unit's local time, e.g. "2026-11-26 08:31:00 +08:00". */
function when(at: number | null): string {
  if (at === null) return '(clock unset)';
  const local = new Date(at + offsetMinutes * 60_000).toISOString();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local.slice(0, 10)} ${local.slice(11, 19)} ${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const NOT_READ = 'not read (encrypted)';

function recordingLine(r: RecordingView): string {
  const parts: string[] = [];
  // Without the store key an absent record may only be unread: it is said so, neither passed nor failed.
  const absent = (what: string) => (r.contentRead ? what : NOT_READ);
  parts.push(r.start ? `${when(r.start.at)}` : `start ${absent('not present')}`);
  if (r.stop) parts[0] += ` to ${when(r.stop.at)}`;
  if (r.officer) parts.push(`officer ${r.officer.name} (${r.officer.certificate})`);
  else if (!r.contentRead) parts.push(`officer ${NOT_READ}`);
  if (r.caseTag) parts.push(`case ${r.caseTag.caseNumber} ${r.caseTag.kind}${r.caseTag.stage ? ` stage ${r.caseTag.stage}` : ''}`);
  parts.push(`notice ${r.notice ? r.notice.outcome : absent('MISSING')}`);
  if (r.continuous) parts.push('continuous');
  if (r.marks.length) parts.push(`${r.marks.length} mark${r.marks.length > 1 ? 's' : ''}`);
  if (r.interruptions.length) {
    const list = r.interruptions.map((i) => `${i.reason}: ${i.resumed ? 'resumed' : 'not resumed'}, ${i.explanation ? 'explained' : 'no explanation'}`);
    parts.push(`interruptions [${list.join('; ')}]`);
  } else if (!r.contentRead) parts.push(`interruptions and explanations ${NOT_READ}`);
  parts.push(`${r.frames} frames, ${r.contentRead ? `${(r.audioMs / 1000).toFixed(1)} s audio` : `audio ${NOT_READ}`} in ${r.mediaEntries} entries`);
  if (r.offload) parts.push(`offload by ${r.offload.day}${r.offload.covered ? '' : ' (calendar not provisioned: weekends only)'}: ${r.offload.status}`);
  return `  recording ${r.recording}: ${parts.join(', ')}`;
}

export function formatReport(report: VerifyReport, utcOffsetMinutes = 480): string {
  offsetMinutes = utcOffsetMinutes;
  const lines: string[] = [];
  const span = report.first !== null && report.head ? `entries ${report.first}-${report.head.seq}` : 'no entries';
  const head = report.head ? `, head ${report.head.seq}:${report.head.hash}` : '';
  lines.push(`${report.ok ? 'INTACT' : 'NOT INTACT'}: device ${report.deviceId ?? '?'}, ${span} (${report.entries} files)${head}`);
  if (report.key) lines.push(`key ${report.key.id} (${report.key.source === 'device-key' ? 'from --device-key' : 'announced by the chain itself; pass --device-key to anchor it'})`);
  for (const p of report.problems) lines.push(`${p.kind}${p.seq === null ? '' : ` at ${p.seq}`}: ${p.detail}`);
  for (const n of report.notes) lines.push(`note: ${n}`);
  if (report.encrypted.entries > 0)
    lines.push(
      report.encrypted.contentRead
        ? `encrypted: ${report.encrypted.entries} of ${report.entries} entries, content read with the store's key`
        : `encrypted: ${report.encrypted.entries} of ${report.entries} entries; integrity checked, content not read (give the store's key with --store-key FILE|STOREDIR to read it)`,
    );
  const c = report.compliance;
  lines.push(`recordings: ${c.recordings.length}, gaps: ${c.gaps ?? NOT_READ}`);
  for (const r of c.recordings) {
    lines.push(recordingLine(r));
    for (const f of r.flags) lines.push(`    ! ${f}`);
  }
  for (const e of c.events) lines.push(`  ${when(e.at)} ${e.summary}`);
  return lines.join('\n') + '\n';
}
