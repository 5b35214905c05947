// Reading a screenshot on the Diagnose screen of the real app: a rendered screenshot dropped on
// the window (the shell's own drag-drop event: WebDriver cannot drag files in) shows its boxes
// and puts the message in the field, which diagnoses to the same cause as typing it; one pasted
// (a clipboard paste event carrying the PNG) does the same; a slow read shows progress and can
// be cancelled; a file that is not an image and an
// image without text get clear messages, in zh and en. Case evidence: images added with the CLI
// are read when the app opens, their texts shown beside the thumbnails, searched, corrected and
// printed under each image in the bundle.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, emit, freshHome, go, isolated, openApp, ROOT, screenshot, setInput, SHOTS, sql, waitForText } from "./helpers.mjs";
import { makePng } from "./png.mjs";

const FIXTURES = join(ROOT, "tests", "fixtures", "ocr");

describe("diagnose: the message read from a screenshot", () => {
  const home = freshHome();
  let app;
  before(async () => { app = await openApp(home); });
  after(async () => { await app?.close(); });

  /** Symptom "failed" → platform → the message step, from a fresh wizard. */
  async function toMessage(browser, platform = "wechat") {
    await go(browser, "#/diagnose");
    await browser.$("[data-testid=dx-stage]").waitForExist();
    if (await browser.$("[data-testid=dx-restart]").isExisting()) await browser.$("[data-testid=dx-restart]").click();
    await browser.$("[data-testid=dx-symptom-failed]").click();
    await browser.$(`[data-testid=dx-platform-${platform}]`).click();
    await browser.$("[data-testid=dx-ocr]").waitForExist();
  }

  const message = (browser) => browser.execute("return document.querySelector('[data-testid=dx-message]').value");

  /** Answers "don't know" until the result; returns the top cause. */
  async function finish(browser) {
    await browser.$("[data-testid=dx-next]").click();
    for (let i = 0; i < 15; i++) {
      await browser.waitUntil(async () => (await browser.$("[data-testid=dx-result]").isExisting()) || (await browser.$("[data-testid=dx-question]").isExisting()), { timeoutMsg: "question or result" });
      if (await browser.$("[data-testid=dx-result]").isExisting()) break;
      const id = await browser.execute("return document.querySelector('[data-testid=dx-question]').dataset.question");
      await browser.$("[data-testid=dx-dont-know]").click();
      await browser.waitUntil(async () => (await browser.execute("const q = document.querySelector('[data-testid=dx-question]'); return !q || q.dataset.question !== arguments[0]", id)), { timeoutMsg: "next step" });
    }
    await browser.$("[data-testid=dx-cause]").waitForExist();
    return browser.execute("return document.querySelector('[data-testid=dx-cause]').dataset.cause");
  }

  it("a dropped screenshot shows its boxes, fills the message and diagnoses like the typed text", async () => {
    const browser = app.browser;
    await toMessage(browser);
    await emit(browser, "tauri://drag-drop", { paths: [join(FIXTURES, "01-error-page-light.png")], position: { x: 400, y: 300 } });
    await browser.$("[data-testid=dx-ocr-result]").waitForExist({ timeout: 30000 });
    assert.match(await message(browser), /当日提现金额已超过限额/);
    const boxes = await browser.execute("return document.querySelectorAll('[data-testid=dx-ocr-box]').length");
    assert.ok(boxes >= 6, `${boxes} boxes`);
    // The boxes sit on the picture: the first (the clock) in its top left corner.
    const inside = await browser.execute(`const img = document.querySelector('[data-testid=dx-ocr-result] img').getBoundingClientRect();
      const b = document.querySelector('[data-testid=dx-ocr-box]').getBoundingClientRect();
      return img.width > 100 && b.left >= img.left && b.top >= img.top && b.right <= img.left + img.width / 2 && b.bottom <= img.top + img.height / 10;`);
    assert.ok(inside, "the first box is on the image, top left");
    await screenshot(browser, join(SHOTS, "zh", "diagnose-screenshot-dropped.png"));
    assert.equal(await finish(browser), "limit.daily");
    await screenshot(browser, join(SHOTS, "zh", "diagnose-screenshot-result.png"));
    assert.equal(sql(home.db, "SELECT top_cause FROM diagnoses ORDER BY id DESC LIMIT 1"), "limit.daily");
  });

  it("a pasted screenshot (Ctrl+V) is read the same way, and the user can correct the message", async () => {
    const browser = app.browser;
    await toMessage(browser, "bank");
    const b64 = readFileSync(join(FIXTURES, "11-frozen-notice.png")).toString("base64");
    await browser.execute(`const bytes = Uint8Array.from(atob(arguments[0]), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], "paste.png", { type: "image/png" }));
      const e = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
      document.querySelector('[data-testid=dx-message]').dispatchEvent(e);`, b64);
    await browser.$("[data-testid=dx-ocr-result]").waitForExist({ timeout: 30000 });
    assert.match(await message(browser), /有权机关冻结/);
    await screenshot(browser, join(SHOTS, "zh", "diagnose-screenshot-pasted.png"));
    // Corrected by hand before diagnosing: the typed text wins.
    await setInput(browser, "[data-testid=dx-message]", "您的账户已被有权机关冻结");
    assert.equal(await finish(browser), "account.frozen_by_authority");
  });

  it("shows progress after a second and cancels", async () => {
    const browser = app.browser;
    await toMessage(browser);
    await emit(browser, "tauri://drag-drop", { paths: [join(FIXTURES, "13-long-chat.png")], position: { x: 400, y: 300 } });
    await browser.$("[data-testid=dx-ocr-running]").waitForExist();
    // A long screenshot (four bands, thirty-odd lines) takes the debug build seconds: the bar
    // and Cancel appear after one.
    await browser.$("[data-testid=dx-ocr-cancel]").waitForExist({ timeout: 20000 });
    await screenshot(browser, join(SHOTS, "zh", "diagnose-screenshot-progress.png"));
    await browser.$("[data-testid=dx-ocr-cancel]").click();
    await browser.waitUntil(async () => (await browser.execute("return document.querySelector('[data-testid=dx-ocr]').dataset.phase")) === "idle", { timeoutMsg: "idle after cancel" });
    // The cancelled read has come back from the shell (it returns nothing).
    await browser.waitUntil(async () => (await browser.execute("return document.querySelector('[data-testid=dx-ocr]').dataset.pending")) === "0", { timeout: 30000, timeoutMsg: "cancelled read answered" });
    assert.ok(!(await browser.$("[data-testid=dx-ocr-result]").isExisting()), "a cancelled read shows nothing");
    assert.equal(await message(browser), "");
  });

  it("says so when the file is not an image or the image has no text", async () => {
    const browser = app.browser;
    await toMessage(browser);
    const notes = join(home.dir, "账单.png");
    writeFileSync(notes, "当日提现金额已超过限额\n");
    await emit(browser, "tauri://drag-drop", { paths: [notes], position: { x: 400, y: 300 } });
    await waitForText(browser, "[data-testid=dx-ocr-error]", "不是图片", 30000);
    assert.match(await browser.$("[data-testid=dx-ocr-error]").getText(), /账单\.png/);
    assert.equal(await message(browser), "");
    const blank = join(home.dir, "blank.png");
    writeFileSync(blank, makePng(360, 640));
    await emit(browser, "tauri://drag-drop", { paths: [blank], position: { x: 400, y: 300 } });
    await waitForText(browser, "[data-testid=dx-ocr-error]", "没有找到文字", 30000);
    await screenshot(browser, join(SHOTS, "zh", "diagnose-screenshot-no-text.png"));
  });

  it("works in English", async () => {
    const browser = app.browser;
    await go(browser, "#/settings");
    await browser.$("[data-testid=lang-en]").click();
    await toMessage(browser);
    await emit(browser, "tauri://drag-drop", { paths: [join(FIXTURES, "08-dialog-light-jpeg.jpg")], position: { x: 400, y: 300 } });
    await browser.$("[data-testid=dx-ocr-result]").waitForExist({ timeout: 30000 });
    assert.match(await message(browser), /仅支持提现到本人名下的银行卡/);
    assert.match(await browser.$("[data-testid=dx-ocr]").getText(), /lines of text found/);
    await screenshot(browser, join(SHOTS, "en", "diagnose-screenshot-dropped.png"));
    assert.equal(await finish(browser), "bank.card_not_own");
    await toMessage(browser);
    const notes = join(home.dir, "notes.png");
    writeFileSync(notes, "not an image");
    await emit(browser, "tauri://drag-drop", { paths: [notes], position: { x: 400, y: 300 } });
    await waitForText(browser, "[data-testid=dx-ocr-error]", "is not an image", 30000);
    await go(browser, "#/settings");
    await browser.$("[data-testid=ocr-licences] summary").click();
    await waitForText(browser, "[data-testid=ocr-licences]", "Apache License");
  });
});

describe("case evidence: the text in each image, read once in the background", () => {
  const home = freshHome();
  let app;
  const tixian = (...args) => execFileSync(CLI, ["--db", home.db, "--json", ...args], { encoding: "utf8", env: isolated(home) });

  before(async () => {
    // Evidence added with the CLI before the app starts: the app reads it when it opens.
    tixian("case", "new", "--platform", "微信支付", "--amount", "5000", "--occurred", "2026-03-05 10:00",
      "--summary", "提现失败，提示超出月收款限额");
    const toast = join(home.dir, "收款限额.png");
    copyFileSync(join(FIXTURES, "03-toast.png"), toast);
    const notice = join(home.dir, "冻结通知.png");
    copyFileSync(join(FIXTURES, "11-frozen-notice.png"), notice);
    tixian("case", "evidence", "1", toast, "--caption", "提现失败提示");
    tixian("case", "evidence", "1", notice, "--caption", "账户通知");
    app = await openApp(home);
  });
  after(async () => { await app?.close(); });

  it("shows the text beside the thumbnail, finds it, keeps the user's correction and prints it in the bundle", async () => {
    const browser = app.browser;
    const grid = () => browser.execute("const g = document.querySelector('[data-testid=evidence-grid]'); g.scrollIntoView(); return g.textContent");
    await go(browser, "#/cases/1");
    await browser.$("[data-testid=tab-evidence]").click();
    await browser.waitUntil(async () => (await browser.execute("return [...document.querySelectorAll('[data-testid=evidence-text]')].filter(e => e.dataset.source === 'ocr').length")) === 2, { timeout: 60000, timeoutMsg: "both images read" });
    assert.match(await grid(), /超出用户月收款限额/);
    assert.equal(sql(home.db, "SELECT count(*) FROM evidence_text WHERE source = 'ocr'"), "2");
    await screenshot(browser, join(SHOTS, "zh", "case-evidence-text.png"));
    // Search by a word that is only in the image.
    await browser.$("[data-testid=evidence-search]").setValue("有权机关");
    await browser.waitUntil(async () => (await browser.execute("return document.querySelectorAll('[data-testid=evidence-item]').length")) === 1, { timeoutMsg: "one match" });
    assert.match(await grid(), /账户通知/);
    await setInput(browser, "[data-testid=evidence-search]", "");
    await browser.waitUntil(async () => (await browser.execute("return document.querySelectorAll('[data-testid=evidence-item]').length")) === 2, { timeoutMsg: "all again" });
    // Correct the first image's text.
    await browser.$("[data-testid=evidence-text-edit]").click();
    await setInput(browser, "[data-testid=evidence-text-input]", "超出用户月收款限额（客服确认）");
    await browser.$("[data-testid=evidence-text-save]").click();
    await browser.waitUntil(async () => sql(home.db, "SELECT count(*) FROM evidence_text WHERE source = 'user'") === "1", { timeoutMsg: "saved" });
    assert.match(await grid(), /客服确认/);
    await screenshot(browser, join(SHOTS, "zh", "case-evidence-text-edited.png"));
    // The bundle prints each text under its image.
    const pdf = join(home.dir, "bundle.pdf");
    tixian("case", "export", "1", "--out", pdf);
    const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
    assert.match(text, /图中文字（已由用户核对）/);
    assert.match(text, /客服确认/);
    assert.match(text, /图中文字（本机自动识别/);
    assert.match(text, /有权机关冻结/);
    execFileSync("pdftoppm", ["-png", "-r", "60", "-f", "3", "-l", "6", pdf, join(SHOTS, "zh", "case-evidence-text-bundle")]);
  });

  it("a pasted chat screenshot fills the promise finder, which proposes the promise to confirm", async () => {
    const browser = app.browser;
    await go(browser, "#/cases/1");
    await browser.$("[data-testid=tab-log]").click();
    await browser.$("[data-testid=promise-screenshot]").waitForExist();
    const b64 = readFileSync(join(FIXTURES, "07-chat.png")).toString("base64");
    await browser.execute(`const bytes = Uint8Array.from(atob(arguments[0]), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], "chat.png", { type: "image/png" }));
      const e = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
      document.querySelector('#paste-text').dispatchEvent(e);`, b64);
    await browser.$("[data-testid=promise-screenshot] [data-testid=dx-ocr-result]").waitForExist({ timeout: 30000 });
    await browser.waitUntil(async () => /预计3个工作日内到账/.test(await browser.execute("return document.querySelector('#paste-text').value")), { timeoutMsg: "chat text in the box" });
    await browser.$("[data-testid=promise-find]").click();
    await browser.$("[data-testid=proposals]").waitForExist();
    assert.match(await browser.$("[data-testid=proposals]").getText(), /3个工作日/);
    assert.equal(sql(home.db, "SELECT count(*) FROM contacts"), "0", "nothing stored before the user confirms");
    await browser.$("[data-testid=proposal-confirm]").click();
    await browser.waitUntil(async () => sql(home.db, "SELECT count(*) FROM contacts") === "1", { timeoutMsg: "contact stored" });
    await screenshot(browser, join(SHOTS, "zh", "case-promise-from-chat-screenshot.png"));
  });
});
