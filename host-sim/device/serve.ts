// `quancheng sim --serve SOCKET`: a simulated device kept running, its maintenance port on a
// local socket, so the technician commands talk to it exactly as to a real device's serial
// port. Virtual time follows the wall clock, and runs ahead (up to `burst` times faster)
// while bytes are on the cable, so an offload does not take the modeled link's real minutes.
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { SimDevice } from './sim-device';

export interface ServeOptions {
  /** Virtual ms per real ms while the cable is busy. Default 50. */
  burst?: number;
  /** Real ms between steps of virtual time. */
  stepMs?: number;
}

export interface Serving {
  server: Server;
  /** Stops serving: closes the socket, stops time. */
  close(): Promise<void>;
}

export async function serveDevice(dev: SimDevice, path: string, options: ServeOptions = {}): Promise<Serving> {
  if (existsSync(path)) {
    if (!lstatSync(path).isSocket()) throw new Error(`${path} exists and is not a socket`);
    unlinkSync(path); // a stale socket from an earlier run
  }
  const burst = options.burst ?? 50;
  const stepMs = options.stepMs ?? 10;
  const link = dev.maintenance;
  let client: Socket | undefined;
  let busyUntil = 0;
  link.onData = (bytes) => {
    busyUntil = dev.scheduler.now() + 200;
    client?.write(bytes);
  };
  const server = createServer((socket) => {
    // One cable: a new connection is the cable plugged in again; the old session ends.
    if (client) {
      client.destroy();
      dev.firmware?.maintenance.disconnected();
    }
    client = socket;
    socket.on('data', (d: Buffer) => {
      busyUntil = dev.scheduler.now() + 200;
      link.send(new Uint8Array(d));
    });
    socket.on('close', () => {
      if (client === socket) client = undefined;
      // The cable was pulled: the session ends with it.
      dev.firmware?.maintenance.disconnected();
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, resolve);
  });
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    const real = now - last;
    last = now;
    const busy = link.backlog > 0 || dev.scheduler.now() < busyUntil;
    dev.runUntil(dev.scheduler.now() + real * (busy ? burst : 1));
  }, stepMs);
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        client?.destroy();
        link.onData = undefined;
        server.close(() => resolve());
      }),
  };
}
