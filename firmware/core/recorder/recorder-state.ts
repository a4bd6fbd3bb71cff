// What the recorder must remember across reboots: numbering, the case and officer in
// force, continuous mode, the recording a power cut interrupted, and the recordings still
// waiting for offload with their deadlines. A small JSON file replaced atomically (sealed on
// an encrypting unit: it names the officer and the case, firmware/core/storage/state-files.ts).
import { utf8Decode, utf8Encode } from "../evidence/index";
import type { StateFiles } from "../storage/state-files";

export interface PendingOffload {
  recording: number;
  /** Wall-clock start, ms since 1970. */
  startedAt: number;
  /** End of the 7th working day, ms since 1970. */
  deadline: number;
  /** Whether the calendar covered every day up to the deadline. */
  covered: boolean;
  /** The most urgent warning already journaled. */
  warned: "" | "approaching" | "due-today" | "overdue";
}

export interface RecorderMemory {
  nextRecording: number;
  nextInterruption: number;
  officer: { name: string; certificate: string; unit: string } | null;
  caseTag: { caseNumber: string; kind: string; stage: number } | null;
  continuous: boolean;
  /** The recording under way (or interrupted) when the state was last written. */
  open: { recording: number; interruption: number; startedAt: number } | null;
  pending: PendingOffload[];
}

const PATH = "chain/recorder";
const TMP = "chain/recorder.new";

export function freshMemory(): RecorderMemory {
  return { nextRecording: 1, nextInterruption: 1, officer: null, caseTag: null, continuous: false, open: null, pending: [] };
}

export function loadMemory(files: StateFiles): RecorderMemory {
  if (!files.exists(PATH)) return freshMemory();
  try {
    const m = JSON.parse(utf8Decode(files.read(PATH))) as RecorderMemory;
    return { ...freshMemory(), ...m };
  } catch {
    // A damaged state file must not stop the device from recording: numbering restarts
    // above nothing known, and the chain itself still holds the full history.
    return freshMemory();
  }
}

export function saveMemory(files: StateFiles, m: RecorderMemory): void {
  files.write(PATH, TMP, utf8Encode(JSON.stringify(m)));
}
