// The tools read a unit with a card: `verify|export IMAGE --card CARD`, split entries joined,
// a card image read in place (sparse, never loaded whole), and `ls` of a card image.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StorageRig } from '../../host-sim/storage/rig';
import { RecordingStream, VGA_PROFILE } from '../../host-sim/workload/recording';
import { mediaVolumeOf } from '../../firmware/core/storage';
import { runCli, tempDir } from '../support/cli';

describe('quancheng with a card image', () => {
  const dir = tempDir('card-cli');
  const nor = join(dir, 'flash.img');
  const cardImage = join(dir, 'card.img');
  // A recording whose card was pulled out mid-entry and put back: media on the card, a split entry, journal inside.
  const rig = new StorageRig({ blockCount: 512, card: { sectors: (64 * 1024 * 1024) / 512 } });
  const stream = new RecordingStream(VGA_PROFILE, 2);
  rig.store.beginRecording(1);
  stream.run(rig.store, rig.clock, 65_500);
  const card = rig.slot!.pull();
  rig.cardHost!.poll();
  rig.store.detachMedia(rig.cardHost!.fault!);
  rig.store.endRecording();
  rig.slot!.insert(card);
  rig.cardHost!.poll();
  rig.store.attachMedia(mediaVolumeOf(rig.cardHost!)!);
  rig.store.shutdown();
  writeFileSync(nor, rig.nor.image);
  card.save(cardImage);

  test('the card image is sparse: a 64 MiB card costs what was written', () => {
    expect(statSync(cardImage).size).toBe(64 * 1024 * 1024);
    expect(statSync(cardImage).blocks * 512).toBeLessThan(40 * 1024 * 1024);
  });

  test('verify with --card: intact, the split entry joined', async () => {
    const r = await runCli('verify', nor, '--card', cardImage);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^INTACT/);
  });

  test('verify without the card: the media entries are missing, exit 1, and the note says where the split entry\'s first part is', async () => {
    const r = await runCli('verify', nor);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/note: entry \d+ was split when its card was pulled out/);
  });

  test('ls of a card image lists its littlefs volume', async () => {
    const r = await runCli('ls', cardImage);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/chain\/card/);
    expect(r.stdout).toMatch(/\.qcp/);
  });

  test('export with --card: the recording exported whole', async () => {
    const r = await runCli('export', nor, '--card', cardImage, '--out', join(dir, 'copy'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/exported 1 recording/);
  });
});
