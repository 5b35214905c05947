// The evidence bundle: export (with progress events), verify, "open folder", and the small
// helpers the export and verify dialogs share (sizes, the verdict).
import { commands, events } from "./bindings";
import type { ExportProgressEvent, VerifyEntry, VerifyReport } from "./bindings";
import { unwrap } from "./api";

export const bundleApi = {
  defaultPath: async (caseId: number) => unwrap(await commands.bundleDefaultPath(caseId)),
  export: async (caseId: number, out: string, allTiers: boolean, smallerFile: boolean, overwrite: boolean) =>
    unwrap(await commands.exportCaseBundle(caseId, out, allTiers, smallerFile, overwrite)),
  verify: async (pdf: string) => unwrap(await commands.verifyBundle(pdf)),
  reveal: async (path: string) => unwrap(await commands.revealInFolder(path)),
  onProgress: (cb: (p: ExportProgressEvent) => void) => events.exportProgressEvent.listen((e) => cb(e.payload)),
};

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
