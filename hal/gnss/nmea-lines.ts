// NMEA 0183 line assembly from UART bytes. A sentence is "$" + body + "*" + two hex digits,
// at most 82 characters with the CR LF. Whatever is not such a sentence is counted and
// dropped: noise between sentences, lines cut short (a new "$" starts over), lines too long,
// control or 8-bit bytes, a missing or wrong checksum. Memory is one fixed line buffer.

/** Characters from "$" through the checksum (82 with CR LF). */
export const MAX_SENTENCE = 80;

const DOLLAR = 0x24;
const STAR = 0x2a;
const CR = 0x0d;
const LF = 0x0a;

/** What the assembler dropped, by cause (counts only grow; wrap is not a concern at NMEA rates). */
export interface LineCounters {
  /** Sentences whose checksum matched. */
  sentences: number;
  /** Lines with a checksum that did not match. */
  badChecksum: number;
  /** Lines without a checksum, with a malformed one, or with bytes that are not printable ASCII. */
  malformed: number;
  /** Lines longer than MAX_SENTENCE. */
  overlong: number;
  /** Lines cut off by the next "$" before their end. */
  truncated: number;
}

export class LineAssembler implements LineCounters {
  sentences = 0;
  badChecksum = 0;
  malformed = 0;
  overlong = 0;
  truncated = 0;
  readonly #line = new Uint8Array(MAX_SENTENCE);
  /** Bytes in #line; -1 while hunting for "$". */
  #length = -1;
  /** The current line holds a byte that can never be part of a sentence. */
  #bad = false;
  /** The current line ran past MAX_SENTENCE: its bytes are skipped until its end. */
  #long = false;

  /** Feeds received bytes; calls onSentence with the body (between "$" and "*") of each sentence whose checksum matches. */
  push(bytes: Uint8Array, onSentence: (body: string) => void): void {
    const line = this.#line;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === DOLLAR) {
        if (this.#length > 0) this.truncated++;
        line[0] = b;
        this.#length = 1;
        this.#bad = false;
        this.#long = false;
      } else if (this.#length < 0) {
        continue;
      } else if (b === CR || b === LF) {
        this.#end(onSentence);
      } else if (this.#long) {
        continue;
      } else if (this.#length === MAX_SENTENCE) {
        this.#long = true;
      } else {
        if (b < 0x20 || b > 0x7e) this.#bad = true;
        line[this.#length++] = b;
      }
    }
  }

  #end(onSentence: (body: string) => void): void {
    const line = this.#line;
    const length = this.#length;
    this.#length = -1;
    if (this.#long) {
      this.overlong++;
      return;
    }
    const star = length - 3;
    if (this.#bad || star < 1 || line[star] !== STAR) {
      this.malformed++;
      return;
    }
    const expected = (hexDigit(line[star + 1]) << 4) | hexDigit(line[star + 2]);
    if (expected < 0) {
      this.malformed++;
      return;
    }
    let sum = 0;
    for (let i = 1; i < star; i++) sum ^= line[i];
    if (sum !== expected) {
      this.badChecksum++;
      return;
    }
    this.sentences++;
    onSentence(String.fromCharCode(...line.subarray(1, star)));
  }
}

/** 0…15, or a large negative number so that any combination with it stays negative. */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -0x1000;
}
