// The host's "Resource": a file the build put in flash (manifest.json `resources`), read from
// the project's resources/ directory. On the device it is a host buffer mapped from flash.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../project-root';

export default class Resource extends ArrayBuffer {
  constructor(path: string) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(join(projectRoot(), 'resources', path));
    } catch {
      throw new Error(`Resource: ${path} not found`);
    }
    super(bytes.length);
    new Uint8Array(this).set(bytes);
  }

  static exists(path: string): boolean {
    try {
      readFileSync(join(projectRoot(), 'resources', path));
      return true;
    } catch {
      return false;
    }
  }
}
