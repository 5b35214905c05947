// Wrappers for the platform-money commands (platform page, withdrawals, undo, bill imports),
// unwrapped into CommandError like api.ts.
import { commands, events } from "./bindings";
import type {
  Deleted,
  ImportProgressEvent,
  PlatformEdit,
  TxnQuery,
  WithdrawalForm,
  WithdrawalStatus,
} from "./bindings";
import { unwrap } from "./api";

export const moneyApi = {
  getPlatform: async (id: number) => unwrap(await commands.getPlatform(id)),
  updatePlatform: async (id: number, edit: PlatformEdit) => unwrap(await commands.updatePlatform(id, edit)),
  deletePlatform: async (id: number) => unwrap(await commands.deletePlatform(id)),
  erasePlatform: async (id: number) => unwrap(await commands.erasePlatform(id)),
  deleteBalance: async (id: number) => unwrap(await commands.deleteBalance(id)),
  deleteWithdrawal: async (id: number) => unwrap(await commands.deleteWithdrawal(id)),
  restore: async (deleted: Deleted) => unwrap(await commands.restoreDeleted(deleted)),
  listBalances: async (platform: string) => unwrap(await commands.listBalances(platform)),
  listWithdrawals: async (platform: string | null) => unwrap(await commands.listWithdrawals(platform)),
  addWithdrawal: async (form: WithdrawalForm) => unwrap(await commands.addWithdrawal(form)),
  updateWithdrawal: async (id: number, form: WithdrawalForm) => unwrap(await commands.updateWithdrawal(id, form)),
  setWithdrawalStatus: async (id: number, status: WithdrawalStatus, at: string | null) =>
    unwrap(await commands.setWithdrawalStatus(id, status, at)),
  logTestWithdrawal: async (platform: string, amount: string, cardTail: string) =>
    unwrap(await commands.logTestWithdrawal(platform, amount, cardTail)),
  queryTransactions: async (query: TxnQuery) => unwrap(await commands.queryTransactions(query)),
  listImports: async (platform: string | null) => unwrap(await commands.listImports(platform)),
  importBill: async (path: string, platform: string | null, password: string | null) =>
    unwrap(await commands.importBill(path, platform, password)),
  cancelImport: async () => {
    await commands.cancelImport();
  },
  onImportProgress: (cb: (p: ImportProgressEvent) => void) =>
    events.importProgressEvent.listen((e) => cb(e.payload)),
};

/** Hours from request to arrival, one decimal, computed from the two RFC 3339 times. */
export function arrivalHours(requested: string, arrived: string | null): string | null {
  if (!arrived) return null;
  const ms = Date.parse(arrived) - Date.parse(requested);
  if (!Number.isFinite(ms) || ms < 0) return null;
  return (Math.round(ms / 360000) / 10).toFixed(1);
}

/** "2026-06-01T10:00:00+08:00" → "2026-06-01 10:00" (the time as recorded, no conversion). */
export function shortTime(t: string | null | undefined): string {
  return t ? t.replace("T", " ").slice(0, 16) : "—";
}
