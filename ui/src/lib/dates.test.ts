import { afterEach, describe, expect, it } from "vitest";
import { daysBetween, nowLocal, pinNow, today, weekday, withWeekday } from "./dates";

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

describe("the pinned clock", () => {
  afterEach(() => pinNow(null));

  it("takes today and now from the pinned time as written, whatever the computer's zone", () => {
    pinNow("2027-01-04T09:30:00+08:00");
    expect(nowLocal()).toBe("2027-01-04T09:30");
    expect(today()).toBe("2027-01-04");
  });

  it("follows the computer's clock when nothing is pinned", () => {
    pinNow(null);
    expect(nowLocal()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
  });
});
