// Restoring a backup made under another passphrase than the lock's today (issue 17): the lock was
// set, a backup made, the passphrase changed. The app asks for the backup's passphrase beside the
// restore, restores with it, and the lock here keeps the current passphrase.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { CLI, freshHome, go, isolated, openApp, ROOT, screenshot, SHOTS, sql, waitForText } from "./helpers.mjs";

const ENTER = "\uE007";
const OLD = "old passphrase 1";
const CURRENT = "current passphrase 2";

describe("restore of a backup made before the passphrase was changed", () => {
  const home = freshHome();
  const archive = join(home.dir, "before-change.zip");
  const cli = (env, ...args) =>
    execFileSync(CLI, ["--db", home.db, ...args], { encoding: "utf8", env: { ...isolated(home), ...env } });
  cli({}, "platform", "add", "微信支付", "--kind", "wechat");
  // The bill puts an original in the vault, which the lock encrypts.
  cli({}, "import", join(ROOT, "tests", "fixtures", "bills", "wechat-csv-utf8.csv"));
  cli({}, "balance", "微信支付", "100.00", "--at", "2026-11-20 10:00");
  sql(home.db, "INSERT OR IGNORE INTO settings(key, value) VALUES ('welcome_done', '2026-01-01T00:00:00+08:00')");
  cli({ TIXIAN_NEW_PASSPHRASE: OLD }, "lock", "set");
  cli({ TIXIAN_PASSPHRASE: OLD }, "backup", archive);
  // After the backup: a balance the restore takes back.
  cli({ TIXIAN_PASSPHRASE: OLD }, "balance", "微信支付", "555.00", "--at", "2026-11-25 10:00");
  cli({ TIXIAN_PASSPHRASE: OLD, TIXIAN_NEW_PASSPHRASE: CURRENT }, "lock", "change");
  const balance = (pass) =>
    JSON.parse(cli({ TIXIAN_PASSPHRASE: pass }, "--lang", "en", "--json", "health")).platforms[0].balance;
  let app;

  after(async () => {
    await app?.close();
  });

  async function unlocked(passphrase) {
    await app?.close();
    app = await openApp(home, {}, { welcome: true });
    const { browser } = app;
    await browser.$("[data-testid=unlock-screen]").waitForExist({ timeout: 20000 });
    await browser.$("[data-testid=unlock-passphrase]").setValue(passphrase + ENTER);
    await browser.$("[data-testid=unlock-screen]").waitForExist({ reverse: true, timeout: 30000 });
    return browser;
  }

  it("asks for the backup's passphrase, restores with it and keeps the current one after a restart", async () => {
    assert.equal(balance(CURRENT), "555.00");
    const browser = await unlocked(CURRENT);
    await go(browser, "#/settings");
    await browser.$("[data-testid=restore-path]").waitForExist({ timeout: 15000 });
    await browser.$("[data-testid=restore-path]").setValue(archive);
    await browser.$("[data-testid=restore-start]").click();
    await browser.$("[data-testid=restore-confirm]").click();
    await waitForText(browser, "[data-testid=restore-error]", "这份备份不是用现在的应用锁密码加密的", 30000);
    await browser.$("[data-testid=backup-passphrase]").waitForExist({ timeout: 5000 });
    assert.equal(balance(CURRENT), "555.00", "nothing changed");

    await browser.$("[data-testid=backup-passphrase]").setValue("not the old one");
    await browser.$("[data-testid=backup-passphrase-restore]").click();
    await waitForText(browser, "[data-testid=restore-error]", "密码不正确", 30000);
    await browser.execute(() => document.querySelector("[data-testid=restore-error]").scrollIntoView({ block: "center" }));
    await screenshot(browser, join(SHOTS, "zh", "restore-backup-passphrase.png"));

    await browser.$("[data-testid=backup-passphrase]").setValue(OLD);
    await browser.$("[data-testid=backup-passphrase-restore]").click();
    await waitForText(browser, "[data-testid=restore-kept]", "before-restore", 60000);
    assert.equal(await browser.$("[data-testid=backup-passphrase]").isExisting(), false);
    assert.equal(await browser.$("[data-testid=restore-error]").isExisting(), false);
    assert.equal(balance(CURRENT), "100.00", "the backup's balance, read with the current passphrase");
    assert.throws(() => balance(OLD), (e) => /TIXIAN_PASSPHRASE: wrong passphrase/.test(String(e.stderr)));

    // Restarted: the current passphrase opens it, and the app shows the backup's balance.
    const again = await unlocked(CURRENT);
    await go(again, "#/platforms");
    await waitForText(again, "main", "100.00", 20000);
  });
});
