// Wrappers for the Health screen's commands, unwrapped into CommandError like api.ts.
import { commands } from "../bindings";
import type { ReviewChecklist, SignalKind } from "../bindings";
import { unwrap } from "../api";

export const healthApi = {
  report: async () => unwrap(await commands.healthReport()),
  /** Every platform's balances and the arrivals of `arrivalsOf` (else the first with any). */
  series: async (arrivalsOf: number | null = null) => unwrap(await commands.healthSeries(arrivalsOf)),
  setSettings: async (monthlySpending: string, outsideMoney: string) =>
    unwrap(await commands.setHealthSettings(monthlySpending, outsideMoney)),
  setTestInterval: async (platformId: number, days: number) =>
    unwrap(await commands.setTestInterval(platformId, days)),
  logSignal: async (platform: string, kind: SignalKind, note: string) =>
    unwrap(await commands.logSignal(platform, kind, note)),
  listSignals: async (platform: string) => unwrap(await commands.listSignals(platform)),
  saveRuleSnapshot: async (platform: string, text: string) =>
    unwrap(await commands.saveRuleSnapshot(platform, text)),
  listRuleSnapshots: async (platform: string) => unwrap(await commands.listRuleSnapshots(platform)),
  recordReview: async (checklist: ReviewChecklist) => unwrap(await commands.recordReview(checklist)),
  lastReview: async () => unwrap(await commands.lastReview()),
};
