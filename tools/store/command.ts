// quancheng store init DIR --id NAME | ls DIR | verify DIR [--device ID] | add DIR PATH [--at TIME]
import { statSync } from 'node:fs';
import { parseEntry, parseEntryName, toHex, type EntryFile } from '../../firmware/core/evidence';
import { parseArgs } from '../args';
import { readEntryDirectory } from '../entry-files';
import { EXIT_OK, EXIT_PROBLEM, UsageError } from '../errors';
import { imageEntryFiles } from '../image';
import type { Io } from '../io';
import { checkDevice } from './check-store';
import { DirectoryStore } from './directory-store';
import { StoreError, StoreRefusal } from './errors';

export const storeUsage = 'quancheng store init DIR --id NAME | ls DIR | verify DIR [--device ID] | add DIR PATH [--at TIME]';

export function runStore(argv: readonly string[], io: Io): number {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'init':
        return init(rest, io);
      case 'ls':
        return ls(rest, io);
      case 'verify':
        return verify(rest, io);
      case 'add':
        return add(rest, io);
      default:
        throw new UsageError(`store: ${sub === undefined ? 'missing subcommand' : `unknown subcommand ${JSON.stringify(sub)}`} (${storeUsage})`);
    }
  } catch (e) {
    // A store that is not one, or damaged, is bad input: one line, exit 2.
    if (e instanceof StoreError) throw new UsageError(`store ${sub}: ${e.message}`);
    throw e;
  }
}

function init(argv: readonly string[], io: Io): number {
  const args = parseArgs('store init', argv, { values: ['id'], positionals: ['DIR'] });
  const id = args.values.get('id');
  if (id === undefined) throw new UsageError('store init: --id NAME is required');
  const store = DirectoryStore.create(args.positionals[0], id);
  io.out(toHex(store.identity().publicKey) + '\n');
  return EXIT_OK;
}

function ls(argv: readonly string[], io: Io): number {
  const args = parseArgs('store ls', argv, { positionals: ['DIR'] });
  const store = DirectoryStore.open(args.positionals[0]);
  const id = store.identity();
  const out = [`store ${id.id} key ${toHex(id.publicKey)}`];
  for (const d of store.devices()) {
    const p = store.position(d)!;
    out.push(`${d} through ${p.throughSeq} link ${toHex(p.throughLink)} entries ${p.entries} bytes ${p.bytes} receipts ${store.receipts(d).length}`);
  }
  if (out.length === 1) out.push('(no devices)');
  io.out(out.join('\n') + '\n');
  return EXIT_OK;
}

function verify(argv: readonly string[], io: Io): number {
  const args = parseArgs('store verify', argv, { values: ['device'], positionals: ['DIR'] });
  const store = DirectoryStore.open(args.positionals[0]);
  const only = args.values.get('device');
  if (only !== undefined && !store.devices().includes(only)) throw new UsageError(`store verify: the store holds no device ${JSON.stringify(only)}`);
  const devices = only !== undefined ? [only] : store.devices();
  const out: string[] = [];
  let ok = true;
  for (const d of devices) {
    const c = checkDevice(store, d);
    ok &&= c.ok;
    const span = c.through ? `entries 0-${c.through.seq}, head ${c.through.seq}:${c.through.link}` : 'no entries';
    out.push(`${c.ok ? 'INTACT' : 'NOT INTACT'}: ${d}, ${span}, ${c.receipts} receipt${c.receipts === 1 ? '' : 's'}`);
    for (const p of c.problems) out.push(`  ${p}`);
  }
  if (devices.length === 0) out.push('(no devices)');
  io.out(out.join('\n') + '\n');
  return ok ? EXIT_OK : EXIT_PROBLEM;
}

/** Offloads the sealed entries of an extracted directory or storage image, then issues a receipt. */
function add(argv: readonly string[], io: Io): number {
  const args = parseArgs('store add', argv, { values: ['at'], positionals: ['DIR', 'PATH'] });
  const at = args.values.get('at');
  const time = at === undefined ? Date.now() : Date.parse(at);
  if (Number.isNaN(time) || time < 0 || (at !== undefined && !/[zZ]|[+-]\d\d:\d\d$/.test(at))) throw new UsageError(`store add: --at must be an ISO 8601 time with its offset, got ${JSON.stringify(at)}`);
  const store = DirectoryStore.open(args.positionals[0], { now: () => time });
  const path = args.positionals[1];
  const files = isFile(path) ? imageEntryFiles(path, 'store add') : readEntryDirectory(path);
  const entries = sealedEntries(files);
  if (entries.length === 0) throw new UsageError(`store add: ${path}: no sealed evidence entries`);
  let deviceId: string;
  try {
    deviceId = parseEntry(entries[0].bytes).header.deviceId;
  } catch (e) {
    throw new UsageError(`store add: ${path}: entry ${entries[0].seq} is not readable (${(e as Error).message})`);
  }
  let result;
  try {
    result = store.accept(deviceId, entries);
  } catch (e) {
    if (!(e instanceof StoreRefusal)) throw e;
    io.err(`quancheng store add: ${e.message}\n`);
    return EXIT_PROBLEM;
  }
  const receipt = store.receipt(deviceId, time);
  const p = result.position;
  io.out(`accepted ${result.added} new entr${result.added === 1 ? 'y' : 'ies'} (${result.resent} already held) of ${deviceId}; the store holds 0-${p.throughSeq}, link ${toHex(p.throughLink)}; receipt ${receipt.length} bytes\n`);
  return EXIT_OK;
}

/** Sealed entries by the seq their file names give, ascending. */
function sealedEntries(files: readonly EntryFile[]): { seq: number; bytes: Uint8Array }[] {
  const out: { seq: number; bytes: Uint8Array }[] = [];
  for (const f of files) {
    const name = parseEntryName(f.path);
    if (name?.sealed) out.push({ seq: name.seq, bytes: f.bytes });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
