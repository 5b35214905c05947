// The file dialogs. The shell opens them (commands::files), not the web view, so it knows every
// path the user answered one with: the commands that read or write a file take only those,
// files dropped on the window or opened with the app, and files in the app's data folder.
import { commands, type OpenKind, type SaveKind } from "./bindings";
import { unwrap } from "./api";

export const filesApi = {
  /** The files picked in the open dialog for `kind` (several only for evidence); [] when closed. */
  pickOpen: async (kind: OpenKind, title: string) => unwrap(await commands.pickOpen(kind, title)),
  /** The one file picked, or null when the dialog was closed. */
  pickOne: async (kind: OpenKind, title: string) => (unwrap(await commands.pickOpen(kind, title)))[0] ?? null,
  /** Where the user chose to save (the kind's extension added), or null when closed. */
  pickSave: async (kind: SaveKind, title: string, defaultPath: string | null) =>
    unwrap(await commands.pickSave(kind, title, defaultPath)),
};
