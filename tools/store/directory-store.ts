// The designated store over a local directory:
//   quancheng-store.json              store id and public key (what makes it a store)
//   store-key.pem                     the store's P-256 private key, PKCS#8, mode 0600 (signs receipts)
//   content-key.pem, content-key.pub.pem  the content key pair units encrypt to (FORMAT §7a):
//                                     private PKCS#8 0600, public SPKI (provisioned into units)
//   objects/ab/cdef….qce              entry files by SHA-256, read-only, never rewritten
//   devices/<id>/index.jsonl          the device's held chain, one line per entry
//   devices/<id>/receipts/*.qcr       every receipt issued, as sent
// One writer at a time (the technician's offload); every call re-reads the index, so
// separate invocations see each other's work.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkDeviceId, fromHex, parseEntry, toHex, type SignatureChecker } from '../../firmware/core/evidence';
import { decodeSignedReceipt, encodeReceiptDocument, encodeSignedReceipt, type ReceiptBody } from '../../firmware/core/maintenance/receipt';
import type { KeyObject } from 'node:crypto';
import { nodeChecker } from '../../host-sim/crypt/node-checker';
import { CONTENT_KEY_FILE, CONTENT_PUBLIC_KEY_FILE, generateContentKeyPair, readContentKeyFile } from '../crypto/store-key';
import { announcedKey } from './announced-key';
import type { AcceptResult, EvidenceStoreBackend, OffloadEntry, StoreIdentity, StorePosition } from './backend';
import { planBatch, type HeldChain } from './continuity';
import { fsyncPath, writeNewFileSynced, writeOnce } from './durable';
import { appendIndex, readIndex, type IndexLine } from './device-index';
import { StoreError, StoreRefusal } from './errors';
import { checkStoreId, encodeManifest, KEY_FILE, MANIFEST_FILE, readManifest } from './manifest';
import { OBJECTS_DIR, ObjectStore } from './objects';
import { generateStoreKey, parseStoreKey, signWithStoreKey, type StoreKey } from './store-key';

export const DEVICES_DIR = 'devices';
export const RECEIPT_SUFFIX = '.qcr';

export interface DirectoryStoreOptions {
  /** The clock for index lines' received time, ms since 1970 (tests inject one). */
  now?: () => number;
  checker?: SignatureChecker;
}

export class DirectoryStore implements EvidenceStoreBackend {
  readonly objects: ObjectStore;
  readonly #id: string;
  readonly #key: StoreKey;
  readonly #now: () => number;
  readonly #checker: SignatureChecker;
  /** Device keys learned from held entry 0, by device id and that entry's SHA-256. */
  readonly #deviceKeys = new Map<string, Uint8Array>();

  private constructor(readonly dir: string, id: string, key: StoreKey, options: DirectoryStoreOptions) {
    this.objects = new ObjectStore(dir);
    this.#id = id;
    this.#key = key;
    this.#now = options.now ?? Date.now;
    this.#checker = options.checker ?? nodeChecker;
  }

  /** Makes a new store in dir (which must not exist or be empty) with a fresh key pair. */
  static create(dir: string, id: string, options: DirectoryStoreOptions = {}): DirectoryStore {
    try {
      checkStoreId(id);
    } catch (e) {
      throw new StoreError((e as Error).message);
    }
    let existing: string[] = [];
    try {
      existing = readdirSync(dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw new StoreError(`${dir}: not a directory`);
      if (code !== 'ENOENT') throw new StoreError(`${dir}: cannot read (${code})`);
    }
    if (existing.length > 0) throw new StoreError(`${dir}: not empty; a store is created in a new or empty directory`);
    mkdirSync(join(dir, OBJECTS_DIR), { recursive: true });
    mkdirSync(join(dir, DEVICES_DIR), { recursive: true });
    const { pem, key } = generateStoreKey();
    writeNewFileSynced(join(dir, KEY_FILE), new TextEncoder().encode(pem), 0o600);
    const content = generateContentKeyPair();
    writeNewFileSynced(join(dir, CONTENT_KEY_FILE), new TextEncoder().encode(content.privatePem), 0o600);
    writeNewFileSynced(join(dir, CONTENT_PUBLIC_KEY_FILE), new TextEncoder().encode(content.publicPem), 0o644);
    // The manifest last: a directory with one is a whole store.
    writeOnce(join(dir, MANIFEST_FILE), new TextEncoder().encode(encodeManifest(id, key.publicKey)), 0o644);
    return new DirectoryStore(dir, id, key, options);
  }

  /** Opens a store, checking its manifest, its key (readable by the owner only, matching the manifest) and its layout. */
  static open(dir: string, options: DirectoryStoreOptions = {}): DirectoryStore {
    const manifest = readManifest(dir);
    const keyPath = join(dir, KEY_FILE);
    let pem: string;
    let mode: number;
    try {
      mode = statSync(keyPath).mode & 0o777;
      pem = readFileSync(keyPath, 'utf8');
    } catch {
      throw new StoreError(`${keyPath}: cannot read the store key`);
    }
    if (mode & 0o077) throw new StoreError(`${keyPath}: the store key is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
    const key = parseStoreKey(pem, keyPath);
    if (toHex(key.publicKey) !== toHex(manifest.publicKey)) throw new StoreError(`${keyPath}: does not match the public key in ${MANIFEST_FILE}`);
    for (const sub of [OBJECTS_DIR, DEVICES_DIR]) {
      let ok = false;
      try {
        ok = statSync(join(dir, sub)).isDirectory();
      } catch {
        // reported below
      }
      if (!ok) throw new StoreError(`${dir}: damaged store (no ${sub}/ directory)`);
    }
    return new DirectoryStore(dir, manifest.id, key, options);
  }

  /**
   * The content key that opens the encrypted entries units sent here (FORMAT §7a), read only
   * to decrypt for an export or an inspector's page: the objects stay as offloaded.
   * Undefined for a store made before encryption at rest (it has no content-key.pem).
   */
  contentKey(): KeyObject | undefined {
    try {
      return readContentKeyFile(join(this.dir, CONTENT_KEY_FILE));
    } catch (e) {
      throw new StoreError((e as Error).message);
    }
  }

  identity(): StoreIdentity {
    return { id: this.#id, publicKey: this.#key.publicKey.slice() };
  }

  /** Devices the store holds entries of, sorted. */
  devices(): string[] {
    // By the index file's presence, not its content: a damaged index is verify's to report.
    return readdirSync(join(this.dir, DEVICES_DIR))
      .filter((d) => isDeviceId(d) && existsSync(this.#indexPath(d)))
      .sort();
  }

  /** The index of a device's held chain (empty for an unknown or invalid device id). */
  held(deviceId: string): IndexLine[] {
    if (!isDeviceId(deviceId)) return [];
    return readIndex(this.#indexPath(deviceId));
  }

  position(deviceId: string): StorePosition | undefined {
    return positionOf(this.held(deviceId));
  }

  accept(deviceId: string, entries: readonly OffloadEntry[]): AcceptResult {
    const lines = this.held(deviceId);
    const last = lines[lines.length - 1];
    const heldChain: HeldChain = {
      through: last && { seq: last.seq, link: fromHex(last.link) },
      sha256Of: (seq) => lines[seq].sha256,
      deviceKey: () => this.#deviceKey(deviceId, lines[0]),
    };
    const plan = planBatch(deviceId, heldChain, entries, this.#checker);
    if (lines.length === 0 && plan.added.length === 0) throw new StoreRefusal('unknown-device', null, `an empty batch, and the store holds no entries of ${JSON.stringify(deviceId)}`);
    if (plan.added.length > 0) {
      // Objects first, then the index that names them: a cut in between leaves only
      // unnamed objects, and the re-sent batch finds them and goes on.
      for (const e of plan.added) this.objects.put(e.bytes, e.sha256);
      const received = this.#now();
      const added: IndexLine[] = plan.added.map((e) => ({ seq: e.seq, sha256: e.sha256, link: toHex(e.link), bytes: e.bytes.length, received }));
      mkdirSync(this.#deviceDir(deviceId), { recursive: true });
      appendIndex(this.#indexPath(deviceId), added);
      if (lines.length === 0) fsyncPath(join(this.dir, DEVICES_DIR));
      lines.push(...added);
    }
    return { deviceId, added: plan.added.length, resent: plan.resent, position: positionOf(lines)! };
  }

  receipt(deviceId: string, time: number): Uint8Array {
    if (!Number.isSafeInteger(time) || time < 0) throw new RangeError(`receipt time must be ms since 1970: ${time}`);
    const pos = this.position(deviceId);
    if (!pos) throw new StoreRefusal('unknown-device', null, `the store holds no entries of ${JSON.stringify(deviceId)}`);
    const body: ReceiptBody = { store: this.#id, deviceId, throughSeq: pos.throughSeq, throughLink: pos.throughLink, entries: pos.entries, bytes: pos.bytes, time };
    const document = encodeReceiptDocument(body);
    const signed = encodeSignedReceipt(document, signWithStoreKey(this.#key, document));
    const path = join(this.#deviceDir(deviceId), 'receipts', receiptName(pos.throughSeq, time));
    if (writeOnce(path, signed, 0o444)) return signed;
    // The same receipt asked again: hand back the one already issued (ECDSA here is not
    // deterministic, and one document should have one signature on record).
    const kept = new Uint8Array(readFileSync(path));
    let same = false;
    try {
      same = toHex(decodeSignedReceipt(kept).document) === toHex(document);
    } catch {
      // reported below
    }
    if (!same) throw new StoreError(`${path}: a different receipt is already kept under this name`);
    return kept;
  }

  /** Paths of the receipts issued for a device, oldest first. */
  receipts(deviceId: string): string[] {
    if (!isDeviceId(deviceId)) return [];
    const dir = join(this.#deviceDir(deviceId), 'receipts');
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    return names.filter((n) => n.endsWith(RECEIPT_SUFFIX)).sort().map((n) => join(dir, n));
  }

  #deviceDir(deviceId: string): string {
    return join(this.dir, DEVICES_DIR, deviceId);
  }

  #indexPath(deviceId: string): string {
    return join(this.#deviceDir(deviceId), 'index.jsonl');
  }

  /** The key entry 0 announced; it was checked when entry 0 was accepted. */
  #deviceKey(deviceId: string, first: IndexLine): Uint8Array {
    const cacheKey = `${deviceId}/${first.sha256}`;
    let key = this.#deviceKeys.get(cacheKey);
    if (!key) {
      const bytes = this.objects.read(first.sha256);
      try {
        key = announcedKey(parseEntry(bytes));
      } catch {
        key = undefined;
      }
      if (!key) throw new StoreError(`${this.objects.path(first.sha256)}: held entry 0 of ${deviceId} announces no device key`);
      this.#deviceKeys.set(cacheKey, key);
    }
    return key;
  }
}

function isDeviceId(id: string): boolean {
  try {
    checkDeviceId(id);
    return true;
  } catch {
    return false;
  }
}

/** receipts/<throughSeq, 10 digits>-<time ms>.qcr: sorted by position, then time. */
export function receiptName(throughSeq: number, time: number): string {
  return `${String(throughSeq).padStart(10, '0')}-${String(time).padStart(13, '0')}${RECEIPT_SUFFIX}`;
}

function positionOf(lines: readonly IndexLine[]): StorePosition | undefined {
  const last = lines[lines.length - 1];
  if (!last) return undefined;
  let bytes = 0;
  for (const l of lines) bytes += l.bytes;
  return { throughSeq: last.seq, throughLink: fromHex(last.link), entries: lines.length, bytes };
}
