// App-wide facts from the shell (version, database path, language, open errors).
import type { AppInfo } from "./bindings";

class AppState {
  info = $state<AppInfo | null>(null);
}

export const app = new AppState();
