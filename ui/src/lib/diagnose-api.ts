// Typed wrappers for the Diagnose wizard and the Knowledge rules tab (errors → CommandError).
import { commands, type Lang } from "./bindings";
import type { Interview, PlatformKind } from "./bindings";
import { unwrap } from "./api";

export type { Interview, InterviewStep, DiagnosisRecord, Question, Answer, Symptom, CauseFinding, Diagnosis, KbCatalogue, RuleInfo, PatternInfo, Source, MessageExplanation, NearestText } from "./bindings";

export const dxApi = {
  step: async (interview: Interview, lang: Lang) => unwrap(await commands.diagnoseStep(interview, lang)),
  save: async (interview: Interview, lang: Lang) => unwrap(await commands.diagnoseSave(interview, lang)),
  history: async (limit = 20) => unwrap(await commands.diagnoseHistory(limit)),
  openCase: async (diagnosisId: number, platform: string, amount: string, firstStepsDone: string[]) =>
    unwrap(await commands.diagnoseOpenCase(diagnosisId, platform, amount, firstStepsDone)),
  catalogue: async (lang: Lang) => unwrap(await commands.kbCatalogue(lang)),
  match: async (message: string) => unwrap(await commands.kbMatch(message)),
  explain: async (message: string, platform: PlatformKind | null, lang: Lang) =>
    unwrap(await commands.kbExplain(message, platform, lang)),
};

export const SYMPTOMS = ["greyed_out", "failed", "processing", "under_review", "not_arrived", "limited", "crossplatform"] as const;

/** Formats seconds as mm:ss for the 30-minute countdown. */
export function mmss(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}
