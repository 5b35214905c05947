// The Health screen in the real app. Data is seeded with the `tixian` CLI on the same database
// (platforms, balance history, withdrawals with arrival times, a test withdrawal), then the
// screen's figures are checked against numbers worked out by hand:
//
//   甲 ¥7,000 and 乙 ¥3,000 → shares 70.0 % / 30.0 %, concentration warns (above one half).
//   Readiness (100 points): 乙 was never tested: −30 × 0.3 = −9; 甲 holds 70 %: −40 × (0.7 − 0.5)
//   = −8; emergency fund not set: −20; quarterly review due (never done): −10 → 53.
//   Emergency fund ¥9,000 outside ÷ ¥2,000 a month = 4.5 months (within 3–6) → the −20 goes: 73.
//   A raised threshold logged on 甲 (70 % of the money): −20 × 0.7 = −14 → 59.
//   The quarterly review recorded → +10 → 69; a test withdrawal on 乙 → +9 → 78;
//   a signal on 乙 (30 %): −20 × 0.3 = −6 → 72.
//   甲's arrivals (hours) 2, 2, 3 | 2, 10, 2, 1 (test) → median 2.0, worst 10.0, danger line
//   2.0 × 1.25 = 2.5, with 3 and 10 above it.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CLI, freshHome, go, isolated, noToasts, NOW, openApp, screenshot, setInput, SHOTS, sql, waitForText } from "./helpers.mjs";

/** An instant `days` before the pinned "now" (fractional allowed) as RFC 3339 in UTC. */
function ago(days, plusHours = 0) {
  const ms = Date.parse(NOW) - days * 86400e3 + plusHours * 3600e3;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

let HOME;

function cli(db, args) {
  return execFileSync(CLI, args, { env: { ...isolated(HOME), TIXIAN_DB: db }, encoding: "utf8" });
}

function seed(db) {
  cli(db, ["platform", "add", "甲", "--kind", "wechat"]);
  cli(db, ["platform", "add", "乙", "--kind", "alipay"]);
  cli(db, ["balance", "甲", "2000", "--at", ago(150)]);
  cli(db, ["balance", "甲", "4500", "--at", ago(90)]);
  cli(db, ["balance", "甲", "5200", "--at", ago(40)]);
  cli(db, ["balance", "甲", "7000", "--at", ago(2)]);
  cli(db, ["balance", "乙", "1000", "--at", ago(120)]);
  cli(db, ["balance", "乙", "3000", "--at", ago(3)]);
  // Previous quarter: 2, 2, 3 hours; last quarter: 2, 10, 2 hours and a 1-hour test withdrawal.
  for (const [days, hours] of [[170, 2], [140, 2], [100, 3], [80, 2], [50, 10], [20, 2]]) {
    cli(db, ["withdraw", "甲", "500", "--at", ago(days), "--status", "arrived", "--arrived-at", ago(days, hours)]);
  }
  cli(db, ["withdraw", "甲", "1", "--test", "--at", ago(5), "--status", "arrived", "--arrived-at", ago(5, 1)]);
}

const V1 = "提现规则\n单笔提现门槛 100元\n手续费 0.1%，最低 0.1元\n到账时间：2小时内";
const V2 = "提现规则\n单笔提现门槛 200元\n手续费 0.1%，最低 0.1元\n到账时间：2小时内";

describe("health: figures, rule snapshots, review, charts", () => {
  const home = freshHome();
  HOME = home;
  let app;
  let jia;

  before(async () => {
    // The figures are seeded with the CLI: without it the suite fails (it never skips itself).
    assert.ok(existsSync(CLI), `the tixian CLI is missing at ${CLI}: build it first (cargo build -p tixian)`);
    app = await openApp(home);
  });
  after(async () => {
    await app?.close();
  });

  it("without platforms, explains and links to Platforms", async () => {
    const browser = app.browser;
    await browser.$("[data-nav=health]").click();
    await browser.$("[data-testid=empty-state]").waitForExist();
    assert.equal(await browser.execute("return document.querySelector('[data-testid=health-to-platforms]').getAttribute('href')"), "#/platforms");
    await screenshot(browser, join(SHOTS, "zh", "health-empty.png"));
    // The CLI writes to the same database while the app is open.
    seed(home.db);
    jia = sql(home.db, "SELECT id FROM platforms WHERE name = '甲'");
    await browser.$("[data-nav=home]").click();
  });

  it("shows shares, readiness and the concentration warning worked out by hand", async () => {
    const browser = app.browser;
    await browser.$("[data-nav=health]").click();
    await waitForText(browser, "[data-testid=readiness-score]", "53");
    assert.equal(await browser.$("[data-testid=concentration-share]").getText(), "70.0%");
    assert.ok(await browser.$("[data-testid=concentration-warn]").isExisting());
    assert.equal(await browser.$("[data-platform=甲] [data-testid=ph-share]").getText(), "70.0%");
    assert.equal(await browser.$("[data-platform=乙] [data-testid=ph-share]").getText(), "30.0%");
    const reasons = await browser.$("[data-testid=readiness-reasons]").getText();
    for (const part of ["−9.0", "−8.0", "−20.0", "−10.0"]) assert.ok(reasons.includes(part), `${part} in ${reasons}`);
    // 甲: median 2.0 h, worst 10.0 h over 7 arrivals; steady against the previous quarter.
    const arrival = await browser.$("[data-platform=甲] [data-testid=ph-arrival]").getText();
    assert.match(arrival, /中位 2\.0 小时，最慢 10\.0 小时（7 笔）/);
    assert.match(await browser.$("[data-platform=甲] [data-testid=ph-trend]").getText(), /基本稳定/);
    assert.match(await browser.$("[data-platform=乙] [data-testid=ph-last-test]").getText(), /从未做过/);
    // The arrival chart names its danger line (median 2.0 h + 25 %) in its text alternative.
    const label = await browser.execute("return document.querySelector('[data-testid=chart-arrivals-canvas]').getAttribute('aria-label')");
    assert.match(label, /警戒线 2\.5 小时，超过警戒线 2 笔/);
    await screenshot(browser, join(SHOTS, "zh", "health-overview.png"));
  });

  it("the emergency-fund fix opens the inline editor; 9000 ÷ 2000 = 4.5 months", async () => {
    const browser = app.browser;
    await browser.$("[data-testid=fix-emergency_fund]").click();
    await browser.$("#ef-spending").waitForExist();
    await browser.$("#ef-spending").setValue("-5");
    await browser.$("#ef-outside").setValue("9000");
    await browser.$("[data-testid=fund-save]").click();
    await waitForText(browser, ".field.has-error", "负数");
    assert.equal(
      sql(home.db, "SELECT count(*) FROM health_settings WHERE monthly_spending_fen IS NOT NULL OR outside_money_fen IS NOT NULL"),
      "0",
      "bad input stores nothing",
    );
    await browser.$("#ef-spending").setValue("2000");
    await browser.$("[data-testid=fund-save]").click();
    await waitForText(browser, "[data-testid=fund-months]", "4.5");
    assert.match(await browser.$("[data-testid=fund-status]").getText(), /3–6 个月之内/);
    assert.equal(sql(home.db, "SELECT monthly_spending_fen || '|' || outside_money_fen FROM health_settings"), "200000|900000");
    await waitForText(browser, "[data-testid=readiness-score]", "73");
  });

  it("saves two rule versions, shows the diff and logs the rise as a danger signal", async () => {
    const browser = app.browser;
    await browser.$(`[data-testid=ph-rules-${jia}]`).click();
    await setInput(browser, "[data-testid=rules-text]", V1);
    await browser.$("[data-testid=rules-save]").click();
    await waitForText(browser, "[data-testid=rules-result]", "第一版");
    await setInput(browser, "[data-testid=rules-text]", V2);
    await browser.$("[data-testid=rules-save]").click();
    await browser.$("[data-testid=rules-diff]").waitForExist();
    assert.equal(await browser.$("[data-testid=rules-diff] .line.delete .t").getText(), "单笔提现门槛 100元");
    assert.equal(await browser.$("[data-testid=rules-diff] .line.insert .t").getText(), "单笔提现门槛 200元");
    assert.match(await browser.$("[data-testid=rules-rises]").getText(), /100元 → 200元/);
    assert.equal(sql(home.db, "SELECT count(*) FROM rule_snapshots"), "2");
    await screenshot(browser, join(SHOTS, "zh", "health-rules-diff.png"));
    await browser.$("[data-testid=rules-log-signal]").click();
    await browser.$("[data-testid=rules-signal-logged]").waitForExist();
    assert.equal(sql(home.db, "SELECT kind FROM danger_signals"), "raised_threshold");
    assert.match(sql(home.db, "SELECT note FROM danger_signals"), /100元 → 200元/);
    await browser.keys("Escape");
    await browser.waitUntil(async () => !(await browser.$("[data-testid=rules-form]").isExisting()), { timeoutMsg: "dialog closed" });
    await waitForText(browser, "[data-platform=甲] [data-testid=ph-signals]", "门槛或手续费上调");
    await waitForText(browser, "[data-testid=readiness-score]", "59");
  });

  it("records the quarterly review", async () => {
    const browser = app.browser;
    await browser.$("[data-testid=fix-quarterly_review]").click();
    for (const k of ["licences_valid", "rules_reread", "tests_done"]) await browser.$(`[data-testid=review-${k}]`).click();
    await browser.$("[data-testid=review-note]").setValue("甲 占比偏高");
    await noToasts(browser); // toasts sit over the bottom-right, where the submit button is
    await browser.$("[data-testid=review-submit]").click();
    await browser.waitUntil(() => sql(home.db, "SELECT count(*) FROM quarterly_reviews") === "1", { timeoutMsg: "review stored" });
    const json = JSON.parse(sql(home.db, "SELECT checklist_json FROM quarterly_reviews"));
    assert.deepEqual(json, { licences_valid: true, rules_reread: true, tests_done: true, shares_within_limits: false, note: "甲 占比偏高" });
    await waitForText(browser, "[data-testid=readiness-score]", "69");
    await waitForText(browser, "[data-testid=review-status]", "上次检查");
  });

  it("the test-withdrawal fix logs one for 乙 in two clicks (+9 → 78)", async () => {
    const browser = app.browser;
    await browser.$("[data-testid=fix-test_withdrawal]").click();
    await browser.$("[data-testid=test-withdrawal-form]").waitForExist();
    await browser.$("[data-testid=test-withdrawal-submit]").click();
    await browser.waitUntil(() => sql(home.db, "SELECT count(*) FROM withdrawals w JOIN platforms p ON p.id = w.platform_id WHERE p.name = '乙' AND w.is_test = 1") === "1", { timeoutMsg: "test withdrawal stored" });
    await waitForText(browser, "[data-testid=readiness-score]", "78");
    assert.doesNotMatch(await browser.$("[data-platform=乙] [data-testid=ph-last-test]").getText(), /从未做过/);
  });

  it("changes 乙's test interval in place, refusing 0 days", async () => {
    const browser = app.browser;
    const card = "[data-platform=乙]";
    await browser.$(`${card} [data-testid=interval-edit]`).click();
    await noToasts(browser);
    await browser.$(`${card} [data-testid=interval-input]`).setValue("0");
    await browser.$(`${card} [data-testid=interval-save]`).click();
    await waitForText(browser, `${card} [role=alert]`, "366");
    assert.equal(sql(home.db, "SELECT test_interval_days FROM platforms WHERE name = '乙'"), "30");
    await browser.$(`${card} [data-testid=interval-input]`).setValue("14");
    await browser.$(`${card} [data-testid=interval-save]`).click();
    await waitForText(browser, card, "每 14 天");
    assert.equal(sql(home.db, "SELECT test_interval_days FROM platforms WHERE name = '乙'"), "14");
  });

  it("logs a danger signal on 乙 from its card (30 % of the money: −6 → 72)", async () => {
    const browser = app.browser;
    const yi = sql(home.db, "SELECT id FROM platforms WHERE name = '乙'");
    await browser.$(`[data-testid=ph-signal-${yi}]`).click();
    await browser.$("[data-testid=signal-form]").waitForExist();
    await browser.$("[data-testid=signal-kind]").selectByAttribute("value", "more_maintenance");
    await browser.$("[data-testid=signal-note]").setValue("本月维护了 3 次");
    await noToasts(browser);
    await browser.$("[data-testid=signal-submit]").click();
    await browser.waitUntil(() => sql(home.db, "SELECT count(*) FROM danger_signals") === "2", { timeoutMsg: "signal stored" });
    assert.equal(sql(home.db, "SELECT kind || '|' || note FROM danger_signals ORDER BY id DESC LIMIT 1"), "more_maintenance|本月维护了 3 次");
    await waitForText(browser, "[data-platform=乙] [data-testid=ph-signals]", "维护变多");
    await waitForText(browser, "[data-testid=readiness-score]", "72");
  });

  it("screenshots the charts in Chinese and English (light)", async () => {
    const browser = app.browser;
    await noToasts(browser);
    await browser.execute("document.querySelector('[data-testid=chart-balances]').scrollIntoView({block: 'start'})");
    await screenshot(browser, join(SHOTS, "zh", "health-charts.png"));
    await browser.execute("document.querySelector('[data-testid=review]').scrollIntoView({block: 'end'})");
    await screenshot(browser, join(SHOTS, "zh", "health-platforms.png"));
    await browser.$("[data-nav=settings]").click();
    await browser.$("[data-testid=lang-en]").click();
    await waitForText(browser, "[data-nav=home]", "Home");
    await browser.$("[data-nav=health]").click();
    await waitForText(browser, "[data-testid=readiness]", "would you be at ease");
    await waitForText(browser, "[data-testid=readiness-reasons]", "shows danger signals (raised threshold or fee)");
    await noToasts(browser);
    await screenshot(browser, join(SHOTS, "en", "health-overview.png"));
    await browser.execute("document.querySelector('[data-testid=chart-balances]').scrollIntoView({block: 'start'})");
    await screenshot(browser, join(SHOTS, "en", "health-charts.png"));
  });

  it("screenshots the charts in the dark theme", async () => {
    await app.close();
    app = await openApp(home, { GTK_THEME: "Adwaita:dark" });
    const browser = app.browser;
    const dark = await browser.execute("return matchMedia('(prefers-color-scheme: dark)').matches");
    await go(browser, "#/health");
    await browser.$("[data-testid=chart-balances-canvas]").waitForExist();
    await screenshot(browser, join(SHOTS, "en", "health-overview-dark.png"));
    await browser.execute("document.querySelector('[data-testid=chart-balances]').scrollIntoView({block: 'start'})");
    await screenshot(browser, join(SHOTS, "en", "health-charts-dark.png"));
    assert.ok(dark, "GTK_THEME=Adwaita:dark should make the webview prefer dark");
  });
});
