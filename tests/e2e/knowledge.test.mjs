// Knowledge in the real app: where to complain (the ladder with working-day due dates) and the
// deadline calculator, checked against the published 2026 schedule.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SHOTS, freshHome, openApp } from "./helpers.mjs";

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
    const s = app.session;
    await s.go("#/knowledge/route/ecommerce");
    await s.waitForText("[data-testid=route-ladder]", "12315");
    await s.setValue("[data-testid=route-from]", "2026-09-28");
    await s.find("[data-testid=step-due]");
    await s.screenshot(join(SHOTS, "zh", "knowledge-route-ecommerce.png"));
  });

  it("computes a calendar-day deadline over National Day per Civil Code Art. 203", async () => {
    const s = app.session;
    await s.go("#/knowledge/deadline");
    await s.find("[data-testid=deadline-form]");
    await s.setValue("[data-testid=deadline-from]", "2026-09-30");
    await s.type("[data-testid=deadline-count]", "1");
    await s.click("[data-testid=deadline-calendar]");
    await s.click("[data-testid=deadline-submit]");
    await s.waitForText("[data-testid=deadline-due]", "2026-10-08");
    assert.match(await s.text("[data-testid=deadline-result]"), /国庆/);
    await s.screenshot(join(SHOTS, "zh", "knowledge-deadline.png"));
  });

  it("computes working days across the 2026 Spring Festival in English", async () => {
    const s = app.session;
    await s.go("#/settings");
    await s.click("[data-testid=lang-en]");
    await s.go("#/knowledge/deadline");
    await s.setValue("[data-testid=deadline-from]", "2026-02-13");
    await s.type("[data-testid=deadline-count]", "1");
    await s.click("[data-testid=deadline-submit]");
    // Feb 14 (Sat) is a make-up working day in the 2026 schedule.
    await s.waitForText("[data-testid=deadline-due]", "2026-02-14");
    await s.screenshot(join(SHOTS, "en", "knowledge-deadline.png"));
    await s.go("#/knowledge/route/wechat");
    await s.waitForText("[data-testid=route-ladder]", "95017");
    await s.screenshot(join(SHOTS, "en", "knowledge-route-wechat.png"));
  });
});
