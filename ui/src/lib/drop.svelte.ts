// One listener for files dropped anywhere on the window. Tauri reports a drop once per webview,
// so screens do not listen themselves: they *claim* drops while they are shown (the most recent
// claim wins), and what nobody claims falls to the default — a bill export goes to the import on
// the Platforms screen, anything else gets a message saying where it can be dropped.
import { getCurrentWebview } from "@tauri-apps/api/webview";

export type DropHandler = {
  /** What the overlay says while files hover, e.g. "松开以添加证据". */
  label: () => string;
  /** Receives the dropped paths. */
  drop: (paths: string[]) => void;
};

const BILL = /\.(csv|xlsx|zip)$/i;

/** True when a path looks like a bill export the importer takes (the importer checks content). */
export function isBillPath(path: string): boolean {
  return BILL.test(path.trim());
}

const PDF = /\.pdf$/i;

/** Where files given to the app go: the first bill export to the import, else the first PDF
 *  to "verify a bundle"; null when none of them is either. */
export function fileDestination(paths: string[]): { to: "import" | "verify"; path: string } | null {
  const bill = paths.find(isBillPath);
  if (bill) return { to: "import", path: bill };
  const pdf = paths.find((p) => PDF.test(p.trim()));
  return pdf ? { to: "verify", path: pdf } : null;
}

class DropState {
  hovering = $state(false);
  /** The label of the handler that would receive a drop now. */
  label = $state("");
  /** A bill dropped where no screen claimed it; the import panel takes it when it mounts. */
  pendingImport = $state<string | null>(null);
  /** A bundle PDF given to the app, waiting for the Cases screen's "verify a bundle". */
  pendingVerify = $state<string | null>(null);
  private claims: DropHandler[] = [];
  private fallback: DropHandler | null = null;

  /** While `handler` is registered it receives drops; call the returned function to release. */
  claim(handler: DropHandler): () => void {
    this.claims.push(handler);
    return () => {
      this.claims = this.claims.filter((h) => h !== handler);
    };
  }

  /** The default for unclaimed drops (set once by the app shell). */
  setFallback(handler: DropHandler) {
    this.fallback = handler;
  }

  /** Takes the bill waiting for the import panel, if any. */
  takePendingImport(): string | null {
    const path = this.pendingImport;
    this.pendingImport = null;
    return path;
  }

  /** Takes the bundle waiting for "verify a bundle", if any. */
  takePendingVerify(): string | null {
    const path = this.pendingVerify;
    this.pendingVerify = null;
    return path;
  }

  current(): DropHandler | null {
    return this.claims.at(-1) ?? this.fallback;
  }

  /** Routes one drag-drop payload; exported for unit tests. */
  handle(payload: { type: string; paths?: string[] }) {
    const handler = this.current();
    if (payload.type === "enter" || payload.type === "over") {
      this.hovering = true;
      this.label = handler?.label() ?? "";
    } else if (payload.type === "leave") {
      this.hovering = false;
    } else if (payload.type === "drop") {
      this.hovering = false;
      const paths = payload.paths ?? [];
      if (paths.length > 0) handler?.drop(paths);
    }
  }

  /** Starts listening to the window; returns the function that stops it. */
  async listen(): Promise<() => void> {
    try {
      return await getCurrentWebview().onDragDropEvent((e) => this.handle(e.payload));
    } catch {
      return () => {}; // outside the app (unit tests) there is no webview
    }
  }
}

export const drops = new DropState();
