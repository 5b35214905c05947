// The one way a form shows a command's error: core's message beside the input for the field it
// names (`ApiError.field`, `Field::key` in core), else as a toast. An error on no field, or on
// a field the form has no input for, is never lost.
import { toast } from "svelte-sonner";
import { CommandError, errorText } from "./api";

/** The fields a form shows, by core's key: a list when each input is named like its field, or
 *  a map from field to the input that shows it (`{ file: "path" }`). */
export type FormInputs = readonly string[] | Readonly<Record<string, string>>;

/** The input that shows `field` in a form with `inputs`, if any. */
export function inputFor(field: string, inputs: FormInputs): string | null {
  if (Array.isArray(inputs)) return inputs.includes(field) ? field : null;
  return Object.prototype.hasOwnProperty.call(inputs, field) ? (inputs as Record<string, string>)[field] : null;
}

/** The form's errors after `err`: `{ input: message }` when it names a field the form shows;
 *  otherwise none, and the message (or `fallback`) is shown as a toast. */
export function formErrors(err: unknown, inputs: FormInputs, fallback: string): Record<string, string> {
  const input = err instanceof CommandError && err.field ? inputFor(err.field, inputs) : null;
  if (input !== null) return { [input]: (err as CommandError).message };
  toast.error(errorText(err, fallback));
  return {};
}
