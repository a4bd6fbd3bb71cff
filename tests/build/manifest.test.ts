// The device build, checked offline: manifest.json and partitions.csv against the sources, the
// board wiring, the media profile and the simulator's littlefs tuning. There is no Moddable SDK
// here, so what mcconfig, xsc and XS would do is modelled from the SDK's source (v8.2.x):
// - modules: a "dir/*" mapping takes the .ts/.js files of that one directory (no recursion);
// - XS resolves "./x" and "../x" against the importing module's *name* (xs/platforms/mc
//   xsHosts.c fxFindModule) and has no directory-index lookup;
// - a preload pattern with "*" matches only .js modules (tools/mcconfig.js filterPreload), so
//   TypeScript modules must be preloaded by exact name;
// - resources other than images, fonts and .wav are copied as they are.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { transformSync } from 'esbuild';
import { BOARD } from '../../hal/board';
import { MEDIA_PROFILE } from '../../firmware/main';
import { BLOCK_SIZE, STORAGE_LFS_TUNING } from '../../host-sim/flash/storage-volume';

const ROOT = join(__dirname, '..', '..');
const SOURCE_DIRS = ['firmware', 'hal'];

interface Manifest {
  build: Record<string, string>;
  include: string[];
  creation?: { main?: string };
  modules: Record<string, string | string[]>;
  preload: string[];
  resources: Record<string, string[]>;
  config: Record<string, any>;
  defines: Record<string, any>;
  typescript: { tsconfig: { compilerOptions: Record<string, any> } };
}

const manifest: Manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8'));

/**
 * Which included SDK manifest provides which module specifier (Moddable SDK 8.2.x). The
 * "preloaded" flag says the SDK manifest preloads it, so a preloaded project module may import it.
 */
const SDK_PROVIDES: Record<string, { manifest: string; preloaded: boolean }> = {
  'embedded:io/digital': { manifest: '$(MODDABLE)/modules/io/manifest.json', preloaded: true },
  'embedded:io/analog': { manifest: '$(MODDABLE)/modules/io/manifest.json', preloaded: false },
  'embedded:io/i2c': { manifest: '$(MODDABLE)/modules/io/manifest.json', preloaded: false },
  'embedded:io/serial': { manifest: '$(MODDABLE)/modules/io/manifest.json', preloaded: false },
  'embedded:provider/builtin': { manifest: '$(MODDABLE)/modules/io/manifest.json', preloaded: false },
  'embedded:io/audio/in': { manifest: '$(MODDABLE)/modules/io/audioin/manifest.json', preloaded: true },
  'embedded:io/audio/out': { manifest: '$(MODDABLE)/modules/io/audioout/manifest.json', preloaded: true },
  'embedded:io/image/in/camera': { manifest: '$(MODDABLE)/modules/io/imagein/camera/manifest.json', preloaded: true },
  // The project's own files module (native/files/): the SDK's formats a volume it cannot mount.
  'embedded:storage/files': { manifest: './native/files/manifest.json', preloaded: false },
  // The project's card module (native/card/): the SDK has no SD card support.
  'embedded:storage/card': { manifest: './native/card/manifest.json', preloaded: false },
  crypt: { manifest: '$(MODULES)/crypt/digest/manifest.json', preloaded: true },
  // manifest_base.json includes $(BUILD)/devices/esp32/manifest.json, which provides and preloads both.
  timer: { manifest: '$(MODDABLE)/examples/manifest_base.json', preloaded: true },
  time: { manifest: '$(MODDABLE)/examples/manifest_base.json', preloaded: true },
  Resource: { manifest: '$(MODDABLE)/examples/manifest_base.json', preloaded: false },
  'mc/config': { manifest: '$(MODDABLE)/examples/manifest_base.json', preloaded: true },
};

/**
 * Runtime imports of a directory (its index.ts): XS finds no module by that name, and mapping
 * the index under the directory's name would resolve the index's own "./x" imports one level
 * too high. The firmware must import ".../index" (or the files) instead; until then the device
 * build cannot link these. The test fails when this list is stale in either direction.
 */
/** XS has no index-file lookup: every run-time import names a module, e.g. "../evidence/index". */
const KNOWN_DIRECTORY_IMPORTS: string[] = [];


function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = posix.join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...walk(rel));
    else out.push(rel);
  }
  return out;
}

const isModuleSource = (f: string) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts');
const sources = SOURCE_DIRS.flatMap(walk).filter(isModuleSource).sort();

/** The manifest's modules, as mcconfig matches them: module name -> source file (repo-relative). */
function manifestModules(): Map<string, string> {
  const map = new Map<string, string>();
  for (const [target, value] of Object.entries(manifest.modules)) {
    for (const source of Array.isArray(value) ? value : [value]) {
      expect(source.startsWith('./')).toBe(true);
      const src = source.slice(2);
      if (target.endsWith('/*')) {
        expect(src.endsWith('/*')).toBe(true);
        const dir = src.slice(0, -2);
        for (const name of readdirSync(join(ROOT, dir))) {
          const file = posix.join(dir, name);
          if (statSync(join(ROOT, file)).isFile() && isModuleSource(file)) map.set(target.slice(0, -1) + name.replace(/\.(ts|js)$/, ''), file);
        }
      } else {
        const file = ['.ts', '.js'].map((e) => src + e).find((f) => existsSync(join(ROOT, f)));
        if (file) map.set(target, file);
      }
    }
  }
  return map;
}

const modules = manifestModules();

function staticSpecifiers(code: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s*)?['"]([^'"]+)['"]/g;
  for (let m; (m = re.exec(code)); ) out.push(m[1]);
  return out;
}

/** Every specifier written in the source, type-only imports included. */
const writtenImports = new Map(sources.map((f) => [f, staticSpecifiers(readFileSync(join(ROOT, f), 'utf8'))]));

/** What the compiled module imports at run time (type-only imports elided, as tsc does). */
const runtimeImports = new Map(
  sources.map((f) => {
    const js = transformSync(readFileSync(join(ROOT, f), 'utf8'), { loader: 'ts', format: 'esm', target: 'es2022' }).code;
    return [f, staticSpecifiers(js)];
  }),
);

/** XS's resolution of a relative specifier against the importing module's name; undefined above the root. */
function xsResolve(from: string, spec: string): string | undefined {
  const parts = from.split('/');
  parts.pop();
  let rest = spec;
  if (rest.startsWith('./')) rest = rest.slice(2);
  else {
    while (rest.startsWith('../')) {
      if (!parts.length) return undefined;
      parts.pop();
      rest = rest.slice(3);
    }
  }
  return [...parts, rest.replace(/\.m?js$/, '')].join('/');
}

const moduleNameOf = (file: string) => file.replace(/\.(ts|js)$/, '');

describe('modules', () => {
  test('every mapping points at an existing directory or file that has modules', () => {
    for (const [target, value] of Object.entries(manifest.modules)) {
      for (const source of Array.isArray(value) ? value : [value]) {
        const path = join(ROOT, source.replace(/\/\*$/, ''));
        expect({ target, exists: existsSync(path) || existsSync(path + '.ts') }).toEqual({ target, exists: true });
      }
      const provided = [...modules.keys()].filter((n) => (target.endsWith('/*') ? n.startsWith(target.slice(0, -1)) : n === target));
      expect({ target, provided: provided.length > 0 }).toEqual({ target, provided: true });
    }
  });

  test('every firmware/ and hal/ module is in the build under its repository path, so relative imports keep their meaning', () => {
    const missing = sources.filter((f) => modules.get(moduleNameOf(f)) !== f);
    expect(missing).toEqual([]);
    for (const [name, file] of modules) expect(moduleNameOf(file)).toBe(name);
  });

  test('every bare specifier the sources import is provided by an included SDK manifest', () => {
    const unprovided: string[] = [];
    for (const [file, specs] of writtenImports) {
      for (const s of specs) {
        if (s.startsWith('.')) continue;
        const p = SDK_PROVIDES[s];
        if (!p || !manifest.include.includes(p.manifest)) unprovided.push(`${file}: ${s}`);
      }
    }
    expect(unprovided).toEqual([]);
  });

  test('the ECMA-419 IO, files, audio, camera and crypt manifests are included, at the paths the SDK uses', () => {
    for (const m of new Set(Object.values(SDK_PROVIDES).map((p) => p.manifest))) expect(manifest.include).toContain(m);
    expect(manifest.include).toContain('$(MODDABLE)/examples/manifest_typings.json');
  });

  test('every relative run-time import resolves, under XS rules, to a module in the build', () => {
    const unresolved: string[] = [];
    for (const [file, specs] of runtimeImports) {
      for (const s of specs) {
        if (!s.startsWith('.')) continue;
        const target = xsResolve(moduleNameOf(file), s);
        if (!target || !modules.has(target)) unresolved.push(`${moduleNameOf(file)} -> ${s}`);
      }
    }
    expect(unresolved.sort()).toEqual(KNOWN_DIRECTORY_IMPORTS);
    // Each known gap is a directory with an index module: the fix is an explicit "/index" import.
    for (const gap of KNOWN_DIRECTORY_IMPORTS) {
      const [from, spec] = gap.split(' -> ');
      expect(modules.has(xsResolve(from, spec) + '/index')).toBe(true);
    }
  });

  test('creation.main names a module of the build: the device entry', () => {
    const main = manifest.creation?.main ?? 'main';
    expect(main).toBe('firmware/device-main');
    expect(modules.has(main)).toBe(true);
  });

  test('preloaded modules are named exactly and import only preloaded modules', () => {
    const preloaded = new Set(manifest.preload);
    const problems: string[] = [];
    for (const name of manifest.preload) {
      if (name.includes('*')) problems.push(`${name}: mcconfig matches preload wildcards against .js modules only`);
      const file = modules.get(name);
      if (!file) {
        problems.push(`${name}: not a module of the build`);
        continue;
      }
      for (const s of runtimeImports.get(file) ?? []) {
        if (s.startsWith('.')) {
          const target = xsResolve(name, s);
          if (!target || !preloaded.has(target)) problems.push(`${name} imports ${s}, which is not preloaded`);
        } else if (!SDK_PROVIDES[s]?.preloaded) problems.push(`${name} imports ${s}, which its SDK manifest does not preload`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the project\'s files module (native/files)', () => {
  const fragmentPath = join(ROOT, 'native', 'files', 'manifest.json');
  const fragment = JSON.parse(readFileSync(fragmentPath, 'utf8'));
  const esp32 = fragment.platforms.esp32.modules as Record<string, string | string[]>;

  test('is included instead of the SDK\'s files manifest, which formats a volume it cannot mount', () => {
    expect(manifest.include).toContain('./native/files/manifest.json');
    expect(manifest.include.filter((m) => m.includes('modules/io/files'))).toEqual([]);
  });

  test('maps embedded:storage/files on esp32 and refuses other platforms', () => {
    expect(esp32['embedded:storage/files']).toBe('./files');
    expect(typeof fragment.platforms['...'].error).toBe('string');
  });

  test('every module source it names exists: its own files here, littlefs from the SDK (not copied)', () => {
    const sources = Object.values(esp32).flat();
    const own = sources.filter((s) => s.startsWith('./'));
    const sdk = sources.filter((s) => !s.startsWith('./'));
    for (const s of own) {
      const base = join(dirname(fragmentPath), s);
      const found = ['.js', '.c', '.h'].filter((e) => existsSync(base + e));
      expect({ s, found: found.length > 0 }).toEqual({ s, found: true });
    }
    expect(sdk.sort()).toEqual(['$(MODDABLE)/modules/io/files/littlefs/lfs', '$(MODDABLE)/modules/io/files/littlefs/lfs_util']);
    expect(readdirSync(dirname(fragmentPath)).filter((f) => /^lfs/.test(f))).toEqual([]);
  });
});

describe('resources', () => {
  const outputs: string[] = (() => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', "const m = await import('./resources/build-clips.mjs'); console.log(JSON.stringify(Object.keys(m.CLIPS).map((n) => 'resources/' + n + '.pcm')))"], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout);
  })();
  const listed = Object.values(manifest.resources).flat().map((p) => p.replace(/^\.\//, ''));

  test('the notice and explain clips are the resources, and build-clips.mjs produces them', () => {
    expect(listed.sort()).toEqual(['resources/explain.pcm', 'resources/notice.pcm']);
    for (const r of listed) expect(outputs).toContain(r);
  });

  test('every resource exists (npm run build runs build-clips.mjs) and is whole 16-bit samples', () => {
    for (const r of listed) {
      const path = join(ROOT, r);
      expect({ r, exists: existsSync(path) }).toEqual({ r, exists: true });
      expect(statSync(path).size % 2).toBe(0);
      expect(statSync(path).size).toBeGreaterThan(0);
    }
  });

  test('config names the clips the firmware loads, at the rate the speaker plays', () => {
    expect(Object.values(manifest.resources).flat().map((p) => p.split('/').pop())).toEqual(expect.arrayContaining([manifest.config.clips.notice, manifest.config.clips.explain]));
    const clips = JSON.parse(readFileSync(join(ROOT, 'resources', 'clips.json'), 'utf8'));
    expect(manifest.config.clips.sampleRate).toBe(clips.sampleRate);
    expect(manifest.defines.audioOut.sampleRate).toBe(clips.sampleRate);
    expect(BOARD.speaker.sampleRate).toBe(clips.sampleRate);
    expect(clips.bitsPerSample).toBe(manifest.defines.audioOut.bitsPerSample);
    expect(clips.channels).toBe(manifest.defines.audioOut.numChannels);
  });
});

interface Partition {
  name: string;
  type: string;
  subtype: string;
  offset: number;
  size: number;
}

function parsePartitions(text: string): Partition[] {
  const num = (s: string) => {
    const m = /^(0x[0-9a-f]+|\d+)([KM]?)$/i.exec(s);
    if (!m) throw new Error(`bad number ${s}`);
    return Number(m[1]) * (m[2].toUpperCase() === 'K' ? 1024 : m[2].toUpperCase() === 'M' ? 1 << 20 : 1);
  };
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const f = l.split(',').map((x) => x.trim());
      if (f.length < 5) throw new Error(`bad partition line: ${l}`);
      return { name: f[0], type: f[1], subtype: f[2], offset: num(f[3]), size: num(f[4]) };
    });
}

describe('partitions.csv', () => {
  const FLASH = 8 << 20;
  const path = join(ROOT, manifest.build.PARTITIONS_FILE);
  const parts = parsePartitions(readFileSync(path, 'utf8'));

  test('the manifest points PARTITIONS_FILE at it', () => {
    expect(manifest.build.PARTITIONS_FILE).toBe('./partitions.csv');
    expect(relative(ROOT, path)).toBe('partitions.csv');
  });

  test('entries are aligned (app 64 KB, data 4 KB), sorted, non-overlapping, after the table, inside 8 MB', () => {
    let end = 0x9000; // bootloader below 0x8000, the partition table at 0x8000
    for (const p of parts) {
      expect({ p: p.name, aligned: p.offset % (p.type === 'app' ? 0x10000 : 0x1000) }).toEqual({ p: p.name, aligned: 0 });
      expect(p.size % 0x1000).toBe(0);
      expect(p.size).toBeGreaterThan(0);
      expect(p.offset).toBeGreaterThanOrEqual(end);
      end = p.offset + p.size;
    }
    expect(end).toBeLessThanOrEqual(FLASH);
    expect(new Set(parts.map((p) => p.name)).size).toBe(parts.length);
  });

  test('nvs, phy_init, one factory app of at least 2 MB, no OTA', () => {
    expect(parts.find((p) => p.name === 'nvs')).toMatchObject({ type: 'data', subtype: 'nvs' });
    expect(parts.find((p) => p.name === 'phy_init')).toMatchObject({ type: 'data', subtype: 'phy' });
    const apps = parts.filter((p) => p.type === 'app');
    expect(apps).toHaveLength(1);
    expect(apps[0]).toMatchObject({ name: 'factory', subtype: 'factory' });
    expect(apps[0].size).toBeGreaterThanOrEqual(2 << 20);
    expect(parts.some((p) => p.subtype === 'ota')).toBe(false);
  });

  test('the evidence volume is the data partition named "storage", most of the flash, and config states its size in 4 KB blocks', () => {
    const storage = parts.find((p) => p.name === manifest.config.storage.partition);
    expect(manifest.config.storage.partition).toBe('storage');
    expect(manifest.defines.file.partition).toBe('#' + manifest.config.storage.partition);
    expect(storage).toMatchObject({ type: 'data' });
    expect(['littlefs', 'spiffs']).toContain(storage!.subtype);
    expect(storage!.size).toBeGreaterThan(FLASH / 2);
    expect(manifest.config.storage.blockSize).toBe(BLOCK_SIZE);
    expect(manifest.config.storage.blockCount * BLOCK_SIZE).toBe(storage!.size);
    expect(readFileSync(path, 'utf8')).toContain(`${manifest.config.storage.blockCount} blocks`);
  });
});

describe('defines', () => {
  test('littlefs tuning equals the simulator\'s STORAGE_LFS_TUNING', () => {
    const snake = (k: string) => k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
    const expected = Object.fromEntries(Object.entries(STORAGE_LFS_TUNING).map(([k, v]) => [snake(k), v]));
    expect(manifest.defines.file.lfs).toEqual(expected);
  });

  test('microphone: PDM on the board\'s pins at the media profile\'s rate', () => {
    const a = manifest.defines.audioIn;
    expect(a.i2s).toMatchObject({ pdm: 1, lr_pin: BOARD.microphone.pdmClock, datain: BOARD.microphone.pdmData });
    expect(a.sampleRate).toBe(BOARD.microphone.sampleRate);
    expect(a.sampleRate).toBe(MEDIA_PROFILE.sampleRate);
    expect(a).toMatchObject({ bitsPerSample: 16, numChannels: 1 });
  });

  test('speaker: I2S on the board\'s pins', () => {
    expect(manifest.defines.audioOut.i2s).toMatchObject({ bck_pin: BOARD.speaker.bck, lr_pin: BOARD.speaker.lr, dataout_pin: BOARD.speaker.dataOut });
    expect(manifest.defines.audioOut.sampleRate).toBe(BOARD.speaker.sampleRate);
  });

  test('camera: JPEG quality of the media profile; the profile\'s size is an esp32-camera frame size', () => {
    expect(manifest.defines.camera.jpeg_quality).toBe(MEDIA_PROFILE.jpegQuality);
    // Moddable picks the FRAMESIZE from the constructor's width and height (camera.c); 320×240 is QVGA.
    const FRAMESIZES = ['96x96', '128x128', '160x120', '176x144', '240x176', '240x240', '320x240', '320x320', '400x296', '480x320', '640x480', '800x600', '1024x768', '1280x720', '1280x1024', '1600x1200'];
    expect(FRAMESIZES).toContain(`${MEDIA_PROFILE.width}x${MEDIA_PROFILE.height}`);
  });

  test('no GPIO is used twice (board parts, audio defines, the Sense board\'s camera bus, the card)', () => {
    // build/devices/esp32/targets/xiao_esp32s3_sense/manifest.json defines.camera (fixed wiring).
    const camera = [10, 13, 47, 38, 39, 40, 15, 17, 18, 16, 14, 12, 11, 48];
    const uses: Array<[string, number]> = [
      ['i2c.data', BOARD.i2c.data],
      ['i2c.clock', BOARD.i2c.clock],
      ['speaker.bck', manifest.defines.audioOut.i2s.bck_pin],
      ['speaker.lr', manifest.defines.audioOut.i2s.lr_pin],
      ['speaker.dataOut', manifest.defines.audioOut.i2s.dataout_pin],
      ['microphone.clock', manifest.defines.audioIn.i2s.lr_pin],
      ['microphone.data', manifest.defines.audioIn.i2s.datain],
      ['button.record', BOARD.buttons.record],
      ['button.mark', BOARD.buttons.mark],
      ['led', BOARD.led.pin],
      ['battery', BOARD.battery.pin],
      ['card.clock', BOARD.card.clock],
      ['card.command', BOARD.card.command],
      ['card.data0', BOARD.card.data0],
      // card.d3 is GPIO21, the LED's net by the board's wiring (hal/board.ts): not a second use.
      ...camera.map((p, i): [string, number] => [`camera.${i}`, p]),
    ];
    const seen = new Map<number, string>();
    const clashes: string[] = [];
    for (const [what, pin] of uses) {
      if (seen.has(pin)) clashes.push(`GPIO${pin}: ${seen.get(pin)} and ${what}`);
      seen.set(pin, what);
    }
    // The speaker moved off the card's SDMMC lines (docs/HARDWARE.md "Pin budget", resolved):
    // the GNSS receiver and the vibration motor went onto the I2C bus to free its pins.
    expect(clashes).toEqual([]);
    // The XIAO's edge GPIOs (D0-D10) are all in use, none twice.
    expect([1, 2, 3, 4, 5, 6, 43, 44, 7, 8, 9].filter((p) => !seen.has(p))).toEqual([]);
  });

  test('the speaker\'s new pins are none of the S3\'s strapping (0, 3, 45, 46), USB (19, 20) or module flash/PSRAM (26-37) pins', () => {
    const reserved = [0, 3, 45, 46, 19, 20, ...Array.from({ length: 12 }, (_, i) => 26 + i)];
    const i2s = manifest.defines.audioOut.i2s;
    expect([i2s.bck_pin, i2s.lr_pin, i2s.dataout_pin].filter((p: number) => reserved.includes(p))).toEqual([]);
  });
});

describe('config and typescript', () => {
  test('device settings the firmware reads through mc/config', () => {
    const c = manifest.config;
    // firmware/device-main.ts reads these.
    expect(Number.isInteger(c.storage.blockCount) && c.storage.blockCount > 0).toBe(true);
    expect(c.clips.sampleRate).toBe(16000);
    for (const f of [c.clips.notice, c.clips.explain]) expect(manifest.resources['*']).toContain(`./resources/${f}`);
    expect(typeof c.deviceId).toBe('string');
    expect(c.deviceId).toBe('UNPROVISIONED'); // replaced per unit at provisioning (docs/DEVICE-BUILD.md)
    expect(typeof c.build).toBe('string');
    expect(Number.isInteger(c.preEventMs) && c.preEventMs >= 0).toBe(true);
    // The Sense target's config names an ILI9341 screen on the speaker's SPI pins: none here.
    expect(c.screen).toBe('');
  });

  test('tsconfig options: strict, and the project typings mcconfig needs exist', () => {
    const o = manifest.typescript.tsconfig.compilerOptions;
    expect(o.strict).toBe(true);
    for (const t of o.types as string[]) expect(existsSync(join(ROOT, t + '.d.ts'))).toBe(true);
  });

  test('DEVICE-BUILD.md documents the build command and the storage safety point', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'DEVICE-BUILD.md'), 'utf8');
    expect(doc).toContain('mcconfig -d -m -p esp32/xiao_esp32s3_sense manifest.json');
    expect(doc).toMatch(/format/i);
    expect(dirname(join(ROOT, 'docs', 'DEVICE-BUILD.md'))).toBe(join(ROOT, 'docs'));
  });
});
