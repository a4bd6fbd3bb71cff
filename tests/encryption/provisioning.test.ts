// What provisioning says about content (FORMAT §7a): the store's content key makes the unit
// encrypt every entry; without it the unit records in the clear only if allowed, else not at all.
import { decodePayload, HEADER_FLAG_ENCRYPTED, parseEntry, RECORDS, utf8Encode, type ParsedEntry } from '../../firmware/core/evidence';
import { parseProvisioning, type Provisioning } from '../../firmware/core/maintenance/provisioning';
import { MEDIA_PROFILES } from '../../firmware/main';
import { simStoreKey } from '../../host-sim/keys/sim-store-key';
import { authenticate } from '../../tools/maintenance/technician';
import { openEntry } from '../../tools/crypto/decrypt-entry';
import { chainFiles, device, newStore, provisioning, record, TECH } from '../maintenance/fixture';
import { MaintenanceClient } from '../../tools/maintenance/client';
import { SimTransport } from '../../host-sim/device/sim-transport';

const storeKey = simStoreKey('provisioning-test');
const receiptKey = newStore().identity().publicKey;

/** The chain's entries, opened with the store's key where encrypted. */
function entries(dev: ReturnType<typeof device>): ParsedEntry[] {
  return chainFiles(dev)
    .filter((f) => f.path.endsWith('.qce'))
    .map((f) => parseEntry(f.bytes))
    .map((e) => (e.header.flags & HEADER_FLAG_ENCRYPTED ? openEntry(e, storeKey.privateKey) : e));
}

function records(list: ParsedEntry[], type: keyof typeof RECORDS): Record<string, unknown>[] {
  return list.flatMap((e) => e.records.filter((r) => r.code === RECORDS[type].code).map((r) => decodePayload(r.code, r.t, r.payload).data as Record<string, unknown>));
}

const encryptedFlags = (dev: ReturnType<typeof device>) => chainFiles(dev).filter((f) => f.path.endsWith('.qce')).map((f) => (parseEntry(f.bytes).header.flags & HEADER_FLAG_ENCRYPTED) !== 0);

test('without a store content key and without allowClearRecording the unit refuses to record, and journals why', () => {
  const dev = device(provisioning(receiptKey, { allowClearRecording: undefined }), 11);
  dev.powerOn();
  dev.runUntil(2000);
  dev.press('record', 120);
  dev.runUntil(8000);
  expect(dev.firmware!.recorder.state).toBe('standby');
  dev.switchOff();
  const list = entries(dev);
  expect(records(list, 'record-start')).toEqual([]);
  expect(records(list, 'access-denied')).toEqual([{ command: 'record', via: 'button', reason: 'no store content key is provisioned and clear recording is not allowed' }]);
  expect(records(list, 'config').find((c) => c.key === 'content')).toMatchObject({ value: 'refused' });
});

test('a pre-loaded store content key: every entry is encrypted, the setting journaled, the officer readable only with the key', () => {
  const dev = device(provisioning(receiptKey, { allowClearRecording: undefined, storeContentKey: storeKey.publicHex }), 12);
  dev.powerOn();
  dev.runUntil(2000);
  record(dev, 4);
  dev.switchOff();
  expect(encryptedFlags(dev).every(Boolean)).toBe(true);
  for (const f of chainFiles(dev)) expect(Buffer.from(f.bytes).includes(Buffer.from(utf8Encode('李明')))).toBe(false);
  const list = entries(dev);
  expect(records(list, 'record-start')).toHaveLength(1);
  expect(records(list, 'officer')[0]).toMatchObject({ name: '李明' });
  expect(records(list, 'config').find((c) => c.key === 'content')!.value).toBe(`encrypted:${storeKey.publicHex.slice(2, 18)}`);
});

test('a store content key provisioned over the cable: the clear entry open at that moment is sealed, every later entry encrypted', async () => {
  const dev = device(provisioning(receiptKey), 13);
  dev.powerOn();
  dev.runUntil(2000);
  record(dev, 3);
  const client = new MaintenanceClient(new SimTransport(dev));
  await authenticate(client, 'T-007', TECH.key);
  await client.call({ cmd: 'provision', provisioning: provisioning(receiptKey, { storeContentKey: storeKey.publicHex, officer: { name: '张华', certificate: '53030054321' } }) });
  dev.runUntil(dev.scheduler.now() + 1000);
  record(dev, 3);
  dev.switchOff();
  const flags = encryptedFlags(dev);
  const first = flags.indexOf(true);
  expect(first).toBeGreaterThan(0);
  expect(flags.slice(first).every(Boolean)).toBe(true);
  // The new officer was journaled after the key arrived: never in the clear.
  for (const f of chainFiles(dev)) expect(Buffer.from(f.bytes).includes(Buffer.from(utf8Encode('张华')))).toBe(false);
  const list = entries(dev);
  expect(records(list, 'officer').map((o) => o.name)).toEqual(['李明', '张华']);
  expect(records(list, 'record-start')).toHaveLength(2);
});

test('provisioning checks the content fields', () => {
  const p = (over: Record<string, unknown>) => utf8Encode(JSON.stringify({ ...provisioning(receiptKey), ...over } as Provisioning));
  expect(parseProvisioning(p({ storeContentKey: storeKey.publicHex.toUpperCase() }), MEDIA_PROFILES).storeContentKey).toBe(storeKey.publicHex);
  expect(() => parseProvisioning(p({ storeContentKey: '04abcd' }), MEDIA_PROFILES)).toThrow(/storeContentKey must be a P-256 public key/);
  expect(() => parseProvisioning(p({ allowClearRecording: 'yes' }), MEDIA_PROFILES)).toThrow(/allowClearRecording must be true or false/);
});
