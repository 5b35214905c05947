import { describe, expect, it } from "vitest";
import { newPassphraseProblem, strength } from "./lock";

describe("app lock form rules", () => {
  it("hints strength by length and kinds of characters", () => {
    expect(strength("abc")).toBe("weak");
    expect(strength("abcdefgh")).toBe("weak");
    expect(strength("abcdefghij")).toBe("fair");
    expect(strength("Abc123!x")).toBe("fair");
    expect(strength("Abc123!xyzuv")).toBe("strong");
    expect(strength("一二三四五六七八九十一二三四五六")).toBe("strong");
  });

  it("names the first problem of a new passphrase", () => {
    expect(newPassphraseProblem("", "")).toBe("lock.required");
    expect(newPassphraseProblem("short", "short")).toBe("lock.tooShort");
    expect(newPassphraseProblem("        ", "        ")).toBe("lock.tooShort");
    expect(newPassphraseProblem("long enough", "long enougH")).toBe("lock.mismatch");
    expect(newPassphraseProblem("long enough", "long enough")).toBeNull();
  });
});
