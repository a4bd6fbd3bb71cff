// quancheng flash: the partition table, the provisioned storage volume, the app check, the
// merged image and esptool command lines, and the guard that never writes over evidence.
// esptool (PyPI) runs offline here: image-info, merge-bin; a stand-in "python" plays the
// device for read-flash/write-flash.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodeProvisioning, validateProvisioning, PROVISIONING_PATH } from '../../firmware/core/maintenance/provisioning';
import { NorFlash } from '../../host-sim/flash/nor';
import { storageLfsConfig } from '../../host-sim/flash/storage-volume';
import { Littlefs } from '../../host-sim/littlefs/index';
import { StorageRig } from '../../host-sim/storage/rig';
import { RecordingStream } from '../../host-sim/workload/recording';
import { readEspImage } from '../../tools/flash/esp-image';
import { judgeDeviceStorage } from '../../tools/flash/evidence-guard';
import { parsePartitionCsv } from '../../tools/flash/partition-csv';
import { decodePartitionTable, encodePartitionTable } from '../../tools/flash/partition-table';
import { MEDIA_PROFILES } from '../../tools/flash/provision-file';
import { makeStorageImage } from '../../tools/flash/storage-image';
import { expectOneLineError, runCli, tempDir } from '../support/cli';
import { python, pythonHas } from '../support/python';

const ROOT = resolve(__dirname, '../..');
const CSV = readFileSync(join(ROOT, 'partitions.csv'), 'utf8');

const haveEsptool = pythonHas('esptool');
const haveIdfDefs = pythonHas('esp_idf_defs');
const haveLittlefsPy = pythonHas('littlefs');
const withEsptool = haveEsptool ? test : test.skip;

// ---- inputs ---------------------------------------------------------------------------------

const KEY = (n: number) => '04' + n.toString(16).padStart(2, '0').repeat(64);
const PROVISION = {
  version: 1,
  deviceId: 'QC-0042',
  unit: '城关市场监督管理所',
  officer: { name: '李华', certificate: 'ZF-3301-0042' },
  technicians: [{ id: 'T-007', name: '王工', publicKey: KEY(0xab).toUpperCase().replace(/^04/, '04') }],
  store: { id: 'store-1', name: 'County evidence store', publicKey: KEY(0xcd) },
  mediaProfile: MEDIA_PROFILES[0],
  preEventMs: 30000,
  continuous: false,
  allowClearRecording: true,
  provisionedBy: 'T-007',
  provisionedAt: 1780000000000,
};

function file(dir: string, name: string, data: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

/**
 * A minimal ESP image as esptool's elf2image lays it out: header, extended header (chip id,
 * SHA-256 appended), a DROM segment starting with the app description (magic ABCD5432) and an
 * IRAM segment, padding, the checksum byte, the SHA-256.
 */
function espImage(opts: { chipId?: number; extraBytes?: number; breakChecksum?: boolean } = {}): Uint8Array {
  const header = Buffer.alloc(24);
  header[0] = 0xe9;
  header[1] = 2;
  header[2] = 2; // DIO
  header[3] = 0x3f; // 8 MB, 80 MHz
  header.writeUInt32LE(0x40370000, 4);
  header[8] = 0xee; // WP pin disabled
  header.writeUInt16LE(opts.chipId ?? 9, 12);
  header.writeUInt16LE(0xffff, 17); // max chip revision: any
  header[23] = 1;
  const desc = Buffer.alloc(256 + (opts.extraBytes ?? 0));
  desc.writeUInt32LE(0xabcd5432, 0);
  desc.write('0.1.0', 16);
  desc.write('quancheng', 48);
  const iram = Buffer.alloc(32, 0x5a);
  const segs: [number, Buffer][] = [
    [0x3c000020, desc],
    [0x40370000, iram],
  ];
  let sum = 0xef;
  const body: Buffer[] = [header];
  for (const [addr, data] of segs) {
    const h = Buffer.alloc(8);
    h.writeUInt32LE(addr, 0);
    h.writeUInt32LE(data.length, 4);
    body.push(h, data);
    for (const b of data) sum ^= b;
  }
  let img = Buffer.concat(body);
  img = Buffer.concat([img, Buffer.alloc(15 - (img.length % 16)), Buffer.from([opts.breakChecksum ? sum ^ 1 : sum])]);
  return Buffer.concat([img, createHash('sha256').update(img).digest()]);
}

// ---- 1. the partition table -----------------------------------------------------------------

describe('partition table', () => {
  const rows = parsePartitionCsv(CSV);
  const table = encodePartitionTable(rows);

  test('partitions.csv rows, as ESP-IDF reads them', () => {
    expect(rows).toEqual([
      { name: 'nvs', type: 1, subtype: 0x02, offset: 0x9000, size: 0x6000, flags: 0 },
      { name: 'phy_init', type: 1, subtype: 0x01, offset: 0xf000, size: 0x1000, flags: 0 },
      { name: 'factory', type: 0, subtype: 0x00, offset: 0x10000, size: 0x300000, flags: 0 },
      { name: 'storage', type: 1, subtype: 0x83, offset: 0x310000, size: 0x4f0000, flags: 0 },
    ]);
  });

  test('the binary parses back to the same rows; 0xC00 bytes, FF after the MD5 entry', () => {
    expect(table.length).toBe(0xc00);
    expect(decodePartitionTable(table)).toEqual(rows);
    expect(table.subarray(5 * 32).every((b) => b === 0xff)).toBe(true);
  });

  test('golden vector: hand-checked entries, the MD5 entry, and the whole table', () => {
    const hex = (a: number, b: number) => Buffer.from(table.subarray(a, b)).toString('hex');
    // storage: AA50, data, littlefs, 0x310000, 0x4F0000, "storage", no flags
    expect(hex(96, 128)).toBe('aa500183' + '00003100' + '00004f00' + Buffer.from('storage').toString('hex').padEnd(32, '0') + '00000000');
    expect(hex(32, 40)).toBe('aa50010100f00000'); // phy_init at 0xF000
    expect(hex(128, 144)).toBe('ebeb' + 'ff'.repeat(14));
    expect(hex(144, 160)).toBe(createHash('md5').update(table.subarray(0, 128)).digest('hex'));
    // The same bytes as Espressif's generator (gen_esp32part's logic, via PyPI esp-idf-defs) makes.
    expect(createHash('sha256').update(table).digest('hex')).toBe('407e30b379963bed5277a983d6bf68d9d11911dcf1f25719ff20208ddf6e2425');
  });

  test('a changed byte fails the MD5 check', () => {
    const bad = new Uint8Array(table);
    bad[100] ^= 1;
    expect(() => decodePartitionTable(bad)).toThrow(/MD5/);
  });

  (haveIdfDefs ? test : test.skip)('Espressif generator (esp-idf-defs) reads our binary and makes the same one from the CSV', () => {
    const dir = tempDir('pt');
    const bin = file(dir, 'pt.bin', table);
    const py = `
import sys, json
from esp_idf_defs.partitions import PartitionTable
t = PartitionTable.from_binary(open(sys.argv[1], 'rb').read())
c = PartitionTable.from_csv(open(sys.argv[2]).read())
c.verify()
print(json.dumps({"rows": [[p.name, p.type, p.subtype, p.offset, p.size] for p in t], "same": c.to_binary() == open(sys.argv[1], 'rb').read()}))`;
    const r = spawnSync(python(), ['-c', py, bin, join(ROOT, 'partitions.csv')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.rows).toEqual(rows.map((p) => [p.name, p.type, p.subtype, p.offset, p.size]));
    expect(out.same).toBe(true);
  });

  test('CSV rules: K/M sizes, empty offsets follow with alignment, errors name the line', () => {
    expect(parsePartitionCsv('a, data, nvs, , 24K\nb, app, factory, , 1M\nc, data, 0x99, , 4K, readonly')).toEqual([
      { name: 'a', type: 1, subtype: 2, offset: 0x9000, size: 0x6000, flags: 0 },
      { name: 'b', type: 0, subtype: 0, offset: 0x10000, size: 0x100000, flags: 0 },
      { name: 'c', type: 1, subtype: 0x99, offset: 0x110000, size: 0x1000, flags: 2 },
    ]);
    expect(() => parsePartitionCsv('a, data, nvs, 0x9000, 0x6000\nb, data, nvs, 0xa000, 0x1000')).toThrow(/line 2: b at 0xa000 overlaps/);
    expect(() => parsePartitionCsv('a, app, factory, 0x11000, 1M')).toThrow(/line 1: a offset 0x11000 is not aligned to 0x10000/);
    expect(() => parsePartitionCsv('a, data, littlefsx, 0x9000, 4K')).toThrow(/line 1: unknown subtype "littlefsx"/);
    expect(() => parsePartitionCsv('a, data, nvs, 0x7000, 4K')).toThrow(/overlaps/);
    expect(() => parsePartitionCsv('a_name_longer_than_16, data, nvs, , 4K')).toThrow(/name must be 1-16 bytes/);
  });
});

// ---- 2. the storage volume ------------------------------------------------------------------

describe('storage image', () => {
  const provisioning = encodeProvisioning(validateProvisioning(PROVISION, MEDIA_PROFILES));
  const image = makeStorageImage(1264, provisioning);

  test('a fresh volume of the partition size holding exactly the provisioning file; deterministic', () => {
    expect(image.length).toBe(0x4f0000);
    const lfs = new Littlefs(storageLfsConfig(1264), new NorFlash({ blockCount: 1264, image }));
    lfs.mount();
    expect(lfs.fsStat().nameMax).toBe(64);
    expect(lfs.readdir('/').map((e) => e.name).filter((n) => n !== '.' && n !== '..')).toEqual(['config']);
    expect(Buffer.from(lfs.readFile(PROVISIONING_PATH)).equals(Buffer.from(provisioning))).toBe(true);
    expect(Buffer.from(makeStorageImage(1264, provisioning)).equals(Buffer.from(image))).toBe(true);
  });

  (haveLittlefsPy ? test : test.skip)('littlefs-python lists config/provisioning.json with the same bytes', () => {
    const p = file(tempDir('st'), 'storage.img', image);
    const r = spawnSync(python(), [join(ROOT, 'host-sim/littlefs/crosscheck.py'), p], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const out = JSON.parse(r.stdout);
    expect(out.fsStat.blockCount).toBe(1264);
    expect(out.entries.map((e: { path: string }) => e.path)).toEqual(['config', PROVISIONING_PATH]);
    expect(Buffer.from(out.entries[1].base64, 'base64').equals(Buffer.from(provisioning))).toBe(true);
  });
});

// ---- 3. the app image -----------------------------------------------------------------------

describe('app image check', () => {
  test('a well-formed ESP32-S3 image passes; other chips, bad checksums and truncation do not', () => {
    const info = readEspImage(espImage());
    expect(info).toMatchObject({ chipId: 9, hashAppended: true, entry: 0x40370000, segments: [{ addr: 0x3c000020, length: 256 }, { addr: 0x40370000, length: 32 }] });
    expect(() => readEspImage(espImage({ chipId: 0 }))).toThrow(/chip id 0, not the ESP32-S3/);
    expect(() => readEspImage(espImage({ breakChecksum: true }))).toThrow(/checksum/);
    expect(() => readEspImage(espImage().subarray(0, 200))).toThrow(/truncated/);
    const tampered = new Uint8Array(espImage());
    tampered[40] ^= 0xff;
    tampered[tampered.length - 33] ^= 0xff; // keep the checksum right: only the SHA-256 catches it
    expect(() => readEspImage(tampered)).toThrow(/SHA-256/);
    expect(() => readEspImage(Buffer.from('PK\u0003\u0004 not an image at all.....'))).toThrow(/no E9 magic/);
  });

  withEsptool('esptool image-info accepts the same test image as an ESP32-S3 app', () => {
    const p = file(tempDir('app'), 'app.bin', espImage());
    const r = spawnSync(python(), ['-m', 'esptool', '--chip', 'esp32s3', 'image-info', p], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Chip ID: 9 \(ESP32-S3\)/);
    expect(r.stdout).toMatch(/Checksum: 0x[0-9a-f]+ \(valid\)/);
    expect(r.stdout).toMatch(/Validation hash: [0-9a-f]{64} \(valid\)/);
    expect(r.stdout).toMatch(/Project name: quancheng/);
  });
});

// ---- 4. the kit and the esptool command lines -----------------------------------------------

describe('quancheng flash', () => {
  const dir = tempDir('flash');
  const provision = file(dir, 'provision.json', JSON.stringify(PROVISION));
  const app = file(dir, 'app.bin', espImage());
  const boot = file(dir, 'bootloader.bin', espImage({ extraBytes: 4000 }));

  withEsptool('writes the kit; merged.bin holds each part at its offset; --dry-run prints write-flash with the offsets', async () => {
    const out = join(dir, 'kit');
    const r = await runCli('flash', '--provision', provision, '--app', app, '--bootloader', boot, '--out', out, '--port', '/dev/ttyACM7', '--baud', '921600', '--dry-run');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['app.bin', 'bootloader.bin', 'flash-args', 'merged.bin', 'partition-table.bin', 'storage.img']);
    expect(readFileSync(join(out, 'flash-args'), 'utf8')).toBe('0x0 bootloader.bin\n0x8000 partition-table.bin\n0x10000 app.bin\n0x310000 storage.img\n');
    const merged = readFileSync(join(out, 'merged.bin'));
    expect(merged.length).toBe(0x800000);
    for (const [offset, name] of [[0x0, 'bootloader.bin'], [0x8000, 'partition-table.bin'], [0x10000, 'app.bin'], [0x310000, 'storage.img']] as const) {
      const part = readFileSync(join(out, name));
      expect(merged.subarray(offset, offset + part.length).equals(part)).toBe(true);
    }
    expect(merged.subarray(0x8000 + 0xc00, 0x9000).every((b) => b === 0xff)).toBe(true);
    const lines = r.stdout.split('\n');
    expect(lines).toContain(`${python()} -m esptool --chip esp32s3 -p /dev/ttyACM7 -b 921600 read-flash 0x310000 0x4f0000 ${join(out, 'device-storage.img')}`);
    expect(lines).toContain(
      `${python()} -m esptool --chip esp32s3 -p /dev/ttyACM7 -b 921600 write-flash 0x0 ${join(out, 'bootloader.bin')} 0x8000 ${join(out, 'partition-table.bin')} 0x10000 ${join(out, 'app.bin')} 0x310000 ${join(out, 'storage.img')}`,
    );
    expect(existsSync(join(out, 'device-storage.img'))).toBe(false); // a dry run touches no device
  });

  withEsptool('without a bootloader the merged image starts at the table, so it never blanks 0x0', async () => {
    const out = join(dir, 'kit-noboot');
    const r = await runCli('flash', '--provision', provision, '--app', app, '--out', out, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.merged.offset).toBe('0x8000');
    expect(j.parts.map((p: { name: string; offset: string }) => `${p.offset} ${p.name}`)).toEqual(['0x8000 partition-table.bin', '0x10000 app.bin', '0x310000 storage.img']);
    const merged = readFileSync(join(out, 'merged.bin'));
    expect(merged.subarray(0, 0xc00).equals(readFileSync(join(out, 'partition-table.bin')))).toBe(true);
    const appBytes = readFileSync(app);
    expect(merged.subarray(0x10000 - 0x8000, 0x10000 - 0x8000 + appBytes.length).equals(appBytes)).toBe(true);
    expect(merged.length).toBe(0x800000 - 0x8000);
  });

  test('--storage-only: the table, the volume and a flash-args with the storage line only', async () => {
    const out = join(dir, 'kit-storage');
    const r = await runCli('flash', '--provision', provision, '--storage-only', '--out', out);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['flash-args', 'partition-table.bin', 'storage.img']);
    expect(readFileSync(join(out, 'flash-args'), 'utf8')).toBe('0x310000 storage.img\n');
    const expected = makeStorageImage(1264, encodeProvisioning(validateProvisioning(PROVISION, MEDIA_PROFILES)));
    expect(readFileSync(join(out, 'storage.img')).equals(Buffer.from(expected))).toBe(true);
  });
});

// ---- 5. the evidence guard ------------------------------------------------------------------

function evidenceImage(): Uint8Array {
  const rig = new StorageRig({ blockCount: 64 });
  rig.store.beginRecording(1);
  new RecordingStream().run(rig.store, rig.clock, 1500);
  rig.store.endRecording();
  return rig.nor.snapshot();
}

describe('evidence guard', () => {
  const withEvidence = evidenceImage();

  test('blank flash and a provisioned-only volume may be written; evidence and unreadable volumes may not', () => {
    expect(judgeDeviceStorage(new Uint8Array(64 * 4096).fill(0xff))).toEqual({ overwrite: true, state: 'blank' });
    expect(judgeDeviceStorage(makeStorageImage(64, new Uint8Array([123, 125])))).toEqual({ overwrite: true, state: 'provisioned-only' });
    const v = judgeDeviceStorage(withEvidence);
    expect(v.overwrite).toBe(false);
    expect(v.overwrite === false && v.reason).toMatch(/[1-9]\d* evidence file/);
    const noise = new Uint8Array(64 * 4096).fill(0xff);
    noise[5000] = 0;
    expect(judgeDeviceStorage(noise)).toMatchObject({ overwrite: false, reason: expect.stringMatching(/does not mount/) });
  });

  /** A stand-in for python3: esptool's read-flash returns DEVICE_IMAGE, write-flash is logged. */
  function fakeDevice(deviceImage: Uint8Array): { env: string; log: string } {
    const d = tempDir('dev');
    const img = file(d, 'device.img', deviceImage);
    const log = join(d, 'log');
    const script = file(
      d,
      'python',
      `#!/bin/sh\ncmd=""; for a in "$@"; do case "$a" in read-flash|write-flash) cmd="$a";; esac; done\n` +
        `echo "$cmd $*" >> ${log}\n` +
        `if [ "$cmd" = read-flash ]; then eval out=\\\${$#}; cp ${img} "$out"; fi\nexit 0\n`,
    );
    chmodSync(script, 0o755);
    return { env: script, log };
  }

  async function withFakeDevice(image: Uint8Array, ...argv: string[]) {
    const fake = fakeDevice(image);
    process.env.QUANCHENG_PYTHON = fake.env;
    try {
      const r = await runCli(...argv);
      return { r, log: existsSync(fake.log) ? readFileSync(fake.log, 'utf8') : '' };
    } finally {
      delete process.env.QUANCHENG_PYTHON;
    }
  }

  test('--port reads the storage partition first and refuses (exit 1) a device that holds evidence', async () => {
    const dir = tempDir('guard');
    const provision = file(dir, 'p.json', JSON.stringify(PROVISION));
    const big = new Uint8Array(0x4f0000).fill(0xff);
    big.set(withEvidence); // the evidence volume at the start of the device's partition
    const { r, log } = await withFakeDevice(big, 'flash', '--provision', provision, '--storage-only', '--out', join(dir, 'k'), '--port', '/dev/ttyX');
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/the device holds evidence; offload it first/);
    expect(log).toMatch(/^read-flash .* 0x310000 0x4f0000 /m);
    expect(log).not.toMatch(/write-flash/);
  });

  test('--port writes a blank device after reading it back', async () => {
    const dir = tempDir('guard-ok');
    const provision = file(dir, 'p.json', JSON.stringify(PROVISION));
    const { r, log } = await withFakeDevice(new Uint8Array(0x4f0000).fill(0xff), 'flash', '--provision', provision, '--storage-only', '--out', join(dir, 'k'), '--port', '/dev/ttyX');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(log.split('\n')[0]).toMatch(/^read-flash/);
    expect(log.split('\n')[1]).toMatch(new RegExp(`^write-flash .*write-flash 0x310000 ${join(dir, 'k', 'storage.img')}$`));
  });
});

// ---- 6. bad input -----------------------------------------------------------------------------

describe('bad input: one line, exit 2, no output directory', () => {
  const dir = tempDir('flash-bad');
  const good = file(dir, 'good.json', JSON.stringify(PROVISION));
  const app = file(dir, 'app.bin', espImage());
  const cases: [string, () => string[], RegExp][] = [
    ['bad provisioning field', () => ['--provision', file(dir, 'p1.json', JSON.stringify({ ...PROVISION, store: { ...PROVISION.store, publicKey: '04zz' } })), '--storage-only'], /p1\.json: provisioning: store\.publicKey must be a P-256 public key/],
    ['provisioning not JSON', () => ['--provision', file(dir, 'p2.json', '{nope'), '--storage-only'], /provisioning: not JSON/],
    ['unknown media profile', () => ['--provision', file(dir, 'p3.json', JSON.stringify({ ...PROVISION, mediaProfile: '4k' })), '--storage-only'], /mediaProfile must be one of/],
    ['missing provisioning file', () => ['--provision', join(dir, 'none.json'), '--storage-only'], /none\.json: no such file/],
    ['missing app', () => ['--provision', good, '--app', join(dir, 'none.bin')], /app .*none\.bin: no such file/],
    ['unknown flag', () => ['--provision', good, '--storage-only', '--erase-all'], /unknown option --erase-all/],
    ['no app and no --storage-only', () => ['--provision', good], /give --app FILE/],
    ['app for another chip', () => ['--provision', good, '--app', file(dir, 'esp32.bin', espImage({ chipId: 0 }))], /is not an ESP32-S3 image: built for chip id 0/],
    ['app larger than its partition', () => ['--provision', good, '--app', file(dir, 'huge.bin', espImage({ extraBytes: 0x300000 }))], /larger than its 0x300000-byte space/],
    ['table past the 8 MB flash', () => ['--provision', good, '--storage-only', '--partitions', file(dir, 'big.csv', CSV.replace(/^(storage,.*)0x4F0000,$/m, '$10x8F0000,'))], /past the 8 MB flash/],
    ['bad partitions.csv', () => ['--provision', good, '--storage-only', '--partitions', file(dir, 'bad.csv', 'factory, app, factory, 0x10001, 1M')], /bad\.csv: line 1: factory offset 0x10001 is not aligned/],
    ['--dry-run without --port', () => ['--provision', good, '--app', app, '--dry-run'], /--dry-run goes with --port/],
    ['bad baud', () => ['--provision', good, '--app', app, '--port', '/dev/x', '--baud', 'fast'], /--baud must be a whole number/],
  ];
  test.each(cases)('%s', async (name, argv, pattern) => {
    const out = join(dir, `out-${name.replace(/\W+/g, '-')}`);
    expectOneLineError(await runCli('flash', ...argv(), '--out', out), pattern);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.startsWith('.out'))).toEqual([]);
  });

  test('a non-empty output directory is refused and left as it was', async () => {
    const out = tempDir('busy');
    file(out, 'keep', 'x');
    expectOneLineError(await runCli('flash', '--provision', good, '--storage-only', '--out', out), /exists and is not empty/);
    expect(readdirSync(out)).toEqual(['keep']);
  });
});
