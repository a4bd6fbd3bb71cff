// XS side of "embedded:storage/card": the slot's card module lives on the host (CardHost over
// the card model, its write-behind queue drained in the host's virtual time), and every call
// crosses once, at the moment the firmware makes it, so the queue and the card see the same
// sequence of operations as in the Node run. The volume's root is a bridged Directory whose
// handle the host keeps for as long as that card stays mounted.
import type { Card, CardInfo, CardQueue } from 'embedded:storage/card';
import type { Directory } from 'embedded:storage/files';
import { call } from './channel';
import { BridgedDirectory } from './files';

/** One proxy per host handle, so the store sees the same root object while a card stays in. */
const roots = new Map<number, Directory>();

const card: Card = {
  poll(): CardInfo {
    return call('card.poll', {}).value as CardInfo;
  },
  get info(): CardInfo {
    return call('card.info', {}).value as CardInfo;
  },
  get queue(): CardQueue {
    return call('card.queue', {}).value as CardQueue;
  },
  get root(): Directory | undefined {
    const id = call('card.root', {}).value as number | null;
    if (id === null) return undefined;
    let dir = roots.get(id);
    if (!dir) roots.set(id, (dir = new BridgedDirectory(id)));
    return dir;
  },
  get fault(): string | undefined {
    return (call('card.fault', {}).value as string | null) ?? undefined;
  },
};

export default card;
