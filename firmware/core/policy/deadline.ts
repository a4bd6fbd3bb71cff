// Rule art. 14: each recording must reach the designated store within 7 working days.
// The device warns as the deadline nears, on its day, and once it has passed.
import type { WorkingDays } from "./calendar";

export const OFFLOAD_WORKING_DAYS = 7;

export type DeadlineLevel = "approaching" | "due-today" | "overdue";

/** The warning a recording deserves now, if any: approaching within `warnDays` working days. */
export function deadlineLevel(days: WorkingDays, now: number, deadlineAt: number, warnDays = 2): { level: DeadlineLevel; workingDaysLeft: number } | undefined {
  const left = days.workingDaysLeft(now, deadlineAt);
  if (now >= deadlineAt) return { level: "overdue", workingDaysLeft: Math.min(left, -1) };
  if (left === 0) return { level: "due-today", workingDaysLeft: 0 };
  if (left <= warnDays) return { level: "approaching", workingDaysLeft: left };
  return undefined;
}
