// What people see, at a phone's 360 px and a desk's 1280 px, on a newcomer's first run (the
// demo: 2024 published, 2025 open, codes on the console): a business skips an untouched block
// only after confirming, follows its progress, and is thanked again on reload and in English;
// unknown addresses are 404 pages of the site; the ranking's group colours are distinct and
// ordered, the same in chart, legend and table; scorecards say which way is better. axe-core
// finds no serious or critical violation on any page. The README's screenshots are made here.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, seriousViolations, startDemo } from "./server.mjs";

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), "../../docs/screenshots");
const WIDTHS = [360, 1280];
let demo;
let browser;

before(async () => {
  demo = await startDemo(mkdtempSync(join(tmpdir(), "ddci-first-run-")));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  demo?.server.kill();
});

async function open(width) {
  // The axe script is injected inline, which the site's CSP (rightly) forbids.
  const context = await browser.newContext({ viewport: { width, height: width < 600 ? 740 : 860 }, bypassCSP: true });
  return context.newPage();
}

async function checkPage(page, name, width) {
  assert.deepEqual(await seriousViolations(page), [], `${name} at ${width} px: accessibility`);
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scroll <= width, `${name}: fits ${width} px (scroll width ${scroll})`);
}

async function screenshot(page, name, width) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`) });
}

/** The progress line's percentage. */
async function percent(page) {
  const text = await page.locator(".orientation .progress").textContent();
  return Number(text.match(/(\d+)%/)[1]);
}

for (const [i, width] of WIDTHS.entries()) {
  test(`a business skips an untouched block only after confirming, and is thanked again (${width} px)`, async () => {
    const page = await open(width);
    await page.goto(`${demo.base}/`);
    await checkPage(page, "landing", width);
    await screenshot(page, "landing", width);

    await page.goto(`${demo.base}/survey?code=${demo.codes[i]}`);
    await page.getByRole("button", { name: "Bắt đầu" }).click();
    await page.waitForURL(/\/survey\/profile$/);
    await checkPage(page, "profile", width);
    assert.equal(await percent(page), 0);
    assert.ok(await page.getByText(/tiếp tục sau bằng chính mã mời này/).isVisible(), "the saved note");
    await page.getByRole("group", { name: "Số lao động hiện nay của doanh nghiệp" }).getByLabel("Dưới 10 người").check();
    await page.getByLabel("Thuế tỉnh Lạng Sơn").check();
    await page.getByLabel("Xã Hữu Lũng").check();
    await page.getByRole("button", { name: "Lưu và tiếp tục" }).click();

    await page.waitForURL(/\/survey\/unit\/DEP_THUE_TINH$/);
    await checkPage(page, "department block", width);
    assert.ok((await percent(page)) > 0, "the profile answer counts");
    assert.match(await page.locator(".orientation").textContent(), /còn khoảng \d+ phút/);
    assert.equal(await page.getByRole("link", { name: /Quay lại/ }).getAttribute("href"), "/survey/profile");
    assert.ok((await page.getByLabel("Số ngày").count()) >= 1, "number questions say what they count");
    const fontSize = await page.locator("input.number").first().evaluate((e) => getComputedStyle(e).fontSize);
    assert.equal(fontSize, "16px", "no zoom on focus in iOS");
    await screenshot(page, "survey", width);

    // Nothing answered: the block is not counted as done; the business is asked.
    await page.getByRole("button", { name: "Lưu và tiếp tục" }).click();
    await page.waitForURL(/\/survey\/unit\/DEP_THUE_TINH\/skip$/);
    await checkPage(page, "skip prompt", width);
    assert.match(await page.textContent("main"), /Bạn chưa trả lời câu nào về đơn vị này — bỏ qua đơn vị này\?/);
    await page.getByRole("link", { name: "Trả lời về đơn vị này" }).click();
    await page.waitForURL(/\/survey\/unit\/DEP_THUE_TINH$/);
    await page.getByRole("button", { name: "Lưu và tiếp tục" }).click();
    await page.waitForURL(/\/skip$/);
    await page.getByRole("button", { name: "Bỏ qua đơn vị này" }).click();

    await page.waitForURL(/\/survey\/unit\/COM_HUU_LUNG$/);
    await page.locator("fieldset.question").first().getByLabel("Đồng ý", { exact: true }).check();
    await page.getByRole("button", { name: "Lưu và tiếp tục" }).click();
    await page.waitForURL(/\/survey\/review$/);
    await checkPage(page, "review", width);
    const review = await page.textContent("main");
    assert.doesNotMatch(review, /Thuế tỉnh Lạng Sơn/, "the skipped unit left the list");
    assert.ok(await page.locator(".few-answers").isVisible(), "a block with few answers is flagged");

    await page.getByRole("button", { name: "Gửi phiếu" }).click();
    await page.waitForURL(/\/survey\/thanks\?receipt=/);
    await checkPage(page, "thank you", width);
    await page.reload();
    assert.match(await page.textContent("main"), /Phiếu của doanh nghiệp đã được ghi nhận/, "a reload thanks again");
    await page.getByRole("link", { name: "English" }).click();
    assert.match(await page.textContent("main"), /Your questionnaire has been recorded/);
    await checkPage(page, "thank you (English)", width);
    await page.reload();
    assert.match(await page.textContent("main"), /Your questionnaire has been recorded/);
    await page.context().close();
  });

  test(`unknown addresses are 404 pages of the site (${width} px)`, async () => {
    const page = await open(width);
    for (const path of ["/results/abc", "/khong-co", "/results/2024/don-vi/KHONG_CO"]) {
      const response = await page.goto(`${demo.base}${path}`);
      assert.equal(response.status(), 404, path);
      await checkPage(page, `404 ${path}`, width);
      assert.ok(await page.locator("header.site").isVisible(), `${path}: in the site's layout`);
      assert.match(await page.textContent("main"), /Không tìm thấy|không có đơn vị nào với mã đó/, path);
      assert.doesNotMatch(await page.textContent("main"), /parse|i32|chưa được công bố/, path);
    }
    await page.context().close();
  });

  test(`the ranking's group colours are ordered and shared, scorecards say which way is better (${width} px)`, async () => {
    const page = await open(width);
    await page.goto(`${demo.base}/results/2024`);
    await checkPage(page, "ranking", width);
    await screenshot(page, "ranking", width);
    const legend = await page.locator(".swatch rect").evaluateAll((rs) => rs.map((r) => r.getAttribute("fill").toLowerCase()));
    assert.equal(new Set(legend).size, legend.length, `distinct group colours: ${legend}`);
    const lum = (hex) => {
      const [r, g, b] = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    for (let k = 1; k < legend.length; k++) {
      assert.ok(lum(legend[k - 1]) < lum(legend[k]), `the best group darkest, each next lighter: ${legend}`);
    }
    // Bars top to bottom are in rank order, so their group colours never go back up the legend.
    const bars = await page.locator("figure.chart svg").first().locator("rect").evaluateAll((rs) =>
      rs.map((r) => ({ y: Number(r.getAttribute("y")), fill: (r.getAttribute("fill") || "").toLowerCase() })));
    const steps = bars.filter((b) => legend.includes(b.fill)).sort((a, b) => a.y - b.y).map((b) => legend.indexOf(b.fill));
    assert.ok(steps.length > 5, "bars are drawn in the group colours");
    assert.deepEqual(steps, [...steps].sort((a, b) => a - b), "groups in order down the chart");
    // The table marks each row with the same colour as the chart.
    const mark = await page.locator("tr.g0 td").first().evaluate((td) => getComputedStyle(td).borderLeftColor);
    const [r, g, b] = [1, 3, 5].map((k) => parseInt(legend[0].slice(k, k + 2), 16));
    assert.equal(mark, `rgb(${r}, ${g}, ${b})`);
    const ticks = (await page.locator("figure.chart svg").first().locator("text").allTextContents()).map((t) => t.trim());
    assert.ok(ticks.includes("100") && !ticks.some((t) => /\d\.\d/.test(t)), `ticks in vi-VN: ${ticks}`);

    await page.locator('a[href*="/results/2024/don-vi/"]').first().click();
    await page.waitForURL(/\/don-vi\//);
    await checkPage(page, "scorecard", width);
    const card = await page.textContent("main");
    assert.match(card, /càng cao càng tốt/);
    assert.match(card, /càng thấp càng tốt/);
    assert.match(card, /Trung vị điểm tổng hợp của/);
    await screenshot(page, "scorecard", width);
    await page.context().close();
  });

  test(`a header of at most two lines, the PCI table, the chart and the results index read at ${width} px`, async () => {
    const page = await open(width);
    await page.goto(`${demo.base}/results/2024/pci`);
    await checkPage(page, "PCI", width);
    // The header: at most two lines of text (line height about 24 px, padding included).
    const header = await page.locator("header.site").evaluate((h) => h.getBoundingClientRect().height);
    assert.ok(header <= 80, `header of at most two lines: ${header} px`);
    // Every PCI row is within the screen: the table does not scroll sideways.
    const wrap = await page.locator(".table-wrap").first().evaluate((w) => [w.scrollWidth, w.clientWidth]);
    assert.ok(wrap[0] <= wrap[1] + 1, `the PCI table fits: ${wrap}`);
    const land = await page.locator("table.pci tbody tr", { hasText: "Tiếp cận đất đai" }).textContent();
    assert.match(land, /Trung vị của 11 đơn vị UBND huyện, thành phố/);
    assert.match(land, /\d+\/25/);

    await page.goto(`${demo.base}/results/2024`);
    const chart = page.locator("figure.ranking-chart").first();
    if (width < 600) {
      assert.equal(await chart.isVisible(), false, "the stacked table stands in for the chart");
      assert.ok(await page.locator(".narrow-note").first().isVisible());
    } else {
      // Names at 11 px or more on screen, never cut with an ellipsis.
      const names = await chart.locator("svg text[text-anchor=end]").evaluateAll((ts) =>
        ts.filter((t) => t.textContent.trim() !== "").map((t) => {
          const svg = t.ownerSVGElement;
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          return [t.textContent.trim(), Number(t.getAttribute("font-size")) * scale];
        }));
      assert.ok(names.length > 20, "names drawn");
      assert.ok(names.every(([name]) => !name.endsWith("…")), "names wrapped, not cut");
      assert.ok(names.every(([, px]) => px >= 10.9), `names at 11 px or more: ${names.map((n) => n[1])}`);
    }

    await page.goto(`${demo.base}/results`);
    await checkPage(page, "results index", width);
    const index = await page.textContent("main");
    assert.match(index, /Cao nhất/);
    assert.match(index, /Thấp nhất/);
    assert.match(index, /Xếp hạng 25 trên 25 đơn vị/);
    assert.match(index, /\d\.\d{3} lượt doanh nghiệp đánh giá/);
    await page.goto(`${demo.base}/method`);
    await checkPage(page, "method", width);
    await page.locator('a[href="/method/phu-luc"]').first().click();
    await page.waitForURL(/phu-luc/);
    await checkPage(page, "method annex", width);
    await page.context().close();
  });
}
