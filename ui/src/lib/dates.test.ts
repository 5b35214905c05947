import { describe, expect, it } from "vitest";
import { daysBetween, weekday, withWeekday } from "./dates";

describe("dates", () => {
  it("names weekdays of calendar dates in both languages", () => {
    expect(weekday("2026-10-08")).toBe(4);
    expect(withWeekday("2026-10-08", "zh")).toBe("2026-10-08（周四）");
    expect(withWeekday("2026-02-14", "en")).toBe("2026-02-14 (Sat)");
  });
  it("counts days across month and leap-year ends", () => {
    expect(daysBetween("2024-02-28", "2024-03-01")).toBe(2);
    expect(daysBetween("2026-03-01", "2026-02-28")).toBe(-1);
  });
});
