// Browser test of the built dashboard against a mocked backend (no Rust, no WebKit):
// serves ui/dist with tests/mock-backend.mjs injected before the app bundle, drives headless
// Debian chromium through playwright-core, and saves docs/screenshots/dashboard-mock.png.
//
// Run: npm --prefix ui run test:browser   (builds ui/dist first, via pretest:browser)
// Env: CHROMIUM (default /usr/bin/chromium), SCREENSHOT (default <repo>/docs/screenshots/dashboard-mock.png).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const UI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST = path.join(UI, "dist");
const TAURI_API = path.join(UI, "node_modules", "@tauri-apps", "api");
const MOCK = path.join(UI, "tests", "mock-backend.mjs");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const SCREENSHOT = process.env.SCREENSHOT ?? path.join(UI, "..", "docs", "screenshots", "dashboard-mock.png");
const TIMEOUT = 15_000;

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png" };

/** Resolves a URL path under `root`, refusing anything that escapes it. */
function inside(root, urlPath) {
  const file = path.join(root, path.normalize(decodeURIComponent(urlPath)).replace(/^([/\\])+/, ""));
  return file.startsWith(root + path.sep) ? file : null;
}

function serve() {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    let file;
    if (url.pathname === "/" || url.pathname === "/index.html") {
      // Inject the mock backend before the app's module script: module scripts run in order.
      const html = readFileSync(path.join(DIST, "index.html"), "utf8").replace(
        /<script type="module"/,
        '<script type="module" src="/__mock/backend.mjs"></script>\n    <script type="module"',
      );
      res.writeHead(200, { "content-type": "text/html" }).end(html);
      return;
    } else if (url.pathname === "/favicon.ico") {
      res.writeHead(204).end(); // browsers ask for it; the Tauri webview does not
      return;
    } else if (url.pathname === "/__mock/backend.mjs") {
      file = MOCK;
    } else if (url.pathname.startsWith("/__tauri_api/")) {
      file = inside(TAURI_API, url.pathname.slice("/__tauri_api/".length));
    } else {
      file = inside(DIST, url.pathname);
    }
    if (!file || !existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("dashboard in a browser, mocked backend", { timeout: 120_000 }, () => {
  let server;
  let browser;
  let page;
  const problems = [];

  before(async () => {
    assert.ok(existsSync(path.join(DIST, "index.html")), "ui/dist is missing: run `npm --prefix ui run build` first");
    server = await serve();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"], headless: true });
    // The Tauri window's size; a fixed zone and clock keep the screenshot the same on every run.
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, timezoneId: "America/New_York" });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("response", (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
    });
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console.error: ${m.text()}`);
    });
    // A controllable clock, so a minute of 4 Hz dashboard events can be played in an instant.
    await page.clock.install({ time: new Date("2025-11-24T19:30:00Z") });
    const { port } = server.address();
    await page.goto(`http://127.0.0.1:${port}/`);
    // From here on time moves only when the test says so.
    await page.clock.pauseAt(new Date("2025-11-24T19:30:05Z"));
  });

  after(async () => {
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r()));
  });

  it("loads the dashboard with the PAPER banner, version and the markets table", async () => {
    await page.waitForSelector("#markets-table tr[data-ticker]", { timeout: TIMEOUT });
    assert.match(await page.textContent("#env-banner"), /PAPER/);
    assert.equal(await page.textContent("#app-version"), "0.1.0");
    const tickers = await page.$$eval("#markets-table tr[data-ticker]", (rows) => rows.map((r) => r.dataset.ticker));
    assert.deepEqual(tickers, [
      "KXHIGHNY-25NOV24-T52",
      "KXFEDDECISION-25DEC-H0",
      "KXBTCD-25NOV2417-T98000",
      "KXNBAGAME-25NOV24LALBOS",
    ]);
    const firstRow = await page.$$eval("#markets-table tr[data-ticker]:first-child td", (tds) => tds.map((td) => td.textContent.trim()));
    assert.match(firstRow[2], /^\d+\.\d{2}¢$/, `bid should be cents, got ${firstRow[2]}`);
    assert.match(firstRow[7], /^[+-]?\d+$/, `position should be a count, got ${firstRow[7]}`);
    assert.match(firstRow[8], /^[+-]?\$\d/, `P&L should be dollars, got ${firstRow[8]}`);
    assert.equal(await page.textContent("#kill-state"), "ACTIVE");
    assert.match(await page.textContent("#orders-count"), /^\d+$/);
    assert.match(await page.textContent("#fills-count"), /^\d+$/);
    assert.match(await page.textContent("#net-pnl"), /^[+-]?\$\d+\.\d{2}$/);
  });

  it("selects a market and shows its ladder with our orders highlighted", async () => {
    const ticker = "KXFEDDECISION-25DEC-H0";
    await page.click(`#markets-table tr[data-ticker="${ticker}"]`);
    await page.waitForSelector(`#book-ladder[data-ticker="${ticker}"] .level[data-side="bid"]`, { timeout: TIMEOUT });
    assert.equal(await page.getAttribute(`#markets-table tr[data-ticker="${ticker}"]`, "aria-selected"), "true");
    assert.ok((await page.$$("#book-ladder .level[data-side='ask']")).length > 0, "asks shown");
    assert.ok((await page.$$("#book-ladder .level.ours")).length > 0, "our orders are highlighted");
    const widths = await page.$$eval("#book-ladder .depth-bar", (bars) => bars.map((b) => parseFloat(b.style.width)));
    assert.equal(Math.max(...widths), 100, "the largest level fills its bar");

    // Arrow keys move the selection.
    await page.keyboard.press("ArrowDown");
    await page.waitForSelector('#book-ladder[data-ticker="KXBTCD-25NOV2417-T98000"]', { timeout: TIMEOUT });
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("ArrowUp");
    await page.waitForSelector('#book-ladder[data-ticker="KXHIGHNY-25NOV24-T52"]', { timeout: TIMEOUT });
  });

  it("draws the price and P&L charts and saves a screenshot", async () => {
    // Play 90 s of dashboard events (one mid point per second is kept).
    await page.clock.runFor(90_000);
    await page.waitForFunction(() => Number(document.querySelector(".charts .canvas")?.dataset.points ?? 0) >= 60, null, {
      timeout: TIMEOUT,
    });
    // A few animation frames (and no dashboard tick) so the charts paint the last update.
    await page.clock.runFor(100);
    assert.equal(await page.locator(".charts canvas").first().isVisible(), true, "lightweight-charts drew a canvas");
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    console.log(`# screenshot saved to ${path.relative(process.cwd(), SCREENSHOT)}`);
  });

  it("engages the kill switch with one click and shows HALTED until a named reset", async () => {
    await page.click("#kill-switch");
    await page.waitForFunction(() => document.querySelector("#kill-state")?.textContent === "HALTED", null, { timeout: TIMEOUT });
    const calls = await page.evaluate(() => window.__mockCalls.filter((c) => c.cmd === "kill_switch"));
    assert.equal(calls.length, 1, "kill_switch called once");
    assert.match(calls[0].args.reason, /desktop app/);
    // Later dashboard snapshots agree.
    await page.clock.runFor(1_000);
    await page.waitForFunction(() => document.querySelector("#orders-count")?.textContent === "0", null, { timeout: TIMEOUT });
    assert.equal(await page.textContent("#kill-state"), "HALTED");

    await page.click("#reset-kill");
    await page.fill("#reset-by", "Ada");
    await page.click("#reset-confirm");
    await page.waitForSelector("#kill-switch", { timeout: TIMEOUT });
    // The risk state comes back with the next snapshot (≤ 250 ms).
    await page.clock.runFor(1_000);
    await page.waitForFunction(() => document.querySelector("#kill-state")?.textContent === "ACTIVE", null, { timeout: TIMEOUT });
    const reset = await page.evaluate(() => window.__mockCalls.find((c) => c.cmd === "reset_kill_switch"));
    assert.deepEqual(reset.args, { by: "Ada" });
  });

  it("shows settings validation errors next to the field", async () => {
    await page.keyboard.press("Alt+3");
    await page.waitForSelector("#settings-form", { timeout: TIMEOUT });
    await page.fill("#set-minSpread", "0.0010");
    await page.click("#save-settings");
    await page.waitForFunction(() => document.querySelector("#err-minSpread")?.textContent?.includes("at least"), null, {
      timeout: TIMEOUT,
    });
    assert.equal(await page.getAttribute("#set-minSpread", "aria-invalid"), "true");
  });

  it("logged no page errors", () => {
    assert.deepEqual(problems, []);
  });
});
