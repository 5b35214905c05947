// The paths the web view hands to a command (issue 17): the shell reads only files the user
// picked in a file dialog, dropped on the window or opened the app with, and files in its data
// folder; it writes only where a save dialog answered or where it proposed itself. A page that
// calls a command itself (window.__TAURI_INTERNALS__.invoke) with a path never picked is refused
// and nothing is read or written, and so is a drop the page sends as an event of its own. The
// second app runs without the debug build's e2e hook, as the release app does: typed paths in
// the data folder are read, the proposed bundle name is written, anything else is refused.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, ROOT, SHOTS, emit, freshHome, go, isolated, openApp, screenshot, sql, valueOf, waitForText } from "./helpers.mjs";
import { makePng } from "./png.mjs";

const NOW = "2026-11-28T10:00:00+08:00";
const BILL = join(ROOT, "tests", "fixtures", "bills", "wechat-csv-utf8.csv");
/** The refusals, word for word (core `grants`). */
const readRefused = (path) =>
  `为了安全，提现助手只读取你在文件对话框里选的、拖进窗口的或用它打开的文件，以及它的数据文件夹里的文件：${path} 都不是。请用“选择”按钮选它，或把它拖进窗口`;
const writeRefused = (path) => `为了安全，提现助手只写入你在保存对话框里选的位置：${path} 不是。请用“选择”按钮选保存位置`;
const readRefusedEn = (path) =>
  `For safety, Tixian reads only files you chose in a file dialog, dropped on its window or opened with it, and files in its data folder: ${path} is none of these. Choose it with the Choose button or drop it on the window`;
const writeRefusedEn = (path) =>
  `For safety, Tixian writes only where you chose in a save dialog: ${path} is not such a place. Choose where to save with the Choose button`;

/** Calls a command the way a page of its own would; its error, or null when it succeeded. */
function invokeError(browser, command, args) {
  return browser.execute((c, a) => window.__TAURI_INTERNALS__.invoke(c, a).then(() => null, (e) => e), command, args);
}

/** Waits until the text of `css` is `expected`. */
async function waitForExactText(browser, css, expected, timeout = 10000) {
  let last = "";
  await browser.waitUntil(async () => {
    const el = await browser.$(css);
    last = (await el.isExisting()) ? await el.getText() : "(no element)";
    return last === expected;
  }, { timeout, timeoutMsg: `${css} to read “${expected}”; last seen: ${last}` });
}

describe("paths: a command takes only what the user handed over", () => {
  const home = freshHome();
  // Somewhere neither the data folder nor anything picked: the files a hostile page would want.
  const outside = mkdtempSync(join(tmpdir(), "tixian-outside-"));
  const bill = join(outside, "微信支付账单.csv");
  const png = join(outside, "截图.png");
  const cli = (...args) => execFileSync(CLI, ["--db", home.db, ...args], { encoding: "utf8", env: isolated(home, NOW) });
  let app;

  before(async () => {
    copyFileSync(BILL, bill);
    writeFileSync(png, makePng(270, 600));
    cli("case", "new", "--platform", "某某理财", "--amount", "500", "--occurred", "2026-11-24 18:03", "--summary", "提现未到账");
    app = await openApp(home, {}, { now: NOW });
  });
  after(async () => {
    await app?.close();
  });

  it("refuses every command called with a path never picked, reading and writing nothing", async () => {
    const browser = app.browser;
    const reads = [
      ["import_bill", { path: bill, platform: null, password: null }, "file", bill],
      ["add_evidence", { id: 1, path: png, caption: "", tier: "core" }, "file", png],
      ["read_screenshot", { job: 1, path: png, bytes: null }, "image", png],
      ["restore_backup", { path: bill }, "restore", bill],
      ["verify_bundle", { pdf: bill }, "file", bill],
      ["reveal_in_folder", { path: bill }, "path", bill],
    ];
    for (const [command, args, field, path] of reads) {
      const e = await invokeError(browser, command, args);
      assert.ok(e, `${command} was refused`);
      assert.equal(e.message, readRefused(path), command);
      assert.equal(e.field, field, command);
    }
    const writes = [
      ["save_text_file", { path: join(outside, "信.txt"), text: "x" }, "path"],
      ["backup_now", { path: join(outside, "备份.zip") }, "out"],
      ["export_case_bundle", { caseId: 1, out: join(outside, "证据包.pdf"), allTiers: false, smallerFile: false, overwrite: false, split: { shape: "none" } }, "out"],
    ];
    for (const [command, args, field] of writes) {
      const e = await invokeError(browser, command, args);
      assert.ok(e, `${command} was refused`);
      assert.equal(e.message, writeRefused(args.path ?? args.out), command);
      assert.equal(e.field, field, command);
    }
    assert.deepEqual(readdirSync(outside).sort(), ["微信支付账单.csv", "截图.png"], "nothing written outside");
    assert.equal(sql(home.db, "SELECT count(*) FROM transactions"), "0");
    assert.equal(sql(home.db, "SELECT count(*) FROM evidence_items"), "0");
  });

  it("refuses a drop the page sends itself and a typed path, beside the path field", async () => {
    const browser = app.browser;
    await go(browser, "#/platforms");
    await browser.$("#import-path").waitForExist();
    // The web view's own drag-drop event is not the window's: no file was handed over.
    await emit(browser, "tauri://drag-drop", { paths: [bill], position: { x: 400, y: 300 } });
    await waitForExactText(browser, "[data-testid=import-error]", readRefused(bill));
    // Typed again (the field now holds the dropped path): refused the same way.
    await browser.$("#import-path").setValue(bill);
    await browser.$("[data-testid=import-submit]").click();
    await waitForExactText(browser, "[data-testid=import-error]", readRefused(bill));
    assert.equal(await valueOf(browser, "#import-path"), bill);
    await screenshot(browser, join(SHOTS, "zh", "path-refused.png"));
    assert.equal(sql(home.db, "SELECT count(*) FROM transactions"), "0");

    await browser.$("[data-nav=settings]").click();
    await browser.$("[data-testid=lang-en]").click();
    await waitForText(browser, "[data-nav=home]", "Home");
    await browser.$("[data-nav=platforms]").click();
    await browser.$("#import-path").setValue(bill);
    await browser.$("[data-testid=import-submit]").click();
    await waitForExactText(browser, "[data-testid=import-error]", readRefusedEn(bill));
    await screenshot(browser, join(SHOTS, "en", "path-refused.png"));
    const letter = join(outside, "letter.txt");
    const e = await invokeError(browser, "save_text_file", { path: letter, text: "x" });
    assert.equal(e.message, writeRefusedEn(letter));
    assert.equal(sql(home.db, "SELECT count(*) FROM transactions"), "0");
    assert.deepEqual(readdirSync(outside).sort(), ["微信支付账单.csv", "截图.png"], "nothing written outside");
  });
});

describe("paths: the app without the e2e hook (as the release build is)", () => {
  const home = freshHome();
  const cli = (...args) => execFileSync(CLI, ["--db", home.db, ...args], { encoding: "utf8", env: isolated(home, NOW) });
  let app;

  before(async () => {
    cli("case", "new", "--platform", "某某理财", "--amount", "500", "--occurred", "2026-11-24 18:03", "--summary", "提现未到账");
    app = await openApp(home, { TIXIAN_E2E_PICKED: "" }, { now: NOW });
  });
  after(async () => {
    await app?.close();
  });

  it("reads a typed path inside the data folder", async () => {
    const browser = app.browser;
    const inData = join(home.dir, "账单.csv");
    copyFileSync(BILL, inData);
    await go(browser, "#/platforms");
    await browser.$("#import-path").setValue(inData);
    await browser.$("[data-testid=import-submit]").click();
    await browser.$("[data-testid=import-summary]").waitForExist({ timeout: 20000 });
    assert.equal(sql(home.db, "SELECT count(*) FROM transactions"), "7");
  });

  it("never writes into the data folder: a rule file beside the database is refused", async () => {
    const browser = app.browser;
    const rule = join(home.dir, "rules", "kb.toml");
    const e = await invokeError(browser, "save_text_file", { path: rule, text: "[[rule]]" });
    assert.equal(e.message, writeRefused(rule));
    assert.equal(existsSync(rule), false);
  });

  it("writes the bundle to the name it proposed, and nowhere the page typed", async () => {
    const browser = app.browser;
    await go(browser, "#/cases/1");
    await browser.$("[data-testid=export-bundle]").click();
    const proposed = join(home.dir, "案件1_证据包_2026-11-28.pdf");
    await browser.waitUntil(async () => (await valueOf(browser, "#export-path")) === proposed, { timeoutMsg: "the proposed path" });
    await browser.$("[data-testid=export-submit]").click();
    await waitForText(browser, "[data-testid=export-done]", "证据包已导出", 60000);
    assert.equal(await browser.$("[data-testid=export-pdf]").getText(), proposed);
    assert.equal(existsSync(proposed), true);
    // What was written where the user chose can be verified (read back).
    await browser.$("[data-testid=export-verify]").click();
    await waitForText(browser, "[data-testid=verify-verdict]", "未被改动", 30000);
    await browser.keys("Escape");
    await browser.waitUntil(async () => !(await browser.$(".modal-content").isExisting()), { timeoutMsg: "the dialog to close" });

    const typed = join(home.dir, "别处.pdf");
    await browser.$("[data-testid=export-bundle]").click();
    await browser.$("#export-path").setValue(typed);
    await browser.$("[data-testid=export-submit]").click();
    await waitForExactText(browser, "[data-testid=export-path-error]", writeRefused(typed));
    assert.equal(existsSync(typed), false);
  });
});
