// Shared ledger state: the money overview every screen reads, refreshed after each change.
import { api, errorText } from "./api";
import type { MoneyOverview } from "./bindings";

class LedgerState {
  overview = $state<MoneyOverview | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);

  async refresh(): Promise<void> {
    this.loading = true;
    try {
      this.overview = await api.moneyOverview();
      this.error = null;
    } catch (e) {
      this.error = errorText(e, "error");
    } finally {
      this.loading = false;
    }
  }
}

export const ledger = new LedgerState();
