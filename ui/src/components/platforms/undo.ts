// Delete with undo: the delete returns core's `Deleted` record; the toast's Undo action hands it
// back to `restore_deleted`, which puts every row back with its id.
import { toast } from "svelte-sonner";
import { get } from "svelte/store";
import { _ } from "svelte-i18n";
import { errorText } from "../../lib/api";
import type { Deleted } from "../../lib/bindings";
import { moneyApi } from "../../lib/money-api";

export async function deleteWithUndo(
  remove: () => Promise<Deleted>,
  message: string,
  changed: () => Promise<void> | void,
): Promise<void> {
  const t = get(_);
  try {
    const deleted = await remove();
    await changed();
    toast(message, {
      duration: 10000,
      action: {
        label: t("platforms.undo"),
        onClick: async () => {
          try {
            await moneyApi.restore(deleted);
            toast.success(t("platforms.restored"));
            await changed();
          } catch (e) {
            toast.error(errorText(e, t("errors.unknown")));
          }
        },
      },
    });
  } catch (e) {
    toast.error(errorText(e, t("errors.unknown")));
  }
}
