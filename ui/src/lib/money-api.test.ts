import { describe, expect, it } from "vitest";
import { arrivalHours, shortTime } from "./money-api";

describe("arrivalHours", () => {
  it("counts hours across offsets and days, one decimal", () => {
    expect(arrivalHours("2026-06-01T10:00:00+08:00", "2026-06-02T09:30:00+08:00")).toBe("23.5");
    expect(arrivalHours("2026-06-01T10:00:00+08:00", "2026-06-01T02:06:00Z")).toBe("0.1");
  });
  it("is empty before arrival or for an arrival before the request", () => {
    expect(arrivalHours("2026-06-01T10:00:00+08:00", null)).toBeNull();
    expect(arrivalHours("2026-06-01T10:00:00+08:00", "2026-06-01T09:00:00+08:00")).toBeNull();
  });
});

describe("shortTime", () => {
  it("shows the time as recorded, to the minute", () => {
    expect(shortTime("2026-06-01T10:05:59+08:00")).toBe("2026-06-01 10:05");
    expect(shortTime(null)).toBe("—");
  });
});
