// Platform money in the real app: a WeChat bill (the project's own fixture) imported through the typed-path field (native
// file dialogs and drops can't be driven over WebDriver), seen on the Platforms screen and on Home;
// a test withdrawal in two clicks, then marked arrived; a balance deleted and brought back with
// Undo; the platform page in both languages. Every step is checked in the SQLite file too.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { emit, freshHome, go, noToasts, NOW, openApp, ROOT, route, screenshot, SHOTS, sql, waitForText } from "./helpers.mjs";

// The bills the project owns (tests/fixtures/bills, written by gen_bill_fixtures) and the row
// counts their golden files state.
const BILLS = join(ROOT, "tests", "fixtures", "bills");
const BILL = join(BILLS, "wechat-csv-utf8.csv");
const ALIPAY = join(BILLS, "alipay-csv-2023-gbk.csv");
const rows = (name) => String(JSON.parse(readFileSync(join(BILLS, `${name}.expected.json`), "utf8")).rows);
const BILL_ROWS = rows("wechat-csv-utf8");
const ALIPAY_ROWS = rows("alipay-csv-2023-gbk");
const UNDO = "[data-sonner-toast] [data-button]:not([data-cancel])";

describe("platforms: bill import, withdrawals, undo", () => {
  const home = freshHome();
  let app;
  let platformId;

  before(async () => {
    app = await openApp(home);
  });
  after(async () => {
    await app?.close();
  });

  it("refuses a file that does not exist, beside the path field, storing nothing", async () => {
    const browser = app.browser;
    await go(browser, "#/platforms");
    await browser.$("#import-path").setValue(join(home.dir, "no-such-bill.csv"));
    await browser.$("[data-testid=import-submit]").click();
    await waitForText(browser, "[data-testid=import-error]", "no-such-bill.csv");
    assert.equal(sql(home.db, "SELECT count(*) FROM transactions"), "0");
    assert.equal(sql(home.db, "SELECT count(*) FROM platforms"), "0");
  });

  it("imports a WeChat bill and lists its rows on the Platforms screen", async () => {
    const browser = app.browser;
    await browser.$("#import-path").setValue(BILL);
    await browser.$("[data-testid=import-submit]").click();
    await browser.$("[data-testid=import-summary]").waitForExist({ timeout: 20000 });
    const imported = await browser.$("[data-testid=import-imported]").getText();
    assert.equal(imported, BILL_ROWS);
    assert.equal(sql(home.db, "SELECT count(*) FROM transactions"), BILL_ROWS);
    platformId = sql(home.db, "SELECT id FROM platforms WHERE name = '微信支付'");
    assert.ok(platformId, "the import created 微信支付");

    // The new platform is in the table and the imported rows are listed, filterable.
    await waitForText(browser, "[data-testid=platforms-table]", "微信支付");
    await waitForText(browser, "[data-testid=txn-count]", BILL_ROWS);
    await screenshot(browser, join(SHOTS, "zh", "platforms-imported.png"));
    await browser.$("[data-testid=txn-text]").setValue("云膳");
    await waitForText(browser, "[data-testid=txn-table]", "云膳过桥米线");
    await browser.$("[data-testid=txn-text]").setValue("建设银行");
    await browser.waitUntil(async () => (await browser.execute("return document.querySelectorAll('[data-testid=txn-row]').length")) === 1, { timeoutMsg: "one row for 建设银行" });
    assert.match(await browser.$("[data-testid=txn-table]").getText(), /500\.00/);
    await browser.$("[data-testid=txn-text]").setValue(" "); // blank filter (WebDriver refuses empty text)

    // Importing the same file again imports nothing new.
    await browser.$("#import-path").setValue(BILL);
    await browser.$("[data-testid=import-submit]").click();
    await waitForText(browser, "[data-testid=import-imported]", "0");
    assert.equal(sql(home.db, "SELECT count(*) FROM transactions"), BILL_ROWS);
  });

  it("shows the imported platform on Home", async () => {
    const browser = app.browser;
    await browser.$("[data-nav=home]").click();
    await waitForText(browser, "[data-testid=share-row]", "微信支付");
    // A platform never test-withdrawn from is due for one, linked to the Platforms screen.
    await waitForText(browser, "[data-testid=home-due] .due-test_withdrawal", "微信支付");
    await screenshot(browser, join(SHOTS, "zh", "home-after-import.png"));
  });

  it("logs a test withdrawal in two clicks and marks it arrived", async () => {
    const browser = app.browser;
    await browser.$("[data-nav=platforms]").click();
    await browser.$(`[data-testid=test-withdrawal-${platformId}]`).click(); // click one
    await browser.$("[data-testid=test-withdrawal-form]").waitForExist();
    await screenshot(browser, join(SHOTS, "zh", "test-withdrawal-dialog.png"));
    await browser.$("[data-testid=test-withdrawal-submit]").click(); // click two
    await browser.waitUntil(() => sql(home.db, "SELECT count(*) FROM withdrawals WHERE is_test = 1") === "1", { timeoutMsg: "test withdrawal stored" });
    assert.equal(
      sql(home.db, "SELECT amount_fen || '|' || status FROM withdrawals WHERE is_test = 1"),
      "100|requested",
    );
    const wid = sql(home.db, "SELECT id FROM withdrawals WHERE is_test = 1");

    await browser.$(`[data-testid=platform-link-${platformId}]`).click();
    await waitForText(browser, "[data-testid=platform-title]", "微信支付");
    await browser.$(`[data-testid=mark-arrived-${wid}]`).click();
    await browser.waitUntil(() => sql(home.db, `SELECT status FROM withdrawals WHERE id = ${wid}`) === "arrived", { timeoutMsg: "arrived" });
    assert.equal(sql(home.db, `SELECT arrived_at FROM withdrawals WHERE id = ${wid}`), NOW, "arrived at the pinned now");
    await browser.waitUntil(async () => (await browser.$(`[data-testid=withdrawal-row][data-status=arrived]`).isExisting()), { timeoutMsg: "row shows arrived" });
    // The test withdrawal is done, so Home no longer lists it as due.
    await browser.$("[data-nav=home]").click();
    await browser.$("[data-testid=home-total]").waitForExist();
    await browser.waitUntil(async () => !(await browser.$(".due-test_withdrawal").isExisting()), { timeoutMsg: "test withdrawal no longer due" });
    await screenshot(browser, join(SHOTS, "zh", "home-after-test-withdrawal.png"));
    await go(browser, `#/platforms/${platformId}`);
    await waitForText(browser, "[data-testid=platform-title]", "微信支付");
  });

  it("deletes a balance and brings it back with Undo", async () => {
    const browser = app.browser;
    await browser.$("[data-testid=detail-record-balance]").click();
    await browser.$("#balance-amount").setValue("88.80");
    await browser.$("[data-testid=balance-submit]").click();
    await waitForText(browser, "[data-testid=platform-balance]", "¥88.80");
    const bid = sql(home.db, "SELECT id FROM balance_snapshots");
    await screenshot(browser, join(SHOTS, "zh", "platform-detail.png"));

    // The "stored" toast closes first, so the Undo toast the delete brings is the only one (toasts
    // stack and overlap: WebDriver's hit test would land on another).
    await noToasts(browser);
    await browser.$(`[data-testid=delete-balance-${bid}]`).click();
    await browser.waitUntil(() => sql(home.db, "SELECT count(*) FROM balance_snapshots") === "0", { timeoutMsg: "balance deleted" });
    await browser.waitUntil(async () => !(await browser.$("[data-testid=balance-row]").isExisting()), { timeoutMsg: "row gone" });
    await screenshot(browser, join(SHOTS, "zh", "balance-deleted-undo.png"));
    assert.equal(await browser.$$("[data-sonner-toast]").length, 1, "the Undo toast alone");
    await browser.$(UNDO).click();
    await browser.waitUntil(() => sql(home.db, "SELECT id || '|' || amount_fen FROM balance_snapshots") === `${bid}|8880`, { timeoutMsg: "balance restored" });
    await waitForText(browser, "[data-testid=platform-balance]", "¥88.80");
  });

  it("imports a bill dropped on another screen (Home) on the Platforms screen", async () => {
    const browser = app.browser;
    await browser.$("[data-nav=home]").click();
    await browser.$("[data-testid=home-total]").waitForExist();
    // The shell's own drag-drop events, as a real drop on the window sends them (WebDriver
    // cannot drag files from outside the window).
    await emit(browser, "tauri://drag-enter", { paths: [ALIPAY], position: { x: 400, y: 300 } });
    await waitForText(browser, "[data-testid=drop-overlay]", "松开即可导入账单");
    await screenshot(browser, join(SHOTS, "zh", "drop-bill-on-home.png"));
    await emit(browser, "tauri://drag-drop", { paths: [ALIPAY], position: { x: 400, y: 300 } });
    await browser.waitUntil(async () => (await route(browser)) === "#/platforms", { timeoutMsg: "went to Platforms" });
    await browser.$("[data-testid=import-summary]").waitForExist({ timeout: 20000 });
    assert.ok(!(await browser.$("[data-testid=drop-overlay]").isExisting()), "the overlay is gone after the drop");
    assert.equal(await browser.$("[data-testid=import-imported]").getText(), ALIPAY_ROWS);
    assert.equal(sql(home.db, "SELECT count(*) FROM platforms WHERE name = '支付宝'"), "1");
    assert.equal(
      sql(home.db, "SELECT count(*) FROM transactions t JOIN platforms p ON p.id = t.platform_id WHERE p.name = '支付宝'"),
      ALIPAY_ROWS,
    );

    // Anything but a bill, dropped where nothing claims it, is refused with a hint and stored nowhere.
    await browser.$("[data-nav=knowledge]").click();
    await emit(browser, "tauri://drag-drop", { paths: ["/tmp/photo.png"], position: { x: 400, y: 300 } });
    await waitForText(browser, "[data-sonner-toast]", "这里不接收文件");
    assert.equal(await route(browser), "#/knowledge");
  });

  it("shows the platform screens in English", async () => {
    const browser = app.browser;
    await browser.$("[data-nav=settings]").click();
    await browser.$("[data-testid=lang-en]").click();
    await waitForText(browser, "[data-nav=home]", "Home");
    await browser.$("[data-nav=platforms]").click();
    await waitForText(browser, "[data-testid=txn-list]", "Imported bill rows");
    await screenshot(browser, join(SHOTS, "en", "platforms-imported.png"));
    await browser.$(`[data-testid=platform-link-${platformId}]`).click();
    await waitForText(browser, "[data-testid=withdrawals-table]", "Arrived");
    await screenshot(browser, join(SHOTS, "en", "platform-detail.png"));
    await browser.$("[data-testid=detail-test-withdrawal]").click();
    await browser.$("[data-testid=test-withdrawal-form]").waitForExist();
    await screenshot(browser, join(SHOTS, "en", "test-withdrawal-dialog.png"));
  });
});
