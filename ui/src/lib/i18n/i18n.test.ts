import { describe, expect, it } from "vitest";
import zh from "./zh.json";
import en from "./en.json";
import { keyPaths } from "./index";

describe("messages", () => {
  it("has every key in both languages", () => {
    const zhKeys = keyPaths(zh).sort();
    const enKeys = keyPaths(en).sort();
    expect(zhKeys.filter((k) => !enKeys.includes(k))).toEqual([]);
    expect(enKeys.filter((k) => !zhKeys.includes(k))).toEqual([]);
  });

  it("has no empty message and keeps placeholders identical", () => {
    const get = (o: unknown, path: string) =>
      path.split(".").reduce<unknown>((acc, k) => (acc as Record<string, unknown>)[k], o) as string;
    for (const key of keyPaths(zh)) {
      const a = get(zh, key);
      const b = get(en, key);
      expect(a.trim(), key).not.toBe("");
      expect(b.trim(), key).not.toBe("");
      const vars = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(vars(a), key).toEqual(vars(b));
    }
  });

  it("keeps Chinese texts Chinese", () => {
    expect(zh.nav.home).toBe("首页");
    expect(en.nav.home).toBe("Home");
  });
});
