// Follow-ups after an official complaint, in the real app under Xvfb (no notification service):
// a case escalated to a formal complaint (set up with the CLI on the same database), a follow-up
// added on the case page with its due day previewed by the working-day calendar, its clock on
// the case page, on Home once due (made due with SQL), marked done (undo, then done again) and
// gone from Home. The background notifier checks every 2 s here (TIXIAN_NOTIFY_EVERY) and must
// neither block nor fail the app when nothing can show a notification; the Settings switch.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { CLI, freshHome, go, isolated, noToasts, NOW, openApp, route, screenshot, setInput, SHOTS, sql, waitForText } from "./helpers.mjs";
import { DRIVER_LOG } from "./webdriver.mjs";

// The pinned "now" (helpers' NOW) is Thursday 2026-11-26; no holiday falls near it.
const TODAY = NOW.slice(0, 10);

describe("follow-ups: chase a complaint when the body's deadline comes", () => {
  const home = freshHome();
  let app;
  const cli = (...args) =>
    execFileSync(CLI, ["--json", ...args], { env: { ...isolated(home), TIXIAN_DB: home.db }, encoding: "utf8" });

  before(async () => {
    cli("case", "new", "--platform", "某某理财", "--amount", "3000", "--occurred", "2026-11-06 10:00",
      "--summary", "提现 3000 元审核中二十天未到账，平台客服多次推脱");
    cli("case", "stage", "1", "platform_complaint");
    process.env.TIXIAN_NOTIFY_EVERY = "2";
    app = await openApp(home);
  });
  after(async () => {
    await app?.close();
  });

  it("previews the due day, adds the follow-up and shows its working-days clock", async () => {
    const browser = app.browser;
    await go(browser, "#/cases/1");
    await browser.$("[data-testid=tab-followups]").click();
    await waitForText(browser, "[data-testid=followups]", "还没有跟进");
    await browser.$("[data-testid=add-followup]").click();
    // The form focuses its body field as it opens. On a loaded machine that has come in the
    // middle of typing the reference (half of it went into the body): type once it has come.
    await browser.waitUntil(async () => (await browser.execute("return document.activeElement && document.activeElement.id")) === "followup-body", { timeout: 3000, timeoutMsg: "the body field to take focus" });
    await browser.$("#followup-reference").setValue("TS2026-0042");
    await setInput(browser, "#followup-filed", TODAY);
    await setInput(browser, "#followup-days", "10");
    // Ten working days from Thursday 26 November: Thursday 10 December.
    await waitForText(browser, "[data-testid=followup-preview]", "2026-12-10");
    await waitForText(browser, "[data-testid=followup-preview]", "还有 10 个工作日");
    // The body is required: refused beside the field, nothing stored.
    await browser.$("[data-testid=followup-submit]").click();
    await browser.$("#followup-body-error").waitForExist();
    assert.equal(sql(home.db, "SELECT count(*) FROM follow_ups"), "0");

    await browser.$("#followup-body").setValue("12315");
    // The body is part of the preview's input: 200 ms after typing, the preview is read again
    // and the body's message goes, which moves the buttons up. Submit once that has happened
    // (a click during the move once landed beside the button under load).
    await browser.$("#followup-body-error").waitForExist({ reverse: true });
    await screenshot(browser, join(SHOTS, "zh", "followup-form.png"));
    await browser.$("[data-testid=followup-submit]").click();
    await waitForText(browser, "[data-testid=followup-clock]", "还剩 10 个工作日");
    // The due day is not stored (migration 0011 dropped follow_ups.due_on): the list counts it
    // from the filing day, and it is the day the preview named.
    await waitForText(browser, "[data-testid=followup-list]", "2026-12-10");
    assert.equal(sql(home.db, "SELECT body || '|' || reference || '|' || deadline_working_days FROM follow_ups"),
      "12315|TS2026-0042|10");
    await noToasts(browser);
    await screenshot(browser, join(SHOTS, "zh", "followup-clock.png"));

    // Not due yet: not on Home.
    await go(browser, "#/");
    await browser.$("[data-testid=home-add-platform]").waitForExist();
    assert.equal(await browser.$("[data-testid=home-due]").isExisting(), false);
  });

  it("lists the follow-up on Home once due, with the app still working under Xvfb", async () => {
    const browser = app.browser;
    // The due day is derived from the filing day on every read (a calendar year added later
    // moves it): move the filing day back to the latest day whose 10 working days end by today
    // (so no working day is left between the due day and today: due now, not late).
    // That is Thursday 12 November: ten working days later is today.
    const filed = "2026-11-12";
    assert.equal(JSON.parse(cli("deadline", "--from", filed, "--working-days", "10")).due, TODAY);
    assert.equal(JSON.parse(cli("deadline", "--from", "2026-11-13", "--working-days", "10")).due, "2026-11-27");
    sql(home.db, `UPDATE follow_ups SET filed_at = '${filed}T10:00:00+08:00'`);
    await go(browser, "#/cases");
    await go(browser, "#/");
    await waitForText(browser, "[data-testid=home-due]", "某某理财：12315 的处理期限（10 个工作日）已到");
    await screenshot(browser, join(SHOTS, "zh", "followup-home-due.png"));

    // The notifier runs every 2 s. With nothing to show notifications it says so in the app's
    // log and records nothing, so it is tried again later; with a service it records the item.
    if (process.env.DBUS_SESSION_BUS_ADDRESS) {
      await browser.waitUntil(() => sql(home.db, "SELECT count(*) FROM notifications_sent") !== "0", { timeout: 15000, timeoutMsg: "the due item notified" });
    } else {
      const from = statSync(DRIVER_LOG).size;
      await browser.waitUntil(() => readFileSync(DRIVER_LOG, "utf8").slice(from).includes("no notification service"), { timeout: 15000, timeoutMsg: "the notifier to find no notification service" });
      assert.equal(sql(home.db, "SELECT count(*) FROM notifications_sent"), "0");
    }

    await browser.$("[data-testid=home-due] a").click();
    await browser.waitUntil(async () => (await route(browser)) === "#/cases/1", { timeoutMsg: "the case page" });
    await browser.$("[data-testid=tab-followups]").click();
    await waitForText(browser, "[data-testid=followup-clock]", "已到期");
    await screenshot(browser, join(SHOTS, "zh", "followup-due.png"));
  });

  it("marks it done (undo reopens it) and it leaves Home", async () => {
    const browser = app.browser;
    await browser.$("[data-testid=followup-done]").click();
    await waitForText(browser, "[data-testid=followup-clock]", "已完成");
    assert.equal(sql(home.db, "SELECT done_at FROM follow_ups"), NOW, "done at the pinned now");
    await browser.$("[data-sonner-toast] [data-button]:not([data-cancel])").click(); // Undo (not the close button)
    await waitForText(browser, "[data-testid=followup-clock]", "已到期");
    assert.equal(sql(home.db, "SELECT done_at IS NULL FROM follow_ups"), "1");
    await noToasts(browser);

    await browser.$("[data-testid=followup-done]").click();
    await waitForText(browser, "[data-testid=followup-clock]", "已完成");
    await go(browser, "#/");
    await browser.$("[data-testid=home-add-platform]").waitForExist();
    assert.equal(await browser.$("[data-testid=home-due]").isExisting(), false);
  });

  it("shows the follow-ups, Home and the notification switch in English", async () => {
    const browser = app.browser;
    await go(browser, "#/settings");
    await browser.$("[data-testid=lang-en]").click();
    await browser.$("[data-testid=notifications-toggle]").waitForExist();
    await screenshot(browser, join(SHOTS, "en", "settings-notifications.png"));
    await browser.$("[data-testid=notifications-toggle]").click();
    await browser.waitUntil(async () => sql(home.db, "SELECT value FROM settings WHERE key = 'notifications'") === "off", { timeoutMsg: "the switch stored" });
    await browser.$("[data-testid=notifications-toggle]").click();
    await browser.waitUntil(async () => sql(home.db, "SELECT value FROM settings WHERE key = 'notifications'") === "on", { timeoutMsg: "the switch stored" });

    // A second follow-up, already due (filed long ago), in English.
    cli("case", "follow-up", "1", "--body", "12363", "--filed", "2026-10-27 10:00", "--working-days", "3");
    await go(browser, "#/");
    await waitForText(browser, "[data-testid=home-due]", "某某理财: 12363's deadline (3 working days) has arrived");
    await screenshot(browser, join(SHOTS, "en", "followup-home-due.png"));
    await go(browser, "#/cases/1");
    await browser.$("[data-testid=tab-followups]").click();
    await waitForText(browser, "[data-testid=followup-list]", "working days late");
    await waitForText(browser, "[data-testid=followup-list]", "done");
    await screenshot(browser, join(SHOTS, "en", "followup-list.png"));
    await browser.$("[data-testid=add-followup]").click();
    await browser.$("#followup-body").setValue("Platform complaint mailbox");
    await setInput(browser, "#followup-days", "0");
    await browser.$("[data-testid=followup-days-error]").waitForExist();
    await setInput(browser, "#followup-filed", TODAY);
    await setInput(browser, "#followup-days", "5");
    await waitForText(browser, "[data-testid=followup-preview]", "5 working days from today");
    await screenshot(browser, join(SHOTS, "en", "followup-form.png"));
  });
});
