// Pure helpers for the Health screen (tested in logic.test.ts): what a readiness reason's fix
// points to, and turning core's decimal strings into chart coordinates. Chart coordinates are
// display only; every figure shown as text stays core's exact string.

export const SIGNAL_KINDS = ["raised_threshold", "more_maintenance", "slower_support", "longer_arrivals", "other"] as const;

/** What a readiness reason's `fix` asks for. */
export type Fix =
  | { kind: "test"; platform: string }
  | { kind: "platform"; platform: string }
  | { kind: "spread" }
  | { kind: "emergency" }
  | { kind: "review" }
  | { kind: "unknown" };

export function parseFix(fix: string): Fix {
  const colon = fix.indexOf(":");
  const head = colon < 0 ? fix : fix.slice(0, colon);
  const rest = colon < 0 ? "" : fix.slice(colon + 1);
  switch (head) {
    case "add_test_withdrawal":
      return rest ? { kind: "test", platform: rest } : { kind: "unknown" };
    case "review_platform":
      return rest ? { kind: "platform", platform: rest } : { kind: "unknown" };
    case "spread_money":
      return { kind: "spread" };
    case "set_emergency_fund":
      return { kind: "emergency" };
    case "quarterly_review":
      return { kind: "review" };
    default:
      return { kind: "unknown" };
  }
}

/** A decimal string ("1234.50", "0.7000", "26.5") as a chart coordinate; null when not a number. */
export function coord(text: string | null | undefined): number | null {
  if (text == null || !/^-?\d+(\.\d+)?$/.test(text.trim())) return null;
  return Number(text);
}

/** A share "0.7000" as a percentage coordinate (70). */
export function sharePercent(share: string | null | undefined): number | null {
  const v = coord(share);
  return v === null ? null : Math.round(v * 10000) / 100;
}

/** An RFC 3339 time as epoch milliseconds for a time axis; null when unparsable. */
export function timeCoord(t: string): number | null {
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms : null;
}

/** "2026-06-01T10:00:00+08:00" → "2026-06-01" (the date as recorded, no conversion). */
export function datePart(t: string | null | undefined): string {
  return t ? t.slice(0, 10) : "—";
}

/** Epoch ms → "2026-06-01" in Asia/Shanghai (the app's time zone), for axis ticks. */
export function tickDate(ms: number): string {
  const d = new Date(ms + 8 * 3600 * 1000);
  return d.toISOString().slice(0, 10);
}

const DAY_MS = 86400e3;
const SHANGHAI_MS = 8 * 3600e3;

/**
 * Tick positions for a time axis from `min` to `max` (epoch ms): Asia/Shanghai midnights, at most
 * `maxTicks`, a whole number of days apart. Chart.js's own linear ticks fall between midnights, so
 * a span of two days showed one date under several ticks.
 */
export function dayTicks(min: number, max: number, maxTicks = 6): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min || maxTicks < 1) return [];
  const first = Math.ceil((min + SHANGHAI_MS) / DAY_MS);
  const last = Math.floor((max + SHANGHAI_MS) / DAY_MS);
  if (last < first) return [];
  const step = Math.max(1, Math.ceil((last - first + 1) / maxTicks));
  const ticks: number[] = [];
  for (let day = first; day <= last; day += step) ticks.push(day * DAY_MS - SHANGHAI_MS);
  return ticks;
}

/** The score's band: at ease (≥ 80), some worry (50–79), not at ease (< 50). */
export function scoreBand(score: number): "good" | "fair" | "poor" {
  if (score >= 80) return "good";
  if (score >= 50) return "fair";
  return "poor";
}

/** Whether a share is above one half (strings compared as four-decimal numbers). */
export function overHalf(share: string | null | undefined): boolean {
  const v = coord(share);
  return v !== null && v > 0.5;
}

/** At most this many platforms are drawn in one chart; the table beside it lists them all. */
export const CHART_MAX_PLATFORMS = 12;

/**
 * The `max` items with the largest `value` (a decimal string), largest first; ties keep their
 * order. A chart of 200 platforms is unreadable and slow to draw, so charts draw these.
 */
export function largest<T>(items: T[], value: (item: T) => string | null | undefined, max = CHART_MAX_PLATFORMS): T[] {
  return items
    .map((item, i) => ({ item, i, v: coord(value(item)) ?? -Infinity }))
    .sort((a, b) => b.v - a.v || a.i - b.i)
    .slice(0, max)
    .map((x) => x.item);
}
