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
import { CLI, ROOT, SHOTS, freshHome, isolated, openApp, sql } from "./helpers.mjs";
import { makePng } from "./png.mjs";

const NOW = "2026-11-28T10:00:00+08:00";
const BILL = join(ROOT, "tests", "fixtures", "bills", "wechat-csv-utf8.csv");
const READ_REFUSED = /^为了安全，提现助手只读取你在文件对话框里选的、拖进窗口的或用它打开的文件/;
const WRITE_REFUSED = /^为了安全，提现助手只写入你在保存对话框里选的位置/;

/** Calls a command the way a page of its own would; its error, or null when it succeeded. */
async function invokeError(s, command, args) {
  return s.exec(
    `return window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(() => null, (e) => e)`,
    [command, args],
  );
}

describe("paths: a command takes only what the user handed over", () => {
  const home = freshHome();
  // Somewhere neither the data folder nor anything picked: the files a hostile page would want.
  const outside = mkdtempSync(join(tmpdir(), "tixian-outside-"));
  const bill = join(outside, "微信支付账单.csv");
  const png = join(outside, "截图.png");
  const cli = (...args) =>
    execFileSync(CLI, ["--db", home.db, ...args], { encoding: "utf8", env: { ...isolated(home), TIXIAN_NOW: NOW } });
  let app;

  before(async () => {
    copyFileSync(BILL, bill);
    writeFileSync(png, makePng(270, 600));
    cli("case", "new", "--platform", "某某理财", "--amount", "500", "--occurred", "2026-11-24 18:03", "--summary", "提现未到账");
    app = await openApp(home, { TIXIAN_NOW: NOW });
  });
  after(async () => {
    await app?.close();
  });

  it("refuses every command called with a path never picked, reading and writing nothing", async () => {
    const s = app.session;
    const reads = [
      ["import_bill", { path: bill, platform: null, password: null }, "file"],
      ["add_evidence", { id: 1, path: png, caption: "", tier: "core" }, "path"],
      ["read_screenshot", { job: 1, path: png, bytes: null }, "image"],
      ["restore_backup", { path: bill }, "restore"],
      ["verify_bundle", { pdf: bill }, "file"],
      ["reveal_in_folder", { path: bill }, "path"],
    ];
    for (const [command, args, field] of reads) {
      const e = await invokeError(s, command, args);
      assert.ok(e, `${command} was refused`);
      assert.match(e.message, READ_REFUSED, command);
      assert.ok(e.message.includes(outside), `${command} names the path: ${e.message}`);
      assert.equal(e.field, field, command);
    }
    const writes = [
      ["save_text_file", { path: join(outside, "信.txt"), text: "x" }, "path"],
      ["backup_now", { path: join(outside, "备份.zip") }, "out"],
      ["export_case_bundle", { caseId: 1, out: join(outside, "证据包.pdf"), allTiers: false, smallerFile: false, overwrite: false, split: { shape: "none" } }, "out"],
    ];
    for (const [command, args, field] of writes) {
      const e = await invokeError(s, command, args);
      assert.ok(e, `${command} was refused`);
      assert.match(e.message, WRITE_REFUSED, command);
      assert.equal(e.field, field, command);
    }
    assert.deepEqual(readdirSync(outside).sort(), ["微信支付账单.csv", "截图.png"], "nothing written outside");
    assert.equal(sql(home.db, "SELECT count(*) FROM transactions"), "0");
    assert.equal(sql(home.db, "SELECT count(*) FROM evidence_items"), "0");
  });

  it("refuses a drop the page sends itself and a typed path, beside the path field", async () => {
    const s = app.session;
    await s.go("#/platforms");
    await s.find("#import-path");
    // The web view's own drag-drop event is not the window's: no file was handed over.
    await s.emit("tauri://drag-drop", { paths: [bill], position: { x: 400, y: 300 } });
    await s.waitFor(async () => READ_REFUSED.test(await s.text("[data-testid=import-error]")), "the refusal of the drop");
    await s.type("#import-path", bill);
    await s.click("[data-testid=import-submit]");
    await s.waitFor(async () => READ_REFUSED.test(await s.text("[data-testid=import-error]")), "the refusal of the typed path");
    await s.screenshot(join(SHOTS, "zh", "path-refused.png"));
    assert.equal(sql(home.db, "SELECT count(*) FROM transactions"), "0");

    await s.click("[data-nav=settings]");
    await s.click("[data-testid=lang-en]");
    await s.waitForText("[data-nav=home]", "Home");
    await s.go("#/platforms");
    await s.type("#import-path", bill);
    await s.click("[data-testid=import-submit]");
    await s.waitForText("[data-testid=import-error]", "For safety, Tixian reads only files you chose in a file dialog, dropped on its window or opened with it");
    await s.screenshot(join(SHOTS, "en", "path-refused.png"));
    const e = await invokeError(s, "save_text_file", { path: join(outside, "letter.txt"), text: "x" });
    assert.match(e.message, /^For safety, Tixian writes only where you chose in a save dialog/);
    assert.equal(sql(home.db, "SELECT count(*) FROM transactions"), "0");
  });
});

describe("paths: the app without the e2e hook (as the release build is)", () => {
  const home = freshHome();
  const cli = (...args) =>
    execFileSync(CLI, ["--db", home.db, ...args], { encoding: "utf8", env: { ...isolated(home), TIXIAN_NOW: NOW } });
  let app;

  before(async () => {
    cli("case", "new", "--platform", "某某理财", "--amount", "500", "--occurred", "2026-11-24 18:03", "--summary", "提现未到账");
    app = await openApp(home, { TIXIAN_NOW: NOW, TIXIAN_E2E_PICKED: "" });
  });
  after(async () => {
    await app?.close();
  });

  it("reads a typed path inside the data folder", async () => {
    const s = app.session;
    const inData = join(home.dir, "账单.csv");
    copyFileSync(BILL, inData);
    await s.go("#/platforms");
    await s.type("#import-path", inData);
    await s.click("[data-testid=import-submit]");
    await s.find("[data-testid=import-summary]", 20000);
    assert.ok(Number(sql(home.db, "SELECT count(*) FROM transactions")) > 0);
  });

  it("never writes into the data folder: a rule file beside the database is refused", async () => {
    const s = app.session;
    const rule = join(home.dir, "rules", "kb.toml");
    const e = await invokeError(s, "save_text_file", { path: rule, text: "[[rule]]" });
    assert.match(e.message, WRITE_REFUSED);
    assert.ok(!existsSync(rule));
  });

  it("writes the bundle to the name it proposed, and nowhere the page typed", async () => {
    const s = app.session;
    await s.go("#/cases/1");
    await s.click("[data-testid=export-bundle]");
    const proposed = join(home.dir, "案件1_证据包_2026-11-28.pdf");
    await s.waitFor(async () => (await s.exec("return document.querySelector('#export-path')?.value")) === proposed, "the proposed path");
    await s.click("[data-testid=export-submit]");
    await s.waitForText("[data-testid=export-done]", "证据包已导出", 60000);
    assert.equal(await s.text("[data-testid=export-pdf]"), proposed);
    assert.ok(existsSync(proposed));
    // What was written where the user chose can be verified (read back).
    await s.click("[data-testid=export-verify]");
    await s.waitForText("[data-testid=verify-verdict]", "未被改动", 30000);
    await s.exec("document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))");
    await s.waitFor(async () => !(await s.exists(".modal-content")), "the dialog to close");

    const typed = join(home.dir, "别处.pdf");
    await s.click("[data-testid=export-bundle]");
    await s.type("#export-path", typed);
    await s.click("[data-testid=export-submit]");
    await s.waitFor(async () => WRITE_REFUSED.test(await s.text("[data-testid=export-path-error]")), "the refusal");
    assert.ok(!existsSync(typed));
  });
});
