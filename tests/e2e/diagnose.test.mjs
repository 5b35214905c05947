// The Diagnose wizard in the real app: three cases walked from symptom to result, the top cause
// checked, the diagnosis stored in the history table; the rules tab's search. Screens in zh and en.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { freshHome, go, openApp, screenshot, setInput, SHOTS, sql } from "./helpers.mjs";

describe("diagnose wizard", () => {
  const home = freshHome();
  let app;
  before(async () => { app = await openApp(home); });
  after(async () => { await app?.close(); });

  /** Walks symptom → platform → message, answers questions with `answers` (id → value), "don't know" otherwise. */
  async function walk(browser, lang, name, { symptom, platform, message = "", answers = {} }) {
    await go(browser, "#/diagnose");
    await browser.$("[data-testid=dx-stage]").waitForExist();
    if (await browser.$("[data-testid=dx-restart]").isExisting()) await browser.$("[data-testid=dx-restart]").click();
    await browser.$("[data-testid=dx-symptom-failed]").waitForExist();
    await screenshot(browser, join(SHOTS, lang, `diagnose-${name}-1-symptom.png`));
    await browser.$(`[data-testid=dx-symptom-${symptom}]`).click();
    await browser.$(`[data-testid=dx-platform-${platform}]`).click();
    await browser.$("[data-testid=dx-message]").waitForExist();
    if (message) await browser.$("[data-testid=dx-message]").setValue(message);
    await screenshot(browser, join(SHOTS, lang, `diagnose-${name}-2-message.png`));
    await browser.$("[data-testid=dx-next]").click();
    for (let i = 0; i < 15; i++) {
      await browser.waitUntil(async () => (await browser.$("[data-testid=dx-result]").isExisting()) || (await browser.$("[data-testid=dx-question]").isExisting()), { timeoutMsg: "question or result" });
      if (await browser.$("[data-testid=dx-result]").isExisting()) break;
      const id = await browser.execute("return document.querySelector('[data-testid=dx-question]').dataset.question");
      if (i === 0) await screenshot(browser, join(SHOTS, lang, `diagnose-${name}-3-question.png`));
      const v = answers[id];
      if (v === undefined) await browser.$("[data-testid=dx-dont-know]").click();
      else if (v === "yes" || v === "no") await browser.$(`[data-testid=dx-answer-${v}]`).click();
      else if (await browser.$(`[data-testid=dx-choice-${v}]`).isExisting()) await browser.$(`[data-testid=dx-choice-${v}]`).click();
      else { await browser.$("[data-testid=dx-answer-input]").setValue(v); await browser.$("[data-testid=dx-answer-submit]").click(); }
      await browser.waitUntil(async () => (await browser.execute("const q = document.querySelector('[data-testid=dx-question]'); return !q || q.dataset.question !== arguments[0]", id)), { timeoutMsg: "next step" });
    }
    await browser.$("[data-testid=dx-cause]").waitForExist();
    await screenshot(browser, join(SHOTS, lang, `diagnose-${name}-4-result.png`));
    return browser.execute("return document.querySelector('[data-testid=dx-cause]').dataset.cause");
  }

  it("WeChat failed with the daily-limit message → limit.daily", async () => {
    const browser = app.browser;
    const top = await walk(browser, "zh", "daily-limit", { symptom: "failed", platform: "wechat", message: "当日提现金额已超过限额" });
    assert.equal(top, "limit.daily");
    assert.match(await browser.$("[data-testid=dx-timer]").getText(), /30:00/);
  });

  it("Huabei → WeChat across platforms → crossplatform.not_supported", async () => {
    const top = await walk(app.browser, "zh", "huabei", { symptom: "crossplatform", platform: "alipay", answers: { from: "huabei", to: "wechat" } });
    assert.equal(top, "crossplatform.not_supported");
  });

  it("a freezing by the authorities → account.frozen_by_authority, kept in history", async () => {
    // This walk adds one row to the history, whatever the walks before it left there.
    const before = Number(sql(home.db, "SELECT count(*) FROM diagnoses"));
    const top = await walk(app.browser, "zh", "frozen", { symptom: "failed", platform: "bank", message: "您的账户已被有权机关冻结" });
    assert.equal(top, "account.frozen_by_authority");
    await app.browser.waitUntil(() => Number(sql(home.db, "SELECT count(*) FROM diagnoses")) === before + 1, { timeoutMsg: "the diagnosis stored" });
    assert.equal(sql(home.db, "SELECT top_cause FROM diagnoses ORDER BY id DESC LIMIT 1"), "account.frozen_by_authority");
  });

  it("the rules tab finds the rule for a pasted message", async () => {
    const browser = app.browser;
    await go(browser, "#/knowledge/rules");
    await browser.$("[data-testid=kb-search]").waitForExist();
    await browser.$("[data-testid=kb-search]").setValue("您的账户已被有权机关冻结");
    await browser.waitUntil(async () => (await browser.execute("return [...document.querySelectorAll('[data-testid=kb-rule]')].some(e => e.textContent.includes('frozen_by_authority'))")), { timeoutMsg: "frozen rule" });
    await screenshot(browser, join(SHOTS, "zh", "knowledge-rules-search.png"));
  });

  it("a receiver-side text no pattern was written from shows its cause, nearest known texts and sources", async () => {
    const browser = app.browser;
    const top = await walk(browser, "zh", "receiver-side", { symptom: "failed", platform: "wechat", message: "超出用户月收款限额" });
    assert.equal(top, "limit.periodic");
    const nearest = await browser.$("[data-testid=dx-nearest] [data-testid=nearest-text]").waitForExist();
    assert.ok(nearest);
    assert.match(await browser.$("[data-testid=dx-nearest]").getText(), /月收款额度/);
    assert.match(await browser.$("[data-testid=dx-nearest]").getText(), /微信支付/);
    await browser.$("[data-testid=dx-why] summary").click();
    await browser.$("[data-testid=dx-why] [data-testid=explain-normalised]").waitForExist();
    assert.equal(await browser.$("[data-testid=dx-why] [data-testid=explain-normalised]").getText(), "超出用户月收款限额");
    await screenshot(browser, join(SHOTS, "zh", "diagnose-receiver-side-5-why.png"));
  });

  it("the Knowledge screen explains a pasted message, and says when it does not know one", async () => {
    const browser = app.browser;
    await go(browser, "#/knowledge/explain");
    await browser.$("[data-testid=explain-input]").waitForExist();
    await browser.$("[data-testid=explain-input]").setValue("超过用户单日收款次数，核实产品设置是否准确");
    await browser.$("[data-testid=explain-run]").click();
    await browser.$("[data-testid=explain-cause]").waitForExist();
    assert.equal(await browser.execute("return document.querySelector('[data-testid=explain-cause]').dataset.cause"), "limit.daily");
    assert.ok(await browser.$("[data-testid=nearest-text]").isExisting());
    await screenshot(browser, join(SHOTS, "zh", "knowledge-explain.png"));
    await setInput(browser, "[data-testid=explain-input]", "今天天气很好");
    await browser.$("[data-testid=explain-run]").click();
    await browser.$("[data-testid=explain-unknown]").waitForExist();
  });

  it("walks the wizard in English", async () => {
    const browser = app.browser;
    await go(browser, "#/settings");
    await browser.$("[data-testid=lang-en]").click();
    const top = await walk(browser, "en", "daily-limit", { symptom: "failed", platform: "wechat", message: "当日提现金额已超过限额" });
    assert.equal(top, "limit.daily");
    await walk(browser, "en", "huabei", { symptom: "crossplatform", platform: "alipay", answers: { from: "huabei", to: "wechat" } });
    await go(browser, "#/knowledge/rules");
    await browser.$("[data-testid=kb-rule]").waitForExist();
    await screenshot(browser, join(SHOTS, "en", "knowledge-rules.png"));
    await go(browser, "#/knowledge/explain");
    await browser.$("[data-testid=explain-input]").waitForExist();
    await browser.$("[data-testid=explain-input]").setValue("支付宝账号和姓名不匹配，请确认姓名是否正确");
    await browser.$("[data-testid=explain-run]").click();
    await browser.$("[data-testid=explain-cause]").waitForExist();
    assert.equal(await browser.execute("return document.querySelector('[data-testid=explain-cause]').dataset.cause"), "account.info_mismatch");
    assert.match(await browser.$("[data-testid=explain]").getText(), /Nearest known texts/);
    await screenshot(browser, join(SHOTS, "en", "knowledge-explain.png"));
  });
});
