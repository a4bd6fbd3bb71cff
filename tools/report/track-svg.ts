// A recording's GNSS track as an inline SVG: positions projected equirectangularly
// (longitude scaled by the cosine of the mean latitude, so shapes keep their proportions
// over a town), the fixes as polylines broken where the fix was lost, the lost stretches
// dashed, start and end marked, and a scale bar. No map tiles: nothing is fetched.
import type { FixLoss, TrackPoint } from './chain-details';
import { esc, px } from './html';

const WIDTH = 480;
const HEIGHT = 320;
const PAD = 24;
const METRES_PER_DEGREE = 111_320;
/** Smallest extent drawn (degrees, about 20 m): a stationary officer is a dot, not a blow-up of noise. */
const MIN_EXTENT = 0.0002;

interface Point {
  lat: number;
  lon: number;
}

export function trackSvg(recording: number, fixes: readonly TrackPoint[], losses: readonly FixLoss[]): string {
  const lossPoints = losses.flatMap((l) => [l.from, l.to].filter((p): p is Point => p !== null));
  const all: Point[] = [...fixes, ...lossPoints];
  if (all.length === 0) return `<p class="muted" data-track="none">No GNSS fix recorded.</p>`;

  const lat0 = all.reduce((s, p) => s + p.lat, 0) / all.length;
  const k = Math.cos((lat0 * Math.PI) / 180);
  const xs = all.map((p) => p.lon * k);
  const ys = all.map((p) => p.lat);
  const [xMin, xMax, yMin, yMax] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  // Each axis at least MIN_EXTENT wide, one scale for both so distances stay true.
  const scale = Math.min((WIDTH - 2 * PAD) / Math.max(xMax - xMin, MIN_EXTENT), (HEIGHT - 2 * PAD) / Math.max(yMax - yMin, MIN_EXTENT));
  const cx = (xMin + xMax) / 2;
  const cy = (yMin + yMax) / 2;
  const project = (p: Point) => ({ x: px(WIDTH / 2 + (p.lon * k - cx) * scale), y: px(HEIGHT / 2 - (p.lat - cy) * scale) });
  const circle = (p: Point, attrs: string, title: string) => {
    const c = project(p);
    return `<circle ${attrs} cx="${c.x}" cy="${c.y}"><title>${esc(title)}</title></circle>`;
  };

  // Split the fixes where a loss falls between two of them.
  const segments: TrackPoint[][] = [[]];
  for (const f of fixes) {
    const prev = segments[segments.length - 1].at(-1);
    const lostBetween = prev && prev.at !== null && f.at !== null && losses.some((l) => l.lostAt !== null && prev.at! <= l.lostAt && l.lostAt <= f.at!);
    if (lostBetween) segments.push([]);
    segments[segments.length - 1].push(f);
  }

  const parts: string[] = [];
  for (const s of segments)
    if (s.length > 0)
      parts.push(`<polyline data-track="fixes" points="${s.map((p) => { const c = project(p); return `${c.x},${c.y}`; }).join(' ')}"/>`);
  for (const l of losses) {
    if (l.from && l.to) {
      const [a, b] = [project(l.from), project(l.to)];
      parts.push(`<line data-event="fix-lost" x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}"><title>GNSS fix lost: no position recorded along this stretch</title></line>`);
    } else if (l.from) parts.push(circle(l.from, 'data-event="fix-lost" r="7"', 'GNSS fix lost here, not regained'));
  }
  if (fixes.length > 0) {
    const [first, last] = [fixes[0], fixes[fixes.length - 1]];
    parts.push(circle(first, 'data-marker="start" r="6"', `start ${first.lat.toFixed(6)}, ${first.lon.toFixed(6)}`));
    parts.push(circle(last, 'data-marker="end" r="6"', `end ${last.lat.toFixed(6)}, ${last.lon.toFixed(6)}`));
  }
  parts.push(scaleBar(scale));
  return `<svg class="track" data-recording="${recording}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="GNSS track of recording ${recording}" xmlns="http://www.w3.org/2000/svg"><rect class="frame" width="${WIDTH}" height="${HEIGHT}"/>${parts.join('')}</svg>`;
}

/** A round distance (1, 2 or 5 × 10^n metres) about a fifth of the drawing wide. */
function scaleBar(pixelsPerDegree: number): string {
  const pixelsPerMetre = pixelsPerDegree / METRES_PER_DEGREE;
  const want = WIDTH / 5 / pixelsPerMetre;
  const pow = 10 ** Math.floor(Math.log10(want));
  const metres = [5, 2, 1].map((m) => m * pow).find((m) => m <= want) ?? pow;
  const len = metres * pixelsPerMetre;
  const y = HEIGHT - 10;
  const label = metres >= 1000 ? `${metres / 1000} km` : `${Number(metres.toPrecision(3))} m`;
  return `<g class="scale"><path d="M${PAD},${y - 4}V${y}H${px(PAD + len)}V${y - 4}"/><text x="${px(PAD + len + 6)}" y="${y}">${label}</text></g>`;
}
