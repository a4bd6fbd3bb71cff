// Counting media without decoding it: a chain holds thousands of frames and audio chunks,
// and the inspector's view needs only how many and how long. Their payloads are fixed
// fields then the bytes, so checking the layout is a length test and a few enum bytes.
import { FormatError } from "./bytes";
import { RECORDS, type FieldType, type RecordName } from "./schema";

const FIXED_SIZE: Partial<Record<FieldType & string, number>> = { u8: 1, u16: 2, u32: 4, i32: 4, u64: 8, hash: 32 };

interface FixedLayout {
  size: number;
  offsets: Map<string, number>;
  enums: [offset: number, count: number][];
}

/** Field offsets of a record type whose fields are fixed-size but for a trailing "rest". */
function layoutOf(type: RecordName): FixedLayout {
  const offsets = new Map<string, number>();
  const enums: [number, number][] = [];
  let size = 0;
  for (const [name, ft] of RECORDS[type].fields) {
    offsets.set(name, size);
    if (typeof ft !== "string") {
      enums.push([size, ft.length]);
      size += 1;
    } else if (ft === "rest") break;
    else {
      const n = FIXED_SIZE[ft];
      if (n === undefined) throw new Error(`${type}.${name} is not fixed-size`);
      size += n;
    }
  }
  return { size, offsets, enums };
}

const VIDEO = layoutOf("video-frame");
const AUDIO = layoutOf("audio-chunk");
export const VIDEO_FRAME_CODE = RECORDS["video-frame"].code;
export const AUDIO_CHUNK_CODE = RECORDS["audio-chunk"].code;

function check(layout: FixedLayout, type: string, payload: Uint8Array): void {
  if (payload.length < layout.size) throw new FormatError("malformed", `${type}: payload of ${payload.length} bytes is shorter than its ${layout.size}-byte fields`);
  for (const [o, count] of layout.enums) if (payload[o] >= count) throw new FormatError("malformed", `${type}: enumeration index ${payload[o]} out of range`);
}

export interface MediaTally {
  entries: Set<number>;
  frames: number;
  audioMs: number;
}

/** Adds one video frame or audio chunk to a tally, checking its layout. */
export function tallyMedia(tally: MediaTally, seq: number, code: number, payload: Uint8Array): void {
  tally.entries.add(seq);
  if (code === VIDEO_FRAME_CODE) {
    check(VIDEO, "video-frame", payload);
    tally.frames++;
    return;
  }
  check(AUDIO, "audio-chunk", payload);
  const o = AUDIO.offsets;
  const at = (name: string) => o.get(name)!;
  const rate = (payload[at("sampleRate")] | (payload[at("sampleRate") + 1] << 8) | (payload[at("sampleRate") + 2] << 16)) + payload[at("sampleRate") + 3] * 0x1000000;
  const frameBytes = payload[at("channels")] * (payload[at("bitsPerSample")] / 8);
  if (rate > 0 && frameBytes > 0) tally.audioMs += ((payload.length - AUDIO.size) / frameBytes / rate) * 1000;
}
