// The host side of the storage bridges (bridge/files.ts, bridge/crypt.ts, bridge/signer.ts):
// the Files volume (littlefs on the simulated NOR), the SHA engine and the device key, served
// to the firmware running in XS: the storage harness (store-host.ts) serves these alone, the
// whole-device host (device-host.ts) alongside its IO bridges.
import { Digest } from '../crypt/digest';
import { LfsDirectory } from '../files/lfs-directory';
import type { SoftSigner } from '../keys/soft-signer';
import { nodeChecker } from '../../tools/crypto/node-checker';

type FileHandle = ReturnType<LfsDirectory['openFile']>;
type Handle = LfsDirectory | FileHandle | Digest;

export type BridgeHeader = { op: string; id: number } & Record<string, any>;

export class StorageBridge {
  readonly #signer: SoftSigner;
  readonly #handles = new Map<number, Handle>();
  #nextHandle = 1;
  /** Called after the firmware renamed a file in the root (a sealed entry moving into place). */
  onMove: ((to: string) => void) | undefined;

  /** `root` is handle 0, the volume's root directory. */
  constructor(root: LfsDirectory, signer: SoftSigner) {
    this.#signer = signer;
    this.#handles.set(0, root);
  }

  /** Serves one operation, or returns `undefined` when `op` is not a storage operation. A Uint8Array result goes back as the blob. */
  serve(c: BridgeHeader, blob: Uint8Array): { value: unknown } | undefined {
    return this.#dispatch(c, blob);
  }

  #handle<T extends Handle>(id: number, kind: abstract new (...a: never[]) => T, what: string): T {
    const h = this.#handles.get(id);
    if (!(h instanceof kind)) throw new Error(`xs bridge: no ${what} #${id}`);
    return h;
  }

  #file(id: number): FileHandle {
    const h = this.#handles.get(id);
    if (!h || h instanceof LfsDirectory || h instanceof Digest) throw new Error(`xs bridge: no file #${id}`);
    return h;
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
        return v({ id: this.#add(d), blockSize: d.blockSize, outputSize: d.outputSize });
      }
      case 'digest.write':
        return v(this.#handle(c.id, Digest, 'digest').write(blob));
      case 'digest.close':
        // The handle stays: reset() makes a closed digest usable again.
        return v(new Uint8Array(this.#handle(c.id, Digest, 'digest').close(c.keep)));
      case 'digest.reset':
        return v(this.#handle(c.id, Digest, 'digest').reset());
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
        return v(this.#add(this.#handle(c.id, LfsDirectory, 'directory').openFile({ path: c.path, mode: c.mode })));
      case 'dir.openDirectory':
        return v(this.#add(this.#handle(c.id, LfsDirectory, 'directory').openDirectory({ path: c.path }) as LfsDirectory));
      case 'dir.delete':
        return v(this.#handle(c.id, LfsDirectory, 'directory').delete(c.path));
      case 'dir.move': {
        this.#handle(c.id, LfsDirectory, 'directory').move(c.from, c.to);
        if (c.id === 0) this.onMove?.(c.to);
        return v(undefined);
      }
      case 'dir.status': {
        const s = this.#handle(c.id, LfsDirectory, 'directory').status(c.path);
        return v({ size: s.size, mode: s.mode, dir: s.isDirectory() });
      }
      case 'dir.createDirectory':
        return v(this.#handle(c.id, LfsDirectory, 'directory').createDirectory(c.path));
      case 'dir.scan':
        return v([...this.#handle(c.id, LfsDirectory, 'directory').scan(c.path ?? undefined)]);
      case 'dir.close':
        this.#handle(c.id, LfsDirectory, 'directory').close();
        if (c.id !== 0) this.#handles.delete(c.id);
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
