// Backup and restore in the real app: the automatic backup made at start-up is listed in
// Settings; "Back up now" writes an archive to a typed path (native dialogs can't be driven);
// a broken archive is refused with a message and nothing changes; restoring asks first, brings
// the data back as it was and keeps the replaced database beside itself.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CLI, freshHome, go, isolated, openApp, screenshot, SHOTS, sql, waitForText } from "./helpers.mjs";


describe("settings: backup and restore", () => {
  const home = freshHome();
  const archive = join(home.dir, "备份 2026.zip");
  const cli = (...args) => execFileSync(CLI, ["--db", home.db, ...args], { encoding: "utf8", env: isolated(home) });
  let app;

  before(async () => {
    app = await openApp(home);
  });
  after(async () => {
    await app?.close();
  });

  it("lists today's automatic backup, made when the app started", async () => {
    const browser = app.browser;
    await go(browser, "#/settings");
    await browser.$("[data-testid=rolling-backups] li").waitForExist({ timeout: 20000 });
    // Named by the pinned day (helpers' NOW).
    assert.deepEqual(readdirSync(join(dirname(home.db), "backups")), ["tixian-2026-11-26.zip"]);
    await waitForText(browser, "[data-testid=rolling-backups]", "2026-11-26");
  });

  it("backs up to a typed path", async () => {
    const browser = app.browser;
    cli("platform", "add", "微信支付", "--kind", "wechat");
    cli("balance", "微信支付", "1234.56");
    await browser.$("[data-testid=backup-path]").setValue(archive);
    await browser.$("[data-testid=backup-now]").click();
    await waitForText(browser, "[data-testid=backup-made]", "备份 2026.zip", 20000);
    assert.ok(existsSync(archive));
    await screenshot(browser, join(SHOTS, "zh", "settings-backup.png"));
  });

  it("refuses a file that is not a backup, changing nothing", async () => {
    const browser = app.browser;
    const bogus = join(home.dir, "not-a-backup.zip");
    writeFileSync(bogus, "this is not a zip");
    const platforms = "SELECT count(*) || ':' || coalesce(group_concat(name), '') FROM platforms";
    const before = sql(home.db, platforms);
    await browser.$("[data-testid=restore-path]").setValue(bogus);
    await browser.$("[data-testid=restore-start]").click();
    await browser.$("[data-testid=restore-confirm]").click();
    await waitForText(browser, "[data-testid=restore-error]", "not-a-backup.zip", 20000);
    assert.equal(sql(home.db, platforms), before);
  });

  it("asks before restoring, then brings the backed-up data back and keeps the replaced copy", async () => {
    const browser = app.browser;
    cli("platform", "add", "支付宝", "--kind", "alipay");
    await browser.$("[data-testid=restore-path]").setValue(archive);
    await browser.$("[data-testid=restore-start]").click();
    // The question names the file; cancelling changes nothing.
    await waitForText(browser, ".modal-content", "备份 2026.zip");
    await screenshot(browser, join(SHOTS, "zh", "settings-restore-confirm.png"));
    await browser.$(".modal-content button.ghost").click();
    await browser.waitUntil(async () => !(await browser.$(".modal-content").isExisting()), { timeoutMsg: "dialog closed" });
    assert.equal(sql(home.db, "SELECT count(*) FROM platforms"), "2");

    await browser.$("[data-testid=restore-start]").click();
    await browser.$("[data-testid=restore-confirm]").click();
    await waitForText(browser, "[data-testid=restore-kept]", "before-restore", 20000);
    assert.equal(sql(home.db, "SELECT group_concat(name) FROM platforms"), "微信支付");
    const keptPath = await browser.$("[data-testid=restore-kept]").getText();
    assert.ok(existsSync(keptPath), `kept copy at ${keptPath}`);
    assert.equal(sql(keptPath, "SELECT count(*) FROM platforms"), "2");

    // The rest of the app reads the restored data.
    await browser.$("[data-nav=platforms]").click();
    await waitForText(browser, "[data-testid=platforms-table]", "微信支付");
    assert.doesNotMatch(await browser.$("[data-testid=platforms-table]").getText(), /支付宝/);
  });
});
