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

  it("a receiver-side text no pattern was written from shows its cause, nearest known texts and sources", async () => {
    const s = app.session;
    const top = await walk(s, "zh", "receiver-side", { symptom: "failed", platform: "wechat", message: "超出用户月收款限额" });
    assert.equal(top, "limit.periodic");
    const nearest = await s.find("[data-testid=dx-nearest] [data-testid=nearest-text]");
    assert.ok(nearest);
    assert.match(await s.text("[data-testid=dx-nearest]"), /月收款额度/);
    assert.match(await s.text("[data-testid=dx-nearest]"), /微信支付/);
    await s.click("[data-testid=dx-why] summary");
    await s.find("[data-testid=dx-why] [data-testid=explain-normalised]");
    assert.equal(await s.text("[data-testid=dx-why] [data-testid=explain-normalised]"), "超出用户月收款限额");
    await s.screenshot(join(SHOTS, "zh", "diagnose-receiver-side-5-why.png"));
  });

  it("the Knowledge screen explains a pasted message, and says when it does not know one", async () => {
    const s = app.session;
    await s.go("#/knowledge/explain");
    await s.find("[data-testid=explain-input]");
    await s.type("[data-testid=explain-input]", "超过用户单日收款次数，核实产品设置是否准确");
    await s.click("[data-testid=explain-run]");
    await s.find("[data-testid=explain-cause]");
    assert.equal(await s.exec("return document.querySelector('[data-testid=explain-cause]').dataset.cause"), "limit.daily");
    assert.ok(await s.exists("[data-testid=nearest-text]"));
    await s.screenshot(join(SHOTS, "zh", "knowledge-explain.png"));
    await s.setValue("[data-testid=explain-input]", "今天天气很好");
    await s.click("[data-testid=explain-run]");
    await s.find("[data-testid=explain-unknown]");
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
    await s.go("#/knowledge/explain");
    await s.find("[data-testid=explain-input]");
    await s.type("[data-testid=explain-input]", "支付宝账号和姓名不匹配，请确认姓名是否正确");
    await s.click("[data-testid=explain-run]");
    await s.find("[data-testid=explain-cause]");
    assert.equal(await s.exec("return document.querySelector('[data-testid=explain-cause]').dataset.cause"), "account.info_mismatch");
    assert.match(await s.text("[data-testid=explain]"), /Nearest known texts/);
    await s.screenshot(join(SHOTS, "en", "knowledge-explain.png"));
  });
});
