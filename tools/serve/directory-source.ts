// The held chains of a DirectoryStore as the index's source (HeldSource).
import type { DirectoryStore } from '../store/directory-store';
import type { HeldSource } from './index-rows';

export function directorySource(store: DirectoryStore): HeldSource {
  return {
    devices: () => store.devices(),
    held: (deviceId) => store.held(deviceId),
    object: (sha256) => store.objects.read(sha256),
  };
}
