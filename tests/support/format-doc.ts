// The parts of docs/FORMAT.md that come from code: record tables from the schema, and
// the worked example from the test vectors. A test keeps the document and code equal.
import { parseEntry, RECORDS, toHex, type FieldType, type RecordName } from '../../firmware/core/evidence';
import { hexDump, vectorChain, makeVectors } from './vectors';

function typeName(ft: FieldType): string {
  if (typeof ft !== 'string') return `u8 enum: ${ft.map((v, i) => `${i} ${v}`).join(', ')}`;
  return { u8: 'u8', u16: 'u16', u32: 'u32', i32: 'i32', u64: 'u64', str: 'str', bytes: 'bytes', hash: 'hash (32)', rest: 'rest' }[ft];
}

export function recordTables(): string {
  const out: string[] = [];
  for (const name of Object.keys(RECORDS) as RecordName[]) {
    const d = RECORDS[name];
    out.push(`#### \`${name}\` 0x${d.code.toString(16).padStart(4, '0')}: ${d.doc}`, '', '| field | encoding | meaning |', '| --- | --- | --- |');
    for (const [f, ft, doc] of d.fields) out.push(`| ${f} | ${typeName(ft)} | ${doc} |`);
    out.push('');
  }
  return out.join('\n').trimEnd();
}

export function vectorSection(): string {
  const v = makeVectors();
  const chain = vectorChain();
  const e0 = parseEntry(chain[0].bytes);
  const out: string[] = [];
  out.push(
    `Device id \`${v.deviceId}\`. Test key (never a real device's): private scalar \`${v.privateKey}\`,`,
    `public key \`${v.publicKey}\`, key id \`${v.keyId}\`.`,
    '',
    `Genesis link: \`${v.genesisLink}\``,
    '',
    `The chain has ${chain.length} entries (files in \`tests/vectors/chain/\`):`,
    '',
    '| seq | file | size | entry hash | link |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const e of v.entries) out.push(`| ${e.seq} | \`${e.path}\` | ${e.size} | \`${e.entryHash}\` | \`${e.link}\` |`);
  out.push(
    '',
    `Entry 0 in full (${chain[0].bytes.length} bytes; its seal starts at byte ${e0.seal.offset}, so the entry hash covers bytes 0-${e0.seal.offset + 19}):`,
    '',
    '```',
    hexDump(chain[0].bytes),
    '```',
    '',
    `Its signature (r ‖ s): \`${toHex(e0.seal.signature)}\`. Signatures are deterministic here (RFC 6979); a verifier must accept any valid one.`,
  );
  return out.join('\n');
}

export const SECTIONS: Record<string, () => string> = { records: recordTables, vectors: vectorSection };

/** Replaces each `<!-- generated:NAME -->...<!-- /generated:NAME -->` block with its content. */
export function regenerate(doc: string): string {
  let out = doc;
  for (const [name, make] of Object.entries(SECTIONS)) {
    const open = `<!-- generated:${name} -->`;
    const close = `<!-- /generated:${name} -->`;
    const a = out.indexOf(open);
    const b = out.indexOf(close);
    if (a < 0 || b < a) throw new Error(`docs/FORMAT.md lacks the ${name} markers`);
    out = out.slice(0, a + open.length) + '\n' + make() + '\n' + out.slice(b);
  }
  return out;
}
