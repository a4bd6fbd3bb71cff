// The second volume of the store: where media entries go when it is there (the microSD card),
// while the internal volume keeps identity, configuration, the checkpoint and the journal.
// One chain runs across both (docs/STORAGE.md "Two volumes").
import type { Directory } from "embedded:storage/files";

/**
 * A volume whose mutations are queued and done later by a task of its own (the card's
 * write-behind queue in PSRAM). The store counts a byte as on the volume only once a flush
 * queued after it is done.
 */
export interface WriteQueue {
  readonly capacity: number;
  readonly used: number;
  /** Flushes (and other metadata changes) queued so far, and done: the n-th is done when flushesDone ≥ n. */
  readonly flushesQueued: number;
  readonly flushesDone: number;
}

export interface MediaVolume {
  root: Directory;
  /** The physical medium, for the journal (the card's CID string). */
  serial: string;
  capacityBytes: number;
  /** littlefs geometry. */
  blockSize: number;
  blockCount: number;
  /** Blocks in use when the volume was mounted: what the store's own count starts from. */
  blocksUsedAtMount: number;
  queue: WriteQueue;
  /** Why the volume has stopped answering (the card pulled out or failed), else undefined. */
  fault(): string | undefined;
}

/** The card's own record of whose chain it carries: written when the unit first takes a card. */
export const CARD_IDENTITY_PATH = "chain/card";
export const CARD_IDENTITY_NEW_PATH = "chain/card.new";
