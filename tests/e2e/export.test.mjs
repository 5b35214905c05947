// The evidence bundle from the real app: a case made with the CLI on the same database (with a
// screenshot in the vault), exported from the case page to a typed path (native save dialogs
// cannot be driven), checked from outside with pdftotext and `sha256sum -c`; exporting again to
// the same place asks before overwriting; Verify (typed path, or a drop sent as the shell's own
// drag-drop event) reports every file unchanged, then names the one whose byte was changed; a
// file that is not a bundle and a bundle without its folder get clear messages. zh and en.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, emit, freshHome, go, isolated, noToasts, openApp, screenshot, SHOTS, sql, valueOf, waitForText } from "./helpers.mjs";
import { makePng } from "./png.mjs";


describe("export: the evidence bundle from the case page", () => {
  const home = freshHome();
  const out = join(home.dir, "导出");
  const pdf = join(out, "案件1_证据包.pdf");
  const files = join(out, "案件1_证据包.files");
  let app;

  const tixian = (...args) => execFileSync(CLI, ["--db", home.db, "--json", ...args], { encoding: "utf8", env: isolated(home) });

  before(async () => {
    mkdirSync(out);
    const png = join(home.dir, "提现失败截图.png");
    writeFileSync(png, makePng(270, 600));
    tixian("case", "new", "--platform", "某某理财", "--amount", "1,234.50", "--occurred", "2026-11-02 10:00",
      "--summary", "申请提现后一直显示“审核中”，客服多次承诺处理但未到账", "--account", "尾号 1234");
    tixian("case", "evidence", "1", png, "--caption", "提现失败页面", "--taken-at", "2026-11-02 10:05");
    // Reserve evidence: four full-size noisy screenshots, only in the "all" export below.
    for (let i = 1; i <= 4; i++) {
      const big = join(home.dir, `备用截图${i}.png`);
      writeFileSync(big, makePng(1080, 2400, { noise: true }));
      tixian("case", "evidence", "1", big, "--caption", `备用截图${i}`, "--tier", "reserve");
    }
    app = await openApp(home);
  });
  after(async () => {
    await app?.close();
  });

  it("exports from the case page with a progress bar and shows the summary", async () => {
    const browser = app.browser;
    await go(browser, "#/cases/1");
    await waitForText(browser, "[data-testid=case-head]", "¥1,234.50");
    await browser.$("[data-testid=export-bundle]").click();
    // The suggested name: 案件1_证据包_<today>.pdf (the pinned day).
    await browser.waitUntil(async () => (await valueOf(browser, "#export-path")).endsWith("/案件1_证据包_2026-11-26.pdf"), { timeoutMsg: "default path" });
    await screenshot(browser, join(SHOTS, "zh", "export-form.png"));

    await browser.$("#export-path").setValue(join(out, "没有这个文件夹", "a.pdf"));
    await browser.$("[data-testid=export-submit]").click();
    await waitForText(browser, "[data-testid=export-path-error]", "不存在");

    await browser.$("#export-path").setValue(pdf);
    // The run is short: watch the DOM for the progress bar and the percents it showed.
    await browser.execute(`window.__progress = [];
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid=export-progress]');
        if (bar) window.__progress.push(Number(bar.getAttribute('aria-valuenow')));
      }).observe(document.body, { subtree: true, childList: true, attributes: true });`);
    await browser.$("[data-testid=export-submit]").click();
    await waitForText(browser, "[data-testid=export-done]", "证据包已导出", 60000);
    const seen = await browser.execute("return window.__progress");
    // Whether the bar was caught at all depends on the machine's speed, so only what it
    // showed is asserted: percents that never go back and stay within 0–100.
    console.log(`progress seen: ${seen.join(",")}`);
    assert.deepEqual(seen.filter((p) => !(p >= 0 && p <= 100)), [], "percents within 0–100");
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b), "progress never goes back");
    assert.equal(await browser.$("[data-testid=export-files]").getText(), "1");
    assert.match(await browser.$("[data-testid=export-fingerprint]").getText(), /^[0-9a-f]{64}$/);
    await screenshot(browser, join(SHOTS, "zh", "export-done.png"));
    // "Open folder" asks the desktop (nothing to show under Xvfb): the app stays responsive and
    // any failure is a message, not a hang.
    await browser.$("[data-testid=export-open-folder]").click();
    await browser.$("[data-testid=export-open-folder][data-revealed='1']").waitForExist({ timeout: 10000 });
    await screenshot(browser, join(SHOTS, "zh", "export-open-folder.png"));
    await browser.$("[data-testid=export-done]").waitForExist();
    await noToasts(browser);

    const text = execFileSync("pdftotext", ["-enc", "UTF-8", pdf, "-"], { encoding: "utf8" });
    assert.match(text, /某某理财/);
    assert.match(text, /审核中/);
    assert.match(text, /提现失败页面/);
    const fingerprint = await browser.$("[data-testid=export-fingerprint]").getText();
    assert.ok(text.replace(/\s+/g, "").includes(fingerprint), "the cover carries the fingerprint");
    const check = execFileSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: files, encoding: "utf8" });
    assert.match(check, /: OK/);
    assert.doesNotMatch(check, /FAILED/);
  });

  it("asks before overwriting an existing bundle", async () => {
    const browser = app.browser;
    const before = readFileSync(join(files, "SHA256SUMS"), "utf8");
    await browser.$("[data-testid=export-finish]").click();
    await browser.$("[data-testid=export-bundle]").click();
    await browser.waitUntil(async () => (await valueOf(browser, "#export-path")) === pdf, { timeoutMsg: "the last path kept" });
    await browser.$("[data-testid=export-submit]").click();
    await waitForText(browser, "[data-testid=export-exists]", "已存在");
    await screenshot(browser, join(SHOTS, "zh", "export-overwrite.png"));
    // "Choose another place" goes back to the form and leaves the bundle alone.
    await browser.$("[data-testid=export-other-place]").click();
    await browser.$("#export-path").waitForExist();
    assert.equal(readFileSync(join(files, "SHA256SUMS"), "utf8"), before);

    await browser.$("[data-testid=export-submit]").click();
    await browser.$("[data-testid=export-exists]").waitForExist();
    await browser.$("[data-testid=export-overwrite]").click();
    await waitForText(browser, "[data-testid=export-done]", "证据包已导出", 60000);
    execFileSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: files });
    assert.deepEqual(readdirSync(out).sort(), ["案件1_证据包.files", "案件1_证据包.pdf"], "no temp files left");
  });

  it("verifies the fresh bundle: every file unchanged", async () => {
    const browser = app.browser;
    await browser.$("[data-testid=export-verify]").click();
    await waitForText(browser, "[data-testid=verify-verdict]", "未被改动", 30000);
    assert.equal(await valueOf(browser, "#verify-path"), pdf);
    await browser.$("[data-testid=verify-proves]").waitForExist();
    await screenshot(browser, join(SHOTS, "zh", "verify-ok.png"));
    await closeDialog(browser);
  });

  it("takes a dropped bundle (and refuses a dropped image) without adding evidence", async () => {
    const browser = app.browser;
    await browser.$("[data-testid=verify-bundle]").click();
    await browser.$("[data-testid=verify-dialog]").waitForExist();
    // The shell's own drag-drop event, as a real drop on the window sends it.
    await emit(browser, "tauri://drag-drop", { paths: [join(home.dir, "提现失败截图.png")], position: { x: 400, y: 300 } });
    await waitForText(browser, "[data-testid=verify-error]", "提现失败截图.png");
    await emit(browser, "tauri://drag-drop", { paths: [pdf], position: { x: 400, y: 300 } });
    await waitForText(browser, "[data-testid=verify-verdict]", "未被改动", 30000);
    assert.equal(await valueOf(browser, "#verify-path"), pdf);
    await closeDialog(browser);
    assert.equal(sql(home.db, "SELECT count(*) FROM evidence_items"), "5", "the drop did not become evidence");
  });

  it("names the file whose byte was changed", async () => {
    const browser = app.browser;
    const name = readdirSync(files).find((f) => f.endsWith(".png"));
    assert.ok(name, "the screenshot is beside the PDF");
    const bytes = readFileSync(join(files, name));
    bytes[bytes.length - 20] ^= 0x01;
    writeFileSync(join(files, name), bytes);

    await go(browser, "#/cases");
    await browser.$("[data-testid=verify-bundle]").click();
    await browser.$("#verify-path").setValue(pdf);
    await browser.$("[data-testid=verify-submit]").click();
    await waitForText(browser, "[data-testid=verify-verdict]", name, 30000);
    assert.match(await browser.$("[data-testid=verify-verdict]").getText(), /被改动或缺失/);
    const rows = await browser.execute("return [...document.querySelectorAll('[data-testid=verify-entry]')].map((r) => r.className + '|' + r.textContent)");
    assert.ok(rows.some((r) => r.startsWith("changed") && r.includes(name)), rows.join("\n"));
    assert.ok(rows.some((r) => r.startsWith("ok") && r.includes("SHA256SUMS")), rows.join("\n"));
    await screenshot(browser, join(SHOTS, "zh", "verify-changed.png"));
  });

  it("explains a file that is not a bundle and a bundle without its folder", async () => {
    const browser = app.browser;
    await browser.$("#verify-path").setValue(join(home.dir, "提现失败截图.png"));
    await browser.$("[data-testid=verify-submit]").click();
    await waitForText(browser, "[data-testid=verify-error]", "不是可读取的 PDF");

    // A copy moved away from its folder (and renamed): the folder it needs is the one its
    // manifest names, and that is what the message says.
    mkdirSync(join(home.dir, "别处"));
    const lonely = join(home.dir, "别处", "单独的.pdf");
    copyFileSync(pdf, lonely);
    await browser.$("#verify-path").setValue(lonely);
    await browser.$("[data-testid=verify-submit]").click();
    await waitForText(browser, "[data-testid=verify-no-folder]", "案件1_证据包.files");
    await screenshot(browser, join(SHOTS, "zh", "verify-no-folder.png"));
    await closeDialog(browser);
  });

  it("shows export and verify in English", async () => {
    const browser = app.browser;
    await go(browser, "#/settings");
    await browser.$("[data-testid=lang-en]").click();
    await go(browser, "#/cases/1");
    await browser.$("[data-testid=export-bundle]").click();
    await browser.$("#export-path").waitForExist();
    await browser.waitUntil(async () => (await valueOf(browser, "#export-path")).endsWith("/case1_evidence_2026-11-26.pdf"), { timeoutMsg: "English default name" });
    await browser.$("#export-path").setValue(pdf);
    await browser.$("[data-testid=export-tier-all]").click();
    await screenshot(browser, join(SHOTS, "en", "export-form.png"));
    await browser.$("[data-testid=export-submit]").click();
    await waitForText(browser, "[data-testid=export-exists]", "already exists");
    await screenshot(browser, join(SHOTS, "en", "export-overwrite.png"));
    await browser.$("[data-testid=export-overwrite]").click();
    // About 30 MB of reserve screenshots: the progress bar is usually still up.
    if (await browser.$("[data-testid=export-running]").isExisting()) await screenshot(browser, join(SHOTS, "en", "export-running.png"));
    await waitForText(browser, "[data-testid=export-done]", "Bundle exported", 120000);
    assert.equal(await browser.$("[data-testid=export-files]").getText(), "5");
    await screenshot(browser, join(SHOTS, "en", "export-done.png"));
    await browser.$("[data-testid=export-verify]").click();
    await waitForText(browser, "[data-testid=verify-verdict]", "unchanged", 30000);
    await screenshot(browser, join(SHOTS, "en", "verify-ok.png"));
    assert.ok(existsSync(pdf));
    await closeDialog(browser);
  });

  it("makes a smaller PDF when asked, keeping the originals beside it", async () => {
    const browser = app.browser;
    const small = join(out, "smaller.pdf");
    await browser.$("[data-testid=export-bundle]").click();
    await browser.$("#export-path").setValue(small);
    await browser.$("[data-testid=export-tier-all]").click();
    await browser.$("[data-testid=export-smaller]").click();
    await browser.$("[data-testid=export-submit]").click();
    await waitForText(browser, "[data-testid=export-done]", "Bundle exported", 120000);
    const full = statSync(pdf).size;
    assert.ok(statSync(small).size < full / 2, `smaller ${statSync(small).size} vs full ${full}`);
    execFileSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: join(out, "smaller.files") });
  });
});

async function closeDialog(browser) {
  await browser.keys("Escape");
  await browser.$(".modal-content").waitForExist({ reverse: true, timeoutMsg: "the dialog to close" });
}
