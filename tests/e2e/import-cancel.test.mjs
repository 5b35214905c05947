// Cancelling a big import in the real app: a 800,000-row WeChat bill this test writes (about
// 120 MB, so it is read as a stream) is imported through the path field; the progress bar shows,
// Cancel appears after a second, and after Cancel the database holds nothing of it — no rows,
// no import record, no platform, no copy in the vault.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freshHome, go, openApp, screenshot, SHOTS, sql } from "./helpers.mjs";

const ROWS = 800000;
const HEADER = "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注";

function bill(file) {
  const lines = ["微信支付账单明细,,,,,,,,,,", "----------------------微信支付账单明细列表--------------------,,,,,,,,,,", HEADER];
  const start = Date.UTC(2020, 0, 1);
  for (let i = 0; i < ROWS; i++) {
    const t = new Date(start + i * 60_000).toISOString().slice(0, 19).replace("T", " ");
    lines.push(`${t},商户消费,商户${i % 997},订单${i},支出,¥1.00,零钱,支付成功,${4200000000000 + i}\t,M${i}\t,/`);
  }
  writeFileSync(file, lines.join("\n") + "\n");
}

/** Files in the vault, however it nests them. */
function vaultFiles(dir) {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

describe("cancelling a big import", () => {
  const home = freshHome();
  let app;
  const file = join(home.dir, "big-bill.csv");

  before(async () => {
    bill(file);
    app = await openApp(home);
  });
  after(async () => {
    await app?.close();
  });

  it("shows progress, and Cancel leaves nothing of the bill behind", async () => {
    const browser = app.browser;
    await go(browser, "#/platforms");
    await browser.$("#import-path").setValue(file);
    await browser.$("[data-testid=import-submit]").click();
    await browser.$("[data-testid=import-progress]").waitForExist({ timeout: 20000 });
    await browser.$("[data-testid=import-cancel]").waitForExist({ timeout: 20000 });
    await screenshot(browser, join(SHOTS, "zh", "import-cancel.png"));
    await browser.$("[data-testid=import-cancel]").click();
    await browser.waitUntil(async () => (await browser.execute("return document.body.innerText")).includes("已取消导入，未保存任何内容"), { timeout: 60000, timeoutMsg: "the cancelled toast" });
    assert.equal(await browser.$("[data-testid=import-summary]").isExisting(), false);
    assert.equal(await browser.$("[data-testid=import-progress]").isExisting(), false);
    assert.equal(sql(home.db, "SELECT count(*) FROM transactions"), "0");
    assert.equal(sql(home.db, "SELECT count(*) FROM imports"), "0");
    assert.equal(sql(home.db, "SELECT count(*) FROM platforms"), "0");
    assert.equal(vaultFiles(join(home.dir, "vault")), 0, "no copy of the bill in the vault");
  });
});
