// An encrypting unit's own state files (firmware/core/storage/state-files.ts): sealed under
// the secure element's state secret, read back across reboots, a pre-loaded clear provisioning
// sealed at first boot, a damaged sealed file refused rather than read.
import { parseEntry, HEADER_FLAG_ENCRYPTED, utf8Encode } from '../../firmware/core/evidence';
import { PROVISIONING_PATH } from '../../firmware/core/maintenance/provisioning';
import { simStoreKey } from '../../host-sim/keys/sim-store-key';
import { SoftElement } from '../../host-sim/keys/soft-element';
import { LfsDirectory } from '../../host-sim/files/lfs-directory';
import { StateFileError, StateFiles } from '../../firmware/core/storage/state-files';
import I2C from 'embedded:io/i2c';
import { BOARD } from '../../hal/board';
import ATECC608 from '../../hal/secure-element/atecc608';
import type { I2cIoClass } from '../../hal/rtc/i2c-io';
import { chainFiles, device, newStore, provisioning, record } from '../maintenance/fixture';

const storeKey = simStoreKey('state-files');
const receiptKey = newStore().identity().publicKey;
const MEMORY = 'chain/recorder';

function fileBytes(dev: ReturnType<typeof device>, path: string): Uint8Array {
  return dev.lfs!.readFile(path);
}

test('a pre-loaded clear provisioning is sealed at first boot; the unit reads its sealed state after a power cycle', () => {
  const dev = device(provisioning(receiptKey, { storeContentKey: storeKey.publicHex }), 21);
  dev.powerOn();
  dev.runUntil(2000);
  record(dev, 3);
  for (const path of [PROVISIONING_PATH, MEMORY, 'config/applied.json']) {
    const bytes = fileBytes(dev, path);
    expect(Buffer.from(bytes.subarray(0, 4)).toString()).toBe('QCS1');
    expect(Buffer.from(bytes).includes(Buffer.from(utf8Encode('李明')))).toBe(false);
  }
  dev.cutPower();
  dev.powerOn();
  dev.runUntil(dev.scheduler.now() + 2000);
  // Provisioned as before (its device id), the officer still known, numbering continued.
  expect(dev.firmware!.provisioned).toBe(true);
  expect(dev.firmware!.recorder.memory.officer).toMatchObject({ name: '李明' });
  expect(dev.firmware!.recorder.memory.nextRecording).toBe(2);
  record(dev, 3);
  dev.switchOff();
  const files = chainFiles(dev).filter((f) => f.path.endsWith('.qce'));
  expect(files.every((f) => parseEntry(f.bytes).header.flags & HEADER_FLAG_ENCRYPTED)).toBe(true);
});

test('a sealed state file opens only with its unit secret and its tag intact', () => {
  const dev = device(provisioning(receiptKey, { storeContentKey: storeKey.publicHex }), 22);
  dev.powerOn();
  dev.runUntil(2000);
  dev.switchOff();
  const root = new LfsDirectory(dev.lfs!);
  // The unit's own secure element, through the same driver the firmware uses.
  const element = new ATECC608({ sensor: { io: I2C as unknown as I2cIoClass, ...BOARD.i2c, address: BOARD.secureElement.address } });
  const mine = new StateFiles(root, () => element, () => true);
  expect(JSON.parse(Buffer.from(mine.read(PROVISIONING_PATH)).toString()).deviceId).toBe('QC-MNT-0001');
  // Another secret (another unit's element), a flipped byte, a cut-short file: refused, not misread.
  expect(() => new StateFiles(root, () => new SoftElement('other'), () => true).read(PROVISIONING_PATH)).toThrow(StateFileError);
  const bytes = fileBytes(dev, PROVISIONING_PATH).slice();
  bytes[40] ^= 1;
  dev.lfs!.writeFile('config/tampered', bytes);
  expect(() => mine.read('config/tampered')).toThrow(/does not match its tag/);
  expect(() => new StateFiles(root).read(PROVISIONING_PATH)).toThrow(/no secure element to open it/);
});
