// Adding next year's holiday schedule in the real app: Knowledge → calendar, paste the notice
// (tests/fixtures/calendar/test-2027.txt — a TEST TEXT in the official shape, not the real 2027
// notice), check the 12-month grid, save; the file lands beside the database, and a case's
// follow-up deadline and a promise the promise finder read ("10个工作日内"), both crossing into
// 2027 (estimated until then), move and are official.
// The clock is pinned (TIXIAN_NOW) for the app and the CLI, so the dates below never drift.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, freshHome, go, isolated, openApp, ROOT, screenshot, setInput, SHOTS, waitForText } from "./helpers.mjs";

const NOW = "2026-12-20T10:00:00+08:00";
const NOTICE = readFileSync(join(ROOT, "tests", "fixtures", "calendar", "test-2027.txt"), "utf8");

describe("calendar: add next year's holiday schedule from the State Council notice", () => {
  const home = freshHome();
  let app;
  const cli = (...args) => cliInput(undefined, ...args);
  const cliInput = (input, ...args) =>
    execFileSync(CLI, ["--json", ...args], {
      env: { ...isolated(home, NOW), TIXIAN_DB: home.db },
      encoding: "utf8",
      input,
    });

  before(async () => {
    cli("case", "new", "--platform", "某某商城", "--amount", "860", "--occurred", "2026-12-18 10:00",
      "--summary", "退款 860 元承诺到账未到，客服推脱");
    cli("case", "stage", "1", "platform_complaint");
    // Ten working days from Friday 18 December: Friday 1 January 2027 without a 2027
    // schedule (estimated); Monday 4 January once New Year's Day is known to be off.
    const f = JSON.parse(cli("case", "follow-up", "1", "--body", "12315", "--filed", "2026-12-18 10:00",
      "--working-days", "10"));
    assert.equal(f.due_on, "2027-01-01");
    // The same ten working days promised in a pasted chat, saved from the promise finder.
    const found = JSON.parse(cliInput("2026-12-18 10:00 客服小王：退款我们会在10个工作日内处理完毕。\n",
      "case", "promises", "1", "-", "--add"));
    assert.equal(found.added, 1);
    assert.equal(found.proposals[0].due, "2027-01-01T23:59:59+08:00");
    app = await openApp(home, {}, { now: NOW });
  });
  after(async () => {
    await app?.close();
  });

  it("marks the follow-up that crosses into 2027 as estimated", async () => {
    const browser = app.browser;
    await go(browser, "#/cases/1");
    await browser.$("[data-testid=tab-followups]").click();
    await waitForText(browser, "[data-testid=followup-list]", "2027-01-01");
    await browser.$("[data-testid=followup-list] [data-testid=estimated]").waitForExist();
    assert.match(await browser.$("[data-testid=followup-list]").getText(), /估算/);
    await screenshot(browser, join(SHOTS, "zh", "followup-estimated.png"));
    await browser.$("[data-testid=tab-log]").click();
    await waitForText(browser, "[data-testid=contact-due]", "2027-01-01");
    await browser.$("[data-testid=contact-due] [data-testid=estimated]").waitForExist();
  });

  it("reads the pasted notice into a 12-month grid, saves it beside the database, and shows what moved", async () => {
    const browser = app.browser;
    await go(browser, "#/knowledge/calendar");
    await waitForText(browser, "[data-testid=calendar-years]", "2026");
    assert.equal(await browser.$("[data-testid=calendar-year-2027]").isExisting(), false);
    await browser.$("[data-testid=calendar-add]").click();
    await browser.$("[data-testid=calendar-notice]").waitForExist();
    // The text field takes the focus as the panel opens, so the keyboard goes straight to it.
    await browser.waitUntil(async () => (await browser.execute("return document.activeElement && document.activeElement.id")) === "calendar-notice", { timeoutMsg: "the notice field to take focus" });

    // A text without a holiday item: refused beside the field, naming what is missing.
    await setInput(browser, "[data-testid=calendar-notice]", "国务院办公厅关于2027年部分节假日安排的通知\n2026年11月5日");
    await browser.$("[data-testid=calendar-check]").click();
    await waitForText(browser, "#calendar-notice-error", "放假条目");

    await setInput(browser, "[data-testid=calendar-notice]", NOTICE);
    await browser.$("[data-testid=calendar-check]").click();
    await browser.$("[data-testid=calendar-grid]").waitForExist();
    await waitForText(browser, "[data-testid=calendar-summary]", "2027 年：共 28 天放假，5 天调休上班");
    assert.equal(await browser.$("#calendar-notice-error").isExisting(), false);
    const kind = (date) => browser.execute(`return document.querySelector('[data-date="${date}"]')?.dataset.kind`);
    assert.equal(await kind("2027-01-01"), "off");
    assert.equal(await kind("2027-02-20"), "makeup");
    assert.equal(await kind("2027-02-13"), "weekend");
    assert.equal(await kind("2027-03-01"), "work");
    assert.equal(await browser.execute("return document.querySelectorAll('[data-testid=calendar-grid] table').length"), 12);
    await browser.execute("document.querySelector('[data-testid=calendar-grid]').scrollIntoView({ block: 'center' })");
    await screenshot(browser, join(SHOTS, "zh", "knowledge-calendar-preview.png"));

    await browser.$("[data-testid=calendar-save]").click();
    await waitForText(browser, "[data-testid=calendar-saved]", "已保存 2027 年放假安排");
    const moved = await browser.$("[data-testid=calendar-moved]").getText();
    assert.match(moved, /12315/);
    assert.match(moved, /2027-01-01\s*→\s*2027-01-04/);
    assert.match(moved, /客服承诺（客服小王）：10个工作日内/);
    assert.equal((moved.match(/2027-01-01\s*→\s*2027-01-04/g) ?? []).length >= 2, true,
      `the follow-up and the promise both moved: ${moved}`);
    await browser.execute("document.querySelector('[data-testid=calendar-saved]').scrollIntoView({ block: 'center' })");
    await screenshot(browser, join(SHOTS, "zh", "knowledge-calendar-saved.png"));
    const file = join(home.dir, "rules", "calendar", "2027.toml");
    assert.ok(existsSync(file), `saved beside the database: ${file}`);
    assert.match(readFileSync(file, "utf8"), /id = "2027\.new-year"/);
    await waitForText(browser, "[data-testid=calendar-year-2027]", "你添加的");
  });

  it("asks before replacing a year the user already added", async () => {
    const browser = app.browser;
    await browser.$("[data-testid=calendar-done]").click();
    await browser.$("[data-testid=calendar-add]").click();
    await setInput(browser, "[data-testid=calendar-notice]", NOTICE);
    await browser.$("[data-testid=calendar-check]").click();
    await browser.$("[data-testid=calendar-grid]").waitForExist();
    await browser.$("[data-testid=calendar-save]").click();
    await browser.$("[data-testid=calendar-replace]").waitForExist();
    await screenshot(browser, join(SHOTS, "zh", "knowledge-calendar-replace.png"));
    await browser.$("[data-testid=calendar-replace]").click();
    await waitForText(browser, "[data-testid=calendar-saved]", "已替换 2027 年放假安排");
    await browser.$("[data-testid=calendar-moved-none]").waitForExist();
  });

  it("counts the follow-up on the new year: moved to 4 January and no longer estimated", async () => {
    const browser = app.browser;
    await go(browser, "#/cases/1");
    await browser.$("[data-testid=tab-followups]").click();
    await waitForText(browser, "[data-testid=followup-list]", "2027-01-04");
    assert.equal(await browser.$("[data-testid=followup-list] [data-testid=estimated]").isExisting(), false);
    await screenshot(browser, join(SHOTS, "zh", "followup-after-2027.png"));
    // The promise's due time is counted from its limit on the new year too.
    await browser.$("[data-testid=tab-log]").click();
    await waitForText(browser, "[data-testid=contact-due]", "2027-01-04");
    assert.equal(await browser.$("[data-testid=contact-due] [data-testid=estimated]").isExisting(), false);
    // The CLI, on the same database, counts the same file.
    const shown = JSON.parse(cli("case", "show", "1"));
    assert.equal(shown.follow_ups[0].due_on, "2027-01-04");
    assert.equal(shown.follow_ups[0].calendar, "official");
    assert.equal(shown.contacts[0].due, "2027-01-04T23:59:59+08:00");
    assert.equal(shown.contacts[0].calendar, "official");
  });

  it("reads the same notice in English", async () => {
    const browser = app.browser;
    await go(browser, "#/settings");
    await browser.$("[data-testid=lang-en]").click();
    await go(browser, "#/knowledge/calendar");
    await browser.$("[data-testid=calendar-add]").click();
    await setInput(browser, "[data-testid=calendar-notice]", NOTICE.replace("1月1日（周五）", "1月1日（周四）"));
    await browser.$("[data-testid=calendar-check]").click();
    await waitForText(browser, "#calendar-notice-error", "Thursday");
    await setInput(browser, "[data-testid=calendar-notice]", NOTICE);
    await browser.$("[data-testid=calendar-check]").click();
    await waitForText(browser, "[data-testid=calendar-summary]", "2027: 28 days off, 5 make-up working days");
    await browser.execute("document.querySelector('[data-testid=calendar-preview]').scrollIntoView()");
    await screenshot(browser, join(SHOTS, "en", "knowledge-calendar-preview.png"));
  });
});
