import { describe, expect, it } from "vitest";
import { clock, weekday } from "./followups-api";

describe("follow-up clock", () => {
  it("counts working days left, then due now, then late", () => {
    expect(clock({ done_at: null, due: false, working_days_left: 3 })).toEqual({ key: "left", days: 3 });
    expect(clock({ done_at: null, due: true, working_days_left: 0 })).toEqual({ key: "dueNow", days: 0 });
    expect(clock({ done_at: null, due: true, working_days_left: -2 })).toEqual({ key: "late", days: 2 });
    expect(clock({ done_at: "2026-03-24T09:00:00+08:00", due: false, working_days_left: -2 }).key).toBe("done");
  });
  it("names the weekday of a date whatever the time zone", () => {
    expect(weekday("2026-03-24")).toBe(2); // Tuesday
    expect(weekday("2026-03-22")).toBe(0); // Sunday
  });
});
