// Typed wrappers for the case commands (results unwrapped into CommandError like api.ts), plus
// the small time helpers the case screens share. Times cross as strings core parses.
import { commands, events } from "./bindings";
import type { Stage, CaseStatus, ContactChannel, ContactInput, Lang, NewCaseInput, PromiseProposal, Recipient, Tier } from "./bindings";
import { unwrap } from "./api";

export const STATUSES: CaseStatus[] = ["open", "waiting", "escalated", "resolved", "closed"];
export const STAGES: Stage[] = ["customer_service", "supervisor", "platform_complaint", "regulator", "mediation", "court"];
export const CHANNELS: ContactChannel[] = ["phone", "chat", "email", "ticket", "in_person"];

export const casesApi = {
  list: async () => unwrap(await commands.listCases()),
  create: async (input: NewCaseInput) => unwrap(await commands.newCase(input)),
  detail: async (id: number) => unwrap(await commands.caseDetail(id)),
  erase: async (id: number) => unwrap(await commands.eraseCase(id)),
  eraseEvidence: async (id: number) => unwrap(await commands.eraseEvidence(id)),
  setStatus: async (id: number, status: CaseStatus) => unwrap(await commands.setCaseStatus(id, status)),
  setStage: async (id: number, stage: Stage) => unwrap(await commands.setCaseStage(id, stage)),
  addEvent: async (id: number, at: string, text: string, evidenceId: number | null) =>
    unwrap(await commands.addCaseEvent(id, at, text, evidenceId)),
  addEvidence: async (id: number, path: string, caption: string, tier: Tier) =>
    unwrap(await commands.addEvidence(id, path, caption, tier)),
  thumbnail: async (evidenceId: number) => unwrap(await commands.evidenceThumbnail(evidenceId)),
  setEvidenceText: async (evidenceId: number, text: string) => unwrap(await commands.setEvidenceText(evidenceId, text)),
  searchEvidence: async (caseId: number, query: string) => unwrap(await commands.searchCaseEvidence(caseId, query)),
  /** The text of an evidence image was read in the background. */
  onEvidenceText: (cb: (caseId: number, evidenceId: number) => void) =>
    events.evidenceTextEvent.listen((e) => cb(e.payload.case_id, e.payload.evidence_id)),
  addContact: async (id: number, input: ContactInput) => unwrap(await commands.addContact(id, input)),
  markKept: async (id: number, contact: number) => unwrap(await commands.markPromiseKept(id, contact)),
  findPromises: async (id: number, text: string, received: string | null) =>
    unwrap(await commands.findCasePromises(id, text, received)),
  prep: async (id: number, lang: Lang) => unwrap(await commands.casePrep(id, lang)),
  letter: async (id: number, to: Recipient, lang: Lang) => unwrap(await commands.caseLetter(id, to, lang)),
  ladder: async (id: number, lang: Lang) => unwrap(await commands.caseLadder(id, lang)),
  saveText: async (path: string, text: string) => unwrap(await commands.saveTextFile(path, text)),
};

/** The contact a confirmed promise proposal becomes. */
export function proposalToContact(p: PromiseProposal): ContactInput {
  return {
    at: p.at,
    channel: p.channel,
    agent: p.agent ?? "",
    said: p.said === p.promise ? "" : p.said,
    promise: p.promise,
    due: p.due,
    // Stored with the contact: its due time is counted again from this limit on every read.
    limit: p.limit,
    outcome: "",
  };
}

/** "2026-03-05T23:40:00+08:00" → "2026-03-05 23:40" (the time as recorded, offset dropped). */
export function shortTime(rfc3339: string | null | undefined): string {
  if (!rfc3339) return "—";
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?/.exec(rfc3339);
  if (!m) return rfc3339;
  return m[2] ? `${m[1]} ${m[2]}` : m[1];
}

export { nowLocal } from "./dates";

/** The file name at the end of a path (either separator). */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
