import { afterEach, describe, expect, it, vi } from "vitest";
import { backend, cleanup, q, render, type } from "../test/harness";
import { SETTINGS } from "../test/fixtures";
import Settings from "./Settings.svelte";

afterEach(cleanup);

type Answers = Record<string, (args: Record<string, unknown>) => unknown>;

function setup(answers: Answers = {}, environment: "paper" | "demo" | "production" = "paper") {
  const be = backend((cmd, args) => {
    const answer = answers[cmd];
    if (answer) return answer(args);
    if (cmd === "get_settings") return SETTINGS;
    if (cmd === "key_status") return { demo: "demo-key-1", production: null };
    throw { kind: "engine", message: `unexpected ${cmd}` };
  });
  const onenvironmentchange = vi.fn();
  const root = render(Settings, { environment, onenvironmentchange });
  return { be, root, onenvironmentchange };
}

const input = (root: HTMLElement, sel: string) => q(root, sel) as HTMLInputElement;

describe("Settings: strategy and risk", () => {
  it("shows each validation error next to its field and marks the field invalid", async () => {
    const { be, root } = setup({
      save_settings: () => {
        throw {
          kind: "validation",
          fields: [
            { field: "minSpread", message: "must be at least 0.0100" },
            { field: "maxOpenOrders", message: "must be between 1 and 1000" },
          ],
        };
      },
    });
    await vi.waitFor(() => q(root, "#settings-form"));
    type(input(root, "#set-minSpread"), "0.0010");
    q(root, "#save-settings").click();

    await vi.waitFor(() => expect(q(root, "#err-minSpread").textContent).toBe("must be at least 0.0100"));
    expect(q(root, "#err-maxOpenOrders").textContent).toBe("must be between 1 and 1000");
    expect(q(root, "#err-orderAmount").textContent).toBe("");
    expect(input(root, "#set-minSpread").getAttribute("aria-invalid")).toBe("true");
    expect(input(root, "#set-orderAmount").getAttribute("aria-invalid")).toBe("false");
    // The error sits inside the field's own container, next to the input.
    expect(q(root, '[data-field="minSpread"]').contains(q(root, "#err-minSpread"))).toBe(true);
    expect(q(root, "#settings-error").textContent).toMatch(/fix/i);

    const saved = be.calls.find((c) => c.cmd === "save_settings");
    expect(saved?.args).toEqual({ settings: { ...SETTINGS, minSpread: "0.0010" } });
  });

  it("lists errors for fields that have no input in the general error", async () => {
    const { root } = setup({
      save_settings: () => {
        throw { kind: "validation", fields: [{ field: "markets", message: "at most 20" }] };
      },
    });
    await vi.waitFor(() => q(root, "#settings-form"));
    q(root, "#save-settings").click();
    await vi.waitFor(() => expect(q(root, "#settings-error").textContent).toBe("markets: at most 20"));
  });

  it("refuses a malformed decimal without asking the backend", async () => {
    const { be, root } = setup();
    await vi.waitFor(() => q(root, "#settings-form"));
    type(input(root, "#set-dailyLossLimit"), "fifty");
    q(root, "#save-settings").click();
    await vi.waitFor(() => expect(q(root, "#err-dailyLossLimit").textContent).toMatch(/decimal/i));
    expect(be.names()).not.toContain("save_settings");
  });

  it("confirms a successful save", async () => {
    const { root } = setup({ save_settings: () => null });
    await vi.waitFor(() => q(root, "#settings-form"));
    q(root, "#save-settings").click();
    await vi.waitFor(() => expect(root.textContent).toContain("Settings saved."));
  });

  it("explains why settings could not be loaded", async () => {
    const { root } = setup({
      get_settings: () => {
        throw { kind: "notRunning" };
      },
    });
    await vi.waitFor(() => expect(q(root, "#settings-error").textContent).toMatch(/engine is not running/i));
  });
});

describe("Settings: environment", () => {
  it("asks for confirmation before switching to production", async () => {
    const { be, root, onenvironmentchange } = setup({ switch_environment: () => null });
    type(q(root, "#env-select") as HTMLSelectElement, "production");
    q(root, "#env-switch").click();
    await vi.waitFor(() => q(root, "#prod-confirm"));
    expect(q(root, "#prod-confirm").textContent).toMatch(/real money/i);
    expect(be.names()).not.toContain("switch_environment");

    q(root, "#prod-confirm-yes").click();
    await vi.waitFor(() => expect(onenvironmentchange).toHaveBeenCalled());
    expect(be.calls.find((c) => c.cmd === "switch_environment")?.args).toEqual({
      environment: "production",
      confirmProduction: true,
    });
  });

  it("switches to demo without a dialog", async () => {
    const { be, root } = setup({ switch_environment: () => null });
    type(q(root, "#env-select") as HTMLSelectElement, "demo");
    q(root, "#env-switch").click();
    await vi.waitFor(() => expect(be.names()).toContain("switch_environment"));
    expect(be.calls.find((c) => c.cmd === "switch_environment")?.args).toEqual({
      environment: "demo",
      confirmProduction: false,
    });
    expect(root.querySelector("#prod-confirm")).toBeNull();
  });
});

describe("Settings: keys", () => {
  it("shows which environments have a key", async () => {
    const { root } = setup();
    await vi.waitFor(() => expect(q(root, '[data-key-env="demo"]').textContent).toContain("demo-key-1"));
    expect(q(root, '[data-key-env="production"]').textContent).toContain("no key");
  });

  it("imports a key from a .pem path and offers to delete the file", async () => {
    const { be, root } = setup({ import_key: () => null });
    type(q(root, "#key-env") as HTMLSelectElement, "production");
    type(input(root, "#key-id"), "a952bcbe-ec3b-4b5b");
    type(input(root, "#pem-path"), "/home/me/kalshi.pem");
    expect(input(root, "#delete-pem").checked).toBe(true);
    q(root, "#import-key").click();
    await vi.waitFor(() => expect(root.textContent).toMatch(/imported into the OS keychain/));
    expect(be.calls.find((c) => c.cmd === "import_key")?.args).toEqual({
      environment: "production",
      keyId: "a952bcbe-ec3b-4b5b",
      pemPath: "/home/me/kalshi.pem",
      deleteFile: true,
    });
  });

  it("shows import validation errors next to the key id and path", async () => {
    const { root } = setup({
      import_key: () => {
        throw { kind: "validation", fields: [{ field: "pemPath", message: "not a PEM private key" }] };
      },
    });
    q(root, "#import-key").click();
    // Empty inputs are caught locally first.
    await vi.waitFor(() => expect(q(root, "#err-keyId").textContent).toMatch(/key id/i));
    type(input(root, "#key-id"), "k");
    type(input(root, "#pem-path"), "/tmp/x.txt");
    q(root, "#import-key").click();
    await vi.waitFor(() => expect(q(root, "#err-pemPath").textContent).toBe("not a PEM private key"));
    expect(q(root, "#err-keyId").textContent).toBe("");
  });

  it("deletes a key after a second click", async () => {
    let demo: string | null = "demo-key-1";
    const { be, root } = setup({
      key_status: () => ({ demo, production: null }),
      delete_key: () => ((demo = null), null),
    });
    await vi.waitFor(() => q(root, '[data-delete-key="demo"]'));
    q(root, '[data-delete-key="demo"]').click();
    await vi.waitFor(() => q(root, '[data-delete-confirm="demo"]'));
    q(root, '[data-delete-confirm="demo"]').click();
    await vi.waitFor(() => expect(q(root, '[data-key-env="demo"]').textContent).toContain("no key"));
    expect(be.calls.find((c) => c.cmd === "delete_key")?.args).toEqual({ environment: "demo" });
  });
});
