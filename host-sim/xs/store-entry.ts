// The XS side of the storage harness, bundled into one script (host-sim/xs/bundle.ts) and
// evaluated in xsnap-worker. The firmware's EvidenceStore runs here, over the bridged Files
// root, Digest and device key; the host drives it with handleCommand messages:
//
//   {cmd: "open", options, wallAtZero}   a boot: fresh clock, EvidenceStore.open
//   {cmd: "steps", steps}                runs workload steps until one throws
//   {cmd: "probe"}                       errors crossing the bridge, as XS sees them
//   {cmd: "generate", steps}             the steps against a store that does nothing: the
//                                        workload's own cost (media generation), to tell
//                                        the firmware's share of the compute meter apart
//
// Every reply is {value} or {error} (host-sim/xs/protocol.ts).
import root from 'embedded:storage/files';
import { EvidenceStore, type StoreOptions } from '../../firmware/core/storage';
import { statusOf } from '../../firmware/core/storage/files-util';
import { VirtualClock } from '../time/virtual-clock';
import { BridgedSigner } from './bridge/signer';
import { errorData, serveCommands } from './protocol';
import { StepRunner, type Step } from './steps';

type OpenOptions = Omit<StoreOptions, 'root' | 'signer' | 'clock'>;

type Command = { cmd: 'open'; options: OpenOptions; wallAtZero: number | null } | { cmd: 'steps'; steps: Step[] } | { cmd: 'probe' } | { cmd: 'generate'; steps: Step[] };

/** Takes every call and stores nothing. */
const NULL_STORE = { journal() {}, beginRecording() {}, media() {}, endRecording() {}, tick() {}, sealOpen() {}, shutdown() {} } as unknown as EvidenceStore;

let runner: StepRunner | undefined;

function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}

function state(): { head: { nextSeq: number; link: string }; clock: { mono: number; wall: number | null } } | undefined {
  if (!runner) return undefined;
  const h = runner.store.head;
  return { head: { nextSeq: h.nextSeq, link: hex(h.link) }, clock: { mono: runner.clock.mono(), wall: runner.clock.wall() ?? null } };
}

function caught(fn: () => unknown): unknown {
  try {
    return { returned: fn() };
  } catch (e) {
    const x = e as Error & { code?: unknown };
    return { isError: e instanceof Error, name: x.name, message: x.message, code: x.code };
  }
}

function handle(c: Command): unknown {
  switch (c.cmd) {
    case 'open': {
      runner = undefined;
      const clock = new VirtualClock(c.wallAtZero);
      const store = EvidenceStore.open({ ...c.options, root, signer: new BridgedSigner(), clock });
      runner = new StepRunner(store, clock);
      return { boot: store.boot, ...state() };
    }
    case 'steps': {
      if (!runner) throw new Error('no store open');
      let done = 0;
      try {
        for (const s of c.steps) {
          runner.run(s);
          done++;
        }
      } catch (e) {
        return { done, error: errorData(e), ...state() };
      }
      return { done, ...state() };
    }
    case 'generate': {
      const dry = new StepRunner(NULL_STORE, new VirtualClock());
      for (const s of c.steps) dry.run(s);
      return { mono: dry.clock.mono() };
    }
    case 'probe':
      return {
        status: caught(() => root.status('no/such/path')),
        statusOf: caught(() => statusOf(root, 'no/such/path') ?? 'undefined'),
        badPath: caught(() => root.openFile({ path: '/absolute', mode: 'r' })),
        readClosed: caught(() => {
          const f = root.openFile({ path: 'probe.tmp', mode: 'w' });
          f.close();
          return f.read(4, 0);
        }),
        deleteMissing: caught(() => root.delete('probe.missing')),
        cleanup: caught(() => root.delete('probe.tmp')),
      };
  }
}

serveCommands<Command>(handle);
