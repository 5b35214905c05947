// Complaint cases in the real app: open a case (bad amount refused beside the field, nothing
// stored), add a screenshot to the evidence vault by typed path (native file dialogs cannot be
// driven), log a contact whose promise is already past due (a due time before the contact is
// refused), see the overdue flag and the generated letter; the list and case page in zh and en.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SHOTS, freshHome, openApp, sql } from "./helpers.mjs";
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
    const s = app.session;
    await s.go("#/cases");
    await s.waitForText("[data-testid=empty-state]", "还没有案件");
    await s.screenshot(join(SHOTS, "zh", "cases-empty.png"));

    await s.click("[data-testid=new-case]");
    await s.type("#case-platform", "某某理财");
    await s.type("#case-amount", "12,3元");
    await s.setValue("#case-occurred", "2026-11-02T10:00");
    await s.type("#case-summary", "申请提现后一直显示“审核中”，客服多次承诺处理但未到账");
    await s.type("#case-account", "尾号 1234");
    await s.click("[data-testid=new-case-submit]");
    await s.waitForText("#case-amount-error", "12,3元");
    await s.screenshot(join(SHOTS, "zh", "case-new-error.png"));
    assert.equal(sql(home.db, "SELECT count(*) FROM cases"), "0");

    await s.type("#case-amount", "1,234.50");
    await s.click("[data-testid=new-case-submit]");
    await s.waitFor(async () => (await s.exec("return location.hash")) === "#/cases/1", "case page");
    await s.waitForText("[data-testid=case-head]", "¥1,234.50");
    assert.equal(sql(home.db, "SELECT platform_name || '|' || amount_fen FROM cases"), "某某理财|123450");
  });

  it("stores a screenshot in the vault and shows its thumbnail; a missing file is refused", async () => {
    const s = app.session;
    await s.click("[data-testid=tab-evidence]");
    await s.click("[data-testid=add-evidence]");
    await s.type("#evidence-path", join(home.dir, "没有这个文件.png"));
    await s.click("[data-testid=evidence-submit]");
    await s.find("#evidence-path-error");
    assert.equal(sql(home.db, "SELECT count(*) FROM evidence_items"), "0");

    await s.type("#evidence-path", png);
    await s.type("#evidence-caption", "提现失败页面");
    await s.click("[data-testid=evidence-submit]");
    await s.find("[data-testid=evidence-thumb]");
    await s.screenshot(join(SHOTS, "zh", "case-evidence.png"));
    // WebKitWebDriver's element text skips the card's clipped caption row, so read the DOM.
    const caption = () => s.exec("return document.querySelector('[data-testid=evidence-caption]')?.textContent ?? ''");
    await s.waitFor(async () => (await caption()).includes("提现失败页面"), "the evidence caption");
    assert.equal(sql(home.db, "SELECT original_name || '|' || tier FROM evidence_items"), "提现失败截图.png|core");
  });

  it("refuses a due time before the contact, then flags a past-due promise as overdue", async () => {
    const s = app.session;
    await s.noToasts(); // the "stored" toast sits over the form's buttons for a few seconds
    await s.click("[data-testid=tab-log]");
    await s.click("[data-testid=add-contact]");
    await s.setValue("#contact-at", "2026-11-10T10:00");
    await s.type("#contact-agent", "8021");
    await s.type("#contact-said", "已为您加急处理");
    await s.type("#contact-promise", "3个工作日内处理完毕");
    await s.setValue("#contact-due", "2026-11-09T10:00");
    await s.click("[data-testid=contact-submit]");
    await s.find("#contact-due-error");
    await s.screenshot(join(SHOTS, "zh", "case-contact-error.png"));
    assert.equal(sql(home.db, "SELECT count(*) FROM contacts"), "0");

    await s.setValue("#contact-due", "2026-11-13T18:00");
    await s.click("[data-testid=contact-submit]");
    await s.waitForText("[data-testid=overdue-flag]", "逾期");
    await s.find("[data-testid=escalation-advice]");
    await s.screenshot(join(SHOTS, "zh", "case-log.png"));
  });

  it("writes the platform letter from the case with the evidence and the broken promise", async () => {
    const s = app.session;
    await s.click("[data-testid=tab-letter]");
    await s.waitForText("[data-testid=letter-preview]", "¥1,234.50");
    const letter = await s.text("[data-testid=letter-preview]");
    assert.match(letter, /某某理财/);
    assert.match(letter, /8021/);
    // Editing the text updates the preview live.
    await s.exec(
      `const t = document.querySelector('[data-testid=letter-text]'); t.value = t.value + '\\n补充：请尽快处理';
       t.dispatchEvent(new Event('input', { bubbles: true }));`,
    );
    await s.waitForText("[data-testid=letter-preview]", "补充：请尽快处理");
    await s.screenshot(join(SHOTS, "zh", "case-letter.png"));
    await s.click("[data-testid=letter-regulator]");
    await s.waitForText("[data-testid=letter-preview]", "某某理财");
    await s.click("[data-testid=tab-ladder]");
    await s.find("[data-testid=ladder-clock]");
    await s.screenshot(join(SHOTS, "zh", "case-ladder.png"));
    await s.click("[data-testid=tab-evidence]");
    await s.find("[data-testid=evidence-thumb]");
    await s.screenshot(join(SHOTS, "zh", "case-evidence.png"));
  });

  it("lists the case with its amount and overdue flag", async () => {
    const s = app.session;
    await s.go("#/cases");
    await s.waitForText("[data-testid=case-list]", "¥1,234.50");
    await s.find("[data-testid=case-overdue]");
    await s.screenshot(join(SHOTS, "zh", "cases-list.png"));
  });

  it("shows the list, case page and letter in English", async () => {
    const s = app.session;
    await s.go("#/settings");
    await s.click("[data-testid=lang-en]");
    await s.go("#/cases");
    await s.waitForText("[data-testid=case-list]", "overdue");
    await s.screenshot(join(SHOTS, "en", "cases-list.png"));
    await s.go("#/cases/1");
    await s.waitForText("[data-testid=overdue-flag]", "overdue");
    await s.screenshot(join(SHOTS, "en", "case-log.png"));
    await s.click("[data-testid=tab-letter]");
    await s.waitForText("[data-testid=letter-preview]", "1,234.50");
    assert.doesNotMatch(await s.text("[data-testid=letter-preview]"), /投诉处理部门/);
    await s.screenshot(join(SHOTS, "en", "case-letter.png"));
    await s.click("[data-testid=tab-prep]");
    await s.find("[data-testid=prep-statement]");
    await s.screenshot(join(SHOTS, "en", "case-prep.png"));
  });
});
