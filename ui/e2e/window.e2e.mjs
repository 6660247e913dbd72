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
});
