import { describe, expect, it } from "vitest";
import { catalogEdits, catalogNumbers, folderMissing, formatBytes, isPdfPath, moved, percentOf, problemNames, splitFor } from "./bundle-api";
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

describe("export shapes and the evidence list", () => {
  it("maps the dialog's choice to the shell's split", () => {
    expect(splitFor("whole", 10)).toEqual({ shape: "none" });
    expect(splitFor("items", 10)).toEqual({ shape: "items" });
    expect(splitFor("volumes", 5)).toEqual({ shape: "volumes", max_bytes: 5_000_000 });
  });

  it("moves a row up or down and not past either end", () => {
    expect(moved(["a", "b", "c"], 1, -1)).toEqual(["b", "a", "c"]);
    expect(moved(["a", "b", "c"], 1, 1)).toEqual(["a", "c", "b"]);
    expect(moved(["a", "b"], 0, -1)).toEqual(["a", "b"]);
    expect(moved(["a", "b"], 1, 1)).toEqual(["a", "b"]);
  });

  it("saves what the user typed, trimmed, in the order shown", () => {
    const row = (key: string, name: string, purpose: string) => ({
      key, number: "1-1", name, purpose, suggested_name: "s", suggested_purpose: "p", source: "src",
    });
    expect(catalogEdits({ case_id: 1, applicant: "", rows: [row("contacts", " 客服记录 ", ""), row("evidence:3", "", " 证明承诺 ")] }))
      .toEqual([{ key: "contacts", name: "客服记录", purpose: "" }, { key: "evidence:3", name: "", purpose: "证明承诺" }]);
  });
});

describe("catalogNumbers", () => {
  it("groups consecutive rows with the same purpose", () => {
    expect(catalogNumbers(["a", "a", "b", "a"])).toEqual(["1-1", "1-2", "2-1", "3-1"]);
    expect(catalogNumbers([])).toEqual([]);
  });
});
