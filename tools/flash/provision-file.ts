// The technician's provisioning file (`flash --provision FILE`, `provision FILE`), checked
// field by field with the firmware's own validator.
import { readFileSync } from 'node:fs';
import { encodeProvisioning, parseProvisioning, ProvisioningError, type Provisioning } from '../../firmware/core/maintenance/provisioning';
import { MEDIA_PROFILES } from '../../firmware/main';
import { UsageError } from '../errors';
import { loadStorePublic } from '../crypto/store-key';

export { MEDIA_PROFILES };

/**
 * The file, validated; a bad field is a UsageError naming it. `storePublic` (`--store-public
 * FILE|STOREDIR`) puts the designated store's content key in it: the unit then encrypts.
 */
export function loadProvisionFile(path: string, command: string, storePublic?: string): Provisioning {
  const p = parseProvisionFile(path, command);
  return storePublic === undefined ? p : { ...p, storeContentKey: loadStorePublic(storePublic, command) };
}

function parseProvisionFile(path: string, command: string): Provisioning {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new UsageError(`${command}: ${path}: no such file`);
  }
  try {
    return parseProvisioning(bytes, MEDIA_PROFILES);
  } catch (e) {
    if (e instanceof ProvisioningError) throw new UsageError(`${command}: ${path}: ${e.message}`);
    throw e;
  }
}

/** The file as the firmware reads it back from the volume. */
export function readProvisionFile(path: string, storePublic?: string): Uint8Array {
  return encodeProvisioning(loadProvisionFile(path, 'flash', storePublic));
}
