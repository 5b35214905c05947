import { describe, expect, it } from "vitest";
import { rowWindow } from "./txn-window";

describe("rowWindow", () => {
  it("draws the rows in view and the overscan around them", () => {
    // 480 px of 36 px rows: 15 rows can show (13.3, one more partly at either end), 8 either side.
    expect(rowWindow(0, 480, 36, 1000, 8)).toEqual({ start: 0, end: 23 });
    expect(rowWindow(36 * 500, 480, 36, 1000, 8)).toEqual({ start: 492, end: 523 });
  });
  it("stops at the ends of the loaded rows", () => {
    expect(rowWindow(36 * 995, 480, 36, 1000, 8)).toEqual({ start: 987, end: 1000 });
    expect(rowWindow(36 * 5000, 480, 36, 1000, 8)).toEqual({ start: 1000, end: 1000 });
    expect(rowWindow(-50, 480, 36, 3, 8)).toEqual({ start: 0, end: 3 });
    expect(rowWindow(0, 480, 36, 0, 8)).toEqual({ start: 0, end: 0 });
  });
});
