#!/usr/bin/env python3
"""Independent verifier of a quancheng evidence chain, written from docs/FORMAT.md alone.

Usage: python3 verify_chain.py DIR [--device-key HEX130] [--head SEQ:LINKHEX]
Standard library only; ECDSA P-256 is implemented below (correct, not fast).
"""
import argparse, hashlib, json, os, re, struct, sys

# ---- ECDSA P-256 (FIPS 186-4 / SEC 2 domain parameters) ----------------------------------
P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff
B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b
N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551
G = (0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296,
     0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5)

def on_curve(pt):
    x, y = pt
    return 0 <= x < P and 0 <= y < P and (y * y - (x * x * x - 3 * x + B)) % P == 0

def padd(p1, p2):  # affine; None is the point at infinity
    if p1 is None: return p2
    if p2 is None: return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2 and (y1 + y2) % P == 0: return None
    if p1 == p2: lam = (3 * x1 * x1 - 3) * pow(2 * y1, -1, P) % P
    else: lam = (y2 - y1) * pow(x2 - x1, -1, P) % P
    x3 = (lam * lam - x1 - x2) % P
    return x3, (lam * (x1 - x3) - y1) % P

def pmul(k, pt):
    acc = None
    while k:
        if k & 1: acc = padd(acc, pt)
        pt = padd(pt, pt); k >>= 1
    return acc

def parse_pubkey(raw):
    if len(raw) != 65 or raw[0] != 4: return None
    pt = (int.from_bytes(raw[1:33], 'big'), int.from_bytes(raw[33:], 'big'))
    return pt if on_curve(pt) else None

def ecdsa_verify(pub, msg, sig):
    """ECDSA P-256/SHA-256 over msg; sig is r||s, 32 bytes each, big-endian."""
    r, s = int.from_bytes(sig[:32], 'big'), int.from_bytes(sig[32:], 'big')
    if not (1 <= r < N and 1 <= s < N): return False
    e = int.from_bytes(hashlib.sha256(msg).digest(), 'big')
    w = pow(s, -1, N)
    X = padd(pmul(e * w % N, G), pmul(r * w % N, pub))
    return X is not None and X[0] % N == r

# ---- record tables (FORMAT.md section 8) --------------------------------------------------
def E(s): return tuple(s.split())
REC, VIA = ('recording', 'u32'), E('button maintenance other')
TYPES = {
    0x0101: ('video-frame', [('frame', 'u32'), ('width', 'u16'), ('height', 'u16'), ('format', E('jpeg')), ('image', 'rest')]),
    0x0102: ('audio-chunk', [('firstSample', 'u64'), ('sampleRate', 'u32'), ('channels', 'u8'), ('bitsPerSample', 'u8'),
                             ('encoding', E('lpcm-le')), ('samples', 'rest')]),
    0x0103: ('gnss-fix', [('latitude', 'i32'), ('longitude', 'i32'), ('altitude', 'i32'), ('speed', 'u32'), ('heading', 'u16'),
                          ('satellites', 'u8'), ('hdop', 'u16'),
                          ('quality', E('invalid gps dgps pps rtk float-rtk estimated manual simulation')), ('utc', 'u64')]),
    0x0201: ('boot', [('cause', E('cold power-loss watchdog firmware-update brownout')), ('bootCount', 'u32'),
                      ('recoveredSeq', 'u32'), ('recoveredRecords', 'u32')]),
    0x0202: ('firmware', [('version', 'str'), ('build', 'str')]),
    0x0203: ('device-key', [('publicKey', 'bytes'), ('store', E('secure-element software'))]),
    0x0204: ('time-set', [('oldTime', 'u64'), ('newTime', 'u64'), ('source', E('technician gnss rtc officer'))]),
    0x0205: ('officer', [('name', 'str'), ('certificate', 'str'), ('unit', 'str'), ('assignedBy', 'str')]),
    0x0206: ('case-tag', [('caseNumber', 'str'),
                          ('kind', E('licensing penalty coercive-measure inspection confirmation ruling other')),
                          ('stage', 'u8'), ('note', 'str')]),
    0x0207: ('record-start', [REC, ('trigger', E('button resume continuous-restart remote automatic')),
                              ('preEventMs', 'u32'), ('profile', 'str')]),
    0x0208: ('record-stop', [REC, ('cause', E('officer continuous-confirmed technician')), ('durationMs', 'u64')]),
    0x0209: ('notice', [REC, ('outcome', E('played speaker-fault officer-spoke')), ('clip', 'hash'), ('durationMs', 'u32')]),
    0x020a: ('mark', [REC, ('label', 'str')]),
    0x020b: ('obstruction', [REC, ('label', 'str')]),
    0x020c: ('interruption', [REC, ('interruption', 'u32'),
                              ('reason', E('device-fault low-battery storage-full weather obstruction power-loss other')),
                              ('detail', 'str')]),
    0x020d: ('explanation', [REC, ('interruption', 'u32'), ('mediaSeq', 'u32'), ('offsetMs', 'u32'), ('durationMs', 'u32')]),
    0x020e: ('resume', [REC, ('interruption', 'u32'), ('gapMs', 'u64')]),
    0x020f: ('continuous-mode', [('on', 'u8'), ('setBy', E('technician officer')), ('caseNumber', 'str')]),
    0x0210: ('stop-refused', [REC, ('press', E('short long-unconfirmed'))]),
    0x0211: ('deletion-refused', [('target', 'str'), ('via', VIA), ('requester', 'str')]),
    0x0212: ('access-denied', [('command', 'str'), ('via', VIA), ('reason', 'str')]),
    0x0213: ('offload-receipt', [('store', 'str'), ('throughSeq', 'u32'), ('throughLink', 'hash'), ('receipt', 'hash'),
                                 ('signature', 'bytes')]),
    0x0214: ('space-reclaimed', [('throughSeq', 'u32'), ('entries', 'u32'), ('bytes', 'u64')]),
    0x0215: ('deadline-warning', [REC, ('deadline', 'u64'), ('level', E('approaching due-today overdue')),
                                  ('workingDaysLeft', 'i32')]),
    0x0216: ('battery-low', [('millivolts', 'u16'), ('percent', 'u8'), ('level', E('low critical'))]),
    0x0217: ('storage-low', [('freeBytes', 'u64'), ('totalBytes', 'u64'), ('level', E('low full'))]),
    0x0218: ('gnss-lost', [('latitude', 'i32'), ('longitude', 'i32')]),
    0x0219: ('gnss-regained', [('latitude', 'i32'), ('longitude', 'i32'), ('satellites', 'u8'), ('lostMs', 'u64')]),
    0x021a: ('config', [('key', 'str'), ('value', 'str'), ('setBy', 'str')]),
}
INTS = {'u8': '<B', 'u16': '<H', 'u32': '<I', 'i32': '<i', 'u64': '<Q'}
MAX_U64 = 1 << 53

class Malformed(Exception): pass

def decode_payload(code, data):
    """Decode a payload per the tables; returns (type name, fields). Raises Malformed, KeyError (unknown type)."""
    name, fields = TYPES[code]
    out, p = {}, 0
    def take(n):
        nonlocal p
        if p + n > len(data): raise Malformed(f'{name}: payload ends inside field')
        p += n
        return data[p - n:p]
    for field, enc in fields:
        if enc == 'rest': v = take(len(data) - p).hex()
        elif isinstance(enc, tuple):
            i = take(1)[0]
            if i >= len(enc): raise Malformed(f'{name}.{field}: enum index {i} out of range')
            v = enc[i]
        elif enc in INTS:
            v = struct.unpack(INTS[enc], take(struct.calcsize(INTS[enc])))[0]
            if enc == 'u64' and v >= MAX_U64: raise Malformed(f'{name}.{field}: u64 >= 2^53')
        elif enc in ('str', 'bytes'):
            raw = take(struct.unpack('<H', take(2))[0])
            try: v = raw.decode('utf-8', 'strict') if enc == 'str' else raw.hex()
            except UnicodeDecodeError: raise Malformed(f'{name}.{field}: invalid UTF-8')
        elif enc == 'hash': v = take(32).hex()
        out[field] = v
    if p != len(data): raise Malformed(f'{name}: {len(data) - p} bytes after the last field')
    return name, out

# ---- entry files (sections 3-5) ------------------------------------------------------------
HDR, FRAME, CHECK, SEAL = 88, 12, 32, 156
DEVID = re.compile(rb'[A-Za-z0-9_-]{1,16}')

def genesis(devid_padded): return hashlib.sha256(b'quancheng-genesis-v1' + devid_padded).digest()

def parse_entry(data):
    """Structural parse. Returns dict; raises Malformed (kind, detail)."""
    if len(data) < HDR: raise Malformed(('truncated', f'file is {len(data)} bytes, shorter than the header'))
    magic, ver, kind, flags, devid, seq, session, recording, reserved, wall, mono, prev = \
        struct.unpack('<4sHBB16sIIIIQQ32s', data[:HDR])
    bad = [m for c, m in [(magic != b'QCEV', 'bad magic'), (ver != 1, f'version {ver}'), (kind not in (1, 2), f'kind {kind}'),
                          (flags & ~1, f'header flags {flags:#x}'), (reserved != 0, 'reserved not 0'),
                          (wall >= MAX_U64 or mono >= MAX_U64, 'u64 >= 2^53'),
                          (not DEVID.fullmatch(devid.rstrip(b'\0')) or b'\0' in devid.rstrip(b'\0'), 'bad device id')] if c]
    if bad: raise Malformed(('malformed', 'header: ' + ', '.join(bad)))
    e = dict(seq=seq, kind=kind, devid=devid, prev=prev, records=[])
    pos = HDR
    while True:
        if pos + FRAME > len(data): raise Malformed(('truncated', f'file ends inside a frame at byte {pos} (no seal)'))
        typ, fflags, length, t = struct.unpack('<HHII', data[pos:pos + FRAME])
        if typ == 0xFFFF: break
        end = pos + FRAME + length + CHECK
        if end > len(data): raise Malformed(('truncated', f'record at byte {pos} (length {length}) runs past end of file'))
        if fflags: raise Malformed(('malformed', f'record at byte {pos}: flags {fflags:#x}'))
        e['records'].append(dict(off=pos, type=typ, t=t, payload=data[pos + FRAME:end - CHECK],
                                 ok=hashlib.sha256(data[pos:end - CHECK]).digest() == data[end - CHECK:end]))
        pos = end
    if fflags or length != 144: raise Malformed(('malformed', f'seal at byte {pos}: flags {fflags:#x}, length {length}'))
    if pos + SEAL > len(data): raise Malformed(('truncated', f'seal at byte {pos} runs past end of file'))
    if pos + SEAL < len(data): raise Malformed(('malformed', f'{len(data) - pos - SEAL} bytes after the seal'))
    count, sflags, ehash, link, keyid, sig = struct.unpack('<II32s32s8s64s', data[pos + 12:pos + SEAL])
    if sflags & ~1: raise Malformed(('malformed', f'seal flags {sflags:#x}'))
    e.update(count=count, recovered=bool(sflags & 1), ehash=ehash, link=link, keyid=keyid, sig=sig,
             ehash_calc=hashlib.sha256(data[:pos + 20]).digest())
    return e

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('dir'); ap.add_argument('--device-key'); ap.add_argument('--head', help='SEQ:LINKHEX')
    a = ap.parse_args()
    def die(msg): print(json.dumps({'ok': False, 'error': msg})); sys.exit(2)
    ev = os.path.join(a.dir, 'ev')
    if not os.path.isdir(a.dir): die(f'no such directory: {a.dir}')
    ext_key = None
    if a.device_key:
        try: ext_key = parse_pubkey(bytes.fromhex(a.device_key))
        except ValueError: pass
        if ext_key is None: die('--device-key is not a valid SEC1 uncompressed P-256 point')
    problems, counts, entries, unsupported = [], {}, {}, False
    def prob(kind, seq, detail): problems.append({'kind': kind, 'seq': seq, 'detail': detail})
    files = []
    for root, _, names in os.walk(ev):
        for n in names:
            if n.endswith('.qce'): files.append(os.path.relpath(os.path.join(root, n), a.dir).replace(os.sep, '/'))
    if not files: die(f'no entry files under {ev}')
    opens = sorted(n for n in (os.listdir(os.path.join(a.dir, 'open')) if os.path.isdir(os.path.join(a.dir, 'open')) else [])
                   if n.endswith('.open'))
    byseq = {}
    for rel in sorted(files):
        m = re.fullmatch(r'ev/(\d{7})/(\d{10})\.qce', rel)
        name_seq = int(m.group(2)) if m else None
        with open(os.path.join(a.dir, rel), 'rb') as f: data = f.read()
        try: e = parse_entry(data)
        except Malformed as x:
            prob(x.args[0][0], name_seq, f'{rel}: {x.args[0][1]}')
            if name_seq is not None: byseq.setdefault(name_seq, []).append(None)
            continue
        e['file'], s = rel, e['seq']
        if not m: prob('malformed', s, f'{rel}: not an ev/DDDDDDD/SSSSSSSSSS.qce name')
        elif name_seq != s or int(m.group(1)) != s // 100:
            prob('reordered', s, f'entry with seq {s} sits in {rel}')
        byseq.setdefault(s, []).append(e)
    # device key: external, else the first device-key record in seq order (normally in entry 0)
    key, key_src = ext_key, '--device-key'
    for s in sorted(byseq):
        for e in filter(None, byseq[s]):
            for r in e['records']:
                if key is None and r['type'] == 0x0203 and r['ok']:
                    try: raw = bytes.fromhex(decode_payload(0x0203, r['payload'])[1]['publicKey'])
                    except Malformed: continue
                    key, key_src = parse_pubkey(raw), f'device-key record in seq {s}'
                    if key is None: prob('malformed', s, 'device-key record holds no valid P-256 point')
    if key is None: prob('no-key', None, 'no --device-key and no usable device-key record')
    keyid = hashlib.sha256(b'\x04' + key[0].to_bytes(32, 'big') + key[1].to_bytes(32, 'big')).digest()[:8] if key else None
    devid0 = None
    for s in sorted(byseq):
        for e in byseq[s]:
            if e is None: continue
            devid0 = devid0 or e['devid']
            if e['devid'] != devid0:
                prob('foreign-device', s, f"device id {e['devid'].rstrip(bytes(1)).decode()} != {devid0.rstrip(bytes(1)).decode()}")
            bad_recs = [f"record {i} ({r['type']:#06x}) at byte {r['off']}" for i, r in enumerate(e['records']) if not r['ok']]
            if bad_recs: prob('modified', s, 'check mismatch: ' + ', '.join(bad_recs))
            intact = e['ehash_calc'] == e['ehash']
            if not intact: prob('modified', s, 'entry hash mismatch')
            if hashlib.sha256(e['prev'] + e['ehash'] + struct.pack('<I', s)).digest() != e['link']:
                prob('modified', s, 'seal link != SHA-256(prevLink || entryHash || seq)'); intact = False
            if e['count'] != len(e['records']):
                prob('malformed', s, f"seal count {e['count']} != {len(e['records'])} records")
            if key:
                if e['keyid'] != keyid:
                    prob('foreign-key', s, f"keyId {e['keyid'].hex()} != {keyid.hex()} ({key_src})"); intact = False
                elif not ecdsa_verify(key, e['link'], e['sig']):
                    prob('bad-signature', s, 'signature does not verify over the link'); intact = False
            for r in e['records']:
                try:
                    name = decode_payload(r['type'], r['payload'])[0]
                except KeyError:
                    name = f"{r['type']:#06x}"
                    if intact and key:
                        unsupported = True
                        prob('unsupported', s, f"unknown record type {name} in a valid entry: refusing to judge")
                except Malformed as x:
                    name = TYPES[r['type']][0]; prob('malformed', s, f"record at byte {r['off']}: {x}")
                counts[name] = counts.get(name, 0) + 1
    # chain continuity (section 6, step 5)
    if not byseq: die('no entry could be parsed or named')
    last, expect = max(byseq), 0
    for s in sorted(byseq):
        if s != expect: prob('missing', expect, f'no entries with seq {expect}..{s - 1}')
        expect, got = s + 1, byseq[s]
        if len(got) > 1: prob('inserted', s, f'{len(got)} entries claim seq {s}')
        e = got[0]
        if e is None: continue
        if s == 0: want, what = genesis(e['devid']), 'genesis link'
        else:
            pe = byseq.get(s - 1, [None])[0]
            if pe is None: continue  # gap or unparseable: already reported
            want, what = pe['link'], f'link of seq {s - 1}'
        if e['prev'] != want: prob('broken-link', s, f'prevLink != {what}')
    he = next((e for e in byseq[last] if e), None)
    head = {'seq': last, 'link': he['link'].hex() if he else None}
    if a.head:
        hs, hl = a.head.split(':')
        if int(hs) != head['seq'] or hl.lower() != head['link']:
            prob('head-mismatch', last, f'chain head {head} != recorded {a.head}')
    out = {'ok': not problems, 'head': head, 'entries': sum(len([e for e in v if e]) for v in byseq.values()),
           'problems': problems, 'records': dict(sorted(counts.items())), 'open': opens}
    print(json.dumps(out, indent=2, ensure_ascii=False))
    sys.exit(2 if unsupported else 0 if not problems else 1)

if __name__ == '__main__':
    main()
