// The report's fixed parts: its style, its one script, and the content security policy
// that keeps it self-contained (nothing fetched but the evidence media beside it, and
// no script but this one, even if an escaping bug let markup through).
import { createHash } from 'node:crypto';

export const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;color:#1b1f24;margin:0 auto;max-width:1080px;padding:16px 24px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ccd}h3{font-size:15px;margin:16px 0 6px}
.verdict{padding:10px 14px;border-radius:6px;font-weight:600}.verdict.intact{background:#e3f4e6;color:#14532d}.verdict.not-intact{background:#fde2e1;color:#7f1d1d}
code,.mono{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}.muted{color:#667}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:3px 8px;border-bottom:1px solid #e4e6eb;vertical-align:top}th{font-weight:600}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}dl.facts dt{color:#556}dl.facts dd{margin:0}
ul.flags li,ul.problems li{color:#7f1d1d}.ok{color:#14532d}.warn{color:#92400e}.bad{color:#7f1d1d;font-weight:600}
svg{display:block;width:100%;height:auto;background:#fafbfc;border:1px solid #e4e6eb;border-radius:4px}
svg text{font-size:11px;fill:#445}svg .guide{stroke:#e4e6eb}svg .axis,svg .tick line{stroke:#889}
.ev-pre-event{fill:#cfe3f7}.ev-recorded{fill:#3b82c4}.ev-gap{fill:#dc2626;fill-opacity:.8}.ev-continuous{fill:#a78bfa;fill-opacity:.5}
.ev-refused-stop path{stroke:#7c3aed;stroke-width:2.5}.ev-stop rect{fill:#1b1f24}.ev-notice path{fill:#16a34a}.ev-notice[data-outcome=speaker-fault] path{fill:#dc2626}
.ev-mark circle{fill:#f59e0b}.ev-obstruction path{fill:#b91c1c}.ev-interruption path{stroke:#dc2626;stroke-width:2}.ev-interruption circle{fill:#dc2626}
.ev-explanation{fill:#0d9488;cursor:pointer}.ev-fix-lost{fill:#9ca3af}
svg.track{max-width:480px}svg.track .frame{fill:#fafbfc}svg.track polyline{fill:none;stroke:#3b82c4;stroke-width:2.5;stroke-linejoin:round}
svg.track line[data-event=fix-lost]{stroke:#dc2626;stroke-width:2;stroke-dasharray:6 4}svg.track circle[data-event=fix-lost]{fill:none;stroke:#dc2626;stroke-width:2}
svg.track [data-marker=start]{fill:#16a34a}svg.track [data-marker=end]{fill:#1b1f24}svg.track .scale path{fill:none;stroke:#445}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px;border-radius:2px}
audio,video{display:block;margin:4px 0}video{max-width:480px}
@media print{audio,video{display:none}}
`;

/** Plays an explanation when its bar on the timeline is clicked. */
export const SCRIPT = `document.addEventListener('click',function(e){var t=e.target.closest&&e.target.closest('[data-play]');if(!t)return;var a=document.getElementById(t.getAttribute('data-play'));if(!a)return;e.preventDefault();a.currentTime=Number(a.getAttribute('data-from'));a.scrollIntoView({block:'center'});a.play();});`;

const scriptHash = createHash('sha256').update(SCRIPT).digest('base64');

/** Only the inline style, the script above, and media files (relative to the report, or wherever the exporter put them). */
export const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; media-src *; img-src data:`;
