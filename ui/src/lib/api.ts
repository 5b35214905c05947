// The one door to the shell: generated, typed command wrappers (bindings.ts) with their Result
// unwrapped into exceptions that carry core's {code, message, field}.
import { commands, type ApiError, type Lang, type PlatformKind } from "./bindings";

export type { ApiError };
export * from "./bindings";

export class CommandError extends Error {
  readonly code: string;
  readonly field: string | null;
  constructor(e: ApiError) {
    super(e.message);
    this.code = e.code;
    this.field = e.field;
  }
}

type Result<T> = { status: "ok"; data: T } | { status: "error"; error: ApiError };

export function unwrap<T>(r: Result<T>): T {
  if (r.status === "ok") return r.data;
  throw new CommandError(r.error);
}

/** Message for a caught error (typed command errors keep their text). */
export function errorText(e: unknown, fallback: string): string {
  if (e instanceof CommandError) return e.message;
  if (e instanceof Error && e.message) return e.message;
  return fallback;
}

export const api = {
  appInfo: () => commands.appInfo(),
  setLanguage: async (lang: "zh" | "en") => unwrap(await commands.setLanguage(lang)),
  moneyOverview: async () => unwrap(await commands.moneyOverview()),
  homeDue: async () => unwrap(await commands.homeDue()),
  listPlatforms: async () => unwrap(await commands.listPlatforms()),
  addPlatform: async (input: Parameters<typeof commands.addPlatform>[0]) =>
    unwrap(await commands.addPlatform(input)),
  addBalance: async (platform: string, amount: string, at: string | null) =>
    unwrap(await commands.addBalance(platform, amount, at)),
  deadline: async (from: string, workingDays: number | null, days: number | null) =>
    unwrap(await commands.deadline(from, workingDays, days)),
  routeView: async (kind: PlatformKind, from: string | null, lang: Lang) =>
    unwrap(await commands.routeView(kind, from, lang)),
  calendarYears: async () => unwrap(await commands.calendarYears()),
  calendarPreview: async (text: string, year: number | null) => unwrap(await commands.calendarPreview(text, year)),
  calendarSave: async (text: string, year: number | null, replace: boolean) =>
    unwrap(await commands.calendarSave(text, year, replace)),
  backupOverview: () => commands.backupOverview(),
  backupNow: async (path: string) => unwrap(await commands.backupNow(path)),
  /** `backupPassphrase`: the one the backup was made under, when the restore asked for it. */
  restoreBackup: async (archive: string, backupPassphrase: string | null = null) =>
    unwrap(await commands.restoreBackup(archive, backupPassphrase)),
  firstRun: async () => unwrap(await commands.firstRun()),
  finishWelcome: async () => unwrap(await commands.finishWelcome()),
  createSample: async () => unwrap(await commands.createSample()),
  removeSample: async () => unwrap(await commands.removeSample()),
  about: async () => unwrap(await commands.about()),
  takeLaunchFiles: () => commands.takeLaunchFiles(),
  firstScreenShown: () => commands.firstScreenShown(),
};
