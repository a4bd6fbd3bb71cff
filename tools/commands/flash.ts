// quancheng flash: assembles what is written to a unit (partition table, the storage volume
// pre-loaded with its provisioning, the app from the technician's mcconfig build) and drives
// esptool to write it, refusing to write over a storage partition that holds evidence.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../host-sim/project-root';
import { parseArgs } from '../args';
import { EXIT_OK, EXIT_PROBLEM, UsageError } from '../errors';
import type { Io } from '../io';
import { ESP32S3_CHIP_ID, EspImageError, readEspImage } from '../flash/esp-image';
import { commandLine, EsptoolError, hex, mergeBinArgs, readFlashArgs, runEsptool, writeFlashArgs, type Part } from '../flash/esptool';
import { judgeDeviceStorage } from '../flash/evidence-guard';
import { checkTarget, writeKit } from '../flash/kit-dir';
import { BOOTLOADER_OFFSET, deviceLayout, LayoutError, TABLE_OFFSET } from '../flash/layout';
import { parsePartitionCsv, PartitionCsvError, type Partition } from '../flash/partition-csv';
import { encodePartitionTable, PartitionTableError } from '../flash/partition-table';
import { readProvisionFile } from '../flash/provision-file';
import { makeStorageImage } from '../flash/storage-image';

export const flashUsage =
  'quancheng flash --provision FILE [--store-public FILE|STOREDIR] (--app FILE [--bootloader FILE] | --storage-only) [--partitions CSV] [--out DIR] [--port PORT [--baud N] [--dry-run]] [--json]';

const DEFAULT_BAUD = 460800;

function readInput(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch {
    throw new UsageError(`flash: ${what} ${path}: no such file`);
  }
}

function partitions(path: string): Partition[] {
  try {
    return parsePartitionCsv(new TextDecoder().decode(readInput(path, 'partition table')));
  } catch (e) {
    if (e instanceof PartitionCsvError) throw new UsageError(`flash: ${path}: ${e.message}`);
    throw e;
  }
}

/** An ESP32-S3 image that fits where it goes, or a one-line reason. */
function espImage(path: string, what: string, room: number): Uint8Array {
  const bytes = readInput(path, what);
  try {
    readEspImage(bytes, ESP32S3_CHIP_ID);
  } catch (e) {
    if (e instanceof EspImageError) throw new UsageError(`flash: ${what} ${path} is not an ESP32-S3 image: ${e.message}`);
    throw e;
  }
  if (bytes.length > room) throw new UsageError(`flash: ${what} ${path} is ${bytes.length} bytes, larger than its 0x${room.toString(16)}-byte space`);
  return bytes;
}

interface KitFile extends Part {
  name: string;
  bytes: number;
  sha256: string;
}

export function runFlash(argv: readonly string[], io: Io): number {
  const args = parseArgs('flash', argv, {
    values: ['provision', 'store-public', 'app', 'bootloader', 'partitions', 'out', 'port', 'baud'],
    switches: ['storage-only', 'dry-run', 'json'],
    positionals: [],
  });
  const v = (k: string) => args.values.get(k);
  const provisionPath = v('provision');
  if (!provisionPath) throw new UsageError('flash: --provision FILE is required');
  const storageOnly = args.switches.has('storage-only');
  if (storageOnly && v('app')) throw new UsageError('flash: --storage-only writes no app; drop --app');
  if (!storageOnly && !v('app')) throw new UsageError('flash: give --app FILE (the mcconfig build) to write a whole device, or --storage-only');
  if (v('bootloader') && !v('app')) throw new UsageError('flash: --bootloader goes with --app');
  const port = v('port');
  if ((v('baud') || args.switches.has('dry-run')) && !port) throw new UsageError(`flash: --${v('baud') ? 'baud' : 'dry-run'} goes with --port`);
  const baudText = v('baud') ?? String(DEFAULT_BAUD);
  if (!/^\d{4,7}$/.test(baudText)) throw new UsageError(`flash: --baud must be a whole number of bits per second, got ${JSON.stringify(baudText)}`);
  const baud = Number(baudText);

  const csvPath = v('partitions') ?? join(projectRoot(), 'partitions.csv');
  const rows = partitions(csvPath);
  let layout;
  let table: Uint8Array;
  try {
    layout = deviceLayout(rows);
    table = encodePartitionTable(rows);
  } catch (e) {
    if (e instanceof LayoutError || e instanceof PartitionTableError) throw new UsageError(`flash: ${csvPath}: ${e.message}`);
    throw e;
  }
  const provisioning = readProvisionFile(provisionPath, v('store-public'));
  const deviceId = (JSON.parse(new TextDecoder().decode(provisioning)) as { deviceId: string }).deviceId;
  const app = v('app') ? espImage(v('app')!, 'app', layout.app.size) : undefined;
  const bootloader = v('bootloader') ? espImage(v('bootloader')!, 'bootloader', TABLE_OFFSET - BOOTLOADER_OFFSET) : undefined;
  const target = checkTarget(v('out') ?? join('out', `flash-${deviceId}`));

  // Build in memory first: a bad input is found before anything is written.
  const storage = makeStorageImage(layout.storageBlocks, provisioning);
  const parts: { name: string; offset: number; data: Uint8Array }[] = [];
  if (bootloader) parts.push({ name: 'bootloader.bin', offset: BOOTLOADER_OFFSET, data: bootloader });
  if (app) parts.push({ name: 'partition-table.bin', offset: TABLE_OFFSET, data: table }, { name: 'app.bin', offset: layout.app.offset, data: app });
  parts.push({ name: 'storage.img', offset: layout.storage.offset, data: storage });
  const files: KitFile[] = parts.map((p) => ({ name: p.name, offset: p.offset, file: join(target, p.name), bytes: p.data.length, sha256: createHash('sha256').update(p.data).digest('hex') }));
  // Without a bootloader the merged image starts at the table, so writing it never blanks 0x0.
  const mergedBase = parts[0].offset;

  writeKit(target, (staging) => {
    if (!app) writeFileSync(join(staging, 'partition-table.bin'), table);
    for (const p of parts) writeFileSync(join(staging, p.name), p.data);
    writeFileSync(join(staging, 'flash-args'), parts.map((p) => `${hex(p.offset)} ${p.name}\n`).join(''));
    if (app) {
      try {
        runEsptool('merge-bin', mergeBinArgs(join(staging, 'merged.bin'), mergedBase, parts.map((p) => ({ offset: p.offset, file: join(staging, p.name) }))));
      } catch (e) {
        if (e instanceof EsptoolError) throw new UsageError(`flash: ${e.message}`);
        throw e;
      }
    }
  });

  const summary: Record<string, unknown> = {
    out: target,
    deviceId,
    mode: app ? 'whole-device' : 'storage-only',
    parts: files.map(({ name, offset, bytes, sha256 }) => ({ name, offset: hex(offset), bytes, sha256 })),
    flashArgs: join(target, 'flash-args'),
    merged: app ? { file: join(target, 'merged.bin'), offset: hex(mergedBase) } : undefined,
  };
  const say = (text: string) => {
    if (!args.switches.has('json')) io.out(text);
  };
  say(`flash kit for ${deviceId} in ${target}:\n`);
  for (const f of files) say(`  ${hex(f.offset).padStart(8)}  ${f.name} (${f.bytes} bytes)\n`);
  if (app) say(`  merged.bin: one image of all parts, to write at ${hex(mergedBase)}\n`);
  let code = EXIT_OK;
  if (port) code = writeDevice(io, args.switches.has('json'), port, baud, target, layout.storage, files, args.switches.has('dry-run'), summary);
  if (args.switches.has('json')) io.out(JSON.stringify(summary, null, 2) + '\n');
  return code;
}

/** Reads the device's storage partition back, refuses if it may hold evidence, then writes. */
function writeDevice(io: Io, json: boolean, port: string, baud: number, target: string, storage: Partition, files: readonly Part[], dryRun: boolean, summary: Record<string, unknown>): number {
  const say = (text: string) => {
    if (!json) io.out(text);
  };
  const before = join(target, 'device-storage.img');
  const read = readFlashArgs(port, baud, storage.offset, storage.size, before);
  const write = writeFlashArgs(port, baud, files);
  summary.commands = { readFlash: commandLine(read), writeFlash: commandLine(write) };
  if (dryRun) {
    summary.dryRun = true;
    say(`dry run: would read the storage partition back, write only if it holds no evidence:\n${commandLine(read)}\n${commandLine(write)}\n`);
    return EXIT_OK;
  }
  // Not bad input but a device that cannot or must not be written: one line, exit 1.
  const problem = (message: string): number => {
    summary.error = message;
    io.err(`quancheng ${message}\n`);
    return EXIT_PROBLEM;
  };
  try {
    runEsptool('read-flash', read);
  } catch (e) {
    if (e instanceof EsptoolError) return problem(`flash: ${e.message}; nothing was written`);
    throw e;
  }
  const verdict = judgeDeviceStorage(readFileSync(before));
  summary.device = verdict;
  if (!verdict.overwrite) return problem(`flash: the device holds evidence; offload it first (${verdict.reason}; the partition as read is in ${before}); nothing was written`);
  say(`device storage partition is ${verdict.state}; writing\n`);
  try {
    runEsptool('write-flash', write, !json);
  } catch (e) {
    if (e instanceof EsptoolError) return problem(`flash: ${e.message}`);
    throw e;
  }
  say('written\n');
  return EXIT_OK;
}
