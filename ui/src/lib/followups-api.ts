// Follow-ups after an official complaint and the notification switch: typed wrappers (results
// unwrapped into CommandError like api.ts), plus how a follow-up's clock reads.
import { commands } from "./bindings";
import type { FollowUp, FollowUpInput } from "./bindings";
import { unwrap } from "./api";

export const followUpsApi = {
  preview: async (input: FollowUpInput) => unwrap(await commands.previewFollowUp(input)),
  add: async (caseId: number, input: FollowUpInput) => unwrap(await commands.addFollowUp(caseId, input)),
  done: async (caseId: number, id: number) => unwrap(await commands.markFollowUpDone(caseId, id)),
  reopen: async (caseId: number, id: number) => unwrap(await commands.reopenFollowUp(caseId, id)),
  notificationsEnabled: async () => unwrap(await commands.notificationsEnabled()),
  setNotifications: async (on: boolean) => unwrap(await commands.setNotificationsEnabled(on)),
};

/** Which sentence describes a follow-up's clock, and its number of working days. */
export type Clock = { key: "done" | "left" | "dueNow" | "late"; days: number };

export function clock(f: Pick<FollowUp, "done_at" | "due" | "working_days_left">): Clock {
  if (f.done_at) return { key: "done", days: 0 };
  if (!f.due) return { key: "left", days: Math.max(1, f.working_days_left) };
  // Due on a working day that is today, or seen over the weekend after it: "due now".
  return f.working_days_left < 0 ? { key: "late", days: -f.working_days_left } : { key: "dueNow", days: 0 };
}

/** "2026-03-24" → its weekday index 0–6 (Sunday 0), independent of the computer's time zone. */
export function weekday(isoDate: string): number {
  const [y, m, d] = isoDate.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** Today as a `date` input value in the computer's time zone. */
export function todayLocal(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
