// A damaged database at start: the app says so plainly on its own screen instead of opening the
// screens, writes nothing to the damaged file, offers the newest automatic backup, and restores
// it after a confirmation, keeping the damaged bytes beside it.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { freshHome, isolated, openApp, SHOTS, sql, TARGET } from "./helpers.mjs";

const CLI = process.env.TIXIAN_CLI ?? join(TARGET, "debug", "tixian");
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
    const s = app.session;
    await s.find("[data-testid=damaged-database]", 20000);
    await s.waitForText("[data-testid=damaged-database]", "数据库文件已损坏");
    await s.find("[data-testid=damaged-restore]", 10000);
    assert.match(await s.text("[data-testid=damaged-database]"), /最近的自动备份：\d{4}-\d{2}-\d{2}/);
    assert.equal(sha(home.db), damagedSha);
    await s.screenshot(join(SHOTS, "zh", "damaged-database.png"));
  });

  it("restores the backup after a confirmation and keeps the damaged bytes", async () => {
    const s = app.session;
    await s.click("[data-testid=damaged-restore]");
    await s.click("[data-testid=damaged-confirm]");
    await s.find("[data-testid=damaged-restored]", 20000);
    const shown = await s.text("[data-testid=damaged-restored]");
    const kept = shown.match(/保存在 (.+?)。/)[1];
    assert.equal(sha(kept), damagedSha);
    assert.equal(sql(home.db, "PRAGMA integrity_check"), "ok");
    assert.equal(sql(home.db, "SELECT count(*) FROM platforms WHERE name = '备份之后'"), "0");
    assert.equal(sql(home.db, "SELECT count(*) FROM platforms"), "41");
    await s.screenshot(join(SHOTS, "zh", "damaged-restored.png"));
  });
});
