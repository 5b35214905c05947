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

export { weekday } from "./dates";

export { today as todayLocal } from "./dates";
