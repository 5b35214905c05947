import { describe, expect, it } from "vitest";
import { baseName, proposalToContact, shortTime } from "./cases-api";
import type { PromiseProposal } from "./bindings";

describe("case helpers", () => {
  it("shows times as recorded, without seconds or offset", () => {
    expect(shortTime("2026-03-05T23:40:00+08:00")).toBe("2026-03-05 23:40");
    expect(shortTime("2026-03-05")).toBe("2026-03-05");
    expect(shortTime(null)).toBe("—");
  });

  it("turns a confirmed proposal into a contact, storing a whole-message promise once", () => {
    const p: PromiseProposal = {
      at: "2026-11-20T14:02:00+08:00", channel: "chat", agent: "小王", said: "3个工作日内处理完毕",
      promise: "3个工作日内处理完毕", limit: "3个工作日内", basis: "working_days", due: "2026-11-25T14:02:00+08:00",
      calendar: "official",
    };
    expect(proposalToContact(p)).toEqual({
      at: p.at, channel: "chat", agent: "小王", said: "", promise: p.promise, due: p.due, limit: "3个工作日内", outcome: "",
    });
    expect(proposalToContact({ ...p, agent: null, said: "您好。" + p.promise }).said).toBe("您好。" + p.promise);
  });

  it("takes the file name from either kind of path", () => {
    expect(baseName("/home/me/a b.png")).toBe("a b.png");
    expect(baseName("C:\\Users\\me\\x.pdf")).toBe("x.pdf");
  });
});
