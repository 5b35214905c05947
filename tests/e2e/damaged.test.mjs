// A damaged database at start: the app says so plainly on its own screen instead of opening the
// screens, writes nothing to the damaged file, offers the newest automatic backup, and restores
// it after a confirmation, keeping the damaged bytes beside it.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CLI, freshHome, isolated, openApp, screenshot, SHOTS, sql, waitForText } from "./helpers.mjs";

const sha = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("a damaged database", () => {
  const home = freshHome();
  const cli = (...args) => execFileSync(CLI, ["--db", home.db, ...args], { encoding: "utf8", env: isolated(home) });
  let app;
  let damagedSha;

  before(async () => {
    cli("platform", "add", "微信支付", "--kind", "wechat");
    for (let i = 0; i < 40; i++) cli("platform", "add", `平台${i}`, "--kind", "bank", "--note", "x".repeat(200));
    // The backup the app restores later has the welcome seen, as the app's own would.
    sql(home.db, "INSERT INTO settings(key, value) VALUES ('welcome_done', '2026-01-01T00:00:00+08:00')");
    cli("backup", "--rolling", join(dirname(home.db), "backups"));
    cli("platform", "add", "备份之后", "--kind", "bank");
    sql(home.db, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;");
    const bytes = readFileSync(home.db);
    bytes.fill(0xa5, 2 * 4096, 2 * 4096 + 300);
    writeFileSync(home.db, bytes);
    damagedSha = sha(home.db);
    // `welcome: true`: openApp must not write to the damaged file.
    app = await openApp(home, {}, { welcome: true });
  });
  after(async () => {
    await app?.close();
  });

  it("is named plainly, not written to, and the newest backup is offered", async () => {
    const browser = app.browser;
    await browser.$("[data-testid=damaged-database]").waitForExist({ timeout: 20000 });
    await waitForText(browser, "[data-testid=damaged-database]", "数据库文件已损坏");
    await browser.$("[data-testid=damaged-restore]").waitForExist({ timeout: 10000 });
    assert.match(await browser.$("[data-testid=damaged-database]").getText(), /最近的自动备份：2026-11-26/);
    assert.equal(sha(home.db), damagedSha);
    await screenshot(browser, join(SHOTS, "zh", "damaged-database.png"));
  });

  it("restores the backup after a confirmation and keeps the damaged bytes", async () => {
    const browser = app.browser;
    await browser.$("[data-testid=damaged-restore]").click();
    await browser.$("[data-testid=damaged-confirm]").click();
    await browser.$("[data-testid=damaged-restored]").waitForExist({ timeout: 20000 });
    const shown = await browser.$("[data-testid=damaged-restored]").getText();
    const kept = shown.match(/保存在 (.+?)。/)[1];
    assert.equal(sha(kept), damagedSha);
    assert.equal(sql(home.db, "PRAGMA integrity_check"), "ok");
    assert.equal(sql(home.db, "SELECT count(*) FROM platforms WHERE name = '备份之后'"), "0");
    assert.equal(sql(home.db, "SELECT count(*) FROM platforms"), "41");
    await screenshot(browser, join(SHOTS, "zh", "damaged-restored.png"));
  });
});
