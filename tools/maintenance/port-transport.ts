// Transports over what `--port` names: a local socket (a simulated device served by
// `quancheng sim --serve`) or a serial device node (the camera's USB-CDC port, /dev/ttyACM0).
import { execFileSync } from 'node:child_process';
import { closeSync, createReadStream, createWriteStream, openSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { UsageError } from '../errors';
import type { Transport } from '../../host-sim/device/transport';
import { Inbox, LinkError } from './link';

class StreamTransport implements Transport {
  readonly #inbox = new Inbox();
  readonly #write: (b: Uint8Array) => void;
  readonly #close: () => void;

  constructor(source: NodeJS.ReadableStream, write: (b: Uint8Array) => void, close: () => void) {
    this.#write = write;
    this.#close = close;
    source.on('data', (d: Buffer) => this.#inbox.push(new Uint8Array(d)));
    source.on('end', () => this.#inbox.close('the device closed the link'));
    source.on('error', (e: Error) => this.#inbox.close(`link error: ${e.message}`));
  }

  now(): number {
    return Date.now();
  }

  write(bytes: Uint8Array): void {
    this.#write(bytes);
  }

  read(timeoutMs: number): Promise<Uint8Array | undefined> {
    return this.#inbox.wait(timeoutMs);
  }

  close(): void {
    this.#close();
  }
}

async function socketTransport(path: string): Promise<Transport> {
  const socket: Socket = connect(path);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', (e) => reject(new UsageError(`cannot connect to ${path}: ${e.message}`)));
  });
  return new StreamTransport(socket, (b) => socket.write(b), () => socket.destroy());
}

function serialTransport(path: string, baud: number): Transport {
  // Raw bytes, no echo, no line discipline: what a binary protocol needs from a tty.
  try {
    execFileSync('stty', ['-F', path, 'raw', '-echo', String(baud)], { stdio: 'ignore' });
  } catch {
    throw new UsageError(`cannot configure serial port ${path} (stty failed)`);
  }
  const fd = openSync(path, 'r+');
  const input = createReadStream('', { fd, autoClose: false });
  const output = createWriteStream('', { fd, autoClose: false });
  return new StreamTransport(input, (b) => output.write(b), () => {
    input.destroy();
    output.destroy();
    closeSync(fd);
  });
}

/** Opens `--port`: a socket path or a serial device node. */
export async function openPort(path: string, baud = 460800): Promise<Transport> {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`no such port: ${path}`);
  }
  if (st.isSocket()) return socketTransport(path);
  if (st.isCharacterDevice()) return serialTransport(path, baud);
  throw new UsageError(`${path} is neither a socket (quancheng sim --serve) nor a serial device`);
}

export { LinkError };
