// Platform money in the real app: a WeChat bill (the project's own fixture) imported through the typed-path field (native
// file dialogs and drops can't be driven over WebDriver), seen on the Platforms screen and on Home;
// a test withdrawal in two clicks, then marked arrived; a balance deleted and brought back with
// Undo; the platform page in both languages. Every step is checked in the SQLite file too.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, SHOTS, freshHome, openApp, sql } from "./helpers.mjs";

// The bills the project owns (tests/fixtures/bills, written by gen_bill_fixtures) and the row
// counts their golden files state.
const BILLS = join(ROOT, "tests", "fixtures", "bills");
const BILL = join(BILLS, "wechat-csv-utf8.csv");
const ALIPAY = join(BILLS, "alipay-csv-2023-gbk.csv");
const rows = (name) => String(JSON.parse(readFileSync(join(BILLS, `${name}.expected.json`), "utf8")).rows);
const BILL_ROWS = rows("wechat-csv-utf8");
const ALIPAY_ROWS = rows("alipay-csv-2023-gbk");
/** Clicks through JS: stacked toasts can cover a button for WebDriver's hit test. */
async function jsClick(s, css) {
  await s.find(css);
  await s.exec("document.querySelector(arguments[0]).click()", [css]);
}

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
    const s = app.session;
    await s.go("#/platforms");
    await s.type("#import-path", join(home.dir, "no-such-bill.csv"));
    await s.click("[data-testid=import-submit]");
    await s.waitForText("[data-testid=import-error]", "no-such-bill.csv");
    assert.equal(sql(home.db, "SELECT count(*) FROM transactions"), "0");
    assert.equal(sql(home.db, "SELECT count(*) FROM platforms"), "0");
  });

  it("imports a WeChat bill and lists its rows on the Platforms screen", async () => {
    const s = app.session;
    await s.type("#import-path", BILL);
    await s.click("[data-testid=import-submit]");
    await s.find("[data-testid=import-summary]", 20000);
    const imported = await s.text("[data-testid=import-imported]");
    assert.equal(imported, BILL_ROWS);
    assert.equal(sql(home.db, "SELECT count(*) FROM transactions"), BILL_ROWS);
    platformId = sql(home.db, "SELECT id FROM platforms WHERE name = '微信支付'");
    assert.ok(platformId, "the import created 微信支付");

    // The new platform is in the table and the imported rows are listed, filterable.
    await s.waitForText("[data-testid=platforms-table]", "微信支付");
    await s.waitForText("[data-testid=txn-count]", BILL_ROWS);
    await s.screenshot(join(SHOTS, "zh", "platforms-imported.png"));
    await s.type("[data-testid=txn-text]", "云膳");
    await s.waitForText("[data-testid=txn-table]", "云膳过桥米线");
    await s.type("[data-testid=txn-text]", "建设银行");
    await s.waitFor(async () => (await s.exec("return document.querySelectorAll('[data-testid=txn-row]').length")) === 1, "one row for 建设银行");
    assert.match(await s.text("[data-testid=txn-table]"), /500\.00/);
    await s.type("[data-testid=txn-text]", " "); // blank filter (WebDriver refuses empty text)

    // Importing the same file again imports nothing new.
    await s.type("#import-path", BILL);
    await s.click("[data-testid=import-submit]");
    await s.waitForText("[data-testid=import-imported]", "0");
    assert.equal(sql(home.db, "SELECT count(*) FROM transactions"), BILL_ROWS);
  });

  it("shows the imported platform on Home", async () => {
    const s = app.session;
    await s.click("[data-nav=home]");
    await s.waitForText("[data-testid=share-row]", "微信支付");
    // A platform never test-withdrawn from is due for one, linked to the Platforms screen.
    await s.waitForText("[data-testid=home-due] .due-test_withdrawal", "微信支付");
    await s.screenshot(join(SHOTS, "zh", "home-after-import.png"));
  });

  it("logs a test withdrawal in two clicks and marks it arrived", async () => {
    const s = app.session;
    await s.click("[data-nav=platforms]");
    await s.click(`[data-testid=test-withdrawal-${platformId}]`); // click one
    await s.find("[data-testid=test-withdrawal-form]");
    await s.screenshot(join(SHOTS, "zh", "test-withdrawal-dialog.png"));
    await s.click("[data-testid=test-withdrawal-submit]"); // click two
    await s.waitFor(() => sql(home.db, "SELECT count(*) FROM withdrawals WHERE is_test = 1") === "1", "test withdrawal stored");
    assert.equal(
      sql(home.db, "SELECT amount_fen || '|' || status FROM withdrawals WHERE is_test = 1"),
      "100|requested",
    );
    const wid = sql(home.db, "SELECT id FROM withdrawals WHERE is_test = 1");

    await s.click(`[data-testid=platform-link-${platformId}]`);
    await s.waitForText("[data-testid=platform-title]", "微信支付");
    await s.click(`[data-testid=mark-arrived-${wid}]`);
    await s.waitFor(() => sql(home.db, `SELECT status FROM withdrawals WHERE id = ${wid}`) === "arrived", "arrived");
    assert.notEqual(sql(home.db, `SELECT arrived_at FROM withdrawals WHERE id = ${wid}`), "");
    await s.waitFor(async () => (await s.exists(`[data-testid=withdrawal-row][data-status=arrived]`)), "row shows arrived");
    // The test withdrawal is done, so Home no longer lists it as due.
    await s.click("[data-nav=home]");
    await s.find("[data-testid=home-total]");
    await s.waitFor(async () => !(await s.exists(".due-test_withdrawal")), "test withdrawal no longer due");
    await s.screenshot(join(SHOTS, "zh", "home-after-test-withdrawal.png"));
    await s.go(`#/platforms/${platformId}`);
    await s.waitForText("[data-testid=platform-title]", "微信支付");
  });

  it("deletes a balance and brings it back with Undo", async () => {
    const s = app.session;
    await s.click("[data-testid=detail-record-balance]");
    await s.type("#balance-amount", "88.80");
    await s.click("[data-testid=balance-submit]");
    await s.waitForText("[data-testid=platform-balance]", "¥88.80");
    const bid = sql(home.db, "SELECT id FROM balance_snapshots");
    await s.screenshot(join(SHOTS, "zh", "platform-detail.png"));

    await jsClick(s, `[data-testid=delete-balance-${bid}]`);
    await s.waitFor(() => sql(home.db, "SELECT count(*) FROM balance_snapshots") === "0", "balance deleted");
    await s.waitFor(async () => !(await s.exists("[data-testid=balance-row]")), "row gone");
    await s.screenshot(join(SHOTS, "zh", "balance-deleted-undo.png"));
    // Toasts stack and overlap, so WebDriver's hit test may land on another one: click it directly.
    await jsClick(s, UNDO);
    await s.waitFor(() => sql(home.db, "SELECT id || '|' || amount_fen FROM balance_snapshots") === `${bid}|8880`, "balance restored");
    await s.waitForText("[data-testid=platform-balance]", "¥88.80");
  });

  it("imports a bill dropped on another screen (Home) on the Platforms screen", async () => {
    const s = app.session;
    await s.click("[data-nav=home]");
    await s.find("[data-testid=home-total]");
    // The shell's own drag-drop events, as a real drop on the window sends them (WebDriver
    // cannot drag files from outside the window).
    await s.emit("tauri://drag-enter", { paths: [ALIPAY], position: { x: 400, y: 300 } });
    await s.waitForText("[data-testid=drop-overlay]", "松开即可导入账单");
    await s.screenshot(join(SHOTS, "zh", "drop-bill-on-home.png"));
    await s.emit("tauri://drag-drop", { paths: [ALIPAY], position: { x: 400, y: 300 } });
    await s.waitFor(async () => (await s.exec("return location.hash")) === "#/platforms", "went to Platforms");
    await s.find("[data-testid=import-summary]", 20000);
    assert.ok(!(await s.exists("[data-testid=drop-overlay]")), "the overlay is gone after the drop");
    assert.equal(await s.text("[data-testid=import-imported]"), ALIPAY_ROWS);
    assert.equal(sql(home.db, "SELECT count(*) FROM platforms WHERE name = '支付宝'"), "1");
    assert.equal(
      sql(home.db, "SELECT count(*) FROM transactions t JOIN platforms p ON p.id = t.platform_id WHERE p.name = '支付宝'"),
      ALIPAY_ROWS,
    );

    // Anything but a bill, dropped where nothing claims it, is refused with a hint and stored nowhere.
    await s.click("[data-nav=knowledge]");
    await s.emit("tauri://drag-drop", { paths: ["/tmp/photo.png"], position: { x: 400, y: 300 } });
    await s.waitForText("[data-sonner-toast]", "这里不接收文件");
    assert.equal(await s.exec("return location.hash"), "#/knowledge");
  });

  it("shows the platform screens in English", async () => {
    const s = app.session;
    await s.click("[data-nav=settings]");
    await s.click("[data-testid=lang-en]");
    await s.waitForText("[data-nav=home]", "Home");
    await s.click("[data-nav=platforms]");
    await s.waitForText("[data-testid=txn-list]", "Imported bill rows");
    await s.screenshot(join(SHOTS, "en", "platforms-imported.png"));
    await s.click(`[data-testid=platform-link-${platformId}]`);
    await s.waitForText("[data-testid=withdrawals-table]", "Arrived");
    await s.screenshot(join(SHOTS, "en", "platform-detail.png"));
    await s.click("[data-testid=detail-test-withdrawal]");
    await s.find("[data-testid=test-withdrawal-form]");
    await s.screenshot(join(SHOTS, "en", "test-withdrawal-dialog.png"));
  });
});
