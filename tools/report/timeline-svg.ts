// One recording as a horizontal SVG timeline: what was recorded (pre-event, recorded,
// gaps), continuity (continuous mode, refused stops), the notice and marks, interruptions
// and their spoken explanations, GNSS fix losses. Every drawn event carries data-event
// (and data-interruption where it has one) so tests and readers can find it; each has a
// <title> for a hover note.
import type { RecordingView } from '../../firmware/core/evidence';
import type { RecordingDetails } from './chain-details';
import { esc, px } from './html';
import { duration, localClock, localTime } from './local-time';

const WIDTH = 1000;
const LEFT = 120;
const RIGHT = 24;
const LANE = 30;
const LANES = ['recorded', 'continuity', 'notice, marks', 'interruptions', 'GNSS'] as const;
const TOP = 8;
const AXIS_Y = TOP + LANES.length * LANE + 6;
const HEIGHT = AXIS_Y + 26;

/** Tick steps (ms) tried in order until the axis has at most 8 ticks. */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((s) => s * 1000);

export interface TimelineContext {
  /** Prefix of element ids in this recording, e.g. "r2". */
  id: string;
  utcOffsetMinutes: number;
  /** Id of the <audio> element that plays an interruption's explanation, when there is one. */
  audioIdOf(interruption: number): string | undefined;
}

/** The span drawn: the earliest and latest known time of the recording. */
export function timelineSpan(v: RecordingView, d: RecordingDetails | undefined): { from: number; to: number } | null {
  const times: number[] = [];
  const add = (t: number | null | undefined) => {
    if (typeof t === 'number') times.push(t);
  };
  if (v.start?.at != null) {
    add(v.start.at);
    add(v.start.at - (d?.preEventMs ?? 0));
  }
  add(v.stop?.at);
  add(v.notice?.at);
  for (const m of [...v.marks, ...v.obstructions, ...v.refusedStops]) add(m.at);
  for (const i of v.interruptions) add(i.at), add(i.resumed?.at), add(i.explanation?.at);
  if (d) {
    add(d.lastAt);
    for (const x of d.explanations.values()) if (x.from !== null) add(x.from), add(x.from + x.durationMs);
    for (const f of d.fixes) add(f.at);
    for (const l of d.fixLosses) add(l.lostAt), add(l.regainedAt);
  }
  if (times.length === 0) return null;
  const from = Math.min(...times);
  return { from, to: Math.max(from + 1000, ...times) };
}

export function timelineSvg(v: RecordingView, d: RecordingDetails | undefined, ctx: TimelineContext): string {
  const span = timelineSpan(v, d);
  if (!span) return '<p class="muted" data-timeline="none">No wall-clock times for this recording (the device clock was not set): no timeline.</p>';
  const { from, to } = span;
  const x = (t: number) => LEFT + ((t - from) / (to - from)) * (WIDTH - LEFT - RIGHT);
  const laneY = (lane: (typeof LANES)[number]) => TOP + LANES.indexOf(lane) * LANE;
  const when = (t: number | null) => localTime(t, ctx.utcOffsetMinutes);
  const end = v.stop?.at ?? d?.lastAt ?? to;
  const parts: string[] = [];
  const band = (event: string, t0: number, t1: number, lane: (typeof LANES)[number], title: string, extra = '') =>
    parts.push(
      `<rect data-event="${event}"${extra} class="ev-${event}" x="${px(x(t0))}" y="${px(laneY(lane) + 6)}" width="${px(Math.max(2, x(t1) - x(t0)))}" height="${LANE - 12}"><title>${esc(title)}</title></rect>`,
    );
  const point = (event: string, t: number, lane: (typeof LANES)[number], shape: string, title: string, extra = '') =>
    parts.push(`<g data-event="${event}"${extra} class="ev-${event}" transform="translate(${px(x(t))},${px(laneY(lane) + LANE / 2)})">${shape}<title>${esc(title)}</title></g>`);

  // Lane labels and guides.
  for (const lane of LANES) {
    const y = laneY(lane);
    parts.push(`<text class="lane" x="${LEFT - 8}" y="${px(y + LANE / 2 + 4)}" text-anchor="end">${esc(lane)}</text>`);
    parts.push(`<line class="guide" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${px(y + LANE / 2)}" y2="${px(y + LANE / 2)}"/>`);
  }

  // What was recorded: the pre-event buffer, the recording, the gaps cut into it.
  const start = v.start?.at ?? null;
  if (start !== null && d && d.preEventMs > 0) band('pre-event', start - d.preEventMs, start, 'recorded', `pre-event buffer: ${duration(d.preEventMs)} before the start`);
  if (start !== null) band('recorded', start, end, 'recorded', `recording ${v.recording}: ${when(start)} to ${v.stop ? when(v.stop.at) : 'no stop journaled'}`);
  for (const i of v.interruptions) {
    if (i.at === null) continue;
    const gapEnd = i.resumed?.at ?? end;
    const what = i.resumed ? `resumed ${when(i.resumed.at)} (${duration(i.resumed.gapMs)} not recorded)` : 'never resumed';
    band('gap', i.at, gapEnd, 'recorded', `gap: interruption ${i.interruption} (${i.reason}), ${what}`, ` data-interruption="${i.interruption}"`);
  }

  // Continuity (art. 11).
  if (v.continuous && start !== null) band('continuous', start, end, 'continuity', 'continuous mode: a normal press does not stop this recording (art. 11)');
  for (const s of v.refusedStops) if (s.at !== null) point('refused-stop', s.at, 'continuity', '<path d="M-5,-5L5,5M5,-5L-5,5"/>', `stop refused in continuous mode, ${when(s.at)}`);
  if (v.stop?.at != null) point('stop', v.stop.at, 'continuity', '<rect x="-5" y="-5" width="10" height="10"/>', `stop (${v.stop.cause}), ${when(v.stop.at)}`);

  // The notice (art. 12) and marks (art. 10, 17).
  if (v.notice?.at != null)
    point('notice', v.notice.at, 'notice, marks', '<path d="M0,-8L7,0L0,8L-7,0Z"/>', `notice ${v.notice.outcome}, ${when(v.notice.at)}`, ` data-outcome="${esc(v.notice.outcome)}"`);
  for (const m of v.marks) if (m.at !== null) point('mark', m.at, 'notice, marks', '<circle r="6"/>', `key-moment mark${m.label ? `: ${m.label}` : ''}, ${when(m.at)}`);
  for (const m of v.obstructions) if (m.at !== null) point('obstruction', m.at, 'notice, marks', '<path d="M0,-7L7,6L-7,6Z"/>', `obstruction marked${m.label ? `: ${m.label}` : ''}, ${when(m.at)}`);

  // Interruptions (art. 13), each linked to its row and its explanation.
  for (const i of v.interruptions) {
    const rowId = `${ctx.id}-i${i.interruption}`;
    if (i.at !== null)
      parts.push(
        `<a href="#${rowId}"><g data-event="interruption" data-interruption="${i.interruption}" data-reason="${esc(i.reason)}" class="ev-interruption" transform="translate(${px(x(i.at))},${px(laneY('interruptions') + LANE / 2)})"><path d="M0,-10V10"/><circle r="4"/><title>${esc(`interruption ${i.interruption}: ${i.reason}${i.detail ? ` (${i.detail})` : ''}, ${when(i.at)}${i.needsWrittenReport ? ' — never resumed: written report needed' : ''}`)}</title></g></a>`,
      );
    const x0 = d?.explanations.get(i.interruption);
    const said = x0?.from ?? i.explanation?.at ?? null;
    if (said === null) continue;
    const len = x0?.durationMs ?? i.explanation?.durationMs ?? 0;
    const audio = ctx.audioIdOf(i.interruption);
    const play = audio ? ` data-play="${audio}"` : '';
    parts.push(
      `<a href="#${rowId}"><rect data-event="explanation" data-interruption="${i.interruption}"${play} class="ev-explanation" x="${px(x(said))}" y="${px(laneY('interruptions') + 8)}" width="${px(Math.max(3, x(said + len) - x(said)))}" height="${LANE - 16}"><title>${esc(`spoken explanation of interruption ${i.interruption}: ${duration(len)} from ${when(said)}${audio ? ' (click to play)' : ''}`)}</title></rect></a>`,
    );
  }

  // GNSS fix losses.
  for (const l of d?.fixLosses ?? [])
    if (l.lostAt !== null) band('fix-lost', l.lostAt, l.regainedAt ?? end, 'GNSS', `GNSS fix lost ${when(l.lostAt)}${l.regainedAt !== null ? `, regained ${when(l.regainedAt)}` : ', not regained'}`);

  // Axis: ticks on round local times.
  const step = STEPS.find((s) => (to - from) / s <= 8) ?? STEPS[STEPS.length - 1];
  const shift = ctx.utcOffsetMinutes * 60_000;
  parts.push(`<line class="axis" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${AXIS_Y}" y2="${AXIS_Y}"/>`);
  for (let t = Math.ceil((from + shift) / step) * step - shift; t <= to; t += step)
    parts.push(`<g class="tick" transform="translate(${px(x(t))},${AXIS_Y})"><line y2="5"/><text y="18" text-anchor="middle">${localClock(t, ctx.utcOffsetMinutes)}</text></g>`);

  return `<svg class="timeline" data-recording="${v.recording}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="timeline of recording ${v.recording}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}
