import { describe, expect, it, vi } from "vitest";
import { drops, fileDestination, isBillPath } from "./drop.svelte";

describe("window-wide drops", () => {
  it("recognises bill exports by extension, case-insensitively", () => {
    expect(isBillPath("/home/u/微信支付账单(20260101-20260331).zip")).toBe(true);
    expect(isBillPath("C:\\bills\\alipay_record.CSV")).toBe(true);
    expect(isBillPath("/tmp/statement.xlsx ")).toBe(true);
    expect(isBillPath("/tmp/screenshot.png")).toBe(false);
    expect(isBillPath("/tmp/csv")).toBe(false);
  });

  it("gives a drop to the newest claim, then the older one, then the fallback", () => {
    const fallback = vi.fn();
    const older = vi.fn();
    const newer = vi.fn();
    drops.setFallback({ label: () => "fallback", drop: fallback });
    const releaseOlder = drops.claim({ label: () => "older", drop: older });
    const releaseNewer = drops.claim({ label: () => "newer", drop: newer });

    drops.handle({ type: "enter", paths: ["/a.csv"] });
    expect(drops.hovering).toBe(true);
    expect(drops.label).toBe("newer");
    drops.handle({ type: "drop", paths: ["/a.csv"] });
    expect(drops.hovering).toBe(false);
    expect(newer).toHaveBeenCalledWith(["/a.csv"]);

    releaseNewer();
    drops.handle({ type: "drop", paths: ["/b.csv"] });
    expect(older).toHaveBeenCalledWith(["/b.csv"]);

    releaseOlder();
    drops.handle({ type: "over" });
    expect(drops.label).toBe("fallback");
    drops.handle({ type: "leave" });
    expect(drops.hovering).toBe(false);
    drops.handle({ type: "drop", paths: ["/c.zip"] });
    expect(fallback).toHaveBeenCalledWith(["/c.zip"]);
    expect(newer).toHaveBeenCalledTimes(1);
    expect(older).toHaveBeenCalledTimes(1);
  });

  it("ignores a drop without paths and hands a pending bill over exactly once", () => {
    const fallback = vi.fn();
    drops.setFallback({ label: () => "", drop: fallback });
    drops.handle({ type: "drop", paths: [] });
    expect(fallback).not.toHaveBeenCalled();

    drops.pendingImport = "/bill.csv";
    expect(drops.takePendingImport()).toBe("/bill.csv");
    expect(drops.takePendingImport()).toBeNull();
  });
});

describe("fileDestination (files dropped or opened with the app)", () => {
  it("sends a bill export to the import before a PDF, a PDF to verify, anything else nowhere", () => {
    expect(fileDestination(["/b/案件1_证据包.pdf", "/b/微信账单.CSV"])).toEqual({ to: "import", path: "/b/微信账单.CSV" });
    expect(fileDestination(["/b/notes.txt", "/b/案件1_证据包.PDF"])).toEqual({ to: "verify", path: "/b/案件1_证据包.PDF" });
    expect(fileDestination(["/b/photo.png"])).toBeNull();
    expect(fileDestination([])).toBeNull();
  });

  it("hands a pending bundle over exactly once", () => {
    drops.pendingVerify = "/b/a.pdf";
    expect(drops.takePendingVerify()).toBe("/b/a.pdf");
    expect(drops.takePendingVerify()).toBeNull();
  });
});
