// The ATECC608 driver (hal/secure-element) against the packet-level model (host-sim/models)
// through the host I2C class, on a simulated board in virtual time.
import { createPublicKey, verify } from 'node:crypto';
import HostI2C from '../../../host-sim/io/i2c';
import ATECC608, { SecureElementChecker, SecureElementError, SecureElementSigner } from '../../../hal/secure-element/atecc608';
import { SoftSigner } from '../../../host-sim/keys/soft-signer';
import { commandPacket, Opcode } from '../../../hal/secure-element/atecc608-protocol';
import { appendCrc } from '../../../hal/secure-element/crc16';
import { BOARD } from '../../../hal/board';
import { Atecc608, attachAtecc608, type Atecc608ModelOptions } from '../../../host-sim/models/atecc608';
import { SimBoard } from '../../../host-sim/board/sim-board';
import { useBoard } from '../../../host-sim/board/current';
import { keyIdOf, sha256, verifyChain } from '../../../firmware/core/evidence';
import { buildSampleChain } from '../../../host-sim/evidence/sample-chain';
import { nodeChecker } from '../../../host-sim/crypt/node-checker';

const sensor = { io: HostI2C, ...BOARD.i2c, address: BOARD.secureElement.address };
let board: SimBoard;

function setup(model: Partial<Atecc608ModelOptions> = {}) {
  board = new SimBoard();
  useBoard(board);
  const chip = new Atecc608({ seed: 'unit-7', ...model });
  attachAtecc608(board, BOARD.i2c.port, chip, BOARD.secureElement.address);
  const se = new ATECC608({ sensor });
  return { chip, se };
}

const now = () => board.scheduler.now();
const advance = (ms: number) => board.scheduler.clock.advance(ms);
const text = (s: string) => new TextEncoder().encode(s);

function nodeVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64(publicKey.subarray(1, 33)), y: b64(publicKey.subarray(33, 65)) }, format: 'jwk' });
  return verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
}

afterEach(() => useBoard(undefined));

describe('talking to the chip', () => {
  test('construction wakes the chip, checks the Info revision (ATECC608B 00 00 60 03) and puts it to sleep', () => {
    const { chip, se } = setup();
    expect([...se.revision]).toEqual([0x00, 0x00, 0x60, 0x03]);
    expect(chip.log).toEqual(['Info']);
    expect(chip.state).toBe('asleep');
    expect(now()).toBeGreaterThanOrEqual(1.5); // tWHI at least
    se.close();
  });

  test('wake: the chip answers 04 11 33 43 after the wake condition; a wake while awake is handled', () => {
    const { chip, se } = setup();
    se.wake();
    expect(chip.state).toBe('awake');
    se.wake(); // ignored by an awake chip: the driver puts it to sleep and wakes it afresh
    expect(chip.state).toBe('awake');
    se.sleep();
    expect(chip.state).toBe('asleep');
    se.wake();
    se.idle();
    expect(chip.state).toBe('idle');
    expect([...se.info()]).toEqual([0x00, 0x00, 0x60, 0x03]); // commands wake it as needed
    se.close();
    expect(chip.state).toBe('asleep');
  });

  test('the serial number (01 23 … EE) and the lock bytes from the config zone', () => {
    const { chip, se } = setup();
    const sn = se.serialNumber();
    expect(sn.length).toBe(9);
    expect([sn[0], sn[1], sn[8]]).toEqual([0x01, 0x23, 0xee]);
    const config = chip.configZone();
    expect([...sn]).toEqual([...config.subarray(0, 4), ...config.subarray(8, 13)]);
    expect([...se.readConfig()]).toEqual([...config]);
    expect(se.lockState()).toEqual({ config: true, data: true });
    se.close();
  });

  test('the public key of slot 0 is the one provisioned; GenKey takes its execution time, polled', () => {
    const { chip, se } = setup();
    const t0 = now();
    const key = se.publicKey(0);
    expect(key.length).toBe(65);
    expect(key[0]).toBe(0x04);
    expect([...key]).toEqual([...(chip.provisionedPublicKey() as Uint8Array)]);
    expect(now() - t0).toBeGreaterThanOrEqual(58);
    expect(now() - t0).toBeLessThan(115);
    expect(chip.state).toBe('asleep');
    se.close();
  });

  test('another seed, another key and serial number', () => {
    const a = setup({ seed: 'a' });
    const ka = a.se.publicKey(0);
    const sa = a.se.serialNumber();
    a.se.close();
    const b = setup({ seed: 'b' });
    expect(b.se.publicKey(0)).not.toEqual(ka);
    expect(b.se.serialNumber()).not.toEqual(sa);
    b.se.close();
  });

  test('Random gives 32 bytes, different each time', () => {
    const { se } = setup();
    const a = se.random();
    const b = se.random();
    expect(a.length).toBe(32);
    expect(a).not.toEqual(b);
    se.close();
  });

  test('the private key cannot be read: Read of slot 0 is refused with an execution error', () => {
    const { se } = setup();
    let error: unknown;
    try {
      se.readSlot(0);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SecureElementError);
    expect((error as SecureElementError).status).toBe(0x0f);
    expect((error as Error).message).toMatch(/^Read: execution error/);
    expect([...se.readSlot(1)]).toEqual(new Array(32).fill(0)); // a data slot that is not secret reads
    se.close();
  });

  test('a parse error is reported as such', () => {
    const { se } = setup();
    expect(() => se.read(0, 0x20, 4)).toThrow(/Read: parse error/); // config block 4 does not exist
    se.close();
  });

  test('no chip at the address: the constructor fails and releases the bus', () => {
    board = new SimBoard();
    useBoard(board);
    expect(() => new ATECC608({ sensor })).toThrow(/did not wake/);
    const chip = new Atecc608({ seed: 1 });
    attachAtecc608(board, BOARD.i2c.port, chip);
    new ATECC608({ sensor }).close(); // the addresses were freed
  });
});

describe('the device key as the evidence Signer', () => {
  test('public key, key id, and signatures that node:crypto verifies', () => {
    const { chip, se } = setup();
    const signer = new SecureElementSigner(se);
    expect([...signer.publicKey]).toEqual([...(chip.provisionedPublicKey() as Uint8Array)]);
    expect(signer.keyId).toEqual(keyIdOf(signer.publicKey));
    expect([signer.serialNumber[0], signer.serialNumber[1]]).toEqual([0x01, 0x23]);
    const message = text('entry link 0001');
    const signature = signer.sign(message);
    expect(signature.length).toBe(64);
    expect(nodeVerify(signer.publicKey, message, signature)).toBe(true);
    expect(nodeVerify(signer.publicKey, text('entry link 0002'), signature)).toBe(false);
    expect(nodeChecker.verify(signer.publicKey, message, signature)).toBe(true);
    expect(signer.sign(message)).toEqual(signature); // RFC 6979 in the model: reproducible images
    expect(chip.state).toBe('asleep');
    expect(chip.log.slice(-4)).toEqual(['Nonce', 'Sign', 'Nonce', 'Sign']);
    se.close();
  });

  test('a chain sealed by the secure element passes verifyChain with the node checker and its device key', () => {
    const { se } = setup();
    const signer = new SecureElementSigner(se);
    const files = buildSampleChain({ signer, recordings: 1, mediaEntries: 1 });
    const report = verifyChain(files, { checker: nodeChecker, deviceKey: signer.publicKey });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.key?.source).toBe('device-key');
    const stranger = setup({ seed: 'another-unit' });
    expect(verifyChain(files, { checker: nodeChecker, deviceKey: new SecureElementSigner(stranger.se).publicKey }).ok).toBe(false);
  });

  test('an unprovisioned (unlocked) part is refused: it has no fixed key', () => {
    const { se } = setup({ locked: false });
    expect(se.lockState()).toEqual({ config: false, data: false });
    expect(() => new SecureElementSigner(se)).toThrow(/not provisioned: config zone unlocked, data zone unlocked/);
    expect(() => se.genKeyPublic(0)).toThrow(/GenKey: execution error/);
    se.close();
  });
});

describe('checking signatures in the chip (Verify, external key)', () => {
  test('a technician\'s signature verifies; another message, another key or a damaged signature does not', () => {
    const { chip, se } = setup();
    const checker = new SecureElementChecker(se);
    const technician = SoftSigner.fromSeed('technician-wang');
    const message = text('quancheng-auth/1 challenge');
    const signature = technician.sign(message);
    expect(checker.verify(technician.publicKey, message, signature)).toBe(true);
    expect(chip.log.slice(-2)).toEqual(['Nonce', 'Verify']);
    expect(checker.verify(technician.publicKey, text('another challenge'), signature)).toBe(false);
    expect(checker.verify(SoftSigner.fromSeed('stranger').publicKey, message, signature)).toBe(false);
    const damaged = signature.slice();
    damaged[10] ^= 1;
    expect(checker.verify(technician.publicKey, message, damaged)).toBe(false);
    const notAPoint = technician.publicKey.slice();
    notAPoint[40] ^= 1;
    expect(checker.verify(notAPoint, message, signature)).toBe(false);
    expect(checker.verify(technician.publicKey.slice(0, 33), message, signature)).toBe(false);
    expect(chip.state).toBe('asleep');
    se.close();
  });
});

describe('errors on the line and the watchdog', () => {
  test('a command received with a bad CRC (status 0xFF) is sent again', () => {
    const { chip, se } = setup();
    chip.corruptNextCommands(2);
    expect([...se.info()]).toEqual([0x00, 0x00, 0x60, 0x03]);
    expect(chip.crcErrors).toBe(2);
    chip.corruptNextCommands(1);
    const signer = new SecureElementSigner(se);
    const sig = signer.sign(text('x'));
    expect(nodeVerify(signer.publicKey, text('x'), sig)).toBe(true);
    expect(chip.crcErrors).toBe(3);
    se.close();
  });

  test('a corrupted command every time gives up with a clear error', () => {
    const { chip, se } = setup();
    chip.corruptNextCommands(10);
    expect(() => se.info()).toThrow(/Info failed after 4 attempts: the device received a command with a bad CRC/);
    se.close();
  });

  test('a response with a bad CRC is read again without running the command twice; so is a garbled wake response', () => {
    const { chip, se } = setup();
    const before = chip.log.length;
    chip.corruptNextResponses(2); // the wake response, then GenKey's
    expect([...se.publicKey(0)]).toEqual([...(chip.provisionedPublicKey() as Uint8Array)]);
    expect(chip.log.slice(before)).toEqual(['GenKey']);
  });

  test('a response that never reads back intact: the command is sent again; for Sign, Nonce and Sign are redone', () => {
    const { chip, se } = setup();
    const signer = new SecureElementSigner(se);
    let before = chip.log.length;
    chip.corruptNextResponses(3, 'GenKey');
    expect(signer.publicKey).toEqual(se.publicKey(0));
    expect(chip.log.slice(before)).toEqual(['GenKey', 'GenKey']);
    before = chip.log.length;
    chip.corruptNextResponses(3, 'Sign');
    const sig = signer.sign(text('y'));
    expect(nodeVerify(signer.publicKey, text('y'), sig)).toBe(true);
    expect(chip.log.slice(before)).toEqual(['Nonce', 'Sign', 'Nonce', 'Sign']);
    se.close();
  });

  test('the watchdog: the chip falls asleep 1.3 s after a wake; the driver wakes it again', () => {
    const { chip, se } = setup();
    se.wake(); // the pulse, then tWHI (2 ms) before the wake response is read
    advance(1290);
    expect(chip.state).toBe('awake');
    advance(10);
    expect(chip.state).toBe('asleep');
    expect([...se.info()]).toEqual([0x00, 0x00, 0x60, 0x03]);
    se.close();
  });

  test('a chip whose watchdog fires early: a NACKed command is sent again after a new wake', () => {
    const { chip, se } = setup({ watchdogMs: 300 });
    se.wake();
    advance(400); // the driver, counting on ≥ 700 ms, believes the chip is still awake
    expect(chip.state).toBe('asleep');
    expect([...se.info()]).toEqual([0x00, 0x00, 0x60, 0x03]);
    se.close();
  });

  test('watchdog about to expire (0xEE) between Nonce and Sign: the driver wakes the chip and redoes the pair', () => {
    const { chip, se } = setup({ watchdogMs: 300 });
    const signer = new SecureElementSigner(se);
    se.wake();
    advance(260); // Nonce fits, Sign (48 ms) would not
    const before = chip.log.length;
    const digest = sha256(text('z'));
    const sig = se.signDigest(0, digest);
    expect(chip.log.slice(before)).toEqual(['Nonce', 'Sign', 'Nonce', 'Sign']);
    expect(nodeVerify(signer.publicKey, text('z'), sig)).toBe(true);
    expect(chip.state).toBe('asleep');
    se.close();
  });
});

describe('the model on its own', () => {
  function awake(options: Partial<Atecc608ModelOptions> = {}) {
    board = new SimBoard();
    useBoard(board);
    const chip = new Atecc608({ seed: 'm', ...options });
    chip.wakeCondition();
    expect(() => chip.read(4, true)).toThrow(/busy/); // before tWHI
    advance(1.5);
    expect([...chip.read(4, true)]).toEqual([0x04, 0x11, 0x33, 0x43]);
    return chip;
  }

  test('a power cycle: asleep, TempKey gone, the key kept', () => {
    const chip = awake();
    const key = chip.provisionedPublicKey();
    chip.write(commandPacket(Opcode.NONCE, 0x03, 0, new Uint8Array(32)), true);
    advance(3);
    board.scheduler.clock.reboot();
    chip.powerCycle();
    expect(chip.state).toBe('asleep');
    chip.wakeCondition();
    advance(1.5);
    expect([...chip.read(4, true)]).toEqual([0x04, 0x11, 0x33, 0x43]);
    chip.write(commandPacket(Opcode.SIGN, 0x80, 0), true);
    advance(1);
    expect([...chip.read(4, true)].slice(0, 2)).toEqual([0x04, 0x0f]);
    expect(chip.provisionedPublicKey()).toEqual(key);
  });

  test('asleep it acknowledges nothing', () => {
    board = new SimBoard();
    useBoard(board);
    const chip = new Atecc608({ seed: 'm' });
    expect(() => chip.write(commandPacket(Opcode.INFO, 0, 0), true)).toThrow(/asleep/);
    expect(() => chip.read(4, true)).toThrow(/asleep/);
  });

  test('busy while computing: reads NACK until the execution time has passed; word address 0x00 rewinds', () => {
    const chip = awake();
    chip.write(commandPacket(Opcode.GENKEY, 0, 0), true);
    expect(() => chip.read(1, true)).toThrow(/busy/);
    advance(57);
    expect(() => chip.read(1, true)).toThrow(/busy/);
    advance(1);
    expect([...chip.read(1, true)]).toEqual([67]);
    const rest = chip.read(66, true);
    chip.write(Uint8Array.of(0x00), true);
    expect([...chip.read(67, true)]).toEqual([67, ...rest]);
  });

  test('a bad CRC gives status 0xFF; an unknown opcode a parse error', () => {
    const chip = awake();
    const p = commandPacket(Opcode.INFO, 0, 0);
    p[7] ^= 1;
    chip.write(p, true);
    advance(1);
    expect([...chip.read(4, true)]).toEqual([...appendCrc(Uint8Array.of(0x04, 0xff, 0, 0))]);
    expect(chip.crcErrors).toBe(1);
    chip.write(commandPacket(0x47, 0, 0), true); // SHA: not modelled
    advance(1);
    expect([...chip.read(4, true)].slice(0, 2)).toEqual([0x04, 0x03]);
    chip.write(commandPacket(Opcode.GENKEY, 0x04, 0), true); // a new private key: not modelled
    advance(1);
    expect([...chip.read(4, true)].slice(0, 2)).toEqual([0x04, 0x03]);
  });

  test('the watchdog refuses a command that would outlast it with 0xEE, then sleeps', () => {
    const chip = awake();
    advance(1300 - 1.5 - 20);
    chip.write(commandPacket(Opcode.GENKEY, 0, 0), true);
    advance(0.1);
    expect([...chip.read(4, true)].slice(0, 2)).toEqual([0x04, 0xee]);
    advance(20);
    expect(chip.state).toBe('asleep');
  });

  test('idle keeps TempKey, sleep loses it', () => {
    const chip = awake();
    const run = (packet: Uint8Array, ms: number) => {
      chip.write(packet, true);
      advance(ms);
      const n = chip.read(1, true)[0];
      return [n, ...chip.read(n - 1, true)];
    };
    const digest = new Uint8Array(32).fill(7);
    expect(run(commandPacket(Opcode.NONCE, 0x03, 0, digest), 3).slice(0, 2)).toEqual([4, 0x00]);
    chip.write(Uint8Array.of(0x02), true); // idle
    chip.wakeCondition();
    advance(1.5);
    chip.read(4, true);
    expect(run(commandPacket(Opcode.SIGN, 0x80, 0), 48).length).toBe(67);
    expect(run(commandPacket(Opcode.SIGN, 0x80, 0), 48).slice(0, 2)).toEqual([4, 0x0f]); // TempKey used up
    expect(run(commandPacket(Opcode.NONCE, 0x03, 0, digest), 3).slice(0, 2)).toEqual([4, 0x00]);
    chip.write(Uint8Array.of(0x01), true); // sleep
    chip.wakeCondition();
    advance(1.5);
    chip.read(4, true);
    expect(run(commandPacket(Opcode.SIGN, 0x80, 0), 48).slice(0, 2)).toEqual([4, 0x0f]);
  });
});

describe('ECDH (opcode 0x43) for the content-key wrap', () => {
  const { wrapContentKey } = require('../../../firmware/core/evidence/key-wrap') as typeof import('../../../firmware/core/evidence/key-wrap');
  const { publicPoint, unwrapContentKey } = require('../../../tools/crypto/content-key') as typeof import('../../../tools/crypto/content-key');
  const { generateKeyPairSync, createECDH } = require('node:crypto') as typeof import('node:crypto');

  test('GenKey to TempKey then ECDH: the secret node:crypto derives from the ephemeral key; a fresh key each time', () => {
    const { chip, se } = setup();
    const store = createECDH('prime256v1');
    store.generateKeys();
    const a = se.ephemeralEcdh(new Uint8Array(store.getPublicKey()));
    expect(chip.log.slice(-2)).toEqual(['GenKey', 'ECDH']);
    expect(chip.state).toBe('asleep');
    expect(Buffer.from(a.secret).toString('hex')).toBe(store.computeSecret(a.ephemeral).toString('hex'));
    const b = se.ephemeralEcdh(new Uint8Array(store.getPublicKey()));
    expect(Buffer.from(b.ephemeral).toString('hex')).not.toBe(Buffer.from(a.ephemeral).toString('hex'));
    se.close();
  });

  test('the unit wraps a content key through the chip; the store unwraps it', () => {
    const { se } = setup();
    const store = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const K = Uint8Array.from({ length: 16 }, (_, i) => i + 100);
    const w = wrapContentKey(se, publicPoint(store.publicKey), K, 'QC-SIM-0001', 3);
    expect(Buffer.from(unwrapContentKey(store.privateKey, w, { deviceId: 'QC-SIM-0001', seq: 3 }))).toEqual(Buffer.from(K));
    se.close();
  });

  test('a peer point off the curve is an execution error; a malformed peer is refused before the bus', () => {
    const { se } = setup();
    const off = new Uint8Array(65);
    off[0] = 0x04;
    off[1] = 1;
    expect(() => se.ephemeralEcdh(off)).toThrow(SecureElementError);
    expect(() => se.ephemeralEcdh(new Uint8Array(64))).toThrow(/SEC1/);
    se.close();
  });

  test('the model: ECDH after a Nonce (a digest in TempKey) is refused with 0x0F; GenKey 0x04 to 0xFFFF answers a public key', () => {
    board = new SimBoard();
    useBoard(board);
    const chip = new Atecc608({ seed: 'm' });
    chip.wakeCondition();
    advance(1.5);
    expect([...chip.read(4, true)]).toEqual([0x04, 0x11, 0x33, 0x43]);
    chip.write(commandPacket(Opcode.NONCE, 0x03, 0, new Uint8Array(32)), true);
    advance(3);
    expect([...chip.read(4, true)].slice(0, 2)).toEqual([0x04, 0x00]);
    chip.write(commandPacket(Opcode.ECDH, 0x0d, 0, new Uint8Array(64).fill(1)), true);
    advance(1);
    expect([...chip.read(4, true)].slice(0, 2)).toEqual([0x04, 0x0f]);
    chip.write(commandPacket(Opcode.GENKEY, 0x04, 0xffff), true);
    advance(58);
    expect(chip.read(67, true)[0]).toBe(67);
    chip.write(commandPacket(Opcode.ECDH, 0x0c, 0, new Uint8Array(64)), true); // other modes: not modelled
    advance(1);
    expect([...chip.read(4, true)].slice(0, 2)).toEqual([0x04, 0x03]);
  });
});
