// The host's "mc/config": the build configuration manifest.json's `config` gives the device
// (mcconfig merges key=value arguments into it). A simulated build sets it before booting
// firmware/device-main.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../project-root';

const manifest = JSON.parse(readFileSync(join(projectRoot(), 'manifest.json'), 'utf8')) as { config: Record<string, unknown> };

/** The manifest's config; a test or simulated build overrides fields as `mcconfig … key=value` would. */
const config: Record<string, any> = structuredClone(manifest.config);

export function configureBuild(overrides: Record<string, unknown>): void {
  for (const k of Object.keys(config)) delete config[k];
  Object.assign(config, structuredClone(manifest.config), overrides);
}

export default config;
