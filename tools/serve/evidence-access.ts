// Who may see a unit's evidence: an officer only the units assigned to them, a technician
// none (they offload, they do not watch); every other role the whole store. A refusal is audited.
import type { Session } from './accounts';
import { appendAudit } from './audit';
import { HttpError } from './http-util';
import type { Request } from './server';

/** Whether the session may see a unit's evidence: an officer only their assigned units, a technician none. */
export async function maySee(r: Request, s: Session, deviceId: string): Promise<boolean> {
  if (s.role === 'technician') return false;
  if (s.role !== 'officer') return true;
  const rows = await r.service.db.all('SELECT officer FROM assignments WHERE device_id = $1', [deviceId]);
  return rows[0]?.officer === s.name;
}

export async function refuseUnlessMaySee(r: Request, s: Session, deviceId: string, recording: number): Promise<void> {
  if (await maySee(r, s, deviceId)) return;
  await appendAudit(r.service.db, { at: r.service.now(), actor: s.name, action: 'denied', target: `${deviceId}/${recording}`, detail: "not this account's evidence" });
  throw new HttpError(403, `${s.name} may not see ${deviceId}'s evidence`);
}

