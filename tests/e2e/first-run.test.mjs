// The first run: the welcome (language, where the data lives, the privacy promise), the sample
// case and platform and their one-click removal, the About dialog, and files the app is started
// with (a desktop entry's %F): a bill export goes to the import, a bundle PDF to "verify".
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, freshHome, go, isolated, openApp, route, screenshot, SHOTS, sql, waitForText } from "./helpers.mjs";

const NOW = "2026-11-28T10:00:00+08:00";

describe("first run: welcome, sample, About", () => {
  const home = freshHome();
  let app;

  before(async () => {
    app = await openApp(home, {}, { welcome: true, now: NOW });
  });
  after(async () => {
    await app?.close();
  });

  it("welcomes a new user in Chinese, saying where the data lives, and switches to English", async () => {
    const browser = app.browser;
    await waitForText(browser, "[data-testid=welcome]", "什么都不会离开这台电脑");
    await waitForText(browser, "[data-testid=welcome-db]", home.db);
    await waitForText(browser, "[data-testid=welcome]", join(home.dir, "backups"));
    await screenshot(browser, join(SHOTS, "zh", "welcome.png"));
    await browser.$("[data-testid=welcome-lang-en]").click();
    await waitForText(browser, "[data-testid=welcome]", "Nothing leaves this computer");
    await screenshot(browser, join(SHOTS, "en", "welcome.png"));
    assert.equal(sql(home.db, "SELECT value FROM settings WHERE key = 'lang'"), "en");
    await browser.$("[data-testid=welcome-lang-zh]").click();
    await waitForText(browser, "[data-testid=welcome]", "你的数据在哪里");
  });

  it("creates the sample case and platform, marked, and opens the case", async () => {
    const browser = app.browser;
    await browser.$("[data-testid=welcome-sample]").click();
    await browser.waitUntil(async () => /^#\/cases\/\d+$/.test(await route(browser)), { timeoutMsg: "the sample case page" });
    await waitForText(browser, "main", "【示例】提现 500.00 元四天未到账");
    // The dialog closes (it may still be fading out as the page changes) and is marked seen.
    await browser.waitUntil(async () => !(await browser.$("[data-testid=welcome]").isExisting()), { timeoutMsg: "the welcome to close" });
    await browser.waitUntil(async () => sql(home.db, "SELECT COUNT(*) FROM settings WHERE key = 'welcome_done'") === "1", { timeoutMsg: "welcome_done stored" });
    assert.equal(sql(home.db, "SELECT name FROM platforms"), "示例钱包（演示）");
    assert.equal(sql(home.db, "SELECT COUNT(*) FROM timeline_events"), "2");
    assert.equal(sql(home.db, "SELECT COUNT(*) FROM contacts"), "1");
  });

  it("marks the sample on Home and removes it, and only it, in one click", async () => {
    const browser = app.browser;
    // The user's own platform, added next to the sample, must stay.
    execFileSync(CLI, ["--db", home.db, "platform", "add", "微信支付", "--kind", "wechat"], { env: isolated(home, NOW) });
    await go(browser, "#/");
    await waitForText(browser, "[data-testid=sample-banner]", "演示数据");
    await waitForText(browser, "main", "示例钱包（演示）");
    await screenshot(browser, join(SHOTS, "zh", "home-sample.png"));
    await browser.$("[data-testid=sample-remove]").click();
    await browser.waitUntil(async () => !(await browser.$("[data-testid=sample-banner]").isExisting()), { timeoutMsg: "the banner to go" });
    assert.equal(sql(home.db, "SELECT COUNT(*) FROM cases"), "0");
    assert.equal(sql(home.db, "SELECT COUNT(*) FROM withdrawals"), "0");
    assert.equal(sql(home.db, "SELECT name FROM platforms"), "微信支付");
    assert.equal(sql(home.db, "SELECT COUNT(*) FROM settings WHERE key = 'sample'"), "0");
  });

  it("shows About from the sidebar: version, data folder, knowledge-base date, licences", async () => {
    const browser = app.browser;
    const version = execFileSync(CLI, ["--version"], { encoding: "utf8", env: isolated(home, NOW) }).trim().split(/\s+/).pop();
    await browser.$("[data-testid=nav-about]").click();
    await waitForText(browser, "[data-testid=about-version]", version);
    await waitForText(browser, "[data-testid=about-db]", home.db);
    const kb = await browser.$("[data-testid=about-kb]").getText();
    assert.match(kb, /规则最近核对于 \d{4}-\d{2}-\d{2}/);
    await browser.$("[data-testid=about-licences] summary").click();
    await waitForText(browser, "[data-testid=about-licences]", "SIL OPEN FONT LICENSE");
    await waitForText(browser, "[data-testid=about-licences]", "PaddleOCR");
    await screenshot(browser, join(SHOTS, "zh", "about.png"));
    await browser.$("[data-testid=about-close]").click();
    await browser.waitUntil(async () => !(await browser.$("[data-testid=about]").isExisting()), { timeoutMsg: "About to close" });
  });
});

describe("first run: the welcome shows once per database", () => {
  const home = freshHome();

  it("does not come back after it was closed", async () => {
    let app = await openApp(home, {}, { welcome: true, now: NOW });
    try {
      const browser = app.browser;
      await browser.$("[data-testid=welcome]").waitForExist();
      await browser.$("[data-testid=welcome-start]").click();
      await browser.waitUntil(async () => !(await browser.$("[data-testid=welcome]").isExisting()), { timeoutMsg: "the welcome to close" });
      await browser.waitUntil(async () => sql(home.db, "SELECT COUNT(*) FROM settings WHERE key = 'welcome_done'") === "1", { timeoutMsg: "welcome_done stored" });
    } finally {
      await app.close();
    }
    app = await openApp(home, {}, { welcome: true, now: NOW });
    try {
      const browser = app.browser;
      await browser.$("[data-testid=empty-state]").waitForExist();
      // Once the first-run state is read the welcome would be open if it were due.
      await browser.$("main[data-first-run=read]").waitForExist();
      assert.equal(await browser.$("[data-testid=welcome]").isExisting(), false);
      // About in English, from Settings.
      await go(browser, "#/settings");
      await browser.$("[data-testid=lang-en]").click();
      await browser.$("[data-testid=settings-about]").click();
      await waitForText(browser, "[data-testid=about]", "Works offline");
      assert.match(await browser.$("[data-testid=about-kb]").getText(), /rules last checked on \d{4}-\d{2}-\d{2}/);
      await screenshot(browser, join(SHOTS, "en", "about.png"));
    } finally {
      await app.close();
    }
  });
});

describe("files the app is started with", () => {
  const home = freshHome();
  const cli = (...args) =>
    execFileSync(CLI, ["--db", home.db, ...args], { encoding: "utf8", env: isolated(home, NOW) });

  it("verifies a bundle PDF it was opened with", async () => {
    cli("case", "new", "--platform", "微信支付", "--amount", "200", "--occurred", "2026-11-20 10:00", "--summary", "提现未到账");
    const pdf = join(home.dir, "案件1_证据包.pdf");
    cli("case", "export", "1", "--out", pdf);
    const app = await openApp(home, {}, { args: [pdf], now: NOW });
    try {
      const browser = app.browser;
      await waitForText(browser, "[data-testid=verify-verdict]", "✓", 20000);
      assert.equal(await route(browser), "#/cases");
      await screenshot(browser, join(SHOTS, "zh", "launch-verify.png"));
    } finally {
      await app.close();
    }
  });

  it("imports a bill export it was opened with", async () => {
    const bill = join(home.dir, "微信支付账单(20261101-20261127).csv");
    writeFileSync(bill, [
      "微信支付账单明细,,,,,,,,,,",
      "微信昵称：[测试],,,,,,,,,,",
      "起始时间：[2026-11-01 00:00:00] 终止时间：[2026-11-27 23:59:59],,,,,,,,,,",
      ",,,,,,,,,,",
      "----------------------微信支付账单明细列表--------------------,,,,,,,,,,",
      "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注",
      "2026-11-26 12:45:27,商户消费,某米线店,午饭,支出,¥28.16,零钱,支付成功,4200000001\t,M0001\t,/",
      "2026-11-25 10:10:11,微信红包,朋友,/,收入,¥0.35,/,已存入零钱,4200000002\t,M0002\t,/",
      "2026-11-24 18:03:35,零钱提现,招商银行(1234),/,/,¥500.00,零钱,提现已到账,4200000003\t,M0003\t,/",
      "",
    ].join("\n"));
    const app = await openApp(home, {}, { args: [bill], now: NOW });
    try {
      const browser = app.browser;
      await browser.$("[data-testid=import-summary]").waitForExist({ timeout: 20000 });
      assert.equal(await browser.$("[data-testid=import-imported]").getText(), "3");
      assert.equal(await route(browser), "#/platforms");
      assert.equal(sql(home.db, "SELECT COUNT(*) FROM transactions"), "3");
    } finally {
      await app.close();
    }
  });
});
