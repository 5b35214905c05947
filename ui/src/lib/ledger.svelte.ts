// Shared ledger state: the money overview every screen reads, refreshed after each change.
import { api, errorText } from "./api";
import type { HomeDue, MoneyOverview } from "./bindings";

class LedgerState {
  overview = $state<MoneyOverview | null>(null);
  /** What is due now (test withdrawals, the quarterly review, case follow-ups, broken promises). */
  due = $state<HomeDue[]>([]);
  loading = $state(false);
  error = $state<string | null>(null);

  async refresh(): Promise<void> {
    this.loading = true;
    try {
      [this.overview, this.due] = await Promise.all([api.moneyOverview(), api.homeDue()]);
      this.error = null;
    } catch (e) {
      this.error = errorText(e, "error");
    } finally {
      this.loading = false;
    }
  }
}

export const ledger = new LedgerState();
