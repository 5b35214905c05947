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
import { CLI, SHOTS, freshHome, isolated, openApp, sql } from "./helpers.mjs";

/** Closes the toasts so screenshots show the screen beneath them. */
async function dismissToasts(s) {
  await s.exec("document.querySelectorAll('[data-sonner-toast] [data-close-button]').forEach((b) => b.click())");
  await s.waitFor(async () => !(await s.exists("[data-sonner-toast]")), "toasts closed");
}

/** An instant `days` ago (fractional allowed) as RFC 3339 in UTC. */
function ago(days, plusHours = 0) {
  const ms = Date.now() - days * 86400e3 + plusHours * 3600e3;
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
    const s = app.session;
    await s.click("[data-nav=health]");
    await s.find("[data-testid=empty-state]");
    assert.equal(await s.exec("return document.querySelector('[data-testid=health-to-platforms]').getAttribute('href')"), "#/platforms");
    await s.screenshot(join(SHOTS, "zh", "health-empty.png"));
    // The CLI writes to the same database while the app is open.
    seed(home.db);
    jia = sql(home.db, "SELECT id FROM platforms WHERE name = '甲'");
    await s.click("[data-nav=home]");
  });

  it("shows shares, readiness and the concentration warning worked out by hand", async () => {
    const s = app.session;
    await s.click("[data-nav=health]");
    await s.waitForText("[data-testid=readiness-score]", "53");
    assert.equal(await s.text("[data-testid=concentration-share]"), "70.0%");
    assert.ok(await s.exists("[data-testid=concentration-warn]"));
    assert.equal(await s.text("[data-platform=甲] [data-testid=ph-share]"), "70.0%");
    assert.equal(await s.text("[data-platform=乙] [data-testid=ph-share]"), "30.0%");
    const reasons = await s.text("[data-testid=readiness-reasons]");
    for (const part of ["−9.0", "−8.0", "−20.0", "−10.0"]) assert.ok(reasons.includes(part), `${part} in ${reasons}`);
    // 甲: median 2.0 h, worst 10.0 h over 7 arrivals; steady against the previous quarter.
    const arrival = await s.text("[data-platform=甲] [data-testid=ph-arrival]");
    assert.match(arrival, /中位 2\.0 小时，最慢 10\.0 小时（7 笔）/);
    assert.match(await s.text("[data-platform=甲] [data-testid=ph-trend]"), /基本稳定/);
    assert.match(await s.text("[data-platform=乙] [data-testid=ph-last-test]"), /从未做过/);
    // The arrival chart names its danger line (median 2.0 h + 25 %) in its text alternative.
    const label = await s.exec(
      "return document.querySelector('[data-testid=chart-arrivals-canvas]').getAttribute('aria-label')",
    );
    assert.match(label, /警戒线 2\.5 小时，超过警戒线 2 笔/);
    await s.screenshot(join(SHOTS, "zh", "health-overview.png"));
  });

  it("the emergency-fund fix opens the inline editor; 9000 ÷ 2000 = 4.5 months", async () => {
    const s = app.session;
    await s.click("[data-testid=fix-emergency_fund]");
    await s.find("#ef-spending");
    await s.type("#ef-spending", "-5");
    await s.type("#ef-outside", "9000");
    await s.click("[data-testid=fund-save]");
    await s.waitForText(".field.has-error", "负数");
    assert.equal(
      sql(home.db, "SELECT count(*) FROM health_settings WHERE monthly_spending_fen IS NOT NULL OR outside_money_fen IS NOT NULL"),
      "0",
      "bad input stores nothing",
    );
    await s.type("#ef-spending", "2000");
    await s.click("[data-testid=fund-save]");
    await s.waitForText("[data-testid=fund-months]", "4.5");
    assert.match(await s.text("[data-testid=fund-status]"), /3–6 个月之内/);
    assert.equal(sql(home.db, "SELECT monthly_spending_fen || '|' || outside_money_fen FROM health_settings"), "200000|900000");
    await s.waitForText("[data-testid=readiness-score]", "73");
  });

  it("saves two rule versions, shows the diff and logs the rise as a danger signal", async () => {
    const s = app.session;
    await s.click(`[data-testid=ph-rules-${jia}]`);
    await s.setValue("[data-testid=rules-text]", V1);
    await s.click("[data-testid=rules-save]");
    await s.waitForText("[data-testid=rules-result]", "第一版");
    await s.setValue("[data-testid=rules-text]", V2);
    await s.click("[data-testid=rules-save]");
    await s.find("[data-testid=rules-diff]");
    assert.equal(await s.text("[data-testid=rules-diff] .line.delete .t"), "单笔提现门槛 100元");
    assert.equal(await s.text("[data-testid=rules-diff] .line.insert .t"), "单笔提现门槛 200元");
    assert.match(await s.text("[data-testid=rules-rises]"), /100元 → 200元/);
    assert.equal(sql(home.db, "SELECT count(*) FROM rule_snapshots"), "2");
    await s.screenshot(join(SHOTS, "zh", "health-rules-diff.png"));
    await s.click("[data-testid=rules-log-signal]");
    await s.find("[data-testid=rules-signal-logged]");
    assert.equal(sql(home.db, "SELECT kind FROM danger_signals"), "raised_threshold");
    assert.match(sql(home.db, "SELECT note FROM danger_signals"), /100元 → 200元/);
    await s.exec("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}))");
    await s.waitFor(async () => !(await s.exists("[data-testid=rules-form]")), "dialog closed");
    await s.waitForText("[data-platform=甲] [data-testid=ph-signals]", "门槛或手续费上调");
    await s.waitForText("[data-testid=readiness-score]", "59");
  });

  it("records the quarterly review", async () => {
    const s = app.session;
    await s.click("[data-testid=fix-quarterly_review]");
    for (const k of ["licences_valid", "rules_reread", "tests_done"]) await s.click(`[data-testid=review-${k}]`);
    await s.type("[data-testid=review-note]", "甲 占比偏高");
    await dismissToasts(s); // toasts sit over the bottom-right, where the submit button is
    await s.click("[data-testid=review-submit]");
    await s.waitFor(() => sql(home.db, "SELECT count(*) FROM quarterly_reviews") === "1", "review stored");
    const json = JSON.parse(sql(home.db, "SELECT checklist_json FROM quarterly_reviews"));
    assert.deepEqual(json, { licences_valid: true, rules_reread: true, tests_done: true, shares_within_limits: false, note: "甲 占比偏高" });
    await s.waitForText("[data-testid=readiness-score]", "69");
    await s.waitForText("[data-testid=review-status]", "上次检查");
  });

  it("the test-withdrawal fix logs one for 乙 in two clicks (+9 → 78)", async () => {
    const s = app.session;
    await s.click("[data-testid=fix-test_withdrawal]");
    await s.find("[data-testid=test-withdrawal-form]");
    await s.click("[data-testid=test-withdrawal-submit]");
    await s.waitFor(
      () => sql(home.db, "SELECT count(*) FROM withdrawals w JOIN platforms p ON p.id = w.platform_id WHERE p.name = '乙' AND w.is_test = 1") === "1",
      "test withdrawal stored",
    );
    await s.waitForText("[data-testid=readiness-score]", "78");
    assert.doesNotMatch(await s.text("[data-platform=乙] [data-testid=ph-last-test]"), /从未做过/);
  });

  it("changes 乙's test interval in place, refusing 0 days", async () => {
    const s = app.session;
    const card = "[data-platform=乙]";
    await s.click(`${card} [data-testid=interval-edit]`);
    await dismissToasts(s);
    await s.type(`${card} [data-testid=interval-input]`, "0");
    await s.click(`${card} [data-testid=interval-save]`);
    await s.waitForText(`${card} [role=alert]`, "366");
    assert.equal(sql(home.db, "SELECT test_interval_days FROM platforms WHERE name = '乙'"), "30");
    await s.type(`${card} [data-testid=interval-input]`, "14");
    await s.click(`${card} [data-testid=interval-save]`);
    await s.waitForText(card, "每 14 天");
    assert.equal(sql(home.db, "SELECT test_interval_days FROM platforms WHERE name = '乙'"), "14");
  });

  it("logs a danger signal on 乙 from its card (30 % of the money: −6 → 72)", async () => {
    const s = app.session;
    const yi = sql(home.db, "SELECT id FROM platforms WHERE name = '乙'");
    await s.click(`[data-testid=ph-signal-${yi}]`);
    await s.find("[data-testid=signal-form]");
    await s.exec(
      "const el = document.querySelector('[data-testid=signal-kind]'); el.value = 'more_maintenance'; el.dispatchEvent(new Event('change', {bubbles: true}))",
    );
    await s.type("[data-testid=signal-note]", "本月维护了 3 次");
    await dismissToasts(s);
    await s.click("[data-testid=signal-submit]");
    await s.waitFor(() => sql(home.db, "SELECT count(*) FROM danger_signals") === "2", "signal stored");
    assert.equal(sql(home.db, "SELECT kind || '|' || note FROM danger_signals ORDER BY id DESC LIMIT 1"), "more_maintenance|本月维护了 3 次");
    await s.waitForText("[data-platform=乙] [data-testid=ph-signals]", "维护变多");
    await s.waitForText("[data-testid=readiness-score]", "72");
  });

  it("screenshots the charts in Chinese and English (light)", async () => {
    const s = app.session;
    await dismissToasts(s);
    await s.exec("document.querySelector('[data-testid=chart-balances]').scrollIntoView({block: 'start'})");
    await s.screenshot(join(SHOTS, "zh", "health-charts.png"));
    await s.exec("document.querySelector('[data-testid=review]').scrollIntoView({block: 'end'})");
    await s.screenshot(join(SHOTS, "zh", "health-platforms.png"));
    await s.click("[data-nav=settings]");
    await s.click("[data-testid=lang-en]");
    await s.waitForText("[data-nav=home]", "Home");
    await s.click("[data-nav=health]");
    await s.waitForText("[data-testid=readiness]", "would you be at ease");
    await s.waitForText("[data-testid=readiness-reasons]", "shows danger signals (raised threshold or fee)");
    await dismissToasts(s);
    await s.screenshot(join(SHOTS, "en", "health-overview.png"));
    await s.exec("document.querySelector('[data-testid=chart-balances]').scrollIntoView({block: 'start'})");
    await s.screenshot(join(SHOTS, "en", "health-charts.png"));
  });

  it("screenshots the charts in the dark theme", async () => {
    await app.close();
    app = await openApp(home, { GTK_THEME: "Adwaita:dark" });
    const s = app.session;
    const dark = await s.exec("return matchMedia('(prefers-color-scheme: dark)').matches");
    await s.go("#/health");
    await s.find("[data-testid=chart-balances-canvas]");
    await s.screenshot(join(SHOTS, "en", "health-overview-dark.png"));
    await s.exec("document.querySelector('[data-testid=chart-balances]').scrollIntoView({block: 'start'})");
    await s.screenshot(join(SHOTS, "en", "health-charts-dark.png"));
    assert.ok(dark, "GTK_THEME=Adwaita:dark should make the webview prefer dark");
  });
});
