// A recording's page: its timeline from the held entries (the verifier's compliance view:
// notice, marks, interruptions, explanations, findings), and the officer's written notes
// (art. 12) and explanations for interruptions never resumed (art. 13), with their signatures.
import { entryPath, verifyChain, type EntryFile, type RecordingView } from '../../firmware/core/evidence';
import { entryOpener } from '../crypto/decrypt-entry';
import { nodeChecker } from '../../host-sim/crypt/node-checker';
import { localTime } from '../report/local-time';
import type { Session } from './accounts';
import { appendAudit } from './audit';
import { refuseUnlessMaySee } from './evidence-access';
import { escapeHtml as h, form, HttpError, readBody, redirect, sendHtml } from './http-util';
import { findingWords, noticeWord, reasonWord, stopCauseWord, triggerWord } from '../report/finding-words';
import { t } from './i18n';
import { addNote, notesOf, noteVerifies, type NoteKind } from './notes';
import { caseLockSection } from './case-lock-page';
import { askForm } from './copies-page';
import { langCookie, layout } from './pages';
import type { Request } from './server';

const CST = 480;
export const MAX_NOTE_CHARS = 10_000;

/** The unit's held chain as entry files, where a device keeps them (so findings name seqs). */
async function heldFiles(r: Request, deviceId: string): Promise<EntryFile[]> {
  const files: EntryFile[] = [];
  for (const line of await r.service.store.source.held(deviceId)) files.push({ path: entryPath(line.seq), bytes: await r.service.store.source.object(line.sha256) });
  return files;
}

async function recordingView(r: Request, deviceId: string, recording: number): Promise<RecordingView> {
  const files = await heldFiles(r, deviceId);
  // Encrypted entries are read with the store's content key, for this page only (FORMAT §7a).
  const key = r.service.contentKey;
  const view = files.length ? verifyChain(files, { checker: nodeChecker, ...(key ? { open: entryOpener(key) } : {}) }).compliance.recordings.find((v) => v.recording === recording) : undefined;
  if (!view) throw new HttpError(404, `no recording ${deviceId}/${recording}`);
  return view;
}

export async function recordingPage(r: Request, s: Session, deviceId: string, recording: number): Promise<void> {
  await refuseUnlessMaySee(r, s, deviceId, recording);
  const l = r.lang;
  const v = await recordingView(r, deviceId, recording);
  const notes = await notesOf(r.service.db, deviceId, recording);
  await appendAudit(r.service.db, { at: r.service.now(), actor: s.name, action: 'view', target: `${deviceId}/${recording}`, detail: 'timeline' });
  const at = (ms: number | null) => h(localTime(ms, CST));
  const events: string[] = [];
  if (v.start) events.push(`<li>${at(v.start.at)} ${h(t(l, 'start'))} (${h(triggerWord(l, v.start.trigger))})</li>`);
  if (v.notice) events.push(`<li>${at(v.notice.at)} ${h(t(l, 'notice'))}: ${h(noticeWord(l, v.notice.outcome))}</li>`);
  for (const m of v.marks) events.push(`<li>${at(m.at)} ${h(t(l, 'mark'))}: ${h(m.label)}</li>`);
  for (const i of v.interruptions)
    events.push(`<li data-interruption="${i.interruption}">${at(i.at)} ${h(t(l, 'interruption'))} ${i.interruption} (${h(reasonWord(l, i.reason))})${i.resumed ? ` → ${at(i.resumed.at)}` : ''}${i.needsWrittenReport ? ` <b>${h(t(l, 'owesExplanation'))}</b>` : ''}</li>`);
  if (v.stop) events.push(`<li>${at(v.stop.at)} ${h(t(l, 'stop'))} (${h(stopCauseWord(l, v.stop.cause))})</li>`);
  const owes = v.interruptions.some((i) => i.needsWrittenReport);
  const writer = s.role === 'officer';
  const noteForm = (kind: NoteKind, label: string) =>
    `<form method="post" action="/recordings/${h(deviceId)}/${recording}/notes"><input type="hidden" name="csrf" value="${h(s.csrf)}"><input type="hidden" name="kind" value="${kind}">
<label>${h(label)}<br><textarea name="body" rows="3" cols="60" required maxlength="${MAX_NOTE_CHARS}"></textarea></label><br><button>${h(t(l, 'sign'))}</button></form>`;
  const body = `<p>${h(t(l, 'device'))} ${h(deviceId)} · #${recording} · ${h(v.officer ? `${v.officer.name} (${v.officer.certificate})` : '—')}</p>
<ol class="timeline">${events.join('\n')}</ol>
${v.findings.length ? `<ul class="flags">${v.findings.map((f) => `<li data-finding="${f.code}">${h(findingWords(l, f))}</li>`).join('')}</ul>` : ''}
<h2>${h(t(l, 'notes'))}</h2>
${notes.length ? `<ul class="notes">${notes.map((n) => `<li data-kind="${n.kind}">${at(n.at)} ${h(n.author)} · ${h(t(l, n.kind === 'note' ? 'noteKind' : 'explanationKind'))}: ${h(n.body)} <small>HMAC ${h(n.signature.slice(0, 16))}… ${h(t(l, noteVerifies(r.service.secret, n) ? 'signatureOk' : 'signatureBad'))}</small></li>`).join('')}</ul>` : `<p>${h(t(l, 'none'))}</p>`}
${writer ? noteForm('note', t(l, 'noteKind')) : ''}
${writer && owes ? noteForm('explanation', t(l, 'explanationKind')) : ''}
${writer ? `<h2>${h(t(l, 'copies'))}</h2>${askForm(s, deviceId, recording, l)}` : ''}
${await caseLockSection(r, s, deviceId, recording)}`;
  sendHtml(r.res, 200, layout(r, `${t(l, 'recording')} ${deviceId}/${recording}`, body, s), langCookie(r));
}

/** An officer adds a signed note or explanation to a recording of one of their units; append-only. */
export async function postNote(r: Request, s: Session, deviceId: string, recording: number): Promise<void> {
  const fields = form(await readBody(r.req, 64 * 1024));
  if (!r.session || fields.get('csrf') !== r.session.csrf) throw new HttpError(403, 'missing or wrong CSRF token');
  await refuseUnlessMaySee(r, s, deviceId, recording);
  const kind = fields.get('kind');
  const text = (fields.get('body') ?? '').trim();
  if ((kind !== 'note' && kind !== 'explanation') || text === '' || text.length > MAX_NOTE_CHARS) throw new HttpError(400, `a note needs kind note|explanation and 1-${MAX_NOTE_CHARS} characters`);
  const v = await recordingView(r, deviceId, recording);
  if (kind === 'explanation' && !v.interruptions.some((i) => i.needsWrittenReport)) throw new HttpError(409, 'this recording has no interruption that was never resumed: nothing to explain in writing (art. 13)');
  const at = r.service.now();
  const note = await addNote(r.service.db, r.service.secret, { device_id: deviceId, recording, kind, author: s.name, at, body: text });
  await appendAudit(r.service.db, { at, actor: s.name, action: kind, target: `${deviceId}/${recording}`, detail: `note ${note.id}` });
  redirect(r.res, `/recordings/${deviceId}/${recording}`);
}
