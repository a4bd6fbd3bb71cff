// The Microchip ATECC608 secure element on I2C: the body camera's device key lives in its
// slot 0 and never leaves it. The driver speaks the chip's I2C command protocol
// (atecc608-protocol.ts): wake, command packets with CRC-16, polling for the response
// while the chip computes, status codes, sleep.
//
// Wake: the chip sleeps until SDA is held low for tWLO (60 µs). An ECMA-419 I2C class cannot
// hold SDA low, so, as Microchip recommends, the driver sends one 0x00 byte at 100 kHz: a
// second I2C instance at the general-call address 0x00 whose address byte keeps SDA low for
// 8 bit times (80 µs). Nothing acknowledges that address, so the write fails with a NACK,
// which is expected. After tWHI (1.5 ms) the chip answers a read with 04 11 33 43.
//
// The watchdog puts the chip back to sleep 0.7…1.7 s after a wake, losing TempKey. The
// driver keeps track of when it woke the chip and wakes it anew before a command that might
// not finish in time; when the chip has fallen asleep anyway (it NACKs), or refuses a command
// with 0xEE (watchdog about to expire), the driver wakes it and sends the command again.
// Nonce and Sign form a pair (Sign signs the digest Nonce put in TempKey), so losing
// TempKey in between makes the driver redo the pair.
//
// Line errors: a response with a bad CRC is read again (word address 0x00 rewinds the
// output buffer); a command the chip received with a bad CRC (status 0xFF) is sent again.
import Time from "time";
import Timer from "timer";
import { sha256 } from "../crypto/sha256";
import { keyIdOf, type SignatureChecker, type Signer } from "../crypto/signer";
import type { I2cIo, I2cPartOptions } from "../rtc/i2c-io";
import {
  Config,
  EXECUTION_MS,
  GENKEY_PUBLIC,
  GENKEY_PRIVATE,
  TEMPKEY_KEY_ID,
  ECDH_TEMPKEY_CLEAR,
  KEY_TYPE_P256,
  LOCKED,
  NONCE_PASS_THROUGH,
  Opcode,
  READ_32,
  SIGN_EXTERNAL,
  Status,
  T_WHI_MS,
  VERIFY_EXTERNAL,
  WAKE_RESPONSE,
  WATCHDOG_MIN_MS,
  WordAddress,
  Zone,
  commandPacket,
  configAddress,
  dataAddress,
  responsePayload,
  statusText,
} from "./atecc608-protocol";

export const ATECC608_ADDRESS = 0x60;

export interface Atecc608Options {
  /** The I2C class and bus; hz defaults to 400 kHz (the chip allows 1 MHz), address to 0x60. */
  sensor: I2cPartOptions;
  target?: unknown;
}

/** A status the chip reported, or a conversation that failed. */
export class SecureElementError extends Error {
  /** The chip's status byte, when it reported one. */
  readonly status: number | undefined;
  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SecureElementError";
    this.status = status;
  }
}

/** TempKey was lost (the chip slept or faulted between Nonce and Sign): the pair must be redone. */
class TempKeyLost extends Error {}

export interface LockState {
  config: boolean;
  data: boolean;
}

/** Attempts per command before giving up (resends after CRC errors, wakes after the watchdog). */
const ATTEMPTS = 4;
/** Reads of one response before the command is sent again. */
const READS = 3;
const WAKE_ATTEMPTS = 3;
const POLL_MS = 2;
/** The wake pulse: a 0x00 byte at 100 kHz keeps SDA low 80 µs ≥ tWLO. */
const WAKE_HZ = 100_000;
const GENERAL_CALL = 0x00;
/** Longest response the driver asks for: 64 bytes of data (GenKey, Sign). */

interface ExecuteOptions {
  /** Set when the command needs the TempKey an earlier command loaded (Sign after Nonce): the wake count then. */
  tempKeyFrom?: number;
}

/** The data slot holding the state secret. */
export const STATE_SLOT = 8;

export default class ATECC608 {
  target: unknown;
  #io: I2cIo | undefined;
  #wakeIo: I2cIo | undefined;
  #awake = false;
  /** Time.ticks at the last wake. */
  #wokeAt = 0;
  /** Wakes so far: TempKey survives only within one. */
  #wakes = 0;
  #revision: Uint8Array | undefined;

  constructor(options: Atecc608Options) {
    const { io: IO, ...bus } = options.sensor;
    const io = new IO({ hz: 400_000, address: ATECC608_ADDRESS, ...bus });
    let wakeIo: I2cIo | undefined;
    try {
      wakeIo = new IO({ ...bus, hz: WAKE_HZ, address: GENERAL_CALL });
      this.#io = io;
      this.#wakeIo = wakeIo;
      const revision = this.info();
      if ((revision[2] & 0xf0) !== 0x60) throw new SecureElementError(`not an ATECC608: revision ${hex(revision)}`);
      this.#revision = revision;
      this.sleep();
    } catch (e) {
      io.close();
      wakeIo?.close();
      this.#io = this.#wakeIo = undefined;
      throw e;
    }
    this.target = options.target;
  }

  /** The Info revision read at construction (ATECC608A 00 00 60 02, ATECC608B 00 00 60 03). */
  get revision(): Uint8Array {
    this.#open();
    return (this.#revision as Uint8Array).slice();
  }

  // Power states.

  /** Wakes the chip (the wake pulse, tWHI, the wake response); an awake chip is put to sleep and woken afresh. */
  wake(): void {
    const io = this.#open();
    const wakeIo = this.#wakeIo as I2cIo;
    let last = "no answer";
    for (let attempt = 0; attempt < WAKE_ATTEMPTS; attempt++) {
      try {
        wakeIo.write(Uint8Array.of(0));
      } catch {
        // Expected: nothing acknowledges the general-call address; the low SDA is what counts.
      }
      Timer.delay(T_WHI_MS);
      let answer: Uint8Array | undefined;
      try {
        answer = new Uint8Array(io.read(4));
      } catch {
        answer = undefined; // NACK: the chip did not wake
      }
      if (answer && equal(answer, WAKE_RESPONSE)) {
        this.#awake = true;
        this.#wokeAt = Time.ticks;
        this.#wakes++;
        return;
      }
      if (answer) {
        // It answered with something else: it was already awake (a wake is then ignored and the
        // output buffer still holds an old response), or the line garbled the wake response.
        last = `answered ${hex(answer)} instead of the wake response`;
        this.#sendWord(WordAddress.SLEEP);
      }
    }
    this.#awake = false;
    throw new SecureElementError(`ATECC608 did not wake: ${last}`);
  }

  /** Sleep: the lowest power; TempKey and the other volatile state are lost. */
  sleep(): void {
    this.#open();
    this.#sendWord(WordAddress.SLEEP);
    this.#awake = false;
  }

  /** Idle: stops the watchdog and keeps TempKey; the next command wakes the chip again. */
  idle(): void {
    this.#open();
    this.#sendWord(WordAddress.IDLE);
    this.#awake = false;
  }

  close(): void {
    if (this.#io) {
      try {
        this.sleep();
      } catch {
        // Closing regardless.
      }
    }
    this.#io?.close();
    this.#wakeIo?.close();
    this.#io = this.#wakeIo = undefined;
  }

  // Commands. Each wakes the chip when needed and leaves it awake; call sleep() after a series.

  /** Info mode 0 (revision): 4 bytes. */
  info(): Uint8Array {
    return this.#execute(Opcode.INFO, 0, 0, undefined, 4);
  }

  /** Read: 4 or 32 bytes from a zone at a word address (param2 as the datasheet encodes it). */
  read(zone: number, address: number, length: 4 | 32): Uint8Array {
    return this.#execute(Opcode.READ, zone | (length === 32 ? READ_32 : 0), address, undefined, length);
  }

  /** The whole 128-byte config zone. */
  readConfig(): Uint8Array {
    const out = new Uint8Array(Config.SIZE);
    for (let block = 0; block < 4; block++) out.set(this.read(Zone.CONFIG, configAddress(block * 32), 32), block * 32);
    return out;
  }

  /** Reads a data-zone slot's first 32 bytes; a secret slot (a private key) makes the chip refuse. */
  readSlot(slot: number, block = 0): Uint8Array {
    return this.read(Zone.DATA, dataAddress(slot, block), 32);
  }

  /**
   * The unit's state secret: slot 8's first block, written with random bytes at
   * personalization. It seals the unit's own state files (firmware/core/storage/state-files.ts),
   * so a dump of the NOR alone does not give them up; it opens no evidence.
   */
  stateSecret(): Uint8Array {
    return this.readSlot(STATE_SLOT);
  }

  /** The 9-byte serial number: SN[0:3] and SN[4:8] of the config zone (01 23 … EE on real parts). */
  serialNumber(): Uint8Array {
    const block0 = this.read(Zone.CONFIG, configAddress(0), 32);
    const sn = new Uint8Array(9);
    sn.set(block0.subarray(Config.SN_0_3, Config.SN_0_3 + 4), 0);
    sn.set(block0.subarray(Config.SN_4_8, Config.SN_4_8 + 5), 4);
    return sn;
  }

  /** Whether the config zone and the data/OTP zones are locked (a provisioned part has both). */
  lockState(): LockState {
    const word = this.read(Zone.CONFIG, configAddress(Config.LOCK_VALUE & ~3), 4);
    return { data: word[Config.LOCK_VALUE & 3] === LOCKED, config: word[Config.LOCK_CONFIG & 3] === LOCKED };
  }

  /** GenKey mode 0x00: the public key of the private key in `slot`, X ‖ Y (64 bytes). */
  genKeyPublic(slot: number): Uint8Array {
    return this.#execute(Opcode.GENKEY, GENKEY_PUBLIC, slot, undefined, 64);
  }

  /** Random mode 0: 32 random bytes from the chip's generator. */
  random(): Uint8Array {
    return this.#execute(Opcode.RANDOM, 0, 0, undefined, 32);
  }

  /** Nonce pass-through: the 32 bytes go into TempKey as they are. */
  nonce(value: Uint8Array): void {
    if (value.length !== 32) throw new RangeError("Nonce pass-through takes 32 bytes");
    const r = this.#execute(Opcode.NONCE, NONCE_PASS_THROUGH, 0, value, 1);
    if (r[0] !== Status.SUCCESS) throw new SecureElementError(`Nonce: ${statusText(r[0])}`, r[0]);
  }

  /**
   * ECDSA P-256 signature (r ‖ s, 64 bytes) by the private key in `slot` over a 32-byte digest:
   * Nonce pass-through of the digest, then Sign external. Leaves the chip asleep.
   */
  signDigest(slot: number, digest: Uint8Array): Uint8Array {
    return this.#afterNonce(digest, Opcode.SIGN, (tempKeyFrom) => this.#execute(Opcode.SIGN, SIGN_EXTERNAL, slot, undefined, 64, { tempKeyFrom }));
  }

  /**
   * Checks an ECDSA P-256 signature (r ‖ s) over a 32-byte digest against a public key given
   * with the command (SEC1 uncompressed): Nonce pass-through of the digest, then Verify
   * external. False on a miscompare; throws when the chip cannot answer. Leaves it asleep.
   */
  verifyDigest(publicKey: Uint8Array, digest: Uint8Array, signature: Uint8Array): boolean {
    if (publicKey.length !== 65 || publicKey[0] !== 0x04 || signature.length !== 64) return false;
    const data = new Uint8Array(128);
    data.set(signature, 0);
    data.set(publicKey.subarray(1), 64);
    return this.#afterNonce(digest, Opcode.VERIFY, (tempKeyFrom) => {
      try {
        this.#execute(Opcode.VERIFY, VERIFY_EXTERNAL, KEY_TYPE_P256, data, 1, { tempKeyFrom });
        return true;
      } catch (e) {
        if (e instanceof SecureElementError && e.status === Status.MISCOMPARE) return false;
        throw e;
      }
    });
  }

  /**
   * Loads `digest` into TempKey (Nonce pass-through) and runs `command` on it, in one wake;
   * the pair is redone when TempKey was lost in between (the chip slept or faulted). Leaves
   * the chip asleep.
   */
  #afterNonce<T>(digest: Uint8Array, opcode: number, command: (tempKeyFrom: number) => T): T {
    if (digest.length !== 32) throw new RangeError("the digest must be 32 bytes");
    const need = EXECUTION_MS[Opcode.NONCE].max + EXECUTION_MS[opcode].max;
    try {
      for (let attempt = 1; ; attempt++) {
        this.#ensureTime(need);
        this.nonce(digest);
        try {
          return command(this.#wakes);
        } catch (e) {
          if (!(e instanceof TempKeyLost) || attempt >= ATTEMPTS) throw e instanceof TempKeyLost ? new SecureElementError(`${OPCODE_NAMES[opcode]}: ${e.message}`) : e;
        }
      }
    } finally {
      this.#quietSleep();
    }
  }

  /**
   * Ephemeral-static ECDH P-256: GenKey makes a fresh private key in TempKey, ECDH uses it up
   * with `peer` (SEC1 uncompressed). In one wake, redone when TempKey was lost in between.
   * Leaves the chip asleep; the private key never left it.
   */
  ephemeralEcdh(peer: Uint8Array): { ephemeral: Uint8Array; secret: Uint8Array } {
    if (peer.length !== 65 || peer[0] !== 0x04) throw new RangeError("the peer key must be SEC1 uncompressed (65 bytes)");
    const need = EXECUTION_MS[Opcode.GENKEY].max + EXECUTION_MS[Opcode.ECDH].max;
    try {
      for (let attempt = 1; ; attempt++) {
        this.#ensureTime(need);
        const xy = this.#execute(Opcode.GENKEY, GENKEY_PRIVATE, TEMPKEY_KEY_ID, undefined, 64);
        try {
          const secret = this.#execute(Opcode.ECDH, ECDH_TEMPKEY_CLEAR, 0, peer.subarray(1), 32, { tempKeyFrom: this.#wakes });
          const ephemeral = new Uint8Array(65);
          ephemeral[0] = 0x04;
          ephemeral.set(xy, 1);
          return { ephemeral, secret };
        } catch (e) {
          if (!(e instanceof TempKeyLost) || attempt >= ATTEMPTS) throw e instanceof TempKeyLost ? new SecureElementError(`ECDH: ${e.message}`) : e;
        }
      }
    } finally {
      this.#quietSleep();
    }
  }

  /** The public key of `slot` as SEC1 uncompressed bytes (0x04 ‖ X ‖ Y). Leaves the chip asleep. */
  publicKey(slot: number): Uint8Array {
    try {
      const xy = this.genKeyPublic(slot);
      const key = new Uint8Array(65);
      key[0] = 0x04;
      key.set(xy, 1);
      return key;
    } finally {
      this.#quietSleep();
    }
  }

  // The conversation.

  #execute(opcode: number, param1: number, param2: number, data: Uint8Array | undefined, resultLength: number, options: ExecuteOptions = {}): Uint8Array {
    const io = this.#open();
    const packet = commandPacket(opcode, param1, param2, data);
    const timing = EXECUTION_MS[opcode];
    const name = OPCODE_NAMES[opcode] ?? `opcode 0x${opcode.toString(16)}`;
    const keep = options.tempKeyFrom;
    const lost = (why: string): never => {
      throw new TempKeyLost(why);
    };
    let problem = "";
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      this.#ensureTime(timing.max);
      if (keep !== undefined && this.#wakes !== keep) lost(problem || "the device had to be woken again before the command");
      try {
        io.write(packet);
      } catch {
        // NACK: asleep (the watchdog) or still busy. Wake it and send again.
        problem = "the device did not acknowledge the command";
        this.#awake = false;
        continue;
      }
      const response = this.#response(io, timing.first, timing.max, resultLength);
      if (response === undefined) {
        problem = "no response within the execution time";
        this.#awake = false;
        if (keep !== undefined) lost(problem);
        continue;
      }
      if (response === null) {
        problem = "the response's CRC did not check after rereading it";
        if (keep !== undefined) lost(problem); // the chip ran the command and used up TempKey
        continue;
      }
      // A one-byte result is a status: 0x00 is the success Nonce pass-through answers with.
      if (response.length === resultLength && (resultLength !== 1 || response[0] === Status.SUCCESS)) return response;
      const status = response.length === 1 ? response[0] : -1;
      if (status === -1) throw new SecureElementError(`${name}: unexpected ${response.length}-byte response`);
      switch (status) {
        case Status.CRC_ERROR:
          problem = statusText(status);
          continue; // the chip did not run it: TempKey is intact
        case Status.WATCHDOG_ABOUT_TO_EXPIRE:
        case Status.AFTER_WAKE:
          problem = statusText(status);
          this.#quietSleep();
          if (keep !== undefined) lost(problem);
          continue;
        case Status.ECC_FAULT:
          problem = statusText(status);
          if (keep !== undefined) lost(problem);
          continue; // the datasheet: retry the command
        default:
          throw new SecureElementError(`${name}: ${statusText(status)}`, status);
      }
    }
    throw new SecureElementError(`${name} failed after ${ATTEMPTS} attempts: ${problem}`);
  }

  /**
   * Waits for and reads a response: the payload; undefined when the chip never answered
   * within `maxMs`; null when the CRC failed on every read.
   */
  #response(io: I2cIo, firstMs: number, maxMs: number, resultLength: number): Uint8Array | undefined | null {
    Timer.delay(firstMs);
    let waited = firstMs;
    let count: number | undefined;
    for (;;) {
      try {
        count = new Uint8Array(io.read(1))[0];
        break;
      } catch {
        // NACK: still computing.
      }
      if (waited >= maxMs) return undefined;
      Timer.delay(POLL_MS);
      waited += POLL_MS;
    }
    for (let read = 1; ; read++) {
      try {
        if (count === 4 || count === resultLength + 3) {
          const packet = new Uint8Array(count);
          packet[0] = count;
          packet.set(new Uint8Array(io.read(count - 1)), 1);
          const payload = responsePayload(packet);
          if (payload) return payload;
        }
        if (read >= READS) return null;
        // Rewind the output buffer and read the same response again.
        io.write(Uint8Array.of(WordAddress.RESET));
        count = new Uint8Array(io.read(1))[0];
      } catch {
        return undefined; // NACK in the middle of a response: the chip went to sleep
      }
    }
  }

  /** Makes sure the chip is awake with at least `ms` left before the earliest watchdog expiry. */
  #ensureTime(ms: number): void {
    if (this.#awake && Time.delta(this.#wokeAt) + ms < WATCHDOG_MIN_MS) return;
    if (this.#awake) this.#quietSleep();
    this.wake();
  }

  #quietSleep(): void {
    this.#sendWord(WordAddress.SLEEP);
    this.#awake = false;
  }

  /** A word address alone (sleep, idle, reset); a sleeping chip NACKs, which is no matter. */
  #sendWord(word: number): void {
    try {
      this.#open().write(Uint8Array.of(word));
    } catch {
      // Already asleep.
    }
  }

  #open(): I2cIo {
    if (!this.#io) throw new Error("closed");
    return this.#io;
  }
}

const OPCODE_NAMES: Record<number, string> = {
  [Opcode.READ]: "Read",
  [Opcode.VERIFY]: "Verify",
  [Opcode.NONCE]: "Nonce",
  [Opcode.RANDOM]: "Random",
  [Opcode.INFO]: "Info",
  [Opcode.GENKEY]: "GenKey",
  [Opcode.SIGN]: "Sign",
  [Opcode.ECDH]: "ECDH",
};

/**
 * The device key in the secure element as the evidence chain's Signer: the public key is
 * read once (GenKey public), signing hashes the message with SHA-256 (native) and has the
 * chip sign the digest. Refuses a part whose zones are not locked: its key could be replaced.
 */
export class SecureElementSigner implements Signer {
  readonly publicKey: Uint8Array;
  readonly keyId: Uint8Array;
  /** The chip's 9-byte serial number. */
  readonly serialNumber: Uint8Array;
  readonly #element: ATECC608;
  readonly #slot: number;

  constructor(element: ATECC608, slot = 0) {
    this.#element = element;
    this.#slot = slot;
    try {
      const locks = element.lockState();
      if (!locks.config || !locks.data) {
        throw new SecureElementError(`ATECC608 is not provisioned: ${locks.config ? "" : "config zone unlocked"}${!locks.config && !locks.data ? ", " : ""}${locks.data ? "" : "data zone unlocked"}`);
      }
      this.serialNumber = element.serialNumber();
    } finally {
      element.sleep();
    }
    this.publicKey = element.publicKey(slot);
    this.keyId = keyIdOf(this.publicKey);
  }

  sign(message: Uint8Array): Uint8Array {
    return this.#element.signDigest(this.#slot, sha256(message));
  }
}

/**
 * Signature checking in the secure element (technicians' logins, the store's receipts):
 * the message is hashed natively and the chip's Verify compares. A chip that cannot answer
 * counts as "does not verify": nothing is accepted unchecked.
 */
export class SecureElementChecker implements SignatureChecker {
  readonly #element: ATECC608;

  constructor(element: ATECC608) {
    this.#element = element;
  }

  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    try {
      return this.#element.verifyDigest(publicKey, sha256(message), signature);
    } catch (e) {
      if (e instanceof SecureElementError) return false;
      throw e;
    }
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function hex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += (i ? " " : "") + bytes[i].toString(16).padStart(2, "0");
  return s;
}
