// Calendar dates as "YYYY-MM-DD" strings (what core speaks), with local-time helpers for the UI.

let pinned: string | null = null;

/** Pins "now" to an RFC 3339 time (the app's `TIXIAN_NOW`, for tests); null follows the clock. */
export function pinNow(rfc3339: string | null | undefined): void {
  pinned = rfc3339 ?? null;
}

/** Now as a `datetime-local` value ("2026-03-05T23:40"): the pinned time as written, else the
 * computer's clock in its own time zone. The one place the UI reads the clock. */
export function nowLocal(): string {
  if (pinned) return pinned.slice(0, 16);
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Today as YYYY-MM-DD (see `nowLocal`). */
export function today(): string {
  return nowLocal().slice(0, 10);
}

/** Weekday index 0 (Sunday) … 6 of a YYYY-MM-DD date, computed in UTC so no zone can shift it. */
export function weekday(date: string): number {
  const [y, m, d] = date.split("-").map((p) => Number.parseInt(p, 10));
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

const WEEKDAYS = {
  zh: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
  en: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
};

/** "2026-10-08（周四）" / "2026-10-08 (Thu)". */
export function withWeekday(date: string, lang: "zh" | "en"): string {
  const w = WEEKDAYS[lang][weekday(date)];
  return lang === "zh" ? `${date}（${w}）` : `${date} (${w})`;
}

/** Whole days from `a` to `b` (both YYYY-MM-DD); negative when b is earlier. */
export function daysBetween(a: string, b: string): number {
  const t = (s: string) => {
    const [y, m, d] = s.split("-").map((p) => Number.parseInt(p, 10));
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((t(b) - t(a)) / 86_400_000);
}
