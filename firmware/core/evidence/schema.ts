// Every record type of the evidence format and the layout of its payload, as data.
// Encoding, decoding, the TypeScript types of decoded records and the tables in
// docs/FORMAT.md all come from this one table.

/** How one payload field is stored (little-endian; see docs/FORMAT.md "Field encodings"). */
export type FieldType =
  | "u8"
  | "u16"
  | "u32"
  | "i32"
  | "u64"
  | "str" // u16 byte length, then UTF-8
  | "bytes" // u16 byte length, then the bytes
  | "hash" // 32 bytes
  | "rest" // every remaining byte of the payload (last field only)
  | readonly string[]; // enumeration stored as u8: the index of the value

export type FieldDef = readonly [name: string, type: FieldType, doc: string];
export interface RecordDef {
  readonly code: number;
  readonly doc: string;
  readonly fields: readonly FieldDef[];
}

export const BOOT_CAUSES = ["cold", "power-loss", "watchdog", "firmware-update", "brownout"] as const;
export const TIME_SOURCES = ["technician", "gnss", "rtc", "officer"] as const;
/** Article 2: the kinds of enforcement action. */
export const ACTION_KINDS = ["licensing", "penalty", "coercive-measure", "inspection", "confirmation", "ruling", "other"] as const;
export const RECORD_TRIGGERS = ["button", "resume", "continuous-restart", "remote", "automatic"] as const;
export const STOP_CAUSES = ["officer", "continuous-confirmed", "technician"] as const;
export const NOTICE_OUTCOMES = ["played", "speaker-fault", "officer-spoke"] as const;
/** Article 13: why recording stopped other than by the officer's normal end. */
export const INTERRUPTION_REASONS = ["device-fault", "low-battery", "storage-full", "weather", "obstruction", "power-loss", "other", "storage-fault"] as const;
export const SETTERS = ["technician", "officer"] as const;
export const PRESSES = ["short", "long-unconfirmed"] as const;
export const CHANNELS = ["button", "maintenance", "other"] as const;
export const DEADLINE_LEVELS = ["approaching", "due-today", "overdue"] as const;
export const BATTERY_LEVELS = ["low", "critical"] as const;
export const STORAGE_LEVELS = ["low", "full"] as const;
/** What happened to the evidence card (docs/STORAGE.md "The card"). */
export const CARD_EVENTS = ["mounted", "formatted", "removed", "refused", "unreadable", "read-failed", "format-failed"] as const;
/** Why media never reached storage. */
export const MEDIA_LOSS_REASONS = ["queue-full", "storage-fault"] as const;
export const KEY_STORES = ["secure-element", "software"] as const;
/** NMEA GGA fix quality, in GGA's own numbering. */
export const FIX_QUALITIES = ["invalid", "gps", "dgps", "pps", "rtk", "float-rtk", "estimated", "manual", "simulation"] as const;
export const IMAGE_FORMATS = ["jpeg"] as const;
export const AUDIO_ENCODINGS = ["lpcm-le"] as const;

const REC = "recording number (device-wide, from 1)";

export const RECORDS = {
  // --- media (0x01xx)
  "video-frame": {
    code: 0x0101,
    doc: "one camera frame as captured",
    fields: [
      ["frame", "u32", "frame number within the recording, from 0"],
      ["width", "u16", "pixels"],
      ["height", "u16", "pixels"],
      ["format", IMAGE_FORMATS, "image encoding"],
      ["image", "rest", "the encoded image (a complete JPEG file)"],
    ],
  },
  "audio-chunk": {
    code: 0x0102,
    doc: "microphone samples as captured",
    fields: [
      ["firstSample", "u64", "index of the first sample within the recording"],
      ["sampleRate", "u32", "samples per second"],
      ["channels", "u8", "interleaved channels"],
      ["bitsPerSample", "u8", "8 or 16"],
      ["encoding", AUDIO_ENCODINGS, "sample encoding"],
      ["samples", "rest", "the samples"],
    ],
  },
  "gnss-fix": {
    code: 0x0103,
    doc: "a position from the GNSS receiver",
    fields: [
      ["latitude", "i32", "degrees × 10^7, north positive"],
      ["longitude", "i32", "degrees × 10^7, east positive"],
      ["altitude", "i32", "centimetres above mean sea level"],
      ["speed", "u32", "millimetres per second over ground"],
      ["heading", "u16", "degrees × 100 from true north"],
      ["satellites", "u8", "satellites used"],
      ["hdop", "u16", "horizontal dilution × 100"],
      ["quality", FIX_QUALITIES, "fix quality"],
      ["utc", "u64", "the fix's UTC time, ms since 1970"],
    ],
  },
  // --- journal (0x02xx)
  boot: {
    code: 0x0201,
    doc: "the device started",
    fields: [
      ["cause", BOOT_CAUSES, "why it started"],
      ["bootCount", "u32", "boots since provisioning"],
      ["recoveredSeq", "u32", "sequence of the entry sealed as recovered at this boot, 0xFFFFFFFF if none"],
      ["recoveredRecords", "u32", "intact records kept in that entry"],
    ],
  },
  firmware: {
    code: 0x0202,
    doc: "firmware version running",
    fields: [
      ["version", "str", "release version"],
      ["build", "str", "build identifier (hash of the image)"],
    ],
  },
  "device-key": {
    code: 0x0203,
    doc: "the public key that signs this chain",
    fields: [
      ["publicKey", "bytes", "P-256 public key, SEC1 uncompressed (65 bytes)"],
      ["store", KEY_STORES, "where the private key lives"],
    ],
  },
  "time-set": {
    code: 0x0204,
    doc: "the clock was set",
    fields: [
      ["oldTime", "u64", "clock before, ms since 1970 (0: unknown, RTC had lost power)"],
      ["newTime", "u64", "clock after, ms since 1970"],
      ["source", TIME_SOURCES, "who or what set it"],
    ],
  },
  officer: {
    code: 0x0205,
    doc: "the device was assigned to an officer (art. 5, 9, 15)",
    fields: [
      ["name", "str", "officer's name"],
      ["certificate", "str", "law-enforcement certificate number"],
      ["unit", "str", "the officer's unit"],
      ["assignedBy", "str", "technician who assigned the device"],
    ],
  },
  "case-tag": {
    code: 0x0206,
    doc: "the case and stage being recorded (art. 2, 8, 9)",
    fields: [
      ["caseNumber", "str", "case number"],
      ["kind", ACTION_KINDS, "kind of enforcement action (art. 2)"],
      ["stage", "u8", "stage number in art. 8 (on-application) or art. 9 (ex-officio) list; 0 unspecified"],
      ["note", "str", "free text"],
    ],
  },
  "record-start": {
    code: 0x0207,
    doc: "a recording started",
    fields: [
      ["recording", "u32", REC],
      ["trigger", RECORD_TRIGGERS, "what started it"],
      ["preEventMs", "u32", "pre-event buffer included at its start, ms"],
      ["profile", "str", "media profile name"],
    ],
  },
  "record-stop": {
    code: 0x0208,
    doc: "a recording ended normally",
    fields: [
      ["recording", "u32", REC],
      ["cause", STOP_CAUSES, "who ended it"],
      ["durationMs", "u64", "length of the recording"],
    ],
  },
  notice: {
    code: 0x0209,
    doc: "the statutory recording notice (art. 12)",
    fields: [
      ["recording", "u32", REC],
      ["outcome", NOTICE_OUTCOMES, "played from the clip, speaker failed, or officer confirmed saying it"],
      ["clip", "hash", "SHA-256 of the notice clip played (zero if none)"],
      ["durationMs", "u32", "clip length"],
    ],
  },
  mark: {
    code: 0x020a,
    doc: "a key moment marked by the officer (art. 10)",
    fields: [
      ["recording", "u32", REC],
      ["label", "str", "free text"],
    ],
  },
  obstruction: {
    code: 0x020b,
    doc: "obstruction of recording marked by the officer (art. 17)",
    fields: [
      ["recording", "u32", REC],
      ["label", "str", "free text"],
    ],
  },
  interruption: {
    code: 0x020c,
    doc: "recording stopped for a reason other than the officer's normal end (art. 13)",
    fields: [
      ["recording", "u32", REC],
      ["interruption", "u32", "interruption number (device-wide, from 1)"],
      ["reason", INTERRUPTION_REASONS, "reason"],
      ["detail", "str", "free text"],
    ],
  },
  explanation: {
    code: 0x020d,
    doc: "the spoken explanation of an interruption, recorded on resume (art. 13)",
    fields: [
      ["recording", "u32", REC],
      ["interruption", "u32", "the interruption explained"],
      ["mediaSeq", "u32", "sequence of the media entry holding the explanation audio"],
      ["offsetMs", "u32", "where in that entry it starts (record time)"],
      ["durationMs", "u32", "how long it is"],
    ],
  },
  resume: {
    code: 0x020e,
    doc: "recording resumed after an interruption",
    fields: [
      ["recording", "u32", REC],
      ["interruption", "u32", "the interruption ended"],
      ["gapMs", "u64", "time not recorded"],
    ],
  },
  "continuous-mode": {
    code: 0x020f,
    doc: "continuous (uninterrupted) mode switched on or off (art. 11)",
    fields: [
      ["on", "u8", "1 on, 0 off"],
      ["setBy", SETTERS, "who set it"],
      ["caseNumber", "str", "case it applies to"],
    ],
  },
  "stop-refused": {
    code: 0x0210,
    doc: "a stop press refused in continuous mode (art. 11)",
    fields: [
      ["recording", "u32", REC],
      ["press", PRESSES, "what was pressed"],
    ],
  },
  "deletion-refused": {
    code: 0x0211,
    doc: "an attempt to delete evidence, refused (art. 16)",
    fields: [
      ["target", "str", "what deletion was asked for"],
      ["via", CHANNELS, "where the request came from"],
      ["requester", "str", "who asked, if known"],
    ],
  },
  "access-denied": {
    code: 0x0212,
    doc: "an unauthenticated or unauthorised request, refused (art. 16)",
    fields: [
      ["command", "str", "what was asked"],
      ["via", CHANNELS, "where the request came from"],
      ["reason", "str", "why it was refused"],
    ],
  },
  "offload-receipt": {
    code: 0x0213,
    doc: "the designated store's verified receipt for offloaded entries (art. 14)",
    fields: [
      ["store", "str", "store identity"],
      ["throughSeq", "u32", "last sequence the store holds"],
      ["throughLink", "hash", "link of that entry"],
      ["receipt", "hash", "SHA-256 of the receipt document"],
      ["signature", "bytes", "the store's signature over the receipt"],
    ],
  },
  "space-reclaimed": {
    code: 0x0214,
    doc: "entries covered by a receipt were removed to free space (art. 14, 16)",
    fields: [
      ["throughSeq", "u32", "last sequence removed"],
      ["entries", "u32", "entries removed"],
      ["bytes", "u64", "bytes freed"],
    ],
  },
  "deadline-warning": {
    code: 0x0215,
    doc: "a recording's offload deadline nears or has passed (art. 14)",
    fields: [
      ["recording", "u32", REC],
      ["deadline", "u64", "end of the 7th working day, ms since 1970"],
      ["level", DEADLINE_LEVELS, "how close"],
      ["workingDaysLeft", "i32", "working days left (negative: overdue)"],
    ],
  },
  "battery-low": {
    code: 0x0216,
    doc: "battery low or critical",
    fields: [
      ["millivolts", "u16", "battery voltage"],
      ["percent", "u8", "state of charge"],
      ["level", BATTERY_LEVELS, "threshold crossed"],
    ],
  },
  "storage-low": {
    code: 0x0217,
    doc: "evidence storage low or full",
    fields: [
      ["freeBytes", "u64", "bytes free"],
      ["totalBytes", "u64", "capacity"],
      ["level", STORAGE_LEVELS, "threshold crossed"],
    ],
  },
  "gnss-lost": {
    code: 0x0218,
    doc: "the GNSS fix was lost",
    fields: [
      ["latitude", "i32", "last known, degrees × 10^7"],
      ["longitude", "i32", "last known, degrees × 10^7"],
    ],
  },
  "gnss-regained": {
    code: 0x0219,
    doc: "the GNSS fix came back",
    fields: [
      ["latitude", "i32", "degrees × 10^7"],
      ["longitude", "i32", "degrees × 10^7"],
      ["satellites", "u8", "satellites used"],
      ["lostMs", "u64", "time without a fix"],
    ],
  },
  config: {
    code: 0x021a,
    doc: "a configuration setting changed",
    fields: [
      ["key", "str", "setting"],
      ["value", "str", "new value"],
      ["setBy", "str", "who changed it"],
    ],
  },
  card: {
    code: 0x021b,
    doc: "the evidence card was put in, formatted, refused or lost",
    fields: [
      ["event", CARD_EVENTS, "what happened"],
      ["serial", "str", "the card's identity (CID: manufacturer, OEM, product, serial)"],
      ["capacity", "u64", "card capacity, bytes"],
      ["seq", "u32", "first entry the card holds from here (mounted, formatted) or the last on it (removed); 0xFFFFFFFF if none"],
      ["detail", "str", "why (a refused card's owner, a fault's message)"],
    ],
  },
  "media-lost": {
    code: 0x021c,
    doc: "captured media that could not be stored, counted (never a silent hole)",
    fields: [
      ["recording", "u32", REC],
      ["reason", MEDIA_LOSS_REASONS, "why"],
      ["frames", "u32", "camera frames lost"],
      ["audioChunks", "u32", "audio chunks lost"],
      ["fixes", "u32", "GNSS fixes lost"],
      ["bytes", "u64", "payload bytes lost"],
      ["firstMs", "u64", "device time (ms since boot) of the first record lost"],
      ["lastMs", "u64", "device time of the last"],
    ],
  },
  "content-key": {
    code: 0x021d,
    doc: "the entry's content key, wrapped to the designated store's public key (first record of an encrypted entry, FORMAT §7a)",
    fields: [
      ["ephemeral", "bytes", "the ephemeral P-256 public key E, SEC1 uncompressed (65 bytes)"],
      ["wrapped", "bytes", "RFC 3394 AES key wrap of the 16-byte content key under the KEK (24 bytes)"],
    ],
  },
} as const satisfies { readonly [name: string]: RecordDef };

export type RecordName = keyof typeof RECORDS;

type ValueOf<T> = T extends "str"
  ? string
  : T extends "bytes" | "hash" | "rest"
    ? Uint8Array
    : T extends readonly (infer E)[]
      ? E
      : number;

type FieldsOf<L extends readonly FieldDef[]> = { -readonly [P in L[number] as P[0]]: ValueOf<P[1]> };

/** The decoded payload of a record type. */
export type RecordData<N extends RecordName> = FieldsOf<(typeof RECORDS)[N]["fields"]>;

/** A decoded record: its type, its time (ms after the entry's start) and its payload. */
export type EvidenceRecord = { [N in RecordName]: { type: N; t: number; data: RecordData<N> } }[RecordName];
export type RecordOf<N extends RecordName> = Extract<EvidenceRecord, { type: N }>;

/**
 * Records whose payload stays clear in an encrypted entry (FORMAT §7a): the wrapped key,
 * the verifier's key announcement and the chain anchors. None carries officer, case or media data.
 */
const CLEAR_CODES: ReadonlySet<number> = new Set([RECORDS["content-key"].code, RECORDS["device-key"].code, RECORDS["offload-receipt"].code, RECORDS["space-reclaimed"].code]);

export function isClearCode(code: number): boolean {
  return CLEAR_CODES.has(code);
}

export function isMediaCode(code: number): boolean {
  return code >> 8 === 0x01;
}

const BY_CODE = new Map<number, RecordName>();
for (const name of Object.keys(RECORDS) as RecordName[]) BY_CODE.set(RECORDS[name].code, name);

export function recordNameOf(code: number): RecordName | undefined {
  return BY_CODE.get(code);
}
