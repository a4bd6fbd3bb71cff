// docs/PERFORMANCE.md, written by npm run bench from the figures of that run.
import { BATTERY, type CapacityRow, type ProfileFlash, type ShiftEstimate } from './estimates';
import { formatValue, meetsAim, type Figure } from './figure';
import type { HeapResult, XsFrameResult } from './xs';

export interface ReportInput {
  figures: Figure[];
  xsFrames: XsFrameResult;
  heap: HeapResult;
  flash: ProfileFlash[];
  cap: CapacityRow[];
  shift: ShiftEstimate;
  seconds: number;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');
const duration = (h: number) => (h < 1 ? `${(h * 60).toFixed(1)} min` : `${h.toFixed(0)} h`);

export function renderReport(r: ReportInput): string {
  const fig = (name: string) => r.figures.find((f) => f.figure === name);
  const v = (name: string) => {
    const f = fig(name);
    return f ? formatValue(f) : '?';
  };
  const rows = r.figures.map((f) => {
    const met = meetsAim(f);
    const mark = met === undefined ? (f.aim ? '—' : '') : met ? 'met' : '**not met**';
    return `| ${cell(f.figure)} | ${formatValue(f)}${f.value === null || f.unit === 'ratio' ? '' : ` ${f.unit}`} | ${f.aim} | ${mark} | ${cell(f.against ?? '')} | ${cell(f.method)} |`;
  });
  const costs = r.xsFrames.costs;
  const sink = (b: number) => costs.find((c) => c.mode === 'sink' && c.bytes === b)!;
  const profiles = r.flash.map((f) => `| ${f.profile.name} | ${(f.payloadPerSecond / 1000).toFixed(1)} KB/s | ${((f.blocksPerSecond * 4096) / 1000).toFixed(1)} KB/s | ${f.busy.toFixed(2)}${f.busy > 0.7 ? ' (over the 0.7 aim)' : ''}${f.busy > 1 ? ': **cannot be sustained on NOR**' : ''} |`);
  const capRows = r.cap.map((c) => `| ${c.volume} (${c.note}) | ${c.blocks} | ${c.usable} | ${r.flash.map((f) => duration(c.hours[f.profile.name])).join(' | ')} |`);
  const s = r.shift;
  return `# Performance

Written by \`npm run bench\` (this run: ${r.seconds.toFixed(0)} s). Machine-readable: \`bench/results.json\`.
Figures that depend on the machine's speed are ratios of two measurements taken in the same
run; flash figures come from the NOR model (operation counts and datasheet timings, FACTS),
XS figures from xsnap-worker's deterministic compute meter and heap count.

| figure | value | aim | met | against | how it was measured |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

## What missed its aim, what was fixed, what still misses

### XS compute per frame, 100 KB ÷ 10 KB: ${v('XS compute per frame, 100 KB ÷ 10 KB (store alone)')} (aim ≤ 1.1)

Measured with the store in XS over sinks that copy nothing (\`host-sim/xs/bench/\`), so the
bridge's own copying (every Digest.write and file write becomes a message: see the bridge
row) is out of the figure. An instrumented run counts, per frame,
${sink(100_000).counts!.copiedBytes.toFixed(0)} vs ${sink(10_000).counts!.copiedBytes.toFixed(0)} bytes copied and ${sink(100_000).counts!.fileWrites.toFixed(1)} vs ${sink(10_000).counts!.fileWrites.toFixed(1)} file writes.

The first run of this benchmark measured 9.0: the payload encoder copied the JPEG or PCM
twice (into a \`ByteWriter\`, then \`toBytes()\`), the store cut every record at every
littlefs block boundary it crossed (one file write per 4 KB), and the boundary walk stepped
block by block. Three firmware changes brought it to the figure above, with the same bytes
on flash and the same hashes: a record's trailing \`rest\` field (image, samples) is handed
on as its own piece, never copied (\`encodePayloadParts\`, \`FramedRecord.body\`); a piece is
split only at the one boundary where a commit is due; and block ends come from littlefs's
closed form (blocks 1..n hold 2n − popcount(n) pointers, \`ctz.ts\`) instead of a walk, the
usual crossing into the next block being one step (block n holds blockSize − 4·(ctz(n)+1)).

### XS compute per frame on the card path: ${v('XS compute per frame, 100 KB ÷ 10 KB (card path)')} (aim ≤ 1.1)

The same store with its media on a card (an in-XS sink volume behind a write queue that is
always drained, \`host-sim/xs/bench/entry.ts\` sinkCard), at the card profile's 10 fps. It
measured 1.101 until the cause was found: not the bytes (the instrumented run copies the same
per frame at both sizes) nor the commits (flushes off gave 1.102), but the block-end arithmetic
\`EvidenceStore.space()\` runs on every frame. Each time the open entry crossed into a new
littlefs block, \`CtzBoundaries\` recomputed the block from scratch, three or four
\`endOfBlock\` calls each counting bits in a loop: 400–800 meter a crossing. A card's block is
128 KiB, so a 100 KB frame crosses one three times in four and a 10 KB frame one time in
thirteen; on the 4 KiB internal volume nearly every frame crosses at both sizes, so the store
alone hid it. The crossing into the next block is now one step, and the bit count a few bit
operations (\`ctz.ts\`): about 56 meter a crossing, the same block ends.

### Host ingest ÷ SHA-256: ${v('host ingest ÷ node:crypto SHA-256')} (aim ≥ 0.5)

- The aim sits at the store's ceiling: every payload byte is hashed twice (its record check
  and the entry hash, \`entry-writer.ts\`, by design so that a verifier hashes once), so even
  with free storage and no copies ingest ≤ 0.5 × SHA-256. The store alone over an in-memory
  sink reaches ${v('host ingest, store alone (no filesystem) ÷ SHA-256')}: two hashes and per-record work (the fixed fields'
  encoding, two \`createHash\` per record on the host's Digest, the space check).
- On littlefs the host's flash emulation dominates: a CPU profile of the ingest shows littlefs's
  N-API \`write\` (C littlefs and its block-device callbacks into JavaScript, 22 % of the run),
  the NOR model's "program only clears bits" check and its reads (\`host-sim/flash/nor.ts\`)
  ahead of hashing. Checking and applying programs a 32-bit word at a time doubled the figure
  (0.026 → 0.042–0.049 on this machine). That is the simulator's cost, not the device's: on the
  device the NOR flash itself is the bound (${v('sustained evidence rate ÷ raw NOR bound (modeled)')} of its raw rate, above).
- What is left would change the host, not the device: fewer N-API crossings per block (the
  binding calls back into JavaScript for every read and program), and a host Digest that reuses
  its hash object. The double hash is the price of a verifier that hashes once (verify ÷ SHA-256
  above); on the device SHA-256 is hardware at ≥ 90 MB/s against a flash that takes < 80 KB/s.

## Estimates

### Recording hours per volume and media profile

Flash per second of recording is measured on the NOR model (180 s of each profile, the store's
own block count: CTZ blocks of the entries including headers, records, checks and seals, plus
2 blocks per 100 entries for the \`ev/\` directories). Usable blocks are the volume's blocks less
the store's reserve (3 %, at least 16) and 8 fixed blocks. Hours = usable blocks ÷ blocks per second ÷ 3600.

| profile | payload | flash used | NOR busy ÷ time |
| --- | --- | --- | --- |
${profiles.join('\n')}

| volume | blocks | usable | ${r.flash.map((f) => f.profile.name).join(' | ')} |
| --- | --- | --- | ${r.flash.map(() => '---').join(' | ')} |
${capRows.join('\n')}

Assumptions: the project has no \`partitions.csv\` yet; the NOR storage partition is taken as the
module's flash less 64 KB (bootloader, table, nvs, phy) and one 3 MB app partition. The microSD
volume does not exist yet (issue on volumes); it is counted with the same store and 4 KB blocks.
A NOR busy ratio above 1 means the profile writes faster than NOR can erase and program:
such a profile needs the microSD volume whatever its size. \`audio-16k\` is the microphone and GNSS
alone (one frame at the start).

### Battery over a 12-hour shift (${s.recordingHours} h recording, ${s.standbyHours} h standby)

The simulator's cell is ${BATTERY.capacityMah} mAh, full at power-on; it draws ${BATTERY.recordingMa} mA whenever the
device is on (\`DRAW_ON_MA\` in \`host-sim/device/sim-device.ts\`, marked "an estimate"); it does not
yet model a lower standby draw, and FACTS gives no current figures. So:

- charge used = ${s.recordingHours} h × ${BATTERY.recordingMa} mA + ${s.standbyHours} h × ${BATTERY.standbyMa} mA = ${s.usedMah.toFixed(0)} mAh; left at the end: ${(s.left * 100).toFixed(0)} %;
- battery hours at this mean draw = ${BATTERY.capacityMah} mAh ÷ ${(s.usedMah / (s.recordingHours + s.standbyHours)).toFixed(0)} mA = **${s.batteryHours.toFixed(1)} h**; the
  firmware reports low at 15 % and interrupts recording at 5 % (critical), i.e. at
  ${(0.95 * s.batteryHours).toFixed(1)} h of this profile;
- for the shift to end with 15 % left, standby must draw at most ${s.standbyMaFor15.toFixed(0)} mA (with ${BATTERY.recordingMa} mA recording).
  A measured standby draw (light sleep with the camera powered down) belongs in the model.

## Limits of the figures

- Offload: the simulated UART's 128-byte transmit FIFO is refilled by the firmware's \`onWritable\`
  callback on the scheduler's 1 ms grid, which leaves the line idle for part of each refill (a
  refill lasts 2.8 ms at 460800 baud); on the device the FIFO interrupt refills it within
  microseconds, so the modeled ratio is a lower bound. Each 15 KB read also waits for its request
  (about 60 bytes) and the device's answer.
- XS figures measure the firmware's JavaScript in the real XS engine; native work (SHA, flash)
  is not in the meter. The heap figure is live slots after a collection (\`gc()\` then
  \`currentHeapCount\`), with the store in XS over the bridge to littlefs for a virtual hour;
  samples every 5 minutes are in \`bench/results.json\`.

## A 12-hour shift (test:deep, not part of this report's run)

\`tests/device/long-shift.test.ts\` (\`npm run test:deep\`, or
\`QUANCHENG_DEEP=1 npx jest tests/device/long-shift.test.ts --testTimeout=900000\`) runs a whole
shift on the simulated device: standby all day (capture at 3 fps into the 30 s pre-event
buffer, GNSS, battery), a recording attempted 20 minutes past every hour, 129,600 frames in all.
The 16 MB partition holds recordings 1–4 (70 s each with the pre-event); from the 5th on each
attempt ends in a storage-full interruption. The chain verifies. Measured 2026-11-26 on this
2-core host, shared:

- Node, 12 h: **120 s** wall (128 s CPU); the run goes in its own process (\`--expose-gc\`,
  \`tests/support/long-run-child.ts\`); heap + ArrayBuffers after two collections, the host's
  LED and speaker logs trimmed: 43.58, 43.60, 43.64, 43.72, 43.73, 43.76, 43.62, 43.61, 43.64,
  43.64, 43.66, 43.68 MB at hours 1–12: hour 2 → 12 +0.37 % (+0.58 % in a second run; aim ≤ 5 % and ≤ 1 MiB). The
  pre-event buffer holds 181 items, 1.39 MB, at every hour.
- XS, 12 h (run once, 645 s wall: every IO callback crosses the worker's pipe, ~70 per simulated
  second, so test:deep runs 2 hours of it, 113 s): live slots after \`gc()\` 18430, 18488, 18544,
  18601, 18549, 18606, 18677, 18734, 18791, 18848, 18905, 18948 at hours 1–12 (hour 2 → 12
  +2.5 %); \`allocate\` 40.13 MB throughout. The slots rise ~57 per recording (complete or
  refused), not with standby time; which structure holds them is not pinned down yet (the
  recorder keeps one pending-offload record per recording until a store receipt, art. 14).
  Within an hour they swing by ~10 % (16.8k–18.5k), the same at the same minute of each hour, so
  the deep test compares each 15-minute sample with the one an hour earlier (≤ 1 %).
- What made it feasible: a CPU profile (\`node --cpu-prof\`) of a few simulated minutes was 77 %
  jpeg-js encoding (a 12-hour run would have taken ~15 min in a plain Node process, and did not
  finish in 30 min under jest, whose vm context slows every global lookup). The camera model's
  encoder now memoizes 8×8 blocks and the runs of blocks it did not draw on (the same bytes as
  jpeg-js; 0.3 ms instead of ~5 ms a 320×240 frame); then the microphone's \`Math.sin\` led, and
  the hum comes from a one-period table; the run moved out of jest's vm. What remains (profile of
  half an hour, 6.8 s CPU): the microphone's noise hash 16 %, the encoder's drawn-on blocks 15 %,
  GNSS sentences byte by byte ~10 %, the scheduler 3 %.
- Half an hour of the same (\`tests/device/long-run.test.ts\`, default suite, ~8 s) checks the
  same bounds from minute 15 to 30.

## Command

\`\`\`
npm run bench          # = npm run build && node dist/bench.cjs
node dist/bench.cjs --json   # the figures as JSON on stdout (the files are written as well)
\`\`\`
`;
}
