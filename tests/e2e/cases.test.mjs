// Complaint cases in the real app: open a case (bad amount refused beside the field, nothing
// stored), add a screenshot to the evidence vault by typed path (native file dialogs cannot be
// driven), log a contact whose promise is already past due (a due time before the contact is
// refused), see the overdue flag and the generated letter; the list and case page in zh and en.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freshHome, go, noToasts, openApp, route, screenshot, setInput, SHOTS, sql, waitForText } from "./helpers.mjs";
import { makePng } from "./png.mjs";

describe("cases: a complaint from start to letter", () => {
  const home = freshHome();
  const png = join(home.dir, "提现失败截图.png");
  let app;

  before(async () => {
    writeFileSync(png, makePng(64, 40));
    app = await openApp(home);
  });
  after(async () => {
    await app?.close();
  });

  it("starts with an empty list and opens a case from the dialog", async () => {
    const browser = app.browser;
    await go(browser, "#/cases");
    await waitForText(browser, "[data-testid=empty-state]", "还没有案件");
    await screenshot(browser, join(SHOTS, "zh", "cases-empty.png"));

    await browser.$("[data-testid=new-case]").click();
    await browser.$("#case-platform").setValue("某某理财");
    await browser.$("#case-amount").setValue("12,3元");
    await setInput(browser, "#case-occurred", "2026-11-02T10:00");
    await browser.$("#case-summary").setValue("申请提现后一直显示“审核中”，客服多次承诺处理但未到账");
    await browser.$("#case-account").setValue("尾号 1234");
    await browser.$("[data-testid=new-case-submit]").click();
    await waitForText(browser, "#case-amount-error", "12,3元");
    await screenshot(browser, join(SHOTS, "zh", "case-new-error.png"));
    assert.equal(sql(home.db, "SELECT count(*) FROM cases"), "0");

    await browser.$("#case-amount").setValue("1,234.50");
    await browser.$("[data-testid=new-case-submit]").click();
    await browser.waitUntil(async () => (await route(browser)) === "#/cases/1", { timeoutMsg: "case page" });
    await waitForText(browser, "[data-testid=case-head]", "¥1,234.50");
    assert.equal(sql(home.db, "SELECT platform_name || '|' || amount_fen FROM cases"), "某某理财|123450");
  });

  it("stores a screenshot in the vault and shows its thumbnail; a missing file is refused", async () => {
    const browser = app.browser;
    await browser.$("[data-testid=tab-evidence]").click();
    await browser.$("[data-testid=add-evidence]").click();
    await browser.$("#evidence-path").setValue(join(home.dir, "没有这个文件.png"));
    await browser.$("[data-testid=evidence-submit]").click();
    await browser.$("#evidence-path-error").waitForExist();
    assert.equal(sql(home.db, "SELECT count(*) FROM evidence_items"), "0");

    await browser.$("#evidence-path").setValue(png);
    await browser.$("#evidence-caption").setValue("提现失败页面");
    await browser.$("[data-testid=evidence-submit]").click();
    await browser.$("[data-testid=evidence-thumb]").waitForExist();
    await screenshot(browser, join(SHOTS, "zh", "case-evidence.png"));
    // WebKitWebDriver's element text skips the card's clipped caption row, so read the DOM.
    const caption = () => browser.execute("return document.querySelector('[data-testid=evidence-caption]')?.textContent ?? ''");
    await browser.waitUntil(async () => (await caption()).includes("提现失败页面"), { timeoutMsg: "the evidence caption" });
    assert.equal(sql(home.db, "SELECT original_name || '|' || tier FROM evidence_items"), "提现失败截图.png|core");
  });

  it("refuses a due time before the contact, then flags a past-due promise as overdue", async () => {
    const browser = app.browser;
    await noToasts(browser); // the "stored" toast sits over the form's buttons for a few seconds
    await browser.$("[data-testid=tab-log]").click();
    await browser.$("[data-testid=add-contact]").click();
    await setInput(browser, "#contact-at", "2026-11-10T10:00");
    await browser.$("#contact-agent").setValue("8021");
    await browser.$("#contact-said").setValue("已为您加急处理");
    await browser.$("#contact-promise").setValue("3个工作日内处理完毕");
    await setInput(browser, "#contact-due", "2026-11-09T10:00");
    await browser.$("[data-testid=contact-submit]").click();
    await browser.$("#contact-due-error").waitForExist();
    await screenshot(browser, join(SHOTS, "zh", "case-contact-error.png"));
    assert.equal(sql(home.db, "SELECT count(*) FROM contacts"), "0");

    await setInput(browser, "#contact-due", "2026-11-13T18:00");
    await browser.$("[data-testid=contact-submit]").click();
    await waitForText(browser, "[data-testid=overdue-flag]", "逾期");
    await browser.$("[data-testid=escalation-advice]").waitForExist();
    await screenshot(browser, join(SHOTS, "zh", "case-log.png"));
  });

  it("writes the platform letter from the case with the evidence and the broken promise", async () => {
    const browser = app.browser;
    await browser.$("[data-testid=tab-letter]").click();
    await waitForText(browser, "[data-testid=letter-preview]", "¥1,234.50");
    const letter = await browser.$("[data-testid=letter-preview]").getText();
    assert.match(letter, /某某理财/);
    assert.match(letter, /8021/);
    // Editing the text updates the preview live.
    await browser.$("[data-testid=letter-text]").addValue("\n补充：请尽快处理");
    await waitForText(browser, "[data-testid=letter-preview]", "补充：请尽快处理");
    await screenshot(browser, join(SHOTS, "zh", "case-letter.png"));
    await browser.$("[data-testid=letter-regulator]").click();
    await waitForText(browser, "[data-testid=letter-preview]", "某某理财");
    await browser.$("[data-testid=tab-ladder]").click();
    await browser.$("[data-testid=ladder-clock]").waitForExist();
    await screenshot(browser, join(SHOTS, "zh", "case-ladder.png"));
    await browser.$("[data-testid=tab-evidence]").click();
    await browser.$("[data-testid=evidence-thumb]").waitForExist();
    await screenshot(browser, join(SHOTS, "zh", "case-evidence.png"));
  });

  it("lists the case with its amount and overdue flag", async () => {
    const browser = app.browser;
    await go(browser, "#/cases");
    await waitForText(browser, "[data-testid=case-list]", "¥1,234.50");
    await browser.$("[data-testid=case-overdue]").waitForExist();
    await screenshot(browser, join(SHOTS, "zh", "cases-list.png"));
  });

  it("shows the list, case page and letter in English", async () => {
    const browser = app.browser;
    await go(browser, "#/settings");
    await browser.$("[data-testid=lang-en]").click();
    await go(browser, "#/cases");
    await waitForText(browser, "[data-testid=case-list]", "overdue");
    await screenshot(browser, join(SHOTS, "en", "cases-list.png"));
    await go(browser, "#/cases/1");
    await waitForText(browser, "[data-testid=overdue-flag]", "overdue");
    await screenshot(browser, join(SHOTS, "en", "case-log.png"));
    await browser.$("[data-testid=tab-letter]").click();
    await waitForText(browser, "[data-testid=letter-preview]", "1,234.50");
    assert.doesNotMatch(await browser.$("[data-testid=letter-preview]").getText(), /投诉处理部门/);
    await screenshot(browser, join(SHOTS, "en", "case-letter.png"));
    await browser.$("[data-testid=tab-prep]").click();
    await browser.$("[data-testid=prep-statement]").waitForExist();
    await screenshot(browser, join(SHOTS, "en", "case-prep.png"));
  });
});
