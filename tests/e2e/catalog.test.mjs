// The 证据目录 and the export shapes from the real app: a case made with the CLI (two
// screenshots, a customer-service promise), its list edited on the case page (applicant, a
// purpose, a row moved up; 序号 follow live; saved and read back by the CLI), exported one PDF
// per item and in volumes from the export dialog, each PDF checked from outside with pdftotext
// and `tixian verify`; then the case laid out for the 12378 form, field by field.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, freshHome, go, isolated, openApp, screenshot, SHOTS, valueOf, waitForText } from "./helpers.mjs";
import { makePng } from "./png.mjs";


describe("catalog: the evidence list, export shapes and form fields", () => {
  const home = freshHome();
  const out = join(home.dir, "导出");
  let app;

  const tixian = (...args) => execFileSync(CLI, ["--db", home.db, "--json", ...args], { encoding: "utf8", env: isolated(home) });
  const rowTexts = (browser, css) => browser.execute(`return [...document.querySelectorAll(arguments[0])].map((e) => e.value ?? e.textContent)`, css);

  before(async () => {
    mkdirSync(out);
    tixian("case", "new", "--platform", "某某理财", "--amount", "1,234.50", "--occurred", "2026-11-02 10:00",
      "--summary", "申请提现后一直显示“审核中”，客服多次承诺处理但未到账");
    for (const [name, caption, w] of [["失败.png", "提现失败页面", 270], ["聊天.png", "客服聊天截图", 300]]) {
      const png = join(home.dir, name);
      writeFileSync(png, makePng(w, 600));
      tixian("case", "evidence", "1", png, "--caption", caption, "--taken-at", "2026-11-02 10:05");
    }
    tixian("case", "contact", "1", "--at", "2026-11-10 09:00", "--channel", "phone", "--said", "已提交加急",
      "--promise", "3 个工作日内处理");
    app = await openApp(home);
  });
  after(async () => {
    await app?.close();
  });

  it("edits the list: applicant, a purpose, the order; numbers follow and the CLI reads it back", async () => {
    const browser = app.browser;
    await go(browser, "#/cases/1");
    await browser.$("[data-testid=tab-catalog]").click();
    await browser.waitUntil(async () => (await rowTexts(browser, "[data-testid=catalog-row]")).length === 4, { timeoutMsg: "4 rows" });
    // Suggested order: what failed, the chat, the log, the timeline; each its own group.
    assert.deepEqual(await rowTexts(browser, "[data-testid=catalog-number]"), ["1-1", "2-1", "3-1", "4-1"]);
    const placeholders = await browser.execute("return [...document.querySelectorAll('[data-testid=catalog-name]')].map((e) => e.placeholder)");
    assert.deepEqual(placeholders.slice(0, 2), ["提现失败页面", "客服聊天截图"]);
    assert.equal(await browser.$("[data-testid=catalog-unsaved]").isExisting(), false);

    await browser.$("[data-testid=catalog-applicant]").setValue("张三");
    // The chat proves the same as the log: give it the log's purpose, then move the log up next
    // to it — they become one group.
    const logPurpose = await browser.execute("return document.querySelectorAll('[data-testid=catalog-purpose]')[2].placeholder");
    assert.match(logPurpose, /承诺/);
    await (await browser.$$("[data-testid=catalog-purpose]"))[1].setValue(logPurpose);
    await browser.$("[data-testid=catalog-unsaved]").waitForExist();
    assert.deepEqual(await rowTexts(browser, "[data-testid=catalog-number]"), ["1-1", "2-1", "2-2", "3-1"]);
    // Move the timeline (last row) up one: between the log and nothing else changes group.
    await browser.$("[data-testid=catalog-row]:nth-child(4) [data-testid=catalog-up]").click();
    assert.deepEqual(await rowTexts(browser, "[data-testid=catalog-number]"), ["1-1", "2-1", "3-1", "4-1"]);
    const focused = await browser.execute("return document.activeElement?.closest('[data-testid=catalog-row]')?.dataset.key");
    assert.equal(focused, "timeline", "the focus moved with the row");
    await browser.$("[data-testid=catalog-row]:nth-child(3) [data-testid=catalog-down]").click();
    assert.deepEqual(await rowTexts(browser, "[data-testid=catalog-number]"), ["1-1", "2-1", "2-2", "3-1"]);
    await screenshot(browser, join(SHOTS, "zh", "catalog-edit.png"));
    await browser.$("[data-testid=catalog-save]").click();
    await browser.waitUntil(async () => !(await browser.$("[data-testid=catalog-unsaved]").isExisting()), { timeoutMsg: "saved" });

    const view = JSON.parse(tixian("case", "catalog", "1"));
    assert.equal(view.applicant, "张三");
    assert.deepEqual(view.rows.map((r) => r.key), ["evidence:1", "evidence:2", "contacts", "timeline"]);
    assert.deepEqual(view.rows.map((r) => r.number), ["1-1", "2-1", "2-2", "3-1"]);
    assert.equal(view.rows[1].purpose, logPurpose);
    assert.equal(view.rows[0].purpose, "", "untouched rows keep the suggestion");
  });

  it("undoes unsaved changes", async () => {
    const browser = app.browser;
    await browser.$("[data-testid=catalog-applicant]").setValue("李四");
    await browser.$("[data-testid=catalog-unsaved]").waitForExist();
    await browser.$("[data-testid=catalog-undo]").click();
    await browser.waitUntil(async () => (await valueOf(browser, "[data-testid=catalog-applicant]")) === "张三", { timeoutMsg: "the saved name back" });
  });

  it("exports one PDF per item from the dialog; each verifies and the index prints the edited list", async () => {
    const browser = app.browser;
    const pdf = join(out, "按件.pdf");
    await browser.$("[data-testid=export-bundle]").click();
    await browser.$("[data-testid=export-shape-items]").click();
    await browser.$("#export-path").setValue(pdf);
    await browser.$("[data-testid=export-submit]").click();
    await waitForText(browser, "[data-testid=export-done]", "证据包已导出", 60000);
    await browser.waitUntil(async () => (await rowTexts(browser, "[data-testid=export-part]")).length === 5, { timeoutMsg: "index + 4 items listed" });
    await screenshot(browser, join(SHOTS, "zh", "export-items-done.png"));
    const names = ["按件.pdf", "按件-1-1.pdf", "按件-2-1.pdf", "按件-2-2.pdf", "按件-3-1.pdf"];
    for (const n of names) {
      assert.ok(existsSync(join(out, n)), n);
      const v = spawnSync(CLI, ["--db", home.db, "verify", join(out, n)], { encoding: "utf8", env: isolated(home) });
      assert.equal(v.status, 0, `${n}: ${v.stderr}`);
    }
    const list = execFileSync("pdftotext", ["-f", "3", "-l", "3", "-enc", "UTF-8", pdf, "-"], { encoding: "utf8" }).replace(/\s+/g, "");
    assert.ok(list.includes("证据目录"), list);
    assert.ok(list.includes("张三"), "the applicant by the signature line");
    assert.ok(list.includes("单独文件"), "rows point at their own files");
    const chat = execFileSync("pdftotext", ["-f", "1", "-l", "1", "-enc", "UTF-8", join(out, "按件-2-1.pdf"), "-"], { encoding: "utf8" });
    assert.match(chat.replace(/\s+/g, ""), /证据2-1/);
    assert.match(chat, /客服聊天截图/);
    await browser.$("[data-testid=export-finish]").click();
  });

  it("exports volumes under the size chosen", async () => {
    const browser = app.browser;
    const pdf = join(out, "分册.pdf");
    await browser.$("[data-testid=export-bundle]").click();
    await browser.$("[data-testid=export-shape-volumes]").click();
    await browser.$("[data-testid=export-volume-mb]").selectByAttribute("value", "5");
    await browser.$("#export-path").setValue(pdf);
    await browser.$("[data-testid=export-submit]").click();
    await waitForText(browser, "[data-testid=export-done]", "证据包已导出", 60000);
    // Two small screenshots fit in one 5 MB volume.
    assert.equal(await browser.$("[data-testid=export-pdf]").getText(), join(out, "分册-vol1.pdf"));
    assert.equal(existsSync(pdf), false, "volumes only");
    const v = spawnSync(CLI, ["--db", home.db, "verify", join(out, "分册-vol1.pdf")], { encoding: "utf8", env: isolated(home) });
    assert.equal(v.status, 0, v.stderr);
    const text = execFileSync("pdftotext", ["-enc", "UTF-8", join(out, "分册-vol1.pdf"), "-"], { encoding: "utf8" });
    assert.match(text.replace(/\s+/g, ""), /第1册，共1册/);
    await browser.$("[data-testid=export-finish]").click();
  });

  it("lays the case out for the 12378 form, field by field", async () => {
    const browser = app.browser;
    await browser.$("[data-testid=tab-letter]").click();
    await browser.$("[data-testid=form-copy]").waitForExist();
    await browser.$("[data-testid=form-channel-12378]").click();
    await waitForText(browser, "[data-testid=form-body]", "12378");
    const fields = await rowTexts(browser, "[data-testid=form-field] dd");
    assert.equal(fields.length, 8);
    assert.equal(fields[0], "张三");
    assert.equal(fields[1], "某某理财");
    assert.equal(fields[2], "¥1,234.50");
    assert.match(fields[6], /3 个工作日内处理/);
    assert.match(fields[7], /提现失败页面/);
    await screenshot(browser, join(SHOTS, "zh", "form-copy-12378.png"));
  });
});
