// The microSD card's evidence volume, module "embedded:storage/card": the project's own
// native module (native/card/), since the Moddable SDK has no SD card support. It is littlefs
// on the card's 512-byte sectors over ESP-IDF's SDMMC host (1-bit), with a write-behind queue
// in PSRAM that a task of its own drains, so a card's write stall (hundreds of ms while its
// controller reorganises) never blocks the JavaScript that takes frames from the camera.
// The simulator's implementation (host-sim/card/) drains the same queue in virtual time over
// a card model. The mount policy is the internal volume's: a card that holds anything is never
// formatted; a blank one is, and says so.
declare module "embedded:storage/card" {
  import type { Directory } from "embedded:storage/files";

  /** How the card in the slot came up, or that there is none. */
  export type CardState =
    /** No card answers in the slot. */
    | "absent"
    /** littlefs mounted. */
    | "mounted"
    /** A blank card (nothing on it) was formatted, then mounted. */
    | "formatted"
    /** It holds something that is not a volume this unit can mount: left exactly as it is. */
    | "unreadable"
    /** Reading it failed: left exactly as it is. */
    | "read-failed"
    /** Blank, but formatting it failed. */
    | "format-failed"
    /** It was mounted, then stopped answering (pulled out, or failed): `fault` says what failed. */
    | "removed";

  export interface CardInfo {
    readonly state: CardState;
    /**
     * The physical card's identity from its CID register: manufacturer id, OEM id, product
     * name, serial number, e.g. "03-SD-SC32G-8a1b2c3d". "" when no card answers.
     */
    readonly serial: string;
    readonly capacityBytes: number;
    /** littlefs geometry of the volume (0 when not mounted). */
    readonly blockSize: number;
    readonly blockCount: number;
    /** Blocks littlefs had in use when it mounted (lfs_fs_size), the base of the store's space count. */
    readonly blocksUsedAtMount: number;
    /** Cards put in since power-on (the one present at power-on counts): it changes when a card is inserted. */
    readonly generation: number;
  }

  export interface CardQueue {
    /** Bytes the queue holds at most (PSRAM). */
    readonly capacity: number;
    /** Bytes of queued writes not yet on the card. */
    readonly used: number;
    /** Highest `used` since power-on. */
    readonly peak: number;
    /** Flushes (File.flush, Directory.move and the other queued metadata changes count too) queued so far... */
    readonly flushesQueued: number;
    /** ...and done: the data of every write queued before the n-th flush is committed on the card. */
    readonly flushesDone: number;
  }

  export interface Card {
    /**
     * Looks at the slot: mounts a card newly put in (formatting only a blank one) and notices
     * one pulled out. Cheap; the firmware calls it on every tick.
     */
    poll(): CardInfo;
    readonly info: CardInfo;
    readonly queue: CardQueue;
    /**
     * The volume's root while mounted, else undefined. ECMA-419 Files semantics, except that
     * File.write, File.flush, File.close, Directory.move, createDirectory and delete are queued
     * and return at once (File.write throws RangeError("card queue full"), queueing nothing,
     * when the queue lacks room for the buffer); openFile for writing returns a handle at once;
     * reads, File.status, Directory.status and scan wait until the queue has drained. Once the
     * card stops answering, every call throws and `info.state` is "removed".
     */
    readonly root: Directory | undefined;
    /** Why the volume stopped (state "removed"), else undefined. */
    readonly fault: string | undefined;
  }

  const card: Card;
  export default card;
}
