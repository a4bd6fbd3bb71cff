// What an inspector must look at in a recording, as data: a code and what it needs, so that
// each reader words it in its own language (the service's pages in Chinese, the command
// line's report in English). `findingText` is the English wording every report shares.
import type { RecordData } from "./schema";

type Reason = RecordData<"interruption">["reason"];

export type Finding =
  /** Encrypted entries were not read (no store key): the checks on what is absent were not run. */
  | { code: "content-not-read" }
  | { code: "no-start" }
  /** Art. 12: the recording notice was never journaled. */
  | { code: "no-notice" }
  /** Art. 12: the clip failed and the officer did not confirm speaking the notice. */
  | { code: "notice-speaker-fault" }
  /** Art. 13: never resumed, so a written report is owed. */
  | { code: "never-resumed"; interruption: number; reason: Reason }
  /** Art. 13: resumed without the spoken explanation. */
  | { code: "unexplained"; interruption: number; reason: Reason }
  /** Art. 11: a continuous-mode recording with gaps. */
  | { code: "continuous-gaps"; count: number }
  /** Art. 11: stop presses refused in continuous mode. */
  | { code: "refused-stops"; count: number }
  /** Art. 17: obstruction marks. */
  | { code: "obstructed"; count: number }
  | { code: "no-stop" }
  /** Art. 14: not in the designated store by its deadline day. */
  | { code: "offload-overdue"; day: string };

export function findingText(f: Finding): string {
  switch (f.code) {
    case "content-not-read":
      return "content not read (encrypted): the rule checks on start, notice, interruptions, explanations and stop were not run (give the store's key)";
    case "no-start":
      return "start not in this chain segment";
    case "no-notice":
      return "no recording notice journaled (art. 12)";
    case "notice-speaker-fault":
      return "notice clip failed to play; officer did not confirm speaking it (art. 12)";
    case "never-resumed":
      return `interruption ${f.interruption} (${f.reason}) never resumed: written report needed (art. 13)`;
    case "unexplained":
      return `interruption ${f.interruption} (${f.reason}) resumed without a spoken explanation (art. 13)`;
    case "continuous-gaps":
      return `continuous-mode recording has ${f.count} gap(s) (art. 11)`;
    case "refused-stops":
      return `${f.count} stop press(es) refused in continuous mode (art. 11)`;
    case "obstructed":
      return `obstruction marked ${f.count} time(s) (art. 17)`;
    case "no-stop":
      return "no stop journaled (recording still open or its end is missing)";
    case "offload-overdue":
      return `not in the designated store by ${f.day}: offload overdue (art. 14)`;
  }
}
