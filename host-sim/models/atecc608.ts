// Microchip ATECC608B secure element at the I2C packet level, as its datasheet (and the
// ATECC508A's public one) describes it:
// - Power states: asleep (every transaction at its address NACKs), idle (same, TempKey kept),
//   awake. A wake condition (SDA low ≥ tWLO) wakes it; the wake response 04 11 33 43 can be
//   read tWHI (1.5 ms) later; a wake while awake is ignored. The simulated bus carries no
//   line timing, so the wake condition is a transaction to the general-call address 0x00
//   (a 0x00 byte at 100 kHz holds SDA low 80 µs): attachAtecc608 puts a listener there that
//   NACKs, as nothing acknowledges that address.
// - The watchdog: tWATCHDOG (1.3 s typical) after a wake the chip goes to sleep, losing
//   TempKey. A command that could not finish before then is refused with 0xEE.
// - Word addresses: 0x00 rewinds the output buffer, 0x01 sleep, 0x02 idle, 0x03 command.
// - Command packets [count, opcode, p1, p2 (LE), data…, CRC-16 LE]: a count or CRC that does
//   not check gives status 0xFF without running anything. While a command runs the chip is
//   busy and NACKs reads and writes; the result waits in the output buffer afterwards.
// - Commands: Info (revision), Read (config zone always; data zone only once locked and
//   never a secret slot: execution error 0x0F), GenKey mode 0x00 (public key of a slot's
//   private key), Nonce pass-through (32 bytes into TempKey), Sign external (mode 0x80, the
//   digest in TempKey, TempKey used up), Random (mode 0), GenKey mode 0x04 to TempKey (0xFFFF,
//   an ephemeral private key; its public key answered) and ECDH mode 0x0D (TempKey's private
//   key, the shared secret answered in the clear, TempKey used up). Anything else: parse error 0x03.
// - Config zone: serial number 01 23 xx xx xx xx xx xx EE, RevNum 00 00 60 03, I2C address
//   0xC0, slot 0 an ECC P-256 private key (SlotConfig 83 00: secret, external and internal
//   signatures; KeyConfig 33 00: private, P-256, lockable), lock bytes 0x00 (locked) or 0x55.
// - Slot 0's private key: derived from a seed at "provisioning" and never readable. Signatures
//   are RFC 6979 deterministic (a real chip draws k at random) so simulated images are
//   reproducible; s is not normalized to the lower half.
// Execution times are model choices under the maxima cryptoauthlib waits for (608, M0).
// Not modelled: the other commands and modes, the I/O protection key, clock dividers,
// self-test, the wake of an idle chip by slow traffic for other parts.
import { createHash } from 'node:crypto';
import { p256 } from '@noble/curves/p256';
import { currentBoard } from '../board/current';
import type { I2cTarget, SimBoard } from '../board/sim-board';
import type { Scheduler } from '../time/scheduler';

export const ATECC608_ADDRESS = 0x60;

export interface Atecc608ModelOptions {
  /** Seed of the provisioned private key and the serial number. */
  seed: string | number;
  /** The 9-byte serial number; defaults to 01 23, six bytes from the seed, EE. */
  serialNumber?: Uint8Array;
  /** Config and data zones locked (a provisioned part). Default true; false: a blank part with no key. */
  locked?: boolean;
  /** Watchdog period, ms (the datasheet: 700…1700, typically 1300). */
  watchdogMs?: number;
  scheduler?: Scheduler;
}

export type Atecc608State = 'asleep' | 'idle' | 'awake';

const T_WHI_MS = 1.5;
const WATCHDOG_MS = 1300;
const STATUS = { SUCCESS: 0x00, MISCOMPARE: 0x01, PARSE_ERROR: 0x03, EXECUTION_ERROR: 0x0f, AFTER_WAKE: 0x11, WATCHDOG: 0xee, CRC_ERROR: 0xff } as const;
const OP = { READ: 0x02, NONCE: 0x16, RANDOM: 0x1b, INFO: 0x30, GENKEY: 0x40, SIGN: 0x41, ECDH: 0x43, VERIFY: 0x45 } as const;
/** How long each command keeps the chip busy, ms. */
const EXEC_MS: Record<number, number> = { [OP.READ]: 0.8, [OP.NONCE]: 2.5, [OP.RANDOM]: 11, [OP.INFO]: 0.4, [OP.GENKEY]: 58, [OP.SIGN]: 48, [OP.ECDH]: 38, [OP.VERIFY]: 58 };
/** Parse errors and CRC errors are reported almost at once. */
const REJECT_MS = 0.1;
const REVISION = [0x00, 0x00, 0x60, 0x03];
/** The data slot holding the unit's state secret (hal/secure-element/atecc608.ts). */
const STATE_SLOT = 8;

/** Data-zone slot sizes in bytes: slots 0…7 36, slot 8 416, slots 9…15 72. */
const SLOT_SIZES = Array.from({ length: 16 }, (_, i) => (i < 8 ? 36 : i === 8 ? 416 : 72));

/** The protocol's CRC-16 (poly 0x8005, bits taken least significant first), written here independently of the driver's. */
export function atcaCrc(bytes: Uint8Array): number {
  let reg = 0;
  for (const byte of bytes) {
    for (let mask = 1; mask < 0x100; mask <<= 1) {
      const feedback = ((byte & mask) !== 0 ? 1 : 0) ^ (reg >>> 15);
      reg = (reg << 1) & 0xffff;
      if (feedback) reg ^= 0x8005;
    }
  }
  return reg;
}

function packet(payload: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(payload.length + 3);
  out[0] = out.length;
  out.set(payload, 1);
  const crc = atcaCrc(out.subarray(0, out.length - 2));
  out[out.length - 2] = crc & 0xff;
  out[out.length - 1] = crc >> 8;
  return out;
}

function sha256(...parts: (string | Uint8Array)[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export class Atecc608 implements I2cTarget {
  readonly #scheduler: Scheduler;
  readonly #config = new Uint8Array(128);
  readonly #slots = SLOT_SIZES.map((n) => new Uint8Array(n));
  readonly #watchdogMs: number;
  /** Slot 0's private scalar; undefined on a blank part. */
  readonly #privateKey: Uint8Array | undefined;
  readonly #seed: string;
  #state: Atecc608State = 'asleep';
  /** When the chip woke (the watchdog runs from here) and when it listens (tWHI later). */
  #wokeAt = 0;
  #busyUntil = 0;
  #output: Uint8Array = new Uint8Array(0);
  #readPointer = 0;
  #tempKey: Uint8Array | undefined;
  /** TempKey holds a private key (GenKey mode 0x04 to 0xFFFF), not a digest. */
  #tempKeyIsPrivate = false;
  #ephemeralCounter = 0;
  #randomCounter = 0;
  #corruptCommands = 0;
  #corruptResponses = 0;
  #corruptOnly: string | undefined;
  /** What the output buffer answers: an opcode name, or 'wake'. */
  #outputOf = '';
  /** Commands received intact, by opcode name (for tests). */
  readonly log: string[] = [];
  /** Command packets refused for a bad count or CRC. */
  crcErrors = 0;

  constructor(options: Atecc608ModelOptions) {
    this.#scheduler = options.scheduler ?? currentBoard().scheduler;
    this.#watchdogMs = options.watchdogMs ?? WATCHDOG_MS;
    this.#seed = String(options.seed);
    const locked = options.locked ?? true;
    const serial = options.serialNumber ?? Uint8Array.of(0x01, 0x23, ...sha256('atecc608-serial:', this.#seed).subarray(0, 6), 0xee);
    if (serial.length !== 9) throw new RangeError('the serial number is 9 bytes');
    const c = this.#config;
    c.set(serial.subarray(0, 4), 0);
    c.set(REVISION, 4);
    c.set(serial.subarray(4, 9), 8);
    c[13] = 0x01; // AES enabled
    c[14] = 0x01; // I2C enabled
    c[16] = ATECC608_ADDRESS << 1;
    c.set([0x83, 0x00], 20); // SlotConfig[0]
    for (let slot = 0; slot < 2; slot++) c.set([0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00], 52 + slot * 8); // counters at 0
    c[86] = locked ? 0x00 : 0x55; // LockValue
    c[87] = locked ? 0x00 : 0x55; // LockConfig
    c.set([0xff, 0xff], 88); // SlotLocked: no slot individually locked
    c.set([0x33, 0x00], 96); // KeyConfig[0]
    for (let slot = 1; slot < 16; slot++) c.set([0x3c, 0x00], 96 + slot * 2); // data slots
    if (locked) {
      for (let counter = 0; ; counter++) {
        const candidate = sha256(`quancheng-atecc608-key:${this.#seed}:${counter}`);
        if (p256.utils.isValidPrivateKey(candidate)) {
          this.#privateKey = candidate;
          break;
        }
      }
      this.#slots[0].set(this.#privateKey as Uint8Array);
      // Slot 8's first block: the unit's state secret, written at personalization (random on a real part).
      this.#slots[STATE_SLOT].set(sha256(`quancheng-atecc608-state:${this.#seed}`));
    }
  }

  // The world acting on the part.

  get state(): Atecc608State {
    this.#runWatchdog();
    return this.#state;
  }

  /** The public key of slot 0 as provisioning recorded it (SEC1 uncompressed), or undefined on a blank part. */
  provisionedPublicKey(): Uint8Array | undefined {
    return this.#privateKey && p256.getPublicKey(this.#privateKey, false);
  }

  /** The config zone as it is (a test's view; the driver reads it with Read). */
  configZone(): Uint8Array {
    return this.#config.slice();
  }

  /** Line noise: the next n command packets arrive with a bit flipped (the chip answers 0xFF). */
  corruptNextCommands(n: number): void {
    this.#corruptCommands += n;
  }

  /**
   * Line noise: the last byte (part of the CRC) of the next n reads that reach the end of a
   * response arrives with a bit flipped; with `only`, just responses to that command ('Sign',
   * 'GenKey', … or 'wake').
   */
  corruptNextResponses(n: number, only?: string): void {
    this.#corruptResponses = n;
    this.#corruptOnly = only;
  }

  /**
   * The supply went away and came back (a device power cut or reboot, after which the
   * scheduler's monotonic time may start over): asleep, TempKey and the output buffer gone.
   * The EEPROM zones (config, slots, the key) keep their contents.
   */
  powerCycle(): void {
    this.#state = 'asleep';
    this.#tempKey = undefined;
    this.#wokeAt = 0;
    this.#busyUntil = 0;
    this.#setOutput(new Uint8Array(0), '');
  }

  /** SDA held low ≥ tWLO: wakes a sleeping or idle chip; ignored when awake. */
  wakeCondition(): void {
    this.#runWatchdog();
    if (this.#state === 'awake') return;
    const now = this.#now();
    if (this.#state === 'asleep') this.#tempKey = undefined;
    this.#state = 'awake';
    this.#wokeAt = now;
    this.#busyUntil = now + T_WHI_MS;
    this.#setOutput(packet([STATUS.AFTER_WAKE]), 'wake');
  }

  // I2C target.

  write(data: Uint8Array, stop: boolean): void {
    void stop;
    this.#listening('write');
    if (data.length === 0) return; // an address probe: ACKed
    const word = data[0];
    switch (word) {
      case 0x00:
        this.#readPointer = 0;
        return;
      case 0x01:
        this.#state = 'asleep';
        this.#tempKey = undefined;
        return;
      case 0x02:
        this.#state = 'idle';
        return;
      case 0x03:
        this.#command(data.slice(1));
        return;
      default:
        throw new Error(`ATECC608 model: word address 0x${word.toString(16)} is not acknowledged`);
    }
  }

  read(length: number, stop: boolean): Uint8Array {
    void stop;
    this.#listening('read');
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.#readPointer < this.#output.length ? this.#output[this.#readPointer++] : 0xff;
    const targeted = this.#corruptOnly === undefined || this.#corruptOnly === this.#outputOf;
    if (this.#corruptResponses > 0 && targeted && length > 0 && this.#readPointer === this.#output.length) {
      this.#corruptResponses--;
      out[length - 1] ^= 0x01;
    }
    return out;
  }

  // Internals.

  #now(): number {
    return this.#scheduler.now();
  }

  #runWatchdog(): void {
    if (this.#state === 'awake' && this.#now() >= this.#wokeAt + this.#watchdogMs) {
      this.#state = 'asleep';
      this.#tempKey = undefined;
    }
  }

  /** Throws (a NACK) unless the chip is awake and not busy. */
  #listening(what: string): void {
    this.#runWatchdog();
    if (this.#state !== 'awake') throw new Error(`ATECC608 model: ${this.#state}, ${what} not acknowledged`);
    if (this.#now() < this.#busyUntil) throw new Error(`ATECC608 model: busy, ${what} not acknowledged`);
  }

  #setOutput(bytes: Uint8Array, of: string): void {
    this.#output = bytes;
    this.#outputOf = of;
    this.#readPointer = 0;
  }

  #respond(payload: ArrayLike<number>, ms: number, of = ''): void {
    this.#busyUntil = this.#now() + ms;
    this.#setOutput(packet(payload), of);
  }

  #command(raw: Uint8Array): void {
    const p = raw.slice();
    if (this.#corruptCommands > 0 && p.length > 1) {
      this.#corruptCommands--;
      p[1] ^= 0x04;
    }
    const count = p[0];
    const crc = p.length >= 7 && count === p.length ? atcaCrc(p.subarray(0, count - 2)) : -1;
    if (crc < 0 || p[count - 2] !== (crc & 0xff) || p[count - 1] !== crc >> 8) {
      this.crcErrors++;
      return this.#respond([STATUS.CRC_ERROR], REJECT_MS);
    }
    const opcode = p[1];
    const p1 = p[2];
    const p2 = p[3] | (p[4] << 8);
    const data = p.subarray(5, count - 2);
    const exec = EXEC_MS[opcode];
    this.log.push(OPCODE_NAME[opcode] ?? `0x${opcode.toString(16)}`);
    if (exec === undefined) return this.#respond([STATUS.PARSE_ERROR], REJECT_MS);
    if (this.#now() + exec >= this.#wokeAt + this.#watchdogMs) return this.#respond([STATUS.WATCHDOG], REJECT_MS);
    const result = this.#run(opcode, p1, p2, data);
    this.#respond(typeof result === 'number' ? [result] : result, typeof result === 'number' && result !== STATUS.SUCCESS ? Math.min(exec, 1) : exec, OPCODE_NAME[opcode]);
  }

  /** Runs a command: its response payload, or a status byte. */
  #run(opcode: number, p1: number, p2: number, data: Uint8Array): Uint8Array | number {
    const locked = this.#config[86] === 0x00;
    switch (opcode) {
      case OP.INFO:
        if (p1 !== 0x00 || p2 !== 0 || data.length) return STATUS.PARSE_ERROR;
        return Uint8Array.from(REVISION);
      case OP.READ:
        return this.#read(p1, p2, data.length, locked);
      case OP.GENKEY: {
        if (p1 === 0x04 && p2 === 0xffff && !data.length) {
          // A fresh private key into TempKey (the ephemeral of an ECDH); deterministic here, drawn by the chip's RNG on a real part.
          if (!locked) return STATUS.EXECUTION_ERROR;
          const priv = sha256(`quancheng-atecc608-ephemeral:${this.#seed}:${this.#ephemeralCounter++}`); // below the order n but for odds of 2^-128
          this.#tempKey = priv;
          this.#tempKeyIsPrivate = true;
          return p256.getPublicKey(priv, false).slice(1);
        }
        if (p1 !== 0x00 || data.length) return STATUS.PARSE_ERROR; // otherwise only public-key computation is modelled
        if (p2 > 15) return STATUS.PARSE_ERROR;
        if (p2 !== 0 || !this.#privateKey) return STATUS.EXECUTION_ERROR;
        return p256.getPublicKey(this.#privateKey, false).slice(1);
      }
      case OP.NONCE:
        if (p1 !== 0x03 || p2 !== 0 || data.length !== 32) return STATUS.PARSE_ERROR;
        this.#tempKey = data.slice();
        this.#tempKeyIsPrivate = false;
        return STATUS.SUCCESS;
      case OP.SIGN: {
        if (p1 !== 0x80 || data.length) return STATUS.PARSE_ERROR; // external, message in TempKey
        if (p2 > 15) return STATUS.PARSE_ERROR;
        const digest = this.#tempKeyIsPrivate ? undefined : this.#tempKey;
        this.#tempKey = undefined; // Sign uses TempKey up, whatever the outcome
        if (!locked || p2 !== 0 || !this.#privateKey || !digest) return STATUS.EXECUTION_ERROR;
        return p256.sign(digest, this.#privateKey, { lowS: false, prehash: false }).toCompactRawBytes();
      }
      case OP.VERIFY: {
        // Only external mode with a P-256 key given in the command is modelled: signature R ‖ S, then X ‖ Y.
        if (p1 !== 0x02 || p2 !== 0x0004 || data.length !== 128) return STATUS.PARSE_ERROR;
        const digest = this.#tempKeyIsPrivate ? undefined : this.#tempKey;
        this.#tempKey = undefined;
        if (!digest) return STATUS.EXECUTION_ERROR;
        const key = new Uint8Array(65);
        key[0] = 0x04;
        key.set(data.subarray(64), 1);
        let ok = false;
        try {
          ok = p256.verify(data.slice(0, 64), digest, key, { prehash: false, lowS: false });
        } catch {
          ok = false; // not a point on the curve: the chip reports a miscompare
        }
        return ok ? STATUS.SUCCESS : STATUS.MISCOMPARE;
      }
      case OP.ECDH: {
        // Only mode 0x0D is modelled: the private key in TempKey, the shared secret (x of e·Q) in the clear in the response.
        if (p1 !== 0x0d || p2 !== 0 || data.length !== 64) return STATUS.PARSE_ERROR;
        const priv = this.#tempKeyIsPrivate ? this.#tempKey : undefined;
        this.#tempKey = undefined; // the ephemeral key is used once, then gone
        if (!priv) return STATUS.EXECUTION_ERROR;
        try {
          return p256.getSharedSecret(priv, Uint8Array.of(0x04, ...data), false).slice(1, 33);
        } catch {
          return STATUS.EXECUTION_ERROR; // not a point on the curve
        }
      }
      case OP.RANDOM: {
        if (p1 !== 0x00 || p2 !== 0 || data.length) return STATUS.PARSE_ERROR;
        if (!locked) return Uint8Array.from({ length: 32 }, (_, i) => (i < 2 || (i >= 4 && i < 6) ? 0xff : 0x00)); // an unlocked part's fixed test pattern
        return sha256(`quancheng-atecc608-random:${this.#seed}:${this.#randomCounter++}`);
      }
      default:
        return STATUS.PARSE_ERROR;
    }
  }

  #read(p1: number, p2: number, dataLength: number, locked: boolean): Uint8Array | number {
    if (dataLength || p1 & 0x7c) return STATUS.PARSE_ERROR;
    const zone = p1 & 0x03;
    const length = p1 & 0x80 ? 32 : 4;
    const word = p2 & 0x07;
    if (zone === 0) {
      const block = (p2 >> 3) & 0x1f;
      const offset = block * 32 + (length === 32 ? 0 : word * 4);
      if (block > 3) return STATUS.PARSE_ERROR;
      return this.#config.slice(offset, offset + length);
    }
    if (zone === 1) {
      if (!locked) return STATUS.EXECUTION_ERROR;
      const offset = ((p2 >> 3) & 0x1f) * 32 + (length === 32 ? 0 : word * 4);
      if (offset + length > 64) return STATUS.PARSE_ERROR;
      return new Uint8Array(length); // the OTP zone: erased
    }
    if (zone === 2) {
      const slot = (p2 >> 3) & 0x0f;
      const block = (p2 >> 8) & 0x0f;
      const offset = block * 32 + (length === 32 ? 0 : word * 4);
      if (offset + length > SLOT_SIZES[slot]) return STATUS.PARSE_ERROR;
      if (!locked) return STATUS.EXECUTION_ERROR; // the data zone cannot be read before it is locked
      const isSecret = (this.#config[20 + slot * 2] & 0x80) !== 0;
      if (isSecret) return STATUS.EXECUTION_ERROR; // a secret slot (a private key) is never readable
      return this.#slots[slot].slice(offset, offset + length);
    }
    return STATUS.PARSE_ERROR;
  }
}

const OPCODE_NAME: Record<number, string> = { [OP.READ]: 'Read', [OP.NONCE]: 'Nonce', [OP.RANDOM]: 'Random', [OP.INFO]: 'Info', [OP.GENKEY]: 'GenKey', [OP.SIGN]: 'Sign', [OP.ECDH]: 'ECDH', [OP.VERIFY]: 'Verify' };

/** The general-call address: every ATECC608 on the bus sees a transaction there as the wake condition. Nothing ACKs it. */
class WakeLine implements I2cTarget {
  readonly parts: Atecc608[] = [];
  write(data: Uint8Array, stop: boolean): void {
    void stop;
    // The address byte 0x00 itself holds SDA low for eight bit times, whatever follows.
    for (const p of this.parts) p.wakeCondition();
    throw new Error('general call: not acknowledged');
  }
  read(): Uint8Array {
    throw new Error('general call: not acknowledged');
  }
}

/** Puts the chip on a board's bus at `address`, with the wake condition reaching it through address 0x00. */
export function attachAtecc608(board: SimBoard, port: number, chip: Atecc608, address = ATECC608_ADDRESS): void {
  board.attachI2c(port, address, chip);
  const existing = board.i2c.get(port)?.get(0x00);
  if (existing instanceof WakeLine) existing.parts.push(chip);
  else if (existing) throw new Error(`I2C port ${port}: address 0x00 taken by another part`);
  else {
    const line = new WakeLine();
    line.parts.push(chip);
    board.attachI2c(port, 0x00, line);
  }
}
