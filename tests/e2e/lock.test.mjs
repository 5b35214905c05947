// The optional app lock end to end in the real app: set in Settings (the database is no longer
// plain SQLite), restart → the unlock screen before anything else, a wrong passphrase said beside
// the field, Enter unlocks; change the passphrase, restart with the new one; remove the lock
// (asked once more), restart with no prompt and a file sqlite3 reads again.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, freshHome, go, isolated, noToasts, openApp, ROOT, screenshot, SHOTS, sql, waitForText } from "./helpers.mjs";

const ENTER = "\uE007";
const FIRST = "first passphrase 1";
const SECOND = "Second-passphrase-2";

const plainSqlite = (db) => readFileSync(db).subarray(0, 16).toString("latin1") === "SQLite format 3\0";
const gone = (browser, css, timeoutMsg, timeout = 30000) =>
  browser.waitUntil(async () => !(await browser.$(css).isExisting()), { timeout, timeoutMsg });

describe("the app lock", () => {
  const home = freshHome();
  const bill = join(ROOT, "tests", "fixtures", "bills", "wechat-csv-utf8.csv");
  execFileSync(CLI, ["--db", home.db, "import", bill], { encoding: "utf8", env: isolated(home) });
  const rows = sql(home.db, "SELECT count(*) FROM transactions");
  let app;

  after(async () => {
    await app?.close();
  });

  // Restarted on an encrypted file: `welcome: true` so nothing opens it with sqlite3 first.
  async function restart() {
    await app?.close();
    app = await openApp(home, {}, { welcome: !plainSqlite(home.db) });
    return app.browser;
  }

  async function unlockWith(browser, passphrase) {
    await browser.$("[data-testid=unlock-screen]").waitForExist({ timeout: 20000 });
    await browser.$("[data-testid=unlock-passphrase]").setValue(passphrase + ENTER);
  }

  async function panelShot(browser, path) {
    await browser.execute(() => document.querySelector("[data-testid=lock-panel]").scrollIntoView());
    await screenshot(browser, path);
  }

  it("is set in Settings after the checks beside the fields", async () => {
    const browser = await restart();
    assert.equal(rows, "7");
    await go(browser, "#/settings");
    await browser.$("[data-testid=lock-set-form]").waitForExist({ timeout: 15000 });
    await waitForText(browser, "[data-testid=lock-warning]", "⚠ 忘记密码将无法找回数据");
    assert.equal(await browser.$("[data-testid=lock-status]").getText(), "应用锁未开启：数据保存在这台电脑上，但没有加密。");
    await browser.$("[data-testid=lock-new]").setValue("short");
    await browser.$("[data-testid=lock-set]").click();
    await waitForText(browser, "[data-testid=lock-new-error]", "密码至少需要 8 个字符");
    await browser.$("[data-testid=lock-new]").setValue(FIRST);
    assert.equal(await browser.$("[data-testid=lock-new-error]").isExisting(), false, "typing again clears the error");
    await waitForText(browser, "[data-testid=lock-strength]", "强度：强");
    await browser.$("[data-testid=lock-again]").setValue(FIRST + "x");
    await browser.$("[data-testid=lock-set]").click();
    await waitForText(browser, "[data-testid=lock-again-error]", "两次输入的密码不一致");
    await browser.$("[data-testid=lock-again]").setValue(FIRST);
    assert.equal(await browser.$("[data-testid=lock-again-error]").isExisting(), false, "typing again clears the error");
    await panelShot(browser, join(SHOTS, "zh", "lock-set.png"));
    await browser.$("[data-testid=lock-set]").click();
    await waitForText(browser, "[data-testid=lock-status]", "应用锁已开启", 60000);
    assert.equal(await browser.$("[data-testid=lock-status]").getText(), "应用锁已开启：数据库已加密，证据文件 1/1 个已加密。");
    assert.equal(plainSqlite(home.db), false);
    assert.throws(
      () => execFileSync("sqlite3", ["-bail", home.db, "SELECT count(*) FROM transactions"], { stdio: "pipe" }),
      (e) => /file is not a database/.test(String(e.stderr)),
    );
    await noToasts(browser);
    await panelShot(browser, join(SHOTS, "zh", "lock-on.png"));
  });

  it("asks for the passphrase at start; a wrong one is said beside the field", async () => {
    const browser = await restart();
    await screenshot(browser, join(SHOTS, "zh", "unlock.png"));
    await unlockWith(browser, "not the passphrase");
    await waitForText(browser, "[data-testid=unlock-error]", "密码不正确", 20000);
    assert.equal(await browser.execute(() => document.querySelector("main").children.length), 1,
      "the unlock screen alone: no screen behind it is shown");
    assert.equal(await browser.$("[data-nav=platforms]").isExisting(), false, "no navigation while locked");
    await screenshot(browser, join(SHOTS, "zh", "unlock-wrong.png"));
    await unlockWith(browser, FIRST);
    await gone(browser, "[data-testid=unlock-screen]", "the unlock screen to go");
    await go(browser, "#/platforms");
    await waitForText(browser, "main", "微信支付", 15000);
  });

  it("changes the passphrase; the next start takes the new one only", async () => {
    let browser = app.browser;
    await go(browser, "#/settings");
    await browser.$("[data-testid=lock-change-form]").waitForExist({ timeout: 15000 });
    await browser.$("[data-testid=lock-current]").setValue("wrong current one");
    await browser.$("[data-testid=lock-new]").setValue(SECOND);
    await browser.$("[data-testid=lock-again]").setValue(SECOND);
    await browser.$("[data-testid=lock-change]").click();
    await waitForText(browser, "[data-testid=lock-current-error]", "密码不正确", 60000);
    // The new passphrase fields keep what was typed: only the current one is typed again.
    await browser.$("[data-testid=lock-current]").setValue(FIRST);
    await browser.$("[data-testid=lock-change]").click();
    await waitForText(browser, "[data-sonner-toaster]", "密码已修改", 60000);
    // English, for the screenshots of both screens.
    await browser.$("[data-nav=settings]").click();
    await browser.$("[data-testid=lang-en]").click();
    await waitForText(browser, "[data-testid=lock-panel]", "A forgotten passphrase means lost data");
    assert.equal(await browser.$("[data-testid=lock-status]").getText(), "The app lock is on: the database and 1 of 1 evidence files are encrypted.");
    await noToasts(browser);
    await panelShot(browser, join(SHOTS, "en", "lock-on.png"));

    browser = await restart();
    await waitForText(browser, "[data-testid=unlock-screen]", "Enter the app lock passphrase.", 20000);
    await screenshot(browser, join(SHOTS, "en", "unlock.png"));
    await unlockWith(browser, FIRST);
    await waitForText(browser, "[data-testid=unlock-error]", "wrong passphrase", 20000);
    await screenshot(browser, join(SHOTS, "en", "unlock-wrong.png"));
    await unlockWith(browser, SECOND);
    await gone(browser, "[data-testid=unlock-screen]", "the unlock screen to go");
    await browser.$("[data-nav=settings]").click();
    await browser.$("[data-testid=lang-zh]").click();
    await waitForText(browser, "[data-nav=home]", "首页");
  });

  it("is removed after a second question; the next start asks nothing", async () => {
    let browser = app.browser;
    await go(browser, "#/settings");
    await browser.$("[data-testid=lock-remove-form]").waitForExist({ timeout: 15000 });
    await browser.$("[data-testid=lock-remove-current]").setValue(SECOND);
    await browser.$("[data-testid=lock-remove]").click();
    await waitForText(browser, "[data-testid=lock-remove-question]", "不再加密");
    assert.equal(plainSqlite(home.db), false, "nothing removed before the second answer");
    await screenshot(browser, join(SHOTS, "zh", "lock-remove.png"));
    await browser.$("[data-testid=lock-remove-yes]").click();
    await waitForText(browser, "[data-testid=lock-status]", "应用锁未开启", 60000);
    assert.equal(plainSqlite(home.db), true);

    browser = await restart();
    await go(browser, "#/platforms");
    await waitForText(browser, "main", "微信支付", 20000);
    assert.equal(await browser.$("[data-testid=unlock-screen]").isExisting(), false);
    assert.equal(sql(home.db, "SELECT count(*) FROM transactions"), rows);
    assert.equal(sql(home.db, "PRAGMA integrity_check"), "ok");
  });
});
