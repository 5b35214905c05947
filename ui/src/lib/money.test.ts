import { describe, expect, it } from "vitest";
import { formatMoney, formatShare, shareWidth } from "./money";

describe("formatMoney", () => {
  it("groups thousands and keeps two decimals without floats", () => {
    expect(formatMoney("1234.5")).toBe("¥1,234.50");
    expect(formatMoney("1234567.89")).toBe("¥1,234,567.89");
    expect(formatMoney("0.10")).toBe("¥0.10");
    expect(formatMoney("-0.05")).toBe("-¥0.05");
    expect(formatMoney("9007199254740993.01")).toBe("¥9,007,199,254,740,993.01");
  });
  it("shows a dash for missing values and leaves non-decimals alone", () => {
    expect(formatMoney(null)).toBe("—");
    expect(formatMoney("abc")).toBe("abc");
  });
});

describe("formatShare", () => {
  it("turns four-decimal shares into percentages", () => {
    expect(formatShare("0.7000")).toBe("70.0%");
    expect(formatShare("0.3333")).toBe("33.3%");
    expect(formatShare("1.0000")).toBe("100.0%");
    expect(shareWidth("0.5000")).toBe("50%");
  });
});
