// XS side of the bridge: one synchronous call to the host through xsnap's issueCommand.
// A host-side error comes back as data and is thrown here as an Error with the same name,
// message and code, so the firmware can catch it as it would the native module's.
import { decodeMessage, encodeMessage, rebuildError, type ErrorData } from '../protocol';

declare const issueCommand: ((message: ArrayBuffer) => ArrayBuffer) | undefined;

export interface CallResult {
  value: any;
  blob: Uint8Array;
}

export function call(op: string, args: Record<string, unknown>, blob?: Uint8Array | ArrayBuffer | ArrayBufferView): CallResult {
  if (typeof issueCommand !== 'function') throw new Error('xs bridge: no issueCommand (not running in xsnap)');
  const message = encodeMessage({ op, ...args }, blob);
  const reply = decodeMessage<{ value?: unknown; error?: ErrorData }>(issueCommand(message.buffer as ArrayBuffer));
  if (reply.header.error) throw rebuildError(reply.header.error);
  return { value: reply.header.value, blob: reply.blob };
}
