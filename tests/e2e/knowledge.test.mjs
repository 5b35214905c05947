// Knowledge in the real app: where to complain (the ladder with working-day due dates) and the
// deadline calculator, checked against the published 2026 schedule.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { freshHome, go, openApp, screenshot, setInput, SHOTS, waitForText } from "./helpers.mjs";

describe("knowledge: routes and deadlines", () => {
  const home = freshHome();
  let app;

  before(async () => {
    app = await openApp(home);
  });
  after(async () => {
    await app?.close();
  });

  it("shows the e-commerce ladder with 12315 and its working-day due dates", async () => {
    const browser = app.browser;
    await go(browser, "#/knowledge/route/ecommerce");
    await waitForText(browser, "[data-testid=route-ladder]", "12315");
    await setInput(browser, "[data-testid=route-from]", "2026-09-28");
    await browser.$("[data-testid=step-due]").waitForExist();
    await screenshot(browser, join(SHOTS, "zh", "knowledge-route-ecommerce.png"));
  });

  it("computes a calendar-day deadline over National Day per Civil Code Art. 203", async () => {
    const browser = app.browser;
    await go(browser, "#/knowledge/deadline");
    await browser.$("[data-testid=deadline-form]").waitForExist();
    await setInput(browser, "[data-testid=deadline-from]", "2026-09-30");
    await browser.$("[data-testid=deadline-count]").setValue("1");
    await browser.$("[data-testid=deadline-calendar]").click();
    await browser.$("[data-testid=deadline-submit]").click();
    await waitForText(browser, "[data-testid=deadline-due]", "2026-10-08");
    assert.match(await browser.$("[data-testid=deadline-result]").getText(), /国庆/);
    await screenshot(browser, join(SHOTS, "zh", "knowledge-deadline.png"));
  });

  it("computes working days across the 2026 Spring Festival in English", async () => {
    const browser = app.browser;
    await go(browser, "#/settings");
    await browser.$("[data-testid=lang-en]").click();
    await go(browser, "#/knowledge/deadline");
    await setInput(browser, "[data-testid=deadline-from]", "2026-02-13");
    await browser.$("[data-testid=deadline-count]").setValue("1");
    await browser.$("[data-testid=deadline-submit]").click();
    // Feb 14 (Sat) is a make-up working day in the 2026 schedule.
    await waitForText(browser, "[data-testid=deadline-due]", "2026-02-14");
    await screenshot(browser, join(SHOTS, "en", "knowledge-deadline.png"));
    await go(browser, "#/knowledge/route/wechat");
    await waitForText(browser, "[data-testid=route-ladder]", "95017");
    await screenshot(browser, join(SHOTS, "en", "knowledge-route-wechat.png"));
  });
});
