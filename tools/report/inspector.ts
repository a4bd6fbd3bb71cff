// The inspector's report: one self-contained HTML document from a verification — the
// verdict and chain head, the problems, the device's events, and per recording its
// timeline (notice, marks, interruptions with playable explanations, gaps, continuity),
// offload deadline and GNSS track. Readable from a file, without a server; the same
// input gives the same bytes.
import type { EntryFile, EntryOpener, VerifyReport } from '../../firmware/core/evidence';
import { chainDetails } from './chain-details';
import { esc } from './html';
import { CSP, SCRIPT, STYLE } from './inspector-page';
import { localTime, offsetText } from './local-time';
import { legendHtml, recordingSection, type RecordingMedia } from './recording-section';

export interface InspectorOptions {
  /** The unit's offset from UTC: every time is shown in local time. */
  utcOffsetMinutes: number;
  /** Exported media per recording number, as paths relative to the report. */
  media?: Record<number /*recording*/, RecordingMedia>;
  title?: string;
  /** Reads encrypted entries with the store's key (FORMAT §7a); without it their content is left out. */
  open?: EntryOpener;
}

export function renderInspectorReport(report: VerifyReport, files: readonly EntryFile[], options: InspectorOptions): string {
  const offset = options.utcOffsetMinutes;
  const details = chainDetails(report, files, options.open);
  const c = report.compliance;
  const title = options.title ?? `Inspector's report: device ${report.deviceId ?? '?'}`;
  const span = report.first !== null && report.head ? `entries ${report.first}-${report.head.seq}` : 'no entries';

  const problems = report.problems.length
    ? `<ul class="problems">${report.problems.map((p) => `<li data-problem="${esc(p.kind)}"><b>${esc(p.kind)}</b>${p.seq === null ? '' : ` at ${p.seq}`}: ${esc(p.detail)}</li>`).join('')}</ul>`
    : '<p class="ok" data-problems="none">No integrity problem: every hash, link and signature checks out.</p>';
  const notes = report.notes.length ? `<ul class="notes">${report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
  const events = c.events.length
    ? `<table class="device-events"><thead><tr><th>time</th><th>event</th></tr></thead><tbody>${c.events.map((e) => `<tr data-device-event="${esc(e.type)}"><td class="mono">${esc(localTime(e.at, offset))}</td><td>${esc(e.summary)}</td></tr>`).join('')}</tbody></table>`
    : '<p class="muted">None.</p>';
  const index = c.recordings.length
    ? `<ol class="index">${c.recordings.map((v) => `<li value="${v.recording}"><a href="#r${v.recording}">recording ${v.recording}</a>: ${esc(localTime(v.start?.at ?? null, offset))}${v.flags.length ? ` <span class="bad">${v.flags.length} finding(s)</span>` : ''}</li>`).join('')}</ol>`
    : '<p class="muted">No recording in this chain.</p>';

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="verdict ${report.ok ? 'intact' : 'not-intact'}" data-verdict="${report.ok ? 'intact' : 'not-intact'}">${report.ok ? 'INTACT' : 'NOT INTACT'}: device ${esc(report.deviceId ?? '?')}, ${span} (${report.entries} files)</p>
<dl class="facts">
<dt>chain head</dt><dd class="mono" data-head="${report.head ? `${report.head.seq}:${report.head.hash}` : ''}">${report.head ? `${report.head.seq}:${report.head.hash}` : 'none'}</dd>
<dt>device key</dt><dd>${report.key ? `<span class="mono">${report.key.id}</span> ${report.key.source === 'device-key' ? '(given independently)' : '<span class="warn">(announced by the chain itself: proves consistency, not origin)</span>'}` : '<span class="bad">none</span>'}</dd>
<dt>recordings</dt><dd>${c.recordings.length}, ${c.gaps === null ? 'gaps not read (encrypted)' : `with ${c.gaps} gap(s) in all`}</dd>
<dt>times</dt><dd>local, UTC${offsetText(offset)}</dd>
</dl>
<h2>Problems</h2>
${problems}${notes}
<h2>Recordings</h2>
${index}
${legendHtml()}
<h2>Device events</h2>
${events}
${c.recordings.map((v) => recordingSection(v, details.get(v.recording), options.media?.[v.recording], offset)).join('\n')}
<script>${SCRIPT}</script>
</body>
</html>
`;
}
