// Bundles code for the XS engine into one script, as the device build links one program:
// esbuild, IIFE, ES2022, with the device's platform modules mapped to the XS-side bridges
// (host-sim/xs/bridge/), which forward each call to the host at the device's module boundary.
import { build, buildSync, type BuildOptions } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root, found from this file whether it runs from source or from a bundle in dist/. */
export function repoRoot(): string {
  for (let d = __dirname; ; d = dirname(d)) {
    if (existsSync(join(d, 'host-sim', 'xs', 'bridge', 'files.ts'))) return d;
    if (dirname(d) === d) throw new Error('cannot find the quancheng repository (host-sim/xs/bridge)');
  }
}

/** Device specifier -> XS-side bridge module (relative to the repository). */
export const XS_ALIASES: Record<string, string> = {
  crypt: 'host-sim/xs/bridge/crypt.ts',
  'embedded:storage/files': 'host-sim/xs/bridge/files.ts',
};

export const XS_BUILD: BuildOptions = { bundle: true, format: 'iife', platform: 'neutral', target: 'es2022', write: false, logLevel: 'silent', charset: 'utf8', legalComments: 'none' };

const cache = new Map<string, Promise<string>>();

/** One script for xsnap from a TypeScript entry (a path relative to the repository, or absolute). */
export function bundleForXs(entry: string, options: { aliases?: Record<string, string> } = {}): Promise<string> {
  const root = repoRoot();
  const aliases = { ...XS_ALIASES, ...options.aliases };
  const key = JSON.stringify([entry, aliases]);
  let p = cache.get(key);
  if (!p) {
    p = build({
      ...XS_BUILD,
      entryPoints: [entry.startsWith('/') ? entry : join(root, entry)],
      alias: Object.fromEntries(Object.entries(aliases).map(([s, f]) => [s, join(root, f)])),
    }).then((r) => r.outputFiles![0].text);
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

/** The device's platform modules -> the XS bridges that forward them to the simulated board on the host (device-host.ts). */
export const XS_DEVICE_ALIASES: Record<string, string> = {
  ...XS_ALIASES,
  timer: 'host-sim/xs/bridge/timer.ts',
  time: 'host-sim/xs/bridge/time.ts',
  'embedded:io/digital': 'host-sim/xs/bridge/modules/digital.ts',
  'embedded:io/analog': 'host-sim/xs/bridge/modules/analog.ts',
  'embedded:io/i2c': 'host-sim/xs/bridge/modules/i2c.ts',
  'embedded:io/serial': 'host-sim/xs/bridge/modules/serial.ts',
  'embedded:io/audio/in': 'host-sim/xs/bridge/modules/audio-in.ts',
  'embedded:io/audio/out': 'host-sim/xs/bridge/modules/audio-out.ts',
  'embedded:io/image/in/camera': 'host-sim/xs/bridge/modules/camera.ts',
  'embedded:storage/card': 'host-sim/xs/bridge/card.ts',
};

const syncCache = new Map<string, string>();

/** bundleForXs, synchronously (esbuild's buildSync): for hosts that run on the synchronous simulator. */
export function bundleForXsSync(entry: string, options: { aliases?: Record<string, string> } = {}): string {
  const root = repoRoot();
  const aliases = { ...XS_ALIASES, ...options.aliases };
  const key = JSON.stringify([entry, aliases]);
  let text = syncCache.get(key);
  if (text === undefined) {
    const r = buildSync({
      ...XS_BUILD,
      entryPoints: [entry.startsWith('/') ? entry : join(root, entry)],
      alias: Object.fromEntries(Object.entries(aliases).map(([s, f]) => [s, join(root, f)])),
    });
    text = r.outputFiles![0].text;
    syncCache.set(key, text);
  }
  return text;
}

/** The whole device's XS script: firmware/main.ts started by host-sim/xs/device-entry.ts, every device module bridged. */
export function deviceXsBundle(): string {
  return bundleForXsSync('host-sim/xs/device-entry.ts', { aliases: XS_DEVICE_ALIASES });
}

/** The storage harness's XS script (host-sim/xs/store-entry.ts). */
export function storeBundle(): Promise<string> {
  return bundleForXs('host-sim/xs/store-entry.ts');
}

/**
 * The device program as the device build would link it (firmware/main.ts and all it
 * imports), platform modules left external: the text to scan for what XS lacks.
 */
export async function deviceBundle(entry = 'firmware/main.ts'): Promise<string> {
  const root = repoRoot();
  const r = await build({
    ...XS_BUILD,
    format: 'esm',
    entryPoints: [join(root, entry)],
    external: ['embedded:*', 'crypt', 'timer', 'time', 'mc/*'],
  });
  return r.outputFiles![0].text;
}

/**
 * Library features newer than ES2022 (or host-only globals) that XS 13 lacks (FACTS: "The XS
 * engine on a Linux host"). A mention in a bundle means the program would throw on the device.
 */
export const XS_LACKS: { name: string; pattern: RegExp }[] = [
  { name: 'structuredClone', pattern: /\bstructuredClone\b/ },
  { name: 'Promise.withResolvers', pattern: /\bwithResolvers\b/ },
  { name: 'Array.prototype.toSorted', pattern: /\.toSorted\b/ },
  { name: 'Array.prototype.toReversed', pattern: /\.toReversed\b/ },
  { name: 'Array.prototype.toSpliced', pattern: /\.toSpliced\b/ },
  { name: 'iterator helpers (Iterator.from, .toArray())', pattern: /\bIterator\.(from|prototype)\b|\.toArray\(\)/ },
  { name: 'Object.groupBy / Map.groupBy', pattern: /\b(Object|Map)\.groupBy\b/ },
  { name: 'Array.fromAsync', pattern: /\bArray\.fromAsync\b/ },
  { name: 'Set methods (union, intersection...)', pattern: /\.(union|intersection|symmetricDifference|isSubsetOf|isSupersetOf|isDisjointFrom)\(/ },
  { name: 'Promise.try', pattern: /\bPromise\.try\b/ },
  // The ES2025 methods, not the project's own toHex/fromHex functions (plain calls).
  { name: 'Uint8Array base64/hex', pattern: /\bUint8Array\.(fromBase64|fromHex)\(|\.(toBase64|toHex|setFromBase64|setFromHex)\(/ },
  { name: 'console', pattern: /\bconsole\s*\./ },
  { name: 'setTimeout / setInterval', pattern: /\b(setTimeout|setInterval|clearTimeout|clearInterval)\b/ },
  { name: 'crypto global', pattern: /\b(globalThis\.)?crypto\.(subtle|getRandomValues|randomUUID)\b/ },
  { name: 'Intl', pattern: /\bIntl\./ },
  { name: 'Node globals (Buffer, process, require)', pattern: /\b(Buffer\.|process\.|require\()/ },
];

/** Each feature XS lacks that the text mentions, with the first line that does. */
export function scanForMissing(text: string): { name: string; line: string }[] {
  const lines = text.split('\n');
  const out: { name: string; line: string }[] = [];
  for (const { name, pattern } of XS_LACKS) {
    const line = lines.find((l) => pattern.test(l));
    if (line !== undefined) out.push({ name, line: line.trim().slice(0, 160) });
  }
  return out;
}
