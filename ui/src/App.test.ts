import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import App from "./App.svelte";
import type { AppInfo } from "./lib/bindings";

let target: HTMLElement;
let app: ReturnType<typeof mount> | undefined;
let calls: string[];

function render(): void {
  app = mount(App, { target });
  flushSync();
}

/** Answers app_info; every engine command fails as `notRunning` (no engine in these tests). */
function answer(respond: () => AppInfo | Promise<AppInfo>): void {
  mockIPC(
    (cmd) => {
      calls.push(cmd);
      if (cmd === "app_info") {
        return respond();
      }
      throw { kind: "notRunning" };
    },
    { shouldMockEvents: true },
  );
}

const appInfoCalls = () => calls.filter((c) => c === "app_info");

const banner = () => target.querySelector<HTMLElement>("#env-banner");
const version = () => target.querySelector<HTMLElement>("#app-version");
const errorPanel = () => target.querySelector<HTMLElement>("#app-error");

beforeEach(() => {
  calls = [];
  target = document.createElement("div");
  document.body.appendChild(target);
});

afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  target.remove();
  clearMocks();
});

describe("App", () => {
  it.each([
    ["paper", "PAPER", /local simulator/i],
    ["demo", "DEMO", /demo exchange/i],
    ["production", "PRODUCTION", /real money/i],
  ] as const)("shows the %s banner and the version from app_info", async (environment, label, description) => {
    answer(() => ({ version: "1.2.3", environment }));
    render();

    await vi.waitFor(() => expect(banner()).not.toBeNull());
    expect(appInfoCalls()).toEqual(["app_info"]);
    const el = banner()!;
    expect(el.querySelector(".env-label")?.textContent).toBe(label);
    expect(el.textContent).toMatch(description);
    expect(el.dataset.environment).toBe(environment);
    expect(el.classList.contains(`env-${environment}`)).toBe(true);
    expect(version()?.textContent).toBe("1.2.3");
    expect(errorPanel()).toBeNull();
  });

  it("shows neither a banner nor a version while app_info is pending", async () => {
    let resolve!: (info: AppInfo) => void;
    answer(() => new Promise<AppInfo>((r) => (resolve = r)));
    render();

    await vi.waitFor(() => expect(appInfoCalls()).toEqual(["app_info"]));
    expect(banner()).toBeNull();
    expect(version()).toBeNull();
    expect(target.textContent).toMatch(/connecting/i);

    resolve({ version: "0.9.0", environment: "paper" });
    await vi.waitFor(() => expect(banner()?.textContent).toContain("PAPER"));
    expect(version()?.textContent).toBe("0.9.0");
  });

  it("shows a clear error, and no environment or version, when app_info fails", async () => {
    answer(() => {
      throw "secrets store locked";
    });
    render();

    await vi.waitFor(() => expect(errorPanel()).not.toBeNull());
    const panel = errorPanel()!;
    expect(panel.getAttribute("role")).toBe("alert");
    expect(panel.textContent).toContain("Could not load app info");
    expect(panel.textContent).toContain("secrets store locked");
    expect(banner()).toBeNull();
    expect(version()).toBeNull();
    expect(target.textContent).toMatch(/backend unavailable/i);
  });

  it("recovers when Retry succeeds after a failure", async () => {
    let fail = true;
    answer(() => {
      if (fail) throw new Error("backend still starting");
      return { version: "2.0.0", environment: "demo" };
    });
    render();

    await vi.waitFor(() => expect(errorPanel()?.textContent).toContain("backend still starting"));
    fail = false;
    errorPanel()!.querySelector("button")!.click();

    await vi.waitFor(() => expect(banner()?.textContent).toContain("DEMO"));
    expect(version()?.textContent).toBe("2.0.0");
    expect(errorPanel()).toBeNull();
    expect(appInfoCalls()).toEqual(["app_info", "app_info"]);
  });

  it("explains that it is outside the desktop app when there is no Tauri IPC at all", async () => {
    render();

    await vi.waitFor(() => expect(errorPanel()).not.toBeNull());
    expect(errorPanel()!.textContent).toMatch(/not running inside the Kalshi MM desktop app/i);
    expect(banner()).toBeNull();
  });

  it("marks an environment value it does not recognise as UNKNOWN", async () => {
    answer(() => ({ version: "3.0.0", environment: "staging" }) as unknown as AppInfo);
    render();

    await vi.waitFor(() => expect(banner()).not.toBeNull());
    expect(banner()!.textContent).toContain("UNKNOWN");
    expect(banner()!.dataset.environment).toBe("unknown");
  });
});
