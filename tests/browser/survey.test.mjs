// A business completes the DDCI survey in headless Chromium on a 360 px wide phone screen,
// using only clicks and typing; every page type is scanned with axe-core and must have no
// serious or critical violation. Run by .ci/run (`npm test` here) after `cargo test` built
// the `ddci` binary; DDCI_BIN names it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, ddci, seriousViolations, startServer } from "./server.mjs";

async function checkPage(page, name) {
  assert.deepEqual(await seriousViolations(page), [], `${name}: accessibility`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${name}: fits 360 px (scroll width ${width})`);
}

test("a business answers the survey on a phone-sized browser, accessibly, exactly once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ddci-browser-"));
  const env = { DATABASE_URL: join(dir, "ddci.sqlite3") };
  ddci(env, "cycle", "open", "2025");
  ddci(env, "invite", "--cycle", "2025", "--count", "1", "--out", join(dir, "codes.csv"));
  const code = readFileSync(join(dir, "codes.csv"), "utf8").split("\n")[1].split(",")[0];
  const { server, base } = await startServer(env);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  try {
    // The axe script is injected inline, which the site's CSP (rightly) forbids.
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, bypassCSP: true });
    const page = await context.newPage();

    await page.goto(`${base}/`);
    await checkPage(page, "landing");
    await page.getByRole("link", { name: "Trả lời phiếu khảo sát" }).click();
    await checkPage(page, "code entry");
    await page.getByLabel("Mã mời").fill("wrong");
    await page.getByRole("button", { name: "Bắt đầu" }).click();
    await checkPage(page, "code entry with an error");
    assert.match(await page.textContent("#code-error"), /16 ký tự/);
    await page.getByLabel("Mã mời").fill(code.toLowerCase());
    await page.getByRole("button", { name: "Bắt đầu" }).click();

    await page.waitForURL(/\/survey\/profile$/);
    await checkPage(page, "profile and units");
    await page.getByRole("group", { name: "Số lao động hiện nay của doanh nghiệp" }).getByLabel("Dưới 10 người").check();
    // The head office's commune, found by the name of a town merged into it in 2025.
    await page.getByLabel(/Tìm xã, phường theo tên mới hoặc tên cũ/).fill("thi tran huu lung");
    assert.match(await page.locator("select option:checked").textContent(), /^Xã Hữu Lũng/);
    await page.getByLabel("Thuế tỉnh Lạng Sơn").check();
    await page.getByLabel("Xã Hữu Lũng").check();
    await page.getByRole("button", { name: "Lưu và tiếp tục" }).click();

    await page.waitForURL(/\/survey\/unit\/DEP_THUE_TINH$/);
    await checkPage(page, "department block");
    const groups = page.locator("fieldset.question");
    const count = await groups.count();
    for (let i = 0; i < count; i++) {
      const group = groups.nth(i);
      if (await group.locator("input[type=text]").count()) {
        await group.locator("input[type=text]").fill("3");
      } else {
        await group.locator("label.choice").first().click();
      }
    }
    await page.getByLabel("Góp ý cho đơn vị (không bắt buộc)").fill("<b>Thủ tục nhanh</b>");
    await page.getByRole("button", { name: "Lưu và tiếp tục" }).click();

    await page.waitForURL(/\/survey\/unit\/COM_HUU_LUNG$/);
    await page.locator("fieldset.question").first().getByLabel("Đồng ý", { exact: true }).check();
    await page.getByRole("button", { name: "Lưu và tiếp tục" }).click();

    await page.waitForURL(/\/survey\/review$/);
    await checkPage(page, "review");
    assert.match(await page.textContent("main"), /<b>Thủ tục nhanh<\/b>/, "the comment shows as text");
    await page.getByRole("button", { name: "Gửi phiếu" }).click();
    await page.waitForURL(/\/survey\/thanks\?receipt=/);
    await checkPage(page, "thank you");
    assert.match(await page.textContent("main"), /Phiếu của doanh nghiệp đã được ghi nhận/);
    await page.reload();
    assert.match(await page.textContent("main"), /Phiếu của doanh nghiệp đã được ghi nhận/, "a reload thanks again");

    // A second submission with the same code is refused.
    await page.goto(`${base}/survey`);
    await page.getByLabel("Mã mời").fill(code);
    await page.getByRole("button", { name: "Bắt đầu" }).click();
    assert.match(await page.textContent("main"), /đã được dùng/);
    // A lone submission waits in the pending stage for a batch of 10; closing the survey moves it.
    assert.match(ddci(env, "cycle", "list"), /2025,open,0/, "not yet in the live tables");
    ddci(env, "cycle", "close", "2025");
    assert.match(ddci(env, "cycle", "list"), /2025,closed,1/, "exactly one response is counted");
  } finally {
    await browser.close();
    server.kill();
  }
});
