import { describe, expect, it } from "vitest";
import { folderMissing, formatBytes, isPdfPath, percentOf, problemNames } from "./bundle-api";
import type { VerifyEntry, VerifyReport } from "./bindings";

const entry = (name: string, place: "files" | "pdf", status: "ok" | "changed" | "missing"): VerifyEntry => ({
  name, place, status, expected: "aa", actual: status === "missing" ? null : status === "ok" ? "aa" : "bb",
});
const report = (entries: VerifyEntry[]): VerifyReport => ({
  pdf: "/x/a.pdf", files_dir: "/x/a.files", case_id: 1, fingerprint: "ff",
  ok: entries.every((e) => e.status === "ok"), entries,
});

describe("bundle helpers", () => {
  it("formats sizes in binary units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(3 * 1024 * 1024 + 100 * 1024)).toBe("3.1 MB");
  });

  it("gives whole percents and 0 before the total is known", () => {
    expect(percentOf(0, 0)).toBe(0);
    expect(percentOf(1, 3)).toBe(33);
    expect(percentOf(5, 4)).toBe(100);
  });

  it("names each changed or missing file once", () => {
    const r = report([
      entry("SHA256SUMS", "files", "ok"),
      entry("01_截图.png", "files", "changed"),
      entry("02_聊天.jpg", "files", "missing"),
      entry("01_截图.png", "pdf", "changed"),
    ]);
    expect(problemNames(r)).toEqual(["01_截图.png", "02_聊天.jpg"]);
    expect(folderMissing(r)).toBe(false);
  });

  it("tells a missing .files folder from a missing file", () => {
    const r = report([entry("SHA256SUMS", "files", "missing"), entry("01.png", "files", "missing"), entry("01.png", "pdf", "ok")]);
    expect(folderMissing(r)).toBe(true);
    expect(folderMissing(report([entry("01.png", "pdf", "ok")]))).toBe(false);
  });

  it("accepts only PDF paths for verify", () => {
    expect(isPdfPath("/home/me/案件1_证据包.PDF")).toBe(true);
    expect(isPdfPath("/home/me/a.png")).toBe(false);
  });
});
