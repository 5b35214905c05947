// A long list of imported rows in the real app: 3,000 rows (a WeChat bill this test writes, one
// row an hour) imported through the CLI, then scrolled to the oldest row and back to the newest
// by the list's own scrollbar. The list draws only what is in view and keeps at most 1,000 rows
// loaded (pages are read by key as either end nears), and a search finds one row among them.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, freshHome, go, isolated, openApp, screenshot, SHOTS, sql, waitForText } from "./helpers.mjs";

const ROWS = 3000;
const HEADER = "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注";

/** Row i is at 2025-01-01 00:00 + i hours, 0.01 × (i + 1) yuan, goods 订单<i>. */
function bill() {
  const lines = ["微信支付账单明细,,,,,,,,,,", "----------------------微信支付账单明细列表--------------------,,,,,,,,,,", HEADER];
  const start = Date.UTC(2024, 11, 31, 16); // 2025-01-01 00:00 in +08:00
  for (let i = 0; i < ROWS; i++) {
    const t = new Date(start + i * 3600_000 + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
    const fen = i + 1;
    const yuan = `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
    lines.push(`${t},商户消费,商户${i % 50},订单${i},支出,¥${yuan},零钱,支付成功,${4200000000 + i}\t,M${i}\t,/`);
  }
  return lines.join("\n") + "\n";
}

const attr = (browser, name) => browser.execute(`return document.querySelector('[data-testid=txn-table]').getAttribute('${name}')`);
const drawn = (browser) => browser.execute("return document.querySelectorAll('[data-testid=txn-row]').length");
const scrollTo = (browser, where) =>
  browser.execute(`const v = document.querySelector('[data-testid=txn-table]');
          v.scrollTop = ${where === "bottom" ? "v.scrollHeight" : "0"}; v.dispatchEvent(new Event('scroll'));`);

describe("a long list of imported rows", () => {
  const home = freshHome();
  let app;

  before(async () => {
    const file = join(home.dir, "long-bill.csv");
    writeFileSync(file, bill());
    const out = JSON.parse(execFileSync(CLI, ["--db", home.db, "import", file, "--json"], { encoding: "utf8", env: isolated(home) }));
    assert.equal(out.imported, ROWS);
    app = await openApp(home);
  });
  after(async () => {
    await app?.close();
  });

  it("scrolls to the oldest row and back, drawing only what is in view", async () => {
    const browser = app.browser;
    await go(browser, "#/platforms");
    await waitForText(browser, "[data-testid=txn-count]", "3,000");
    assert.equal(await attr(browser, "data-loaded"), "200");
    const newest = sql(home.db, "SELECT id FROM transactions WHERE goods = '订单2999'");
    const oldest = sql(home.db, "SELECT id FROM transactions WHERE goods = '订单0'");
    assert.equal(await attr(browser, "data-first-id"), newest);
    // Down to the end, a page at a time, as a scrollbar dragged to the bottom again and again.
    await browser.waitUntil(async () => {
      await scrollTo(browser, "bottom");
      return (await attr(browser, "data-more-after")) === "false" && (await attr(browser, "aria-busy")) === "false";
    }, { timeout: 60000, timeoutMsg: "the oldest row loaded" });
    assert.equal(await attr(browser, "data-last-id"), oldest);
    assert.equal(await attr(browser, "data-loaded"), "1000", "at most 1,000 rows kept");
    assert.equal(await attr(browser, "data-more-before"), "true", "the newest rows were let go");
    const shown = await drawn(browser);
    assert.ok(shown >= 14 && shown <= 40, `only the rows in view are drawn (${shown})`);
    // The rows let go above kept the view where it was; one more scroll reaches the end.
    await scrollTo(browser, "bottom");
    await waitForText(browser, "[data-testid=txn-table]", "订单0");
    await screenshot(browser, join(SHOTS, "zh", "large-list-oldest.png"));
    // And back up to the newest row.
    await browser.waitUntil(async () => {
      await scrollTo(browser, "top");
      return (await attr(browser, "data-more-before")) === "false" && (await attr(browser, "aria-busy")) === "false";
    }, { timeout: 60000, timeoutMsg: "the newest row loaded again" });
    assert.equal(await attr(browser, "data-first-id"), newest);
    // The rows read in above kept the view where it was; one more scroll reaches the top.
    await scrollTo(browser, "top");
    await waitForText(browser, "[data-testid=txn-table]", "订单2999");
  });

  it("finds one row among 3,000 by its text and by its order number", async () => {
    const browser = app.browser;
    await browser.$("[data-testid=txn-text]").setValue("订单1234");
    await waitForText(browser, "[data-testid=txn-count]", "1");
    await browser.waitUntil(async () => (await drawn(browser)) === 1, { timeoutMsg: "one row for 订单1234" });
    assert.match(await browser.$("[data-testid=txn-table]").getText(), /12\.35/);
    await browser.$("[data-testid=txn-text]").setValue("M2999");
    await browser.waitUntil(async () => (await browser.$("[data-testid=txn-table]").getText()).includes("订单2999") && (await drawn(browser)) === 1, { timeoutMsg: "one row for M2999" });
    // A date range is a jump: 2025-03-01 is rows 1416–1439 (24 hours).
    await browser.$("[data-testid=txn-text]").setValue(" ");
    await browser.$("[data-testid=txn-from]").setValue("2025-03-01");
    await browser.$("[data-testid=txn-to]").setValue("2025-03-01");
    await waitForText(browser, "[data-testid=txn-count]", "24");
    await browser.waitUntil(async () => (await attr(browser, "data-loaded")) === "24", { timeoutMsg: "24 rows on 2025-03-01" });
    await waitForText(browser, "[data-testid=txn-table]", "03-01 23:00");
    await screenshot(browser, join(SHOTS, "zh", "large-list-day.png"));
  });
});
