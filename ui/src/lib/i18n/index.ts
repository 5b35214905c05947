// i18n with svelte-i18n: Chinese first, English second; the choice is remembered in the database
// (via the shell) and mirrored in localStorage so the first paint is already in the right language.
import { addMessages, init, locale } from "svelte-i18n";
import zh from "./zh.json";
import en from "./en.json";

export type UiLang = "zh" | "en";
export const LANGS: UiLang[] = ["zh", "en"];
const STORAGE_KEY = "tixian.lang";

export function setupI18n(): void {
  addMessages("zh", zh);
  addMessages("en", en);
  init({ fallbackLocale: "zh", initialLocale: storedLang() });
  document.documentElement.lang = storedLang() === "zh" ? "zh-CN" : "en";
}

export function storedLang(): UiLang {
  try {
    return localStorage.getItem(STORAGE_KEY) === "en" ? "en" : "zh";
  } catch {
    return "zh";
  }
}

export function applyLang(lang: UiLang): void {
  locale.set(lang);
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* storage unavailable: the database still remembers */
  }
}

/** Every key path of a nested message object, for completeness tests. */
export function keyPaths(obj: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v !== null && typeof v === "object"
      ? keyPaths(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}
