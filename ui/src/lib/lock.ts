// The app lock's form rules in the UI: a strength hint while typing and the checks before a
// new passphrase is sent (core checks the length again and is the one that decides).
import { commands, type Lang } from "./bindings";
import { unwrap } from "./api";

export const MIN_PASSPHRASE_CHARS = 8;

export type Strength = "weak" | "fair" | "strong";

/** A rough hint: length first, then how many kinds of characters (letters, digits, others). */
export function strength(passphrase: string): Strength {
  const chars = [...passphrase].length;
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(passphrase)).length;
  if (chars < MIN_PASSPHRASE_CHARS) return "weak";
  if (chars >= 16 || (chars >= 12 && kinds >= 3)) return "strong";
  if (chars >= 10 || kinds >= 3) return "fair";
  return "weak";
}

/** The i18n key of what is wrong with a new passphrase and its repetition, or null. */
export function newPassphraseProblem(passphrase: string, again: string): string | null {
  if (!passphrase) return "lock.required";
  if ([...passphrase].length < MIN_PASSPHRASE_CHARS || !passphrase.trim()) return "lock.tooShort";
  if (passphrase !== again) return "lock.mismatch";
  return null;
}

export const lockApi = {
  status: async () => unwrap(await commands.lockStatus()),
  unlock: async (passphrase: string, lang: Lang) => unwrap(await commands.unlock(passphrase, lang)),
  set: async (passphrase: string) => unwrap(await commands.setLock(passphrase)),
  change: async (current: string, next: string) => unwrap(await commands.changeLock(current, next)),
  remove: async (current: string) => unwrap(await commands.removeLock(current)),
};
