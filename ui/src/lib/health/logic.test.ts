import { describe, expect, it } from "vitest";
import { coord, datePart, dayTicks, overHalf, parseFix, scoreBand, sharePercent, tickDate, timeCoord, largest } from "./logic";

describe("readiness fixes", () => {
  it("points each fix id at what repairs it", () => {
    expect(parseFix("add_test_withdrawal:微信支付")).toEqual({ kind: "test", platform: "微信支付" });
    expect(parseFix("review_platform:某:平台")).toEqual({ kind: "platform", platform: "某:平台" });
    expect(parseFix("spread_money")).toEqual({ kind: "spread" });
    expect(parseFix("set_emergency_fund")).toEqual({ kind: "emergency" });
    expect(parseFix("quarterly_review")).toEqual({ kind: "review" });
    expect(parseFix("add_test_withdrawal:")).toEqual({ kind: "unknown" });
    expect(parseFix("something_new")).toEqual({ kind: "unknown" });
  });
});

describe("chart coordinates", () => {
  it("reads decimal strings and refuses anything else", () => {
    expect(coord("1234.50")).toBe(1234.5);
    expect(coord("0")).toBe(0);
    expect(coord("¥12")).toBeNull();
    expect(coord(null)).toBeNull();
    expect(sharePercent("0.7000")).toBe(70);
    expect(sharePercent("0.3333")).toBe(33.33);
  });

  it("places times on the axis and labels ticks in Shanghai dates", () => {
    const ms = timeCoord("2026-06-01T23:30:00+08:00");
    expect(ms).toBe(Date.UTC(2026, 5, 1, 15, 30));
    expect(tickDate(ms!)).toBe("2026-06-01");
    expect(timeCoord("not a time")).toBeNull();
    expect(datePart("2026-06-01T10:00:00+08:00")).toBe("2026-06-01");
  });

  it("bands the score and flags shares above one half", () => {
    expect([scoreBand(80), scoreBand(79), scoreBand(50), scoreBand(49)]).toEqual(["good", "fair", "fair", "poor"]);
    expect(overHalf("0.5000")).toBe(false);
    expect(overHalf("0.5001")).toBe(true);
    expect(overHalf(null)).toBe(false);
  });
});

describe("largest", () => {
  it("keeps the largest by decimal value, largest first, ties in order", () => {
    const items = [
      { n: "a", v: "10.00" },
      { n: "b", v: "900.50" },
      { n: "c", v: null },
      { n: "d", v: "10.00" },
      { n: "e", v: "99.99" },
    ];
    expect(largest(items, (x) => x.v, 3).map((x) => x.n)).toEqual(["b", "e", "a"]);
    expect(largest(items, (x) => x.v, 10).map((x) => x.n)).toEqual(["b", "e", "a", "d", "c"]);
  });
});

describe("date axis ticks", () => {
  const ms = (t: string) => Date.parse(t);
  it("a two-day span showed one date under several ticks: one tick per day, at midnight", () => {
    const ticks = dayTicks(ms("2026-11-24T09:00:00+08:00"), ms("2026-11-26T18:00:00+08:00"));
    expect(ticks.map(tickDate)).toEqual(["2026-11-25", "2026-11-26"]);
    expect(ticks).toEqual([ms("2026-11-25T00:00:00+08:00"), ms("2026-11-26T00:00:00+08:00")]);
  });
  it("a long span gets at most six ticks, whole days apart", () => {
    const ticks = dayTicks(ms("2026-01-01T00:00:00+08:00"), ms("2026-12-31T00:00:00+08:00"));
    expect(ticks.length).toBe(6);
    expect(ticks[0]).toBe(ms("2026-01-01T00:00:00+08:00"));
    const steps = new Set(ticks.slice(1).map((t, i) => t - ticks[i]));
    expect([...steps]).toEqual([61 * 86400e3]);
    expect(new Set(ticks.map(tickDate)).size).toBe(6);
  });
  it("a span inside one day has no midnight and no tick; nonsense has none", () => {
    expect(dayTicks(ms("2026-11-24T09:00:00+08:00"), ms("2026-11-24T18:00:00+08:00"))).toEqual([]);
    expect(dayTicks(NaN, 1)).toEqual([]);
    expect(dayTicks(2, 1)).toEqual([]);
  });
});
