// The installed package as a user has it: the app and CLI from /usr/bin (TIXIAN_APP, TIXIAN_CLI
// set by `dev.sh test` after `apt-get install ./tixian_*.deb`), driven under Xvfb: open on the
// welcome, add a platform, import a bill (typed: it is in the data folder, which the app reads
// without a dialog), export a case's bundle to the name it proposes, and verify it with the CLI.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { APP, CLI, freshHome, go, isolated, openApp, screenshot, SHOTS, sql, valueOf, waitForText } from "../e2e/helpers.mjs";

const NOW = "2026-11-28T10:00:00+08:00";

describe("installed package: smoke", () => {
  const home = freshHome();
  const cli = (...args) =>
    execFileSync(CLI, ["--db", home.db, ...args], { encoding: "utf8", env: isolated(home, NOW) });
  let app;

  before(async () => {
    assert.ok(APP.startsWith("/usr/"), `TIXIAN_APP should be the installed app, is ${APP}`);
    assert.ok(CLI.startsWith("/usr/"), `TIXIAN_CLI should be the installed CLI, is ${CLI}`);
    app = await openApp(home, {}, { welcome: true, now: NOW });
  });
  after(async () => {
    await app?.close();
  });

  it("opens on the welcome, and closes it", async () => {
    const browser = app.browser;
    assert.equal(await browser.execute("return document.title"), "提现助手 Tixian");
    await waitForText(browser, "[data-testid=welcome]", "什么都不会离开这台电脑");
    await screenshot(browser, join(SHOTS, "installed", "welcome.png"));
    await browser.$("[data-testid=welcome-start]").click();
    await browser.$("[data-testid=empty-state]").waitForExist();
  });

  it("adds a platform", async () => {
    const browser = app.browser;
    await browser.$("[data-testid=home-add-platform]").click();
    await browser.$("#platform-name").setValue("微信支付");
    await browser.$("#platform-kind").selectByAttribute("value", "wechat");
    await browser.$("[data-testid=add-platform-submit]").click();
    await browser.$("[data-testid=home-record-balance]").waitForExist();
    assert.equal(sql(home.db, "SELECT name || '/' || kind FROM platforms"), "微信支付/wechat");
  });

  it("imports a bill export", async () => {
    const browser = app.browser;
    const bill = join(home.dir, "微信支付账单.csv");
    writeFileSync(bill, [
      "微信支付账单明细,,,,,,,,,,",
      "----------------------微信支付账单明细列表--------------------,,,,,,,,,,",
      "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注",
      "2026-11-26 12:45:27,商户消费,某米线店,午饭,支出,¥28.16,零钱,支付成功,4200000001\t,M0001\t,/",
      "2026-11-24 18:03:35,零钱提现,招商银行(1234),/,/,¥500.00,零钱,提现已到账,4200000003\t,M0003\t,/",
      "",
    ].join("\n"));
    await go(browser, "#/platforms");
    await browser.$("#import-path").setValue(bill);
    await browser.$("[data-testid=import-submit]").click();
    await browser.$("[data-testid=import-summary]").waitForExist({ timeout: 20000 });
    assert.equal(await browser.$("[data-testid=import-imported]").getText(), "2");
    assert.equal(sql(home.db, "SELECT COUNT(*) FROM transactions"), "2");
  });

  it("exports a case's evidence bundle that the installed CLI verifies", async () => {
    const browser = app.browser;
    cli("case", "new", "--platform", "微信支付", "--amount", "500", "--occurred", "2026-11-24 18:03", "--summary", "提现显示到账但银行卡未收到");
    // The release app writes only where a save dialog answered or where it proposed itself
    // (no e2e hook in it): the bundle goes to the proposed name, in the home folder here.
    const pdf = join(home.dir, "案件1_证据包_2026-11-28.pdf");
    await go(browser, "#/cases/1");
    await browser.$("[data-testid=export-bundle]").click();
    await browser.waitUntil(async () => (await valueOf(browser, "#export-path")) === pdf, { timeoutMsg: "the proposed path" });
    await browser.$("[data-testid=export-submit]").click();
    await waitForText(browser, "[data-testid=export-done]", "证据包已导出", 60000);
    await screenshot(browser, join(SHOTS, "installed", "export-done.png"));
    assert.ok(existsSync(pdf));
    const verified = execFileSync(CLI, ["verify", pdf], { encoding: "utf8", env: isolated(home, NOW) });
    assert.match(verified, /^全部 \d+ 项一致/m); // exit 0: execFileSync throws otherwise
  });
});
