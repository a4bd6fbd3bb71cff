// The technician's provisioning file (--provision FILE), checked field by field with the
// firmware's own validator, and encoded the way the firmware reads it back.
import { readFileSync } from 'node:fs';
import { encodeProvisioning, parseProvisioning, ProvisioningError } from '../../firmware/core/maintenance/provisioning';
import { MEDIA_PROFILE } from '../../firmware/main';
import { UsageError } from '../errors';

/** The media profiles this firmware records with (the validator refuses any other). */
export const MEDIA_PROFILES: readonly string[] = [MEDIA_PROFILE.name];

export function readProvisionFile(path: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new UsageError(`flash: ${path}: no such file`);
  }
  try {
    return encodeProvisioning(parseProvisioning(bytes, MEDIA_PROFILES));
  } catch (e) {
    if (e instanceof ProvisioningError) throw new UsageError(`flash: ${path}: ${e.message}`);
    throw e;
  }
}
