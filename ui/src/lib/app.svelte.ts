// App-wide facts from the shell (version, database path, language, open errors).
import type { AppInfo, FirstRun } from "./bindings";

class AppState {
  info = $state<AppInfo | null>(null);
  /** The welcome still to show, the sample while it exists, where the data lives. */
  firstRun = $state<FirstRun | null>(null);
}

export const app = new AppState();
