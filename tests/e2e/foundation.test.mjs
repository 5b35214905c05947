// The real app under Xvfb over WebDriver: every screen in both languages, language switching that
// is remembered, adding a platform and a balance through the UI, and the SQLite file behind it.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { freshHome, go, openApp, route, ROUTE, SCREENS, screenshot, SHOTS, sql, waitForText } from "./helpers.mjs";

describe("foundation", () => {
  const home = freshHome();
  let app;

  before(async () => {
    app = await openApp(home);
  });
  after(async () => {
    await app?.close();
  });

  it("opens on Home in Chinese with an honest empty state", async () => {
    const browser = app.browser;
    assert.equal(await browser.execute("return document.title"), "提现助手 Tixian");
    await waitForText(browser, "[data-nav=home]", "首页");
    await waitForText(browser, "[data-testid=empty-state]", "先添加你的第一个平台");
  });

  it("shows all seven screens in Chinese", async () => {
    const browser = app.browser;
    for (const screen of SCREENS) {
      await browser.$(`[data-nav=${screen}]`).click();
      await browser.waitUntil(async () => (await route(browser)) === ROUTE[screen], { timeoutMsg: `route ${screen}` });
      await browser.$("main h1").waitForExist();
      await screenshot(browser, join(SHOTS, "zh", `${screen}-empty.png`));
    }
  });

  it("adds a platform and a balance through the UI and shows them on Home", async () => {
    const browser = app.browser;
    await go(browser, "#/");
    await browser.$("[data-testid=home-add-platform]").click();
    await browser.$("#platform-name").setValue("微信支付");
    await browser.$("#platform-kind").selectByAttribute("value", "wechat");
    await screenshot(browser, join(SHOTS, "zh", "add-platform-dialog.png"));
    await browser.$("[data-testid=add-platform-submit]").click();
    await browser.$("[data-testid=home-record-balance]").waitForExist();

    // A bad amount is refused beside the field, and nothing is stored.
    await browser.$("[data-testid=home-record-balance]").click();
    await browser.$("#balance-amount").setValue("12,3元");
    await browser.$("[data-testid=balance-submit]").click();
    await waitForText(browser, "#balance-amount-error", "12,3元");
    await screenshot(browser, join(SHOTS, "zh", "balance-error.png"));
    assert.equal(sql(home.db, "SELECT count(*) FROM balance_snapshots"), "0");

    await browser.$("#balance-amount").setValue("1,234.50");
    await browser.$("[data-testid=balance-submit]").click();
    await waitForText(browser, "[data-testid=home-total]", "¥1,234.50");
    await waitForText(browser, "[data-testid=share-row]", "100.0%");
    await screenshot(browser, join(SHOTS, "zh", "home-with-platform.png"));

    assert.equal(sql(home.db, "SELECT name || '|' || kind FROM platforms"), "微信支付|wechat");
    assert.equal(sql(home.db, "SELECT amount_fen FROM balance_snapshots"), "123450");
  });

  it("switches to English, shows every screen, and remembers the choice", async () => {
    const browser = app.browser;
    await browser.$("[data-nav=settings]").click();
    await browser.$("[data-testid=lang-en]").click();
    await waitForText(browser, "[data-nav=home]", "Home");
    await browser.waitUntil(() => sql(home.db, "SELECT value FROM settings WHERE key = 'lang'") === "en", { timeoutMsg: "the language stored" });
    for (const screen of SCREENS) {
      await browser.$(`[data-nav=${screen}]`).click();
      await browser.waitUntil(async () => (await route(browser)) === ROUTE[screen], { timeoutMsg: `route ${screen}` });
      await browser.$("main h1").waitForExist();
      await screenshot(browser, join(SHOTS, "en", `${screen}.png`));
    }
    // After a restart: English, and the balance the step before stored.
    await app.close();
    app = await openApp(home);
    await waitForText(app.browser, "[data-nav=home]", "Home");
    await waitForText(app.browser, "[data-testid=home-total]", "¥1,234.50");
  });

  it("shows every screen in Chinese with data", async () => {
    const browser = app.browser;
    await browser.$("[data-nav=settings]").click();
    await browser.$("[data-testid=lang-zh]").click();
    await waitForText(browser, "[data-nav=home]", "首页");
    for (const screen of SCREENS) {
      await browser.$(`[data-nav=${screen}]`).click();
      await browser.waitUntil(async () => (await route(browser)) === ROUTE[screen], { timeoutMsg: `route ${screen}` });
      await browser.$("main h1").waitForExist();
      await screenshot(browser, join(SHOTS, "zh", `${screen}.png`));
    }
  });
});
