// Backup and restore in the real app: the automatic backup made at start-up is listed in
// Settings; "Back up now" writes an archive to a typed path (native dialogs can't be driven);
// a broken archive is refused with a message and nothing changes; restoring asks first, brings
// the data back as it was and keeps the replaced database beside itself.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { freshHome, isolated, openApp, SHOTS, sql, TARGET } from "./helpers.mjs";

const CLI = process.env.TIXIAN_CLI ?? join(TARGET, "debug", "tixian");

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
    const s = app.session;
    await s.go("#/settings");
    await s.find("[data-testid=rolling-backups] li", 20000);
    const made = readdirSync(join(dirname(home.db), "backups"));
    assert.equal(made.length, 1);
    assert.match(made[0], /^tixian-\d{4}-\d{2}-\d{2}\.zip$/);
    assert.match(await s.text("[data-testid=rolling-backups]"), new RegExp(made[0].slice(7, 17)));
  });

  it("backs up to a typed path", async () => {
    const s = app.session;
    cli("platform", "add", "微信支付", "--kind", "wechat");
    cli("balance", "微信支付", "1234.56");
    await s.type("[data-testid=backup-path]", archive);
    await s.click("[data-testid=backup-now]");
    await s.waitForText("[data-testid=backup-made]", "备份 2026.zip", 20000);
    assert.ok(existsSync(archive));
    await s.screenshot(join(SHOTS, "zh", "settings-backup.png"));
  });

  it("refuses a file that is not a backup, changing nothing", async () => {
    const s = app.session;
    const bogus = join(home.dir, "not-a-backup.zip");
    writeFileSync(bogus, "this is not a zip");
    await s.type("[data-testid=restore-path]", bogus);
    await s.click("[data-testid=restore-start]");
    await s.click("[data-testid=restore-confirm]");
    await s.waitForText("[data-testid=restore-error]", "not-a-backup.zip", 20000);
    assert.equal(sql(home.db, "SELECT group_concat(name) FROM platforms"), "微信支付");
  });

  it("asks before restoring, then brings the backed-up data back and keeps the replaced copy", async () => {
    const s = app.session;
    cli("platform", "add", "支付宝", "--kind", "alipay");
    await s.type("[data-testid=restore-path]", archive);
    await s.click("[data-testid=restore-start]");
    // The question names the file; cancelling changes nothing.
    await s.waitForText(".modal-content", "备份 2026.zip");
    await s.screenshot(join(SHOTS, "zh", "settings-restore-confirm.png"));
    await s.click(".modal-content button.ghost");
    await s.waitFor(async () => !(await s.exists(".modal-content")), "dialog closed");
    assert.equal(sql(home.db, "SELECT count(*) FROM platforms"), "2");

    await s.click("[data-testid=restore-start]");
    await s.click("[data-testid=restore-confirm]");
    await s.waitForText("[data-testid=restore-kept]", "before-restore", 20000);
    assert.equal(sql(home.db, "SELECT group_concat(name) FROM platforms"), "微信支付");
    const keptPath = await s.text("[data-testid=restore-kept]");
    assert.ok(existsSync(keptPath), `kept copy at ${keptPath}`);
    assert.equal(sql(keptPath, "SELECT count(*) FROM platforms"), "2");

    // The rest of the app reads the restored data.
    await s.click("[data-nav=platforms]");
    await s.waitForText("[data-testid=platforms-table]", "微信支付");
    assert.doesNotMatch(await s.text("[data-testid=platforms-table]"), /支付宝/);
  });
});
