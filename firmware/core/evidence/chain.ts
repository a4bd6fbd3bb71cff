// The chain head: what the next entry needs to continue the chain.
import { genesisLink } from "./link";
import type { SealResult } from "./entry-writer";

export interface ChainHead {
  /** Sequence number the next entry gets. */
  nextSeq: number;
  /** Link of the last sealed entry; the genesis link before the first. */
  link: Uint8Array;
}

export function genesisHead(deviceId: string): ChainHead {
  return { nextSeq: 0, link: genesisLink(deviceId) };
}

/** The head after an entry was sealed. The entry must have been the head's next one. */
export function advanceHead(head: ChainHead, seal: SealResult): ChainHead {
  if (seal.seq !== head.nextSeq) throw new Error(`sealed entry ${seal.seq} is not the chain's next (${head.nextSeq})`);
  return { nextSeq: seal.seq + 1, link: seal.link };
}
