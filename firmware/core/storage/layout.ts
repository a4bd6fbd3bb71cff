// Where the evidence store keeps things on its volume (besides ev/, see evidence/naming.ts).

/** The chain head checkpoint, replaced atomically (write `.new`, then rename over it). */
export const CHECKPOINT_PATH = "chain/head";
export const CHECKPOINT_NEW_PATH = "chain/head.new";
export const CHAIN_DIR = "chain";
/** Open entries whose header does not fit the chain are moved here, never deleted. */
export const LOST_DIR = "lost";
/** Written first at every boot (see EvidenceStore.open). */
export const BOOT_MARKER_PATH = "chain/boot";
export const BOOT_MARKER_NEW_PATH = "chain/boot.new";
export const BOOT_MARKER = new Uint8Array([0x62, 0x6f, 0x6f, 0x74]); // "boot"
