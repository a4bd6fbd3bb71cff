// One recording in the inspector's report: who and what, start and end in local time,
// the timeline, its events in order (interruptions with their playable explanations),
// the offload deadline, the GNSS track, and the findings.
import type { InterruptionView, RecordingView } from '../../firmware/core/evidence';
import type { ExplanationAudio, RecordingDetails } from './chain-details';
import { esc, mediaUrl } from './html';
import { duration, localTime } from './local-time';
import { timelineSvg } from './timeline-svg';
import { trackSvg } from './track-svg';

/** Exported media of one recording, as paths relative to the report, laid on the recording's wall clock (chain-details.ts). */
export interface RecordingMedia {
  video?: string;
  audio?: string;
}

interface Row {
  at: number | null;
  event: string;
  html: string;
  /** Anchor the timeline links to (interruptions). */
  anchor?: string;
}

const LEGEND: [string, string][] = [
  ['pre-event', 'pre-event buffer'],
  ['recorded', 'recorded'],
  ['gap', 'gap (interruption)'],
  ['continuous', 'continuous mode'],
  ['notice', 'notice'],
  ['mark', 'key moment'],
  ['obstruction', 'obstruction'],
  ['interruption', 'interruption'],
  ['explanation', 'spoken explanation'],
  ['fix-lost', 'GNSS fix lost'],
];
const LEGEND_COLOURS: Record<string, string> = {
  'pre-event': '#cfe3f7',
  recorded: '#3b82c4',
  gap: '#dc2626',
  continuous: '#c4b5fd',
  notice: '#16a34a',
  mark: '#f59e0b',
  obstruction: '#b91c1c',
  interruption: '#dc2626',
  explanation: '#0d9488',
  'fix-lost': '#9ca3af',
};

export function legendHtml(): string {
  return `<p class="legend">${LEGEND.map(([k, label]) => `<span><i style="background:${LEGEND_COLOURS[k]}"></i>${label}</span>`).join('')}</p>`;
}

export function recordingSection(v: RecordingView, d: RecordingDetails | undefined, media: RecordingMedia | undefined, utcOffsetMinutes: number): string {
  const id = `r${v.recording}`;
  const when = (t: number | null) => localTime(t, utcOffsetMinutes);
  const playable = (n: number): { audioId: string; x: ExplanationAudio } | undefined => {
    const x = d?.explanations.get(n);
    return media?.audio && x && x.audioFromS !== null ? { audioId: `${id}-x${n}`, x } : undefined;
  };

  const facts: [string, string][] = [
    ['officer', v.officer ? `${esc(v.officer.name)} (certificate ${esc(v.officer.certificate)})` : '<span class="bad">not journaled</span>'],
    ['case', v.caseTag ? `${esc(v.caseTag.caseNumber)}, ${esc(v.caseTag.kind)}${v.caseTag.stage ? `, stage ${v.caseTag.stage}` : ''}` : '<span class="muted">no case tag</span>'],
    ['start', v.start ? `${esc(when(v.start.at))} <span class="muted">(${esc(v.start.trigger)}, profile ${esc(v.start.profile)}${d?.preEventMs ? `, ${duration(d.preEventMs)} pre-event` : ''})</span>` : '<span class="bad">not in this chain segment</span>'],
    ['end', v.stop ? `${esc(when(v.stop.at))} <span class="muted">(${esc(v.stop.cause)}, ${duration(v.stop.durationMs)})</span>` : '<span class="bad">no stop journaled</span>'],
    ['notice (art. 12)', v.notice ? `<span class="${v.notice.outcome === 'speaker-fault' ? 'bad' : 'ok'}">${esc(v.notice.outcome)}</span> at ${esc(when(v.notice.at))}` : v.contentRead ? '<span class="bad">MISSING</span>' : '<span class="muted">not read (encrypted)</span>'],
    ['continuity (art. 11)', `${v.continuous ? 'continuous mode' : 'normal mode'}; ${v.interruptions.length} gap(s); ${v.refusedStops.length} refused stop(s)`],
    ['media', `${v.frames} frames, ${duration(v.audioMs)} of audio in ${v.mediaEntries} entries`],
    ['offload (art. 14)', offloadHtml(v)],
  ];

  const rows: Row[] = [];
  const row = (at: number | null, event: string, html: string, anchor?: string) => rows.push({ at, event, html, anchor });
  if (v.start) row(v.start.at, 'start', `recording started (${esc(v.start.trigger)})`);
  if (v.notice) row(v.notice.at, 'notice', `notice: ${esc(v.notice.outcome)}`);
  for (const m of v.marks) row(m.at, 'mark', `key-moment mark${m.label ? `: ${esc(m.label)}` : ''} (art. 10)`);
  for (const m of v.obstructions) row(m.at, 'obstruction', `obstruction marked${m.label ? `: ${esc(m.label)}` : ''} (art. 17)`);
  for (const s of v.refusedStops) row(s.at, 'refused-stop', 'stop press refused in continuous mode (art. 11)');
  for (const i of v.interruptions) row(i.at, 'interruption', interruptionHtml(i, d?.explanations.get(i.interruption), playable(i.interruption), media, when), `${id}-i${i.interruption}`);
  for (const l of d?.fixLosses ?? []) row(l.lostAt, 'fix-lost', `GNSS fix lost${l.regainedAt !== null ? `, regained ${esc(when(l.regainedAt))}` : ', not regained'}`);
  if (v.stop) row(v.stop.at, 'stop', `stopped (${esc(v.stop.cause)})`);
  // Stable sort by time; events whose time is unknown keep their order, after the others.
  const order = rows.map((r, i) => ({ r, i })).sort((a, b) => (a.r.at ?? Infinity) - (b.r.at ?? Infinity) || a.i - b.i);
  const table = order
    .map(({ r }) => `<tr data-row="${r.event}"${r.anchor ? ` id="${r.anchor}"` : ''}><td class="mono">${esc(when(r.at))}</td><td>${esc(r.event)}</td><td>${r.html}</td></tr>`)
    .join('');

  const audioIds = new Map(v.interruptions.map((i) => [i.interruption, playable(i.interruption)?.audioId]));
  return `<section class="recording" id="${id}" data-recording="${v.recording}">
<h2>Recording ${v.recording}</h2>
<dl class="facts">${facts.map(([k, html]) => `<dt>${k}</dt><dd>${html}</dd>`).join('')}</dl>
${v.flags.length ? `<ul class="flags">${v.flags.map((f) => `<li data-flag>${esc(f)}</li>`).join('')}</ul>` : '<p class="ok">Nothing to flag.</p>'}
<h3>Timeline</h3>
${timelineSvg(v, d, { id, utcOffsetMinutes, audioIdOf: (n) => audioIds.get(n) })}
<h3>Events</h3>
<table class="events"><thead><tr><th>time</th><th>event</th><th>detail</th></tr></thead><tbody>${table}</tbody></table>
${media?.video ? `<h3>Video</h3><video controls preload="metadata" src="${esc(mediaUrl(media.video))}" data-media="video"></video><p class="muted"><a href="${esc(mediaUrl(media.video))}">${esc(media.video)}</a> (a browser that cannot play this container: open it in a media player)</p>` : ''}
${media?.audio ? `<h3>Audio</h3><audio controls preload="metadata" src="${esc(mediaUrl(media.audio))}" data-media="audio"></audio>` : ''}
<h3>GNSS track</h3>
${trackSvg(v.recording, d?.fixes ?? [], d?.fixLosses ?? [])}
<p class="muted">${d?.fixes.length ?? 0} fixes${d?.fixLosses.length ? `, ${d.fixLosses.length} fix loss(es) (dashed)` : ''}; start green, end black.</p>
</section>`;
}

function offloadHtml(v: RecordingView): string {
  const o = v.offload;
  if (!o) return '<span class="muted">not judged (no start time)</span>';
  const cls = o.status === 'overdue' ? 'bad' : o.status === 'offloaded' ? 'ok' : 'warn';
  return `<span class="${cls}" data-offload="${o.status}">${o.status}</span>: due by the end of ${esc(o.day)}${o.covered ? '' : ' <span class="muted">(calendar not provisioned for that year: weekends only)</span>'}`;
}

function interruptionHtml(
  i: InterruptionView,
  x: ExplanationAudio | undefined,
  play: { audioId: string; x: ExplanationAudio } | undefined,
  media: RecordingMedia | undefined,
  when: (t: number | null) => string,
): string {
  const head = `<span class="bad">interruption ${i.interruption}: ${esc(i.reason)}</span>${i.detail ? ` (${esc(i.detail)})` : ''}`;
  const resumed = i.resumed ? `resumed ${esc(when(i.resumed.at))} after ${duration(i.resumed.gapMs)} not recorded` : '<span class="bad">never resumed: a written report is needed (art. 13)</span>';
  let explained: string;
  if (!i.explanation && !x) explained = i.resumed ? '<span class="bad">no spoken explanation (art. 13)</span>' : '';
  else {
    const len = x?.durationMs ?? i.explanation!.durationMs;
    const from = x?.from ?? i.explanation?.at ?? null;
    explained = `spoken explanation: ${duration(len)} from ${esc(when(from))}, in entry ${x?.mediaSeq ?? i.explanation!.mediaSeq}`;
    if (play && media?.audio) {
      const start = play.x.audioFromS!;
      const fragment = `#t=${start.toFixed(3)},${(start + len / 1000).toFixed(3)}`;
      explained += `<audio id="${play.audioId}" controls preload="metadata" data-explanation="${i.interruption}" data-from="${start.toFixed(3)}" src="${esc(mediaUrl(media.audio) + fragment)}"></audio>`;
    }
  }
  return `<div data-interruption="${i.interruption}">${head}<br>${resumed}${explained ? `<br>${explained}` : ''}</div>`;
}
