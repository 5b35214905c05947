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
import { freshHome, isolated, openApp, SHOTS, sql, TARGET } from "./helpers.mjs";
import { makePng } from "./png.mjs";

const CLI = process.env.TIXIAN_CLI ?? join(TARGET, "debug", "tixian");

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
    const s = app.session;
    await s.go("#/cases/1");
    await s.waitForText("[data-testid=case-head]", "¥1,234.50");
    await s.click("[data-testid=export-bundle]");
    // The suggested name: 案件1_证据包_YYYY-MM-DD.pdf.
    await s.waitFor(async () => /案件1_证据包_\d{4}-\d{2}-\d{2}\.pdf$/.test(await value(s, "#export-path")), "default path");
    await s.screenshot(join(SHOTS, "zh", "export-form.png"));

    await s.type("#export-path", join(out, "没有这个文件夹", "a.pdf"));
    await s.click("[data-testid=export-submit]");
    await s.waitForText("[data-testid=export-path-error]", "不存在");

    await s.type("#export-path", pdf);
    // The run is short: watch the DOM for the progress bar and the percents it showed.
    await s.exec(`window.__progress = [];
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid=export-progress]');
        if (bar) window.__progress.push(Number(bar.getAttribute('aria-valuenow')));
      }).observe(document.body, { subtree: true, childList: true, attributes: true });`);
    await s.click("[data-testid=export-submit]");
    await s.waitForText("[data-testid=export-done]", "证据包已导出", 60000);
    const seen = await s.exec("return window.__progress");
    // Whether the bar was caught at all depends on the machine's speed, so only what it
    // showed is asserted: percents that never go back and stay within 0–100.
    console.log(`progress seen: ${seen.join(",")}`);
    assert.deepEqual(seen.filter((p) => !(p >= 0 && p <= 100)), [], "percents within 0–100");
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b), "progress never goes back");
    assert.equal(await s.text("[data-testid=export-files]"), "1");
    assert.match(await s.text("[data-testid=export-fingerprint]"), /^[0-9a-f]{64}$/);
    await s.screenshot(join(SHOTS, "zh", "export-done.png"));
    // "Open folder" asks the desktop (nothing to show under Xvfb): the app stays responsive and
    // any failure is a message, not a hang.
    await s.click("[data-testid=export-open-folder]");
    await s.find("[data-testid=export-open-folder][data-revealed='1']", 10000);
    await s.screenshot(join(SHOTS, "zh", "export-open-folder.png"));
    await s.find("[data-testid=export-done]");
    await s.noToasts();

    const text = execFileSync("pdftotext", ["-enc", "UTF-8", pdf, "-"], { encoding: "utf8" });
    assert.match(text, /某某理财/);
    assert.match(text, /审核中/);
    assert.match(text, /提现失败页面/);
    const fingerprint = await s.text("[data-testid=export-fingerprint]");
    assert.ok(text.replace(/\s+/g, "").includes(fingerprint), "the cover carries the fingerprint");
    const check = execFileSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: files, encoding: "utf8" });
    assert.match(check, /: OK/);
    assert.doesNotMatch(check, /FAILED/);
  });

  it("asks before overwriting an existing bundle", async () => {
    const s = app.session;
    const before = readFileSync(join(files, "SHA256SUMS"), "utf8");
    await s.click("[data-testid=export-finish]");
    await s.click("[data-testid=export-bundle]");
    await s.waitFor(async () => (await value(s, "#export-path")) === pdf, "the last path kept");
    await s.click("[data-testid=export-submit]");
    await s.waitForText("[data-testid=export-exists]", "已存在");
    await s.screenshot(join(SHOTS, "zh", "export-overwrite.png"));
    // "Choose another place" goes back to the form and leaves the bundle alone.
    await s.click("[data-testid=export-other-place]");
    await s.find("#export-path");
    assert.equal(readFileSync(join(files, "SHA256SUMS"), "utf8"), before);

    await s.click("[data-testid=export-submit]");
    await s.find("[data-testid=export-exists]");
    await s.click("[data-testid=export-overwrite]");
    await s.waitForText("[data-testid=export-done]", "证据包已导出", 60000);
    execFileSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: files });
    assert.deepEqual(readdirSync(out).sort(), ["案件1_证据包.files", "案件1_证据包.pdf"], "no temp files left");
  });

  it("verifies the fresh bundle: every file unchanged", async () => {
    const s = app.session;
    await s.click("[data-testid=export-verify]");
    await s.waitForText("[data-testid=verify-verdict]", "未被改动", 30000);
    assert.equal(await value(s, "#verify-path"), pdf);
    await s.find("[data-testid=verify-proves]");
    await s.screenshot(join(SHOTS, "zh", "verify-ok.png"));
    await closeDialog(s);
  });

  it("takes a dropped bundle (and refuses a dropped image) without adding evidence", async () => {
    const s = app.session;
    await s.click("[data-testid=verify-bundle]");
    await s.find("[data-testid=verify-dialog]");
    // The shell's own drag-drop event, as a real drop on the window sends it.
    await s.emit("tauri://drag-drop", { paths: [join(home.dir, "提现失败截图.png")], position: { x: 400, y: 300 } });
    await s.waitForText("[data-testid=verify-error]", "提现失败截图.png");
    await s.emit("tauri://drag-drop", { paths: [pdf], position: { x: 400, y: 300 } });
    await s.waitForText("[data-testid=verify-verdict]", "未被改动", 30000);
    assert.equal(await value(s, "#verify-path"), pdf);
    await closeDialog(s);
    assert.equal(sql(home.db, "SELECT count(*) FROM evidence_items"), "5", "the drop did not become evidence");
  });

  it("names the file whose byte was changed", async () => {
    const s = app.session;
    const name = readdirSync(files).find((f) => f.endsWith(".png"));
    assert.ok(name, "the screenshot is beside the PDF");
    const bytes = readFileSync(join(files, name));
    bytes[bytes.length - 20] ^= 0x01;
    writeFileSync(join(files, name), bytes);

    await s.go("#/cases");
    await s.click("[data-testid=verify-bundle]");
    await s.type("#verify-path", pdf);
    await s.click("[data-testid=verify-submit]");
    await s.waitForText("[data-testid=verify-verdict]", name, 30000);
    assert.match(await s.text("[data-testid=verify-verdict]"), /被改动或缺失/);
    const rows = await s.exec(
      "return [...document.querySelectorAll('[data-testid=verify-entry]')].map((r) => r.className + '|' + r.textContent)",
    );
    assert.ok(rows.some((r) => r.startsWith("changed") && r.includes(name)), rows.join("\n"));
    assert.ok(rows.some((r) => r.startsWith("ok") && r.includes("SHA256SUMS")), rows.join("\n"));
    await s.screenshot(join(SHOTS, "zh", "verify-changed.png"));
  });

  it("explains a file that is not a bundle and a bundle without its folder", async () => {
    const s = app.session;
    await s.type("#verify-path", join(home.dir, "提现失败截图.png"));
    await s.click("[data-testid=verify-submit]");
    await s.waitForText("[data-testid=verify-error]", "不是可读取的 PDF");

    // A copy moved away from its folder (and renamed): the folder it needs is the one its
    // manifest names, and that is what the message says.
    mkdirSync(join(home.dir, "别处"));
    const lonely = join(home.dir, "别处", "单独的.pdf");
    copyFileSync(pdf, lonely);
    await s.type("#verify-path", lonely);
    await s.click("[data-testid=verify-submit]");
    await s.waitForText("[data-testid=verify-no-folder]", "案件1_证据包.files");
    await s.screenshot(join(SHOTS, "zh", "verify-no-folder.png"));
    await closeDialog(s);
  });

  it("shows export and verify in English", async () => {
    const s = app.session;
    await s.go("#/settings");
    await s.click("[data-testid=lang-en]");
    await s.go("#/cases/1");
    await s.click("[data-testid=export-bundle]");
    await s.find("#export-path");
    await s.waitFor(async () => /case1_evidence_\d{4}-\d{2}-\d{2}\.pdf$/.test(await value(s, "#export-path")), "English default name");
    await s.type("#export-path", pdf);
    await s.click("[data-testid=export-tier-all]");
    await s.screenshot(join(SHOTS, "en", "export-form.png"));
    await s.click("[data-testid=export-submit]");
    await s.waitForText("[data-testid=export-exists]", "already exists");
    await s.screenshot(join(SHOTS, "en", "export-overwrite.png"));
    await s.click("[data-testid=export-overwrite]");
    // About 30 MB of reserve screenshots: the progress bar is usually still up.
    if (await s.exists("[data-testid=export-running]")) await s.screenshot(join(SHOTS, "en", "export-running.png"));
    await s.waitForText("[data-testid=export-done]", "Bundle exported", 120000);
    assert.equal(await s.text("[data-testid=export-files]"), "5");
    await s.screenshot(join(SHOTS, "en", "export-done.png"));
    await s.click("[data-testid=export-verify]");
    await s.waitForText("[data-testid=verify-verdict]", "unchanged", 30000);
    await s.screenshot(join(SHOTS, "en", "verify-ok.png"));
    assert.ok(existsSync(pdf));
    await closeDialog(s);
  });

  it("makes a smaller PDF when asked, keeping the originals beside it", async () => {
    const s = app.session;
    const small = join(out, "smaller.pdf");
    await s.click("[data-testid=export-bundle]");
    await s.type("#export-path", small);
    await s.click("[data-testid=export-tier-all]");
    await s.click("[data-testid=export-smaller]");
    await s.click("[data-testid=export-submit]");
    await s.waitForText("[data-testid=export-done]", "Bundle exported", 120000);
    const full = statSync(pdf).size;
    assert.ok(statSync(small).size < full / 2, `smaller ${statSync(small).size} vs full ${full}`);
    execFileSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: join(out, "smaller.files") });
  });
});

async function value(s, css) {
  await s.find(css);
  return s.exec("return document.querySelector(arguments[0]).value", [css]);
}

async function closeDialog(s) {
  await s.exec("document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))");
  await s.waitFor(async () => !(await s.exists(".modal-content")), "the dialog to close");
}
