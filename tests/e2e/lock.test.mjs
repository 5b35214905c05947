// The optional app lock end to end in the real app: set in Settings (the database is no longer
// plain SQLite), restart → the unlock screen before anything else, a wrong passphrase said beside
// the field, Enter unlocks; change the passphrase, restart with the new one; remove the lock
// (asked once more), restart with no prompt and a file sqlite3 reads again.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, freshHome, isolated, openApp, ROOT, SHOTS, sql } from "./helpers.mjs";

const ENTER = "\uE007";
const FIRST = "first passphrase 1";
const SECOND = "Second-passphrase-2";

const plainSqlite = (db) => readFileSync(db).subarray(0, 16).toString("latin1") === "SQLite format 3\0";

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
    return app.session;
  }

  async function unlockWith(s, passphrase) {
    await s.find("[data-testid=unlock-screen]", 20000);
    await s.type("[data-testid=unlock-passphrase]", passphrase + ENTER);
  }

  it("is set in Settings after the checks beside the fields", async () => {
    const s = await restart();
    await s.go("#/settings");
    await s.find("[data-testid=lock-set-form]", 15000);
    await s.waitForText("[data-testid=lock-warning]", "忘记密码将无法找回数据");
    await s.waitForText("[data-testid=lock-status]", "应用锁未开启");
    await s.type("[data-testid=lock-new]", "short");
    await s.click("[data-testid=lock-set]");
    await s.waitForText("[data-testid=lock-new-error]", "密码至少需要 8 个字符");
    await s.type("[data-testid=lock-new]", FIRST);
    await s.waitForText("[data-testid=lock-strength]", "强度：");
    await s.type("[data-testid=lock-again]", FIRST + "x");
    await s.click("[data-testid=lock-set]");
    await s.waitForText("[data-testid=lock-again-error]", "两次输入的密码不一致");
    await s.type("[data-testid=lock-again]", FIRST);
    assert.equal(await s.exists("[data-testid=lock-again-error]"), false, "typing again clears the error");
    await s.exec("document.querySelector('[data-testid=lock-panel]').scrollIntoView()");
    await s.screenshot(join(SHOTS, "zh", "lock-set.png"));
    await s.click("[data-testid=lock-set]");
    await s.waitForText("[data-testid=lock-status]", "应用锁已开启", 60000);
    assert.match(await s.text("[data-testid=lock-status]"), /证据文件 1\/1 个已加密/);
    assert.equal(plainSqlite(home.db), false);
    assert.throws(
      () => execFileSync("sqlite3", ["-bail", home.db, "SELECT count(*) FROM transactions"], { stdio: "pipe" }),
      (e) => /file is not a database/.test(String(e.stderr)),
    );
    await s.screenshot(join(SHOTS, "zh", "lock-on.png"));
  });

  it("asks for the passphrase at start; a wrong one is said beside the field", async () => {
    const s = await restart();
    await unlockWith(s, "not the passphrase");
    await s.waitForText("[data-testid=unlock-error]", "密码不正确", 20000);
    assert.equal(await s.exec("return document.querySelector('main').children.length"), 1,
      "the unlock screen alone: no screen behind it is shown");
    await s.screenshot(join(SHOTS, "zh", "unlock-wrong.png"));
    await unlockWith(s, FIRST);
    await s.waitFor(async () => !(await s.exists("[data-testid=unlock-screen]")), "the unlock screen to go", 30000);
    await s.go("#/platforms");
    await s.waitForText("main", "微信支付", 15000);
  });

  it("changes the passphrase; the next start takes the new one only", async () => {
    let s = app.session;
    await s.go("#/settings");
    await s.find("[data-testid=lock-change-form]", 15000);
    await s.type("[data-testid=lock-current]", "wrong current one");
    await s.type("[data-testid=lock-new]", SECOND);
    await s.type("[data-testid=lock-again]", SECOND);
    await s.click("[data-testid=lock-change]");
    await s.waitForText("[data-testid=lock-current-error]", "密码不正确", 60000);
    await s.type("[data-testid=lock-current]", FIRST);
    await s.click("[data-testid=lock-change]");
    await s.waitForText("[data-sonner-toaster]", "密码已修改", 60000);
    // English, for the screenshots of both screens.
    await s.click("[data-testid=lang-en]");
    await s.waitForText("[data-testid=lock-panel]", "A forgotten passphrase means lost data");
    await s.noToasts();
    await s.exec("document.querySelector('[data-testid=lock-panel]').scrollIntoView()");
    await s.screenshot(join(SHOTS, "en", "lock-on.png"));

    s = await restart();
    await unlockWith(s, FIRST);
    await s.waitForText("[data-testid=unlock-error]", "wrong passphrase", 20000);
    await s.screenshot(join(SHOTS, "en", "unlock-wrong.png"));
    await unlockWith(s, SECOND);
    await s.waitFor(async () => !(await s.exists("[data-testid=unlock-screen]")), "the unlock screen to go", 30000);
    await s.click("[data-nav=settings]");
    await s.click("[data-testid=lang-zh]");
  });

  it("is removed after a second question; the next start asks nothing", async () => {
    let s = app.session;
    await s.go("#/settings");
    await s.find("[data-testid=lock-remove-form]", 15000);
    await s.type("[data-testid=lock-remove-current]", SECOND);
    await s.click("[data-testid=lock-remove]");
    await s.waitForText("[data-testid=lock-remove-question]", "不再加密");
    await s.screenshot(join(SHOTS, "zh", "lock-remove.png"));
    await s.click("[data-testid=lock-remove-yes]");
    await s.waitForText("[data-testid=lock-status]", "应用锁未开启", 60000);
    assert.equal(plainSqlite(home.db), true);

    s = await restart();
    await s.go("#/platforms");
    await s.waitForText("main", "微信支付", 20000);
    assert.equal(await s.exists("[data-testid=unlock-screen]"), false);
    assert.equal(sql(home.db, "SELECT count(*) FROM transactions"), rows);
    assert.equal(sql(home.db, "PRAGMA integrity_check"), "ok");
  });
});
