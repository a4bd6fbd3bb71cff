// The host side of the storage bridges (bridge/files.ts, bridge/crypt.ts, bridge/signer.ts):
// the Files volume (littlefs on the simulated NOR), the SHA engine and the device key, served
// to the firmware running in XS: the storage harness (store-host.ts) serves these alone, the
// whole-device host (device-host.ts) alongside its IO bridges.
import type { Directory, File } from 'embedded:storage/files';
import { Digest } from '../crypt/digest';
import { BlockCipher, Mode } from '../crypt/cipher';
import type { SoftSigner } from '../keys/soft-signer';
import { nodeChecker } from '../crypt/node-checker';

/** What a handle names: a directory of either volume (the NOR's littlefs, the card's queued one), a file, a digest. */
type Handle =
  | { kind: 'dir'; dir: Directory }
  | { kind: 'file'; file: File }
  | { kind: 'digest'; digest: Digest }
  | { kind: 'cipher'; cipher: BlockCipher }
  | { kind: 'mode'; mode: Mode };

export type BridgeHeader = { op: string; id: number } & Record<string, any>;

export class StorageBridge {
  readonly #signer: SoftSigner;
  readonly #handles = new Map<number, Handle>();
  #nextHandle = 1;
  /** Called after the firmware renamed a file in the root (a sealed entry moving into place). */
  onMove: ((to: string) => void) | undefined;

  /** Handles of directories added by addDirectory, by directory (so a root asked for twice keeps its handle). */
  readonly #dirIds = new Map<Directory, number>();

  /** `root` is handle 0, the volume's root directory. */
  constructor(root: Directory, signer: SoftSigner) {
    this.#signer = signer;
    this.#handles.set(0, { kind: 'dir', dir: root });
  }

  /** A handle for another volume's root (the card's): the same one each time it is asked for. */
  addDirectory(dir: Directory): number {
    let id = this.#dirIds.get(dir);
    if (id === undefined) this.#dirIds.set(dir, (id = this.#add({ kind: 'dir', dir })));
    return id;
  }

  /** Serves one operation, or returns `undefined` when `op` is not a storage operation. A Uint8Array result goes back as the blob. */
  serve(c: BridgeHeader, blob: Uint8Array): { value: unknown } | undefined {
    return this.#dispatch(c, blob);
  }

  #dir(id: number): Directory {
    const h = this.#handles.get(id);
    if (h?.kind !== 'dir') throw new Error(`xs bridge: no directory #${id}`);
    return h.dir;
  }

  #file(id: number): File {
    const h = this.#handles.get(id);
    if (h?.kind !== 'file') throw new Error(`xs bridge: no file #${id}`);
    return h.file;
  }

  #digest(id: number): Digest {
    const h = this.#handles.get(id);
    if (h?.kind !== 'digest') throw new Error(`xs bridge: no digest #${id}`);
    return h.digest;
  }

  #cipher(id: number): BlockCipher {
    const h = this.#handles.get(id);
    if (h?.kind !== 'cipher') throw new Error(`xs bridge: no cipher #${id}`);
    return h.cipher;
  }

  #mode(id: number): Mode {
    const h = this.#handles.get(id);
    if (h?.kind !== 'mode') throw new Error(`xs bridge: no cipher mode #${id}`);
    return h.mode;
  }

  #add(h: Handle): number {
    const id = this.#nextHandle++;
    this.#handles.set(id, h);
    return id;
  }

  #dispatch(c: BridgeHeader, blob: Uint8Array): { value: unknown } | undefined {
    const v = (value: unknown) => ({ value });
    switch (c.op) {
      case 'digest.new': {
        const d = new Digest(c.type);
        return v({ id: this.#add({ kind: 'digest', digest: d }), blockSize: d.blockSize, outputSize: d.outputSize });
      }
      case 'digest.write':
        return v(this.#digest(c.id).write(blob));
      case 'digest.close':
        // The handle stays: reset() makes a closed digest usable again.
        return v(new Uint8Array(this.#digest(c.id).close(c.keep)));
      case 'digest.reset':
        return v(this.#digest(c.id).reset());
      case 'cipher.new':
        return v(this.#add({ kind: 'cipher', cipher: new BlockCipher(c.name, blob.slice().buffer) }));
      case 'cipher.encrypt':
        return v(new Uint8Array(this.#cipher(c.id).encrypt(blob.slice().buffer)));
      case 'cipher.decrypt':
        return v(new Uint8Array(this.#cipher(c.id).decrypt(blob.slice().buffer)));
      case 'mode.new':
        return v(this.#add({ kind: 'mode', mode: new Mode(c.name, this.#cipher(c.cipher), blob.length ? blob.slice().buffer : undefined) }));
      case 'mode.setIV':
        return v(this.#mode(c.id).setIV(blob.slice().buffer));
      case 'mode.encrypt':
        return v(new Uint8Array(this.#mode(c.id).encrypt(blob)));
      case 'signer.info': {
        const s = this.#signer;
        const out = new Uint8Array(s.publicKey.length + s.keyId.length);
        out.set(s.publicKey);
        out.set(s.keyId, s.publicKey.length);
        return v(out);
      }
      case 'signer.sign':
        return v(this.#signer.sign(blob.slice()));
      case 'checker.verify':
        // blob: public key (65) ‖ signature (64) ‖ message
        return v(nodeChecker.verify(blob.slice(0, 65), blob.slice(129), blob.slice(65, 129)));
      case 'dir.openFile':
        return v(this.#add({ kind: 'file', file: this.#dir(c.id).openFile({ path: c.path, mode: c.mode }) }));
      case 'dir.openDirectory':
        return v(this.#add({ kind: 'dir', dir: this.#dir(c.id).openDirectory({ path: c.path }) }));
      case 'dir.delete':
        return v(this.#dir(c.id).delete(c.path));
      case 'dir.move': {
        this.#dir(c.id).move(c.from, c.to);
        if (c.id === 0) this.onMove?.(c.to);
        return v(undefined);
      }
      case 'dir.status': {
        const s = this.#dir(c.id).status(c.path);
        return v({ size: s.size, mode: s.mode, dir: s.isDirectory() });
      }
      case 'dir.createDirectory':
        return v(this.#dir(c.id).createDirectory(c.path));
      case 'dir.scan':
        return v([...this.#dir(c.id).scan(c.path ?? undefined)]);
      case 'dir.close':
        this.#dir(c.id).close();
        if (c.id !== 0 && ![...this.#dirIds.values()].includes(c.id)) this.#handles.delete(c.id);
        return v(undefined);
      case 'file.read':
        return v(new Uint8Array(this.#file(c.id).read(c.n as number, c.position)));
      case 'file.write':
        return v(this.#file(c.id).write(blob, c.position));
      case 'file.status': {
        const s = this.#file(c.id).status();
        return v({ size: s.size, mode: s.mode, dir: false });
      }
      case 'file.setSize':
        return v(this.#file(c.id).setSize(c.size));
      case 'file.flush':
        return v(this.#file(c.id).flush());
      case 'file.close':
        // The handle stays: a call after close gets the file's own "file closed" error.
        return v(this.#file(c.id).close());
      default:
        return undefined;
    }
  }
}
