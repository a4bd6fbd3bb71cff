// The XS side of the whole-device simulator: firmware/main.ts as the device links it, bundled
// with the device modules mapped to the XS bridges (bundle.ts deviceXsBundle), evaluated in a
// fresh xsnap-worker at each power-on (RAM is the worker's heap). The host (device-host.ts)
// owns the board, the part models, virtual time and the flash, and drives the firmware with
// handleCommand messages; each carries the host's virtual time (`now`, for Time.ticks):
//
//   {cmd: "boot", env, clips}        startDevice(env); the clips' samples are the blob
//   {cmd: "timer", id}               a timer set from XS fired on the host's scheduler
//   {cmd: "cb", id, name, args}      an IO instance's callback (onReadable, onWritable, onError)
//   {cmd: "recorder", method, args}  a call on the recorder (the scenario's technician/officer)
//   {cmd: "shutdown"}                the orderly power-down
//   {cmd: "state"}                   the store's head (for reports)
//   {cmd: "memory"}                  gc(), then the recorder's bounded structures (long runs read the heap meter)
//
// Every reply is {value} or {error, powerCut} (powerCut: the error's chain has the flash's
// PowerCut in it, as the host's run loop must know).
import card from 'embedded:storage/card';
import root from 'embedded:storage/files';
import { startDevice, type DeviceEnv, type RunningDevice } from '../../firmware/main';
import { BridgedSigner, bridgedChecker } from './bridge/signer';
import { dispatchCallback, type WireCallbackArg } from './bridge/io';
import { fireTimer } from './bridge/timer';
import { setTicks } from './bridge/time';
import { decodeMessage, encodeMessage, errorData } from './protocol';

type BootEnv = Pick<DeviceEnv, 'deviceId' | 'blockCount' | 'preEventMs' | 'build' | 'storeContentKey' | 'allowClearRecording'>;
type ClipInfo = { sampleRate: number; bytes: number };

type Command = { now: number } & (
  | { cmd: 'boot'; env: BootEnv; clips: { notice: ClipInfo; explain: ClipInfo } }
  | { cmd: 'timer'; id: number }
  | { cmd: 'cb'; id: number; name: string; args: WireCallbackArg[] }
  | { cmd: 'recorder'; method: string; args: unknown[] }
  | { cmd: 'shutdown' }
  | { cmd: 'state' }
  | { cmd: 'memory' }
);

let device: RunningDevice | undefined;

function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}

function running(): RunningDevice {
  if (!device) throw new Error('device not started');
  return device;
}

function handle(c: Command, blob: Uint8Array): unknown {
  setTicks(c.now);
  switch (c.cmd) {
    case 'boot': {
      const n = c.clips.notice.bytes;
      const clips = {
        notice: { samples: blob.slice(0, n).buffer as ArrayBuffer, sampleRate: c.clips.notice.sampleRate },
        explain: { samples: blob.slice(n, n + c.clips.explain.bytes).buffer as ArrayBuffer, sampleRate: c.clips.explain.sampleRate },
      };
      // Every simulated unit has the Sense board's slot (it may be empty), as in the Node run.
      device = startDevice({ ...c.env, root, card, signer: new BridgedSigner(), checker: bridgedChecker, clips });
      return undefined;
    }
    case 'timer':
      fireTimer(c.id);
      return undefined;
    case 'cb':
      dispatchCallback(c.id, c.name, c.args);
      return undefined;
    case 'recorder': {
      const r = running().recorder as unknown as Record<string, (...a: unknown[]) => unknown>;
      if (typeof r[c.method] !== 'function') throw new TypeError(`recorder.${c.method} is not a function`);
      r[c.method](...c.args);
      return undefined;
    }
    case 'shutdown': {
      const d = running();
      device = undefined;
      d.shutdown();
      return undefined;
    }
    case 'state': {
      if (!device) return null;
      const h = device.store.head;
      return { nextSeq: h.nextSeq, link: hex(h.link), state: device.recorder.state };
    }
    case 'memory': {
      // A full collection first, so the reply's meter counts live slots only (the host reads it).
      (globalThis as unknown as { gc: () => void }).gc();
      if (!device) return null;
      return { state: device.recorder.state, preEvent: device.recorder.preEvent, openEntry: device.store.openEntry?.bytes };
    }
  }
}

function hasPowerCut(e: unknown): boolean {
  for (let x: unknown = e, i = 0; x && i < 8; x = (x as { cause?: unknown }).cause, i++) if ((x as { name?: unknown }).name === 'PowerCut') return true;
  return false;
}

(globalThis as { handleCommand?: (m: ArrayBuffer) => ArrayBuffer }).handleCommand = (message: ArrayBuffer): ArrayBuffer => {
  let reply: Uint8Array;
  try {
    const m = decodeMessage<Command>(message);
    reply = encodeMessage({ value: handle(m.header, m.blob) });
  } catch (e) {
    reply = encodeMessage({ error: errorData(e), powerCut: hasPowerCut(e) });
  }
  return reply.buffer as ArrayBuffer;
};
