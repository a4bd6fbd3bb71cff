// `status` over the maintenance port shows the card: its state, its identity, and why a card was
// refused (a card carrying another unit's chain is never written).
import { SimDevice } from '../../host-sim/device/sim-device';
import { SimTransport } from '../../host-sim/device/sim-transport';
import { MaintenanceClient } from '../../tools/maintenance/client';
import { START } from '../maintenance/fixture';

async function status(dev: SimDevice) {
  const client = new MaintenanceClient(new SimTransport(dev));
  return (await client.call({ cmd: 'status' })).head as { card: { state: string; serial: string; note: string; mediaLost: { frames: number } } | null };
}

describe('status and the card', () => {
  test('a unit with its own card: formatted at first use, serial shown; an empty slot: absent', async () => {
    const dev = new SimDevice({ deviceId: 'QC-SIM-0001', blockCount: 1024, preEventMs: 5000, start: START, seed: 1, cardSectors: (64 * 1024 * 1024) / 512 });
    dev.powerOn();
    dev.runUntil(1000);
    expect((await status(dev)).card).toMatchObject({ state: 'formatted', serial: dev.slot.card!.cid, mediaLost: { frames: 0 } });
    const plain = new SimDevice({ deviceId: 'QC-SIM-0002', blockCount: 1024, preEventMs: 5000, start: START, seed: 2 });
    plain.powerOn();
    expect((await status(plain)).card).toMatchObject({ state: 'absent', serial: '' });
  });

  test("another unit's card: refused, and status says whose it is", async () => {
    const other = new SimDevice({ deviceId: 'QC-SIM-0002', blockCount: 1024, preEventMs: 5000, start: START, seed: 2, cardSectors: (64 * 1024 * 1024) / 512 });
    other.powerOn();
    other.runUntil(1000);
    other.switchOff();
    const foreign = other.slot.pull();
    const writes = foreign.counters.writes;
    const dev = new SimDevice({ deviceId: 'QC-SIM-0001', blockCount: 1024, preEventMs: 5000, start: START, seed: 1 });
    dev.powerOn();
    dev.runUntil(1000);
    dev.slot.insert(foreign);
    dev.runUntil(2000);
    const s = await status(dev);
    expect(s.card).toMatchObject({ note: 'refused: the card carries the chain of unit QC-SIM-0002' });
    expect(foreign.counters.writes).toBe(writes);
  });
});
