// Real-window end-to-end test: drives the built desktop app through tauri-driver + WebKitWebDriver.
//
// Needs (set up by CI): an X display (Xvfb), `tauri-driver --native-driver /usr/bin/WebKitWebDriver`
// listening on 127.0.0.1:4444, and APP_BIN pointing at the app binary built with
// `--features custom-protocol` (so it embeds ui/dist instead of loading the dev server).
// Optional: SCREENSHOT_DIR to save a screenshot of the webview.
//
// Run with: npm --prefix ui run e2e   (node --test --test-concurrency=1 e2e/*.e2e.mjs; a bare
// directory would find nothing, as Node 20 only collects *.test.mjs-style names from it).
// One file at a time: tauri-driver handles a single WebDriver session.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { remote } from "webdriverio";

const APP_BIN = process.env.APP_BIN;
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR;
const TIMEOUT_MS = 20_000;

describe("desktop window", { timeout: 120_000 }, () => {
  /** @type {WebdriverIO.Browser} */
  let browser;

  before(async () => {
    assert.ok(APP_BIN, "APP_BIN must point at the built app binary (e.g. target/debug/kmm-desktop)");
    browser = await remote({
      hostname: "127.0.0.1",
      port: 4444,
      logLevel: "warn",
      connectionRetryTimeout: 60_000,
      connectionRetryCount: 1,
      // No browserName: tauri-driver rejects it ("Failed to match capabilities").
      capabilities: {
        "wdio:enforceWebDriverClassic": true,
        "tauri:options": { application: APP_BIN },
      },
    });
  });

  after(async () => {
    if (!browser) return;
    try {
      if (SCREENSHOT_DIR) {
        mkdirSync(SCREENSHOT_DIR, { recursive: true });
        const file = path.join(SCREENSHOT_DIR, "window.png");
        await browser.saveScreenshot(file);
        console.log(`# screenshot saved to ${file}`);
      }
    } finally {
      await browser.deleteSession();
    }
  });

  it("shows the PAPER environment banner from app_info", async () => {
    const banner = await browser.$("#env-banner");
    await banner.waitForExist({
      timeout: TIMEOUT_MS,
      timeoutMsg: "#env-banner never appeared: app_info failed or the UI did not load",
    });
    const text = await banner.getText();
    assert.match(text, /PAPER/, `banner should say PAPER by default, got: ${JSON.stringify(text)}`);
    assert.equal(await banner.getAttribute("data-environment"), "paper");
    // The banner colour comes from an inline style variable; check the webview applied it (CSP).
    // #1f9d55 is ENVIRONMENTS.paper.color in src/lib/environment.ts.
    const fill = await browser.$("#env-banner .env-label").getCSSProperty("background-color");
    assert.equal(fill.parsed?.hex, "#1f9d55", `PAPER label should be green, got ${fill.value}`);
    assert.equal(await browser.$("#app-error").isExisting(), false, "no error panel should be shown");
  });

  it("shows the app version in the status bar", async () => {
    const version = await browser.$("#app-version");
    await version.waitForExist({ timeout: TIMEOUT_MS, timeoutMsg: "#app-version never appeared" });
    const text = (await version.getText()).trim();
    assert.ok(text.length > 0, "version should not be empty");
    assert.match(text, /^\d+\.\d+\.\d+/, `version should look like semver, got: ${JSON.stringify(text)}`);
  });

  it("titles the window Kalshi MM", async () => {
    assert.match(await browser.getTitle(), /Kalshi MM/);
  });

  /** The number shown in an element (e.g. "#orders-count" → 6). */
  async function count(selector) {
    const text = await browser.$(selector).getText();
    const n = Number.parseInt(text.replace(/[^0-9-]/g, ""), 10);
    return Number.isNaN(n) ? 0 : n;
  }

  it("paper mode: synthetic markets appear and our quotes rest on them", async () => {
    await browser.waitUntil(async () => (await browser.$$("#markets-table [data-ticker]")).length >= 3, {
      timeout: TIMEOUT_MS,
      timeoutMsg: "the markets table never filled with the simulator's markets",
    });
    await browser.waitUntil(async () => (await count("#orders-count")) > 0, {
      timeout: TIMEOUT_MS,
      timeoutMsg: "no resting quote appeared",
    });
    assert.equal(await browser.$("#kill-state").getText(), "ACTIVE");
  });

  it("paper mode: synthetic takers fill our quotes", async () => {
    await browser.waitUntil(async () => (await count("#fills-count")) > 0, {
      timeout: 60_000,
      interval: 500,
      timeoutMsg: "no fill arrived within a minute",
    });
    if (SCREENSHOT_DIR) {
      await browser.saveScreenshot(path.join(SCREENSHOT_DIR, "dashboard-live.png"));
    }
  });

  it("the kill switch cancels every resting order and a named reset resumes quoting", async () => {
    await browser.$("#kill-switch").click();
    await browser.waitUntil(async () => (await browser.$("#kill-state").getText()) === "HALTED", {
      timeout: TIMEOUT_MS,
      timeoutMsg: "the kill switch did not latch HALTED",
    });
    await browser.waitUntil(async () => (await count("#orders-count")) === 0, {
      timeout: TIMEOUT_MS,
      timeoutMsg: "resting orders remained after the kill switch",
    });
    await browser.$("#reset-kill").click();
    await browser.$("#reset-by").setValue("e2e tester");
    await browser.$("#reset-confirm").click();
    await browser.waitUntil(async () => (await browser.$("#kill-state").getText()) === "ACTIVE", {
      timeout: TIMEOUT_MS,
      timeoutMsg: "the reset did not return to ACTIVE",
    });
    await browser.waitUntil(async () => (await count("#orders-count")) > 0, {
      timeout: TIMEOUT_MS,
      timeoutMsg: "quoting did not resume after the reset",
    });
  });
});
