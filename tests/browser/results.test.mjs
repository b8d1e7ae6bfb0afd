// The Business Association's and the public's side in headless Chromium: a visitor reads the
// ranking and a scorecard (phone width, charts present, A4 print), the PCI and method pages;
// an admin signs in with the form, creates a cycle through its confirmation step and reads
// the monitor and the audit log. Every page is scanned with axe-core (no serious or critical
// violation). Run by .ci/run (`npm test` here); DDCI_BIN names the binary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, ddci, seriousViolations, startServer } from "./server.mjs";

const PASSWORD = "mật-khẩu-thử-nghiệm-2025";

async function checkPage(page, name, maxWidth) {
  assert.deepEqual(await seriousViolations(page), [], `${name}: accessibility`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= maxWidth, `${name}: fits ${maxWidth} px (scroll width ${width})`);
}

test("a visitor reads published results and an admin runs a cycle, in a real browser", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ddci-browser-results-"));
  const env = { DATABASE_URL: join(dir, "ddci.sqlite3"), DDCI_ADMIN_PASSWORD: PASSWORD };
  for (const [year, seed] of [["2024", "1"], ["2025", "2"]]) {
    ddci(env, "demo", "--cycle", year, "--responses", "400", "--seed", seed);
    ddci(env, "score", "--cycle", year, "--bootstrap", "20", "--min-responses", "10");
    ddci(env, "publish", "--cycle", year);
  }
  ddci(env, "admin", "create", "--username", "hiephoi", "--role", "admin");
  const { server, base } = await startServer(env);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  try {
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, bypassCSP: true });
    const page = await phone.newPage();
    await page.goto(`${base}/results/2025`);
    await checkPage(page, "ranking", 360);
    assert.ok((await page.locator("svg[role=img]").count()) >= 1, "a ranking chart");
    await page.locator('a[href*="/results/2025/don-vi/"]').first().click();
    await page.waitForURL(/\/don-vi\//);
    await checkPage(page, "scorecard", 360);
    assert.ok((await page.locator("svg[role=img]").count()) >= 1, "the component chart (a trend needs two published years)");
    assert.match(await page.textContent("main"), /doanh nghiệp/);
    await page.emulateMedia({ media: "print" });
    const pdf = await page.pdf({ format: "A4" });
    assert.ok(pdf.length > 10000, "the scorecard prints");
    await page.emulateMedia({ media: "screen" });
    await page.goto(`${base}/results/2025/pci`);
    await checkPage(page, "PCI accountability", 360);
    await page.goto(`${base}/method?lang=en`);
    await checkPage(page, "method (English)", 360);
    assert.match(await page.textContent("h1"), /method/i);

    const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const admin = await desk.newPage();
    await admin.goto(`${base}/admin`);
    await admin.waitForURL(/\/admin\/login/);
    await checkPage(admin, "sign-in", 1280);
    await admin.getByLabel("Tên đăng nhập").fill("hiephoi");
    await admin.getByLabel("Mật khẩu").fill(PASSWORD);
    await admin.getByRole("button", { name: "Đăng nhập" }).click();
    await admin.waitForURL(/\/admin$/);
    await checkPage(admin, "admin dashboard", 1280);
    await admin.getByLabel("Năm").fill("2026");
    await admin.getByRole("button", { name: "Tạo kỳ khảo sát" }).click();
    await checkPage(admin, "confirmation", 1280);
    assert.match(await admin.textContent("main"), /Tạo kỳ khảo sát 2026\?/);
    await admin.getByRole("button", { name: "Xác nhận" }).click();
    await checkPage(admin, "outcome", 1280);
    await admin.goto(`${base}/admin/cycles/2025`);
    await checkPage(admin, "cycle and response monitor", 1280);
    await admin.goto(`${base}/admin/audit`);
    await checkPage(admin, "audit log", 1280);
    assert.match(await admin.textContent("main"), /cycle\.create/);
  } finally {
    await browser.close();
    server.kill();
  }
});
