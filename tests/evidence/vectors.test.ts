// Golden vectors: the format must not drift. UPDATE_VECTORS=1 rewrites them (and the
// generated parts of docs/FORMAT.md) after a deliberate format change.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readEntryDirectory } from '../../tools/entry-files';
import { regenerate } from '../support/format-doc';
import { makeVectors, vectorChain, vectorSigner } from '../support/vectors';
import { verify } from '../support/chain';
import {
  decodePayload,
  fromHex,
  FORMAT_VERSION,
  HEADER_SIZE,
  RECORD_FRAME_SIZE,
  SEAL_SIZE,
  SEAL_PAYLOAD_SIZE,
} from '../../firmware/core/evidence';

const root = join(__dirname, '..', '..');
const vectorDir = join(root, 'tests', 'vectors');
const docPath = join(root, 'docs', 'FORMAT.md');

if (process.env.UPDATE_VECTORS === '1') {
  writeFileSync(join(vectorDir, 'vectors.json'), JSON.stringify(makeVectors(), null, 2) + '\n');
  for (const f of vectorChain()) {
    const p = join(vectorDir, 'chain', f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.bytes);
  }
  writeFileSync(docPath, regenerate(readFileSync(docPath, 'utf8')));
}

describe('golden vectors', () => {
  test('vectors.json is what the code produces', () => {
    expect(JSON.parse(readFileSync(join(vectorDir, 'vectors.json'), 'utf8'))).toEqual(makeVectors());
  });

  test('the checked-in chain files are byte-identical to a fresh build', () => {
    const onDisk = readEntryDirectory(join(vectorDir, 'chain'));
    const fresh = vectorChain();
    expect(onDisk.map((f) => f.path)).toEqual(fresh.map((f) => f.path));
    onDisk.forEach((f, i) => expect(Buffer.from(f.bytes).equals(Buffer.from(fresh[i].bytes))).toBe(true));
  });

  test('the checked-in chain verifies against the vector key', () => {
    const r = verify(readEntryDirectory(join(vectorDir, 'chain')), { deviceKey: vectorSigner.publicKey });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  });

  test('every framed record vector decodes to its type', () => {
    const v = makeVectors();
    for (const r of v.records) {
      const bytes = fromHex(r.framed);
      const code = bytes[0] | (bytes[1] << 8);
      const length = bytes[4] | (bytes[5] << 8) | (bytes[6] << 16) | (bytes[7] << 24);
      expect(bytes.length).toBe(RECORD_FRAME_SIZE + length + 32);
      expect(decodePayload(code, r.t, bytes.subarray(RECORD_FRAME_SIZE, RECORD_FRAME_SIZE + length)).type).toBe(r.type);
    }
  });

  test('docs/FORMAT.md: generated sections match the code, and the stated sizes are the constants', () => {
    const doc = readFileSync(docPath, 'utf8');
    expect(regenerate(doc)).toBe(doc);
    expect(doc).toContain(`format version ${FORMAT_VERSION}`);
    expect(doc).toContain(`${HEADER_SIZE} bytes`);
    expect(doc).toContain(`${SEAL_SIZE} bytes`);
    expect(doc).toContain(`${SEAL_PAYLOAD_SIZE}`);
  });
});
