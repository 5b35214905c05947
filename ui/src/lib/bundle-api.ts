// The evidence bundle: export (with progress events), verify, "open folder", and the small
// helpers the export and verify dialogs share (sizes, the verdict).
import { commands, events } from "./bindings";
import type { CatalogEdit, CatalogView, ExportProgressEvent, Split, VerifyEntry, VerifyReport } from "./bindings";
import { unwrap } from "./api";

export const bundleApi = {
  defaultPath: async (caseId: number) => unwrap(await commands.bundleDefaultPath(caseId)),
  export: async (caseId: number, out: string, allTiers: boolean, smallerFile: boolean, overwrite: boolean, split: Split) =>
    unwrap(await commands.exportCaseBundle(caseId, out, allTiers, smallerFile, overwrite, split)),
  catalog: async (caseId: number, allTiers: boolean) => unwrap(await commands.caseCatalog(caseId, allTiers)),
  saveCatalog: async (caseId: number, allTiers: boolean, applicant: string, rows: CatalogEdit[]) =>
    unwrap(await commands.saveCaseCatalog(caseId, allTiers, applicant, rows)),
  form: async (caseId: number, channel: FormChannelId) => unwrap(await commands.complaintForm(caseId, channel)),
  verify: async (pdf: string) => unwrap(await commands.verifyBundle(pdf)),
  reveal: async (path: string) => unwrap(await commands.revealInFolder(path)),
  onProgress: (cb: (p: ExportProgressEvent) => void) => events.exportProgressEvent.listen((e) => cb(e.payload)),
};

/** The regulators whose online forms the app lays a case out for. */
export const FORM_CHANNELS = ["12315", "12378", "12363"] as const;
export type FormChannelId = (typeof FORM_CHANNELS)[number];

/** Volume sizes offered (MB, 1 MB = 1,000,000 bytes, so a volume also fits a form counting MiB). */
export const VOLUME_MB = [5, 10, 20] as const;

export type Shape = "whole" | "items" | "volumes";

/** What the export dialog's choice means for the shell. */
export function splitFor(shape: Shape, mb: number): Split {
  if (shape === "items") return { shape: "items" };
  if (shape === "volumes") return { shape: "volumes", max_bytes: mb * 1_000_000 };
  return { shape: "none" };
}

/** The 目录 rows as edited, in order, for saving: what the user typed (empty = the suggestion). */
export function catalogEdits(view: CatalogView): CatalogEdit[] {
  return view.rows.map((r) => ({ key: r.key, name: r.name.trim(), purpose: r.purpose.trim() }));
}

/** `rows` with row `i` moved by `by` (−1 up, +1 down); unchanged at either end. */
export function moved<T>(rows: T[], i: number, by: -1 | 1): T[] {
  const j = i + by;
  if (i < 0 || i >= rows.length || j < 0 || j >= rows.length) return rows;
  const out = rows.slice();
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}

/** 1536 → "1.5 KB", 3_200_000 → "3.1 MB" (binary units, one decimal above bytes). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** Whole percent done, 0 when the total is not known yet. */
export function percentOf(done: number, total: number): number {
  return total > 0 ? Math.min(100, Math.floor((done * 100) / total)) : 0;
}

/** The entries that are not ok, each file named once (a file may be checked in the folder and
 *  inside the PDF; both places are kept, in that order). */
export function problems(report: VerifyReport): VerifyEntry[] {
  return report.entries.filter((e) => e.status !== "ok");
}

/** Names of the files with a problem, without repeats. */
export function problemNames(report: VerifyReport): string[] {
  return [...new Set(problems(report).map((e) => e.name))];
}

/** The `.files` folder itself is gone (or empty of every listed file): every folder copy missing. */
export function folderMissing(report: VerifyReport): boolean {
  const inFolder = report.entries.filter((e) => e.place === "files");
  return inFolder.length > 0 && inFolder.every((e) => e.status === "missing");
}

/** True when a path names a PDF (what the verify drop accepts). */
export function isPdfPath(path: string): boolean {
  return /\.pdf$/i.test(path.trim());
}

/** 序号 as the bundle prints them: consecutive rows proving the same thing share a group
 *  (1-1, 1-2, then 2-1 …) — `export::catalog::numbers` in core, here so the numbers follow the
 *  user's edits before they are saved. */
export function catalogNumbers(purposes: string[]): string[] {
  const out: string[] = [];
  let group = 0;
  let within = 0;
  let last: string | null = null;
  for (const p of purposes) {
    if (p !== last) {
      group++;
      within = 0;
      last = p;
    }
    within++;
    out.push(`${group}-${within}`);
  }
  return out;
}
