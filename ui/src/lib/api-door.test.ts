import { describe, expect, it } from "vitest";

// The one door to the shell is lib/api.ts and the *-api.ts modules beside it: screens and
// components never call a command or `invoke` themselves, so every error is unwrapped one way.
const sources = import.meta.glob(["../components/**/*.svelte", "../routes/**/*.svelte", "../App.svelte"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

describe("the API door", () => {
  it("finds the screens and components it checks", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(40);
  });

  it("no screen or component calls a command or invoke directly", () => {
    const offenders = Object.entries(sources)
      .filter(([, text]) => /\bcommands\.\w+\(|\binvoke\s*[<(]|@tauri-apps\/api\/core/.test(text))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
  });
});
