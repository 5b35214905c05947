// The Diagnose wizard in the real app: three cases walked from symptom to result, the top cause
// checked, the diagnosis stored in the history table; the rules tab's search. Screens in zh and en.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SHOTS, freshHome, openApp, sql } from "./helpers.mjs";

describe("diagnose wizard", () => {
  const home = freshHome();
  let app;
  before(async () => { app = await openApp(home); });
  after(async () => { await app?.close(); });

  /** Walks symptom → platform → message, answers questions with `answers` (id → value), "don't know" otherwise. */
  async function walk(s, lang, name, { symptom, platform, message = "", answers = {} }) {
    await s.go("#/diagnose");
    await s.find("[data-testid=dx-stage]");
    if (await s.exists("[data-testid=dx-restart]")) await s.click("[data-testid=dx-restart]");
    await s.find("[data-testid=dx-symptom-failed]");
    await s.screenshot(join(SHOTS, lang, `diagnose-${name}-1-symptom.png`));
    await s.click(`[data-testid=dx-symptom-${symptom}]`);
    await s.click(`[data-testid=dx-platform-${platform}]`);
    await s.find("[data-testid=dx-message]");
    if (message) await s.type("[data-testid=dx-message]", message);
    await s.screenshot(join(SHOTS, lang, `diagnose-${name}-2-message.png`));
    await s.click("[data-testid=dx-next]");
    for (let i = 0; i < 15; i++) {
      await s.waitFor(async () => (await s.exists("[data-testid=dx-result]")) || (await s.exists("[data-testid=dx-question]")), "question or result");
      if (await s.exists("[data-testid=dx-result]")) break;
      const id = await s.exec("return document.querySelector('[data-testid=dx-question]').dataset.question");
      if (i === 0) await s.screenshot(join(SHOTS, lang, `diagnose-${name}-3-question.png`));
      const v = answers[id];
      if (v === undefined) await s.click("[data-testid=dx-dont-know]");
      else if (v === "yes" || v === "no") await s.click(`[data-testid=dx-answer-${v}]`);
      else if (await s.exists(`[data-testid=dx-choice-${v}]`)) await s.click(`[data-testid=dx-choice-${v}]`);
      else { await s.type("[data-testid=dx-answer-input]", v); await s.click("[data-testid=dx-answer-submit]"); }
      await s.waitFor(async () => (await s.exec("const q = document.querySelector('[data-testid=dx-question]'); return !q || q.dataset.question !== arguments[0]", [id])), "next step");
    }
    await s.find("[data-testid=dx-cause]");
    await s.screenshot(join(SHOTS, lang, `diagnose-${name}-4-result.png`));
    return s.exec("return document.querySelector('[data-testid=dx-cause]').dataset.cause");
  }

  it("WeChat failed with the daily-limit message → limit.daily", async () => {
    const top = await walk(app.session, "zh", "daily-limit", { symptom: "failed", platform: "wechat", message: "当日提现金额已超过限额" });
    assert.equal(top, "limit.daily");
    assert.match(await app.session.text("[data-testid=dx-timer]"), /30:00/);
  });

  it("Huabei → WeChat across platforms → crossplatform.not_supported", async () => {
    const top = await walk(app.session, "zh", "huabei", { symptom: "crossplatform", platform: "alipay", answers: { from: "huabei", to: "wechat" } });
    assert.equal(top, "crossplatform.not_supported");
  });

  it("a freezing by the authorities → account.frozen_by_authority, kept in history", async () => {
    const top = await walk(app.session, "zh", "frozen", { symptom: "failed", platform: "bank", message: "您的账户已被有权机关冻结" });
    assert.equal(top, "account.frozen_by_authority");
    assert.equal(sql(home.db, "SELECT count(*) FROM diagnoses"), "3");
    assert.equal(sql(home.db, "SELECT top_cause FROM diagnoses ORDER BY id DESC LIMIT 1"), "account.frozen_by_authority");
  });

  it("the rules tab finds the rule for a pasted message", async () => {
    const s = app.session;
    await s.go("#/knowledge/rules");
    await s.find("[data-testid=kb-search]");
    await s.type("[data-testid=kb-search]", "您的账户已被有权机关冻结");
    await s.waitFor(async () => (await s.exec("return [...document.querySelectorAll('[data-testid=kb-rule]')].some(e => e.textContent.includes('frozen_by_authority'))")), "frozen rule");
    await s.screenshot(join(SHOTS, "zh", "knowledge-rules-search.png"));
  });

  it("walks the wizard in English", async () => {
    const s = app.session;
    await s.go("#/settings");
    await s.click("[data-testid=lang-en]");
    const top = await walk(s, "en", "daily-limit", { symptom: "failed", platform: "wechat", message: "当日提现金额已超过限额" });
    assert.equal(top, "limit.daily");
    await walk(s, "en", "huabei", { symptom: "crossplatform", platform: "alipay", answers: { from: "huabei", to: "wechat" } });
    await s.go("#/knowledge/rules");
    await s.find("[data-testid=kb-rule]");
    await s.screenshot(join(SHOTS, "en", "knowledge-rules.png"));
  });
});
