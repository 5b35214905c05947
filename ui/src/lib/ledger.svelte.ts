// Shared ledger state: the money overview every screen reads, refreshed after each change.
import { api, errorText } from "./api";
import type { HomeDue, MoneyOverview } from "./bindings";

class LedgerState {
  overview = $state<MoneyOverview | null>(null);
  /** What is due now (test withdrawals, the quarterly review, case follow-ups, broken promises). */
  due = $state<HomeDue[]>([]);
  loading = $state(false);
  error = $state<string | null>(null);

  private inflight: Promise<void> | null = null;

  /** Fresh figures for a screen being shown: the refresh already under way, else a new one.
   * (At start the app and Home both asked; each was a whole health report at 200 platforms.) */
  ready(): Promise<void> {
    return this.inflight ?? this.refresh();
  }

  /** Reads the figures again (after a change: never reuses a read that began before it). */
  refresh(): Promise<void> {
    const run = this.read().finally(() => {
      if (this.inflight === run) this.inflight = null;
    });
    this.inflight = run;
    return run;
  }

  private async read(): Promise<void> {
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
