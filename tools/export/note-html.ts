// note.html: the article-15 note for people, one self-contained page (no scripts, no
// external resources) that opens offline, labels in Chinese and English.
import { findingText } from '../../firmware/core/evidence';
import { findingWords, noticeWord, reasonWord } from '../report/finding-words';
import { STAGE_NAMES } from './stages';
import type { EvidenceNote, NoteRecording } from './note';
import type { NoteTime } from './time';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const CSS = `body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111;line-height:1.5}
h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:1px solid #888;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f2f2;width:14rem;font-weight:600}td.mono,code{font-family:monospace;font-size:.85rem;word-break:break-all}
.ok{background:#e6f4ea;border:2px solid #1e7b34;padding:.75rem}.bad{background:#fde7e7;border:3px solid #b00020;padding:.75rem;font-weight:600}
.flag{color:#b00020}@media print{.bad,.ok{-webkit-print-color-adjust:exact;print-color-adjust:exact}}`;

const row = (zh: string, en: string, value: string) => `<tr><th>${esc(zh)}<br>${esc(en)}</th><td>${value}</td></tr>`;
const time = (t: NoteTime | null) => (t ? `${esc(t.local)}<br><small>UTC ${esc(t.utc)}</small>` : '—');

function stageText(r: NoteRecording): string {
  if (!r.case) return '—';
  const names = STAGE_NAMES[r.case.kind];
  const name = r.case.stage && names ? names[r.case.stage - 1] : undefined;
  return r.case.stage ? `${r.case.stage}${name ? ` ${esc(name)}` : ''}` : '未指定 unspecified';
}

/** The pre-event buffer: media from before the press that started the recording. */
function preEvent(r: NoteRecording): string {
  if (!r.media || !r.start || r.timesFrom !== 'journal') return '';
  const s = (Date.parse(r.start.utc) - Date.parse(r.media.startsAt.utc)) / 1000;
  return s >= 0.5 ? ` (含按键前 ${s.toFixed(1)} 秒预录 including ${s.toFixed(1)} s of pre-event buffer before the press)` : '';
}

function recordingSection(r: NoteRecording): string {
  const c = r.collector;
  const rows = [
    row('采集人', 'Collected by', c ? `${esc(c.name)}` : '<span class="flag">无执法人员记录 no officer record</span>'),
    row('执法证号', 'Certificate number', c ? `<b>${esc(c.certificate)}</b>` : '—'),
    row('单位', 'Unit', c ? esc(c.unit) : '—'),
    row('案件编号', 'Case number', r.case ? esc(r.case.number) : '—'),
    row('执法类别', 'Kind of action (art. 2)', r.case ? `${esc(r.case.kindZh)} ${esc(r.case.kind)}` : '—'),
    row('环节', 'Stage (art. 8, 9)', stageText(r)),
    row('开始时间', 'Recording started', time(r.start)),
    row('结束时间', 'Recording ended', time(r.end) + (r.timesFrom === 'media' ? '<br><small>由音视频推定 from the media (start/stop not in this chain)</small>' : '')),
    row('地点', 'Place (GNSS)', `${esc(r.place.text.zh)}<br>${esc(r.place.text.en)}` + (r.place.last && r.place.fixes > 1 ? `<br><small>最后定位 last fix: ${esc(r.place.last.latitude.toFixed(6))}, ${esc(r.place.last.longitude.toFixed(6))} at ${esc(r.place.last.at.local)}</small>` : '')),
    row('告知', 'Recording notice (art. 12)', r.notice ? `${esc(noticeWord('zh', r.notice))} ${esc(noticeWord('en', r.notice))}` : '<span class="flag">未记录 not journaled</span>'),
    row(
      '中断',
      'Interruptions (art. 13)',
      r.interruptions.length
        ? r.interruptions.map((i) => `${i.interruption}. ${esc(reasonWord('zh', i.reason))} ${esc(reasonWord('en', i.reason))}${i.detail ? ` (${esc(i.detail)})` : ''}: ${i.resumed ? 'resumed 已恢复' : 'not resumed 未恢复'}, ${i.explained ? 'explained 已说明' : 'no spoken explanation 无语音说明'}`).join('<br>')
        : '无 none',
    ),
    row('标记', 'Key-moment marks (art. 10)', String(r.marks)),
    row('条目', 'Chain entries', r.entries.length ? esc(r.entries.join(', ')) : '—'),
    row(
      '音视频',
      'Media files',
      r.media
        ? [r.media.video && `<a href="${esc(r.media.video)}">${esc(r.media.video)}</a>`, r.media.audio && `<a href="${esc(r.media.audio)}">${esc(r.media.audio)}</a>`].filter(Boolean).join('<br>') +
            `<br><small>${r.media.durationS.toFixed(1)} s from ${esc(r.media.startsAt.local)}${preEvent(r)}; ${r.media.frames} pictures at ${r.media.fps} fps; ${r.media.silentS.toFixed(1)} s without recorded audio</small>`
        : '无 none',
    ),
  ];
  if (r.clockUnset) rows.push(row('时钟', 'Clock', '<span class="flag">设备时钟未设置，时间不可信 the device clock was not set: times are not trustworthy</span>'));
  const flags = r.findings.length ? `<ul>${r.findings.map((f) => `<li class="flag">${esc(findingWords('zh', f))}<br>${esc(findingText(f))}</li>`).join('')}</ul>` : '';
  return `<h2>录像 Recording ${r.recording}</h2><table>${rows.join('')}</table>${flags}`;
}

export function renderNoteHtml(note: EvidenceNote): string {
  const v = note.verification;
  const banner = v.intact
    ? `<p class="ok">校验通过 INTACT — ${esc(v.verdict)}</p>`
    : `<div class="bad"><p>完整性校验未通过 NOT INTACT — this copy comes from a chain with integrity problems. 本副本来源的证据链存在完整性问题。</p><p>${esc(v.verdict)}</p><ul>${v.problems
        .map((p) => `<li>${esc(p.kind)}${p.seq === null ? '' : ` at ${p.seq}`}: ${esc(p.detail)}</li>`)
        .join('')}</ul><p>Media were built only from entries that verified; the original entries, including the damaged ones, are in original/. 音视频仅取自通过校验的条目；全部原始条目（含受损条目）保存在 original/。</p></div>`;
  const entries = note.entries
    .map(
      (e) =>
        `<tr><td>${e.seq ?? '?'}</td><td class="mono">original/${esc(e.path)}</td><td>${e.size}</td><td class="mono">${esc(e.sha256)}</td><td class="mono">${esc(e.link ?? '—')}</td><td>${e.recording ? e.recording : e.recording === 0 ? '—' : '?'}${e.usedForMedia ? '' : ' <span class="flag">✗</span>'}</td></tr>`,
    )
    .join('');
  const head = v.head ? `${v.head.seq}:${v.head.link}` : '—';
  return `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>证据说明 Evidence note ${esc(note.device.id ?? '')}</title><style>${CSS}</style></head>
<body>
<h1>视听资料证据说明<br>Note on audio-visual evidence (art. 15)</h1>
<p><small>${esc(note.rule)}</small></p>
${banner}
<table>
${row('设备编号', 'Device id', esc(note.device.id ?? '?'))}
${row('签名密钥', 'Signing key id', note.device.keyId ? `<span class="mono">${esc(note.device.keyId)}</span> (${esc(note.device.keySource ?? '')})` : '—')}
${row('链头', 'Chain head', `<span class="mono">${esc(head)}</span>`)}
${row('导出时间', 'Exported', time(note.exportedAt))}
</table>
${note.recordings.map(recordingSection).join('\n')}
<h2>原始条目 Original entries</h2>
<table><tr><th>序号 seq</th><th>文件 file</th><th>字节 bytes</th><th>SHA-256</th><th>链接 seal link</th><th>录像 recording</th></tr>${entries}</table>
<h2>音视频说明 About the media files</h2>
<p>${esc(note.mediaNote.zh)}</p><p>${esc(note.mediaNote.en)}</p>
<h2>核对方法 How to check this copy</h2>
<p>${esc(note.check.zh)}</p><p>${esc(note.check.en)}</p>
<p><code>${esc(note.check.command)}</code></p>
<p>采集人签名 Collector's signature: ____________________ &nbsp; 日期 Date: ____________</p>
</body></html>
`;
}
