// The held chains of an S3EvidenceStore as the index's source (HeldSource). An entry object
// is read at the version its index object names (a later version slipped under the same key
// never counts), so the source remembers the lines it handed out.
import type { HeldLine, S3EvidenceStore } from '../store/s3-store';
import type { HeldSource } from './index-rows';

export function s3Source(store: S3EvidenceStore): HeldSource {
  const lines = new Map<string, HeldLine>();
  return {
    devices: () => store.devices(),
    held: async (deviceId) => {
      const held = await store.held(deviceId);
      for (const l of held) lines.set(l.sha256, l);
      return held;
    },
    object: (sha256) => {
      const line = lines.get(sha256);
      if (!line) throw new Error(`entry object ${sha256} is named by no index object read yet`);
      return store.read(line);
    },
  };
}
