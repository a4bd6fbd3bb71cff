// The package copied to disc (art. 15): an ISO 9660 image with Rock Ridge and Joliet names,
// made by xorriso (Debian package "xorriso", installed by scripts/install.sh). File dates
// come from SOURCE_DATE_EPOCH and the files' mtimes, so the same package gives the same image.
import { spawnSync } from 'node:child_process';

export const XORRISO = 'xorriso';

export function xorrisoAvailable(): boolean {
  const r = spawnSync(XORRISO, ['-version'], { encoding: 'utf8' });
  return r.status === 0;
}

/** An ISO 9660 volume id: up to 32 of A-Z 0-9 _. */
export function volumeId(deviceId: string | null, headSeq: number | null): string {
  const id = `QC_${deviceId ?? 'UNKNOWN'}_${headSeq ?? 0}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return id.slice(0, 32);
}

/** Writes dir's contents as the root of an ISO image at file. Throws with xorriso's last message on failure. */
export function writeIso(dir: string, file: string, volume: string, epochSeconds: number): void {
  const r = spawnSync(XORRISO, ['-as', 'mkisofs', '-quiet', '-r', '-J', '-joliet-long', '-V', volume, '-o', file, dir], {
    encoding: 'utf8',
    env: { ...process.env, SOURCE_DATE_EPOCH: String(Math.max(0, Math.floor(epochSeconds))) },
  });
  if (r.status !== 0) {
    const why = (r.error?.message ?? r.stderr ?? '').trim().split('\n').filter(Boolean).pop() ?? `exit status ${r.status}`;
    throw new Error(`xorriso could not write the disc image: ${why}`);
  }
}
