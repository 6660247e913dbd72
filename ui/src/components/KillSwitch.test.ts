import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, backend, key, q, render, type } from "../test/harness";
import { dashboard } from "../test/fixtures";
import { LiveStore } from "../lib/live.svelte";
import KillSwitch from "./KillSwitch.svelte";
import Controls from "./Controls.svelte";

afterEach(cleanup);

async function setup(answers: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  const be = backend((cmd, args) => {
    const answer = answers[cmd];
    if (answer) return answer(args);
    if (cmd === "dashboard") return dashboard();
    if (cmd === "fills" || cmd === "pnl_history" || cmd === "logs") return [];
    throw { kind: "engine", message: `unexpected ${cmd}` };
  });
  const store = new LiveStore();
  await store.start();
  const root = render(KillSwitch, { store });
  return { be, store, root };
}

describe("KillSwitch", () => {
  it("engages with one click: calls kill_switch and shows HALTED", async () => {
    const { be, root } = await setup({ kill_switch: () => 2 });
    expect(q(root, "#kill-state").textContent).toBe("ACTIVE");
    q(root, "#kill-switch").click();

    await vi.waitFor(() => expect(q(root, "#kill-state").textContent).toBe("HALTED"));
    const call = be.calls.find((c) => c.cmd === "kill_switch");
    expect(call?.args.reason).toMatch(/desktop app/);
    expect(root.querySelector("#kill-switch"), "no second engage while latched").toBeNull();
    expect(root.textContent).toContain("2 cancelled");
    expect(q(root, "#reset-kill")).toBeTruthy();
  });

  it("asks for a name before resetting and sends it", async () => {
    const { be, root } = await setup({ kill_switch: () => 0, reset_kill_switch: () => null });
    q(root, "#kill-switch").click();
    await vi.waitFor(() => q(root, "#reset-kill"));

    q(root, "#reset-kill").click();
    const name = await vi.waitFor(() => q(root, "#reset-by") as HTMLInputElement);
    expect(root.querySelector("label[for=reset-by]")?.textContent).toMatch(/name/i);

    q(root, "#reset-confirm").click();
    await vi.waitFor(() => expect(q(root, "#kill-error").textContent).toMatch(/enter your name/i));
    expect(be.names()).not.toContain("reset_kill_switch");

    type(name, "  Ada Lovelace ");
    q(root, "#reset-confirm").click();
    await vi.waitFor(() => expect(q(root, "#kill-state").textContent).toBe("ACTIVE"));
    expect(be.calls.find((c) => c.cmd === "reset_kill_switch")?.args).toEqual({ by: "Ada Lovelace" });
    expect(q(root, "#kill-switch")).toBeTruthy();
  });

  it("engages from the keyboard with Ctrl+Shift+K", async () => {
    const { be, root } = await setup({ kill_switch: () => 0 });
    key(window as unknown as Element, "K", { ctrlKey: true, shiftKey: true });
    await vi.waitFor(() => expect(q(root, "#kill-state").textContent).toBe("HALTED"));
    expect(be.names()).toContain("kill_switch");
  });

  it("shows an engine error and stays ACTIVE when the kill switch fails", async () => {
    const { root } = await setup({
      kill_switch: () => {
        throw { kind: "engine", message: "cancel-all timed out" };
      },
    });
    q(root, "#kill-switch").click();
    await vi.waitFor(() => expect(q(root, "#kill-error").textContent).toContain("cancel-all timed out"));
    expect(q(root, "#kill-error").getAttribute("role")).toBe("alert");
    expect(q(root, "#kill-state").textContent).toBe("ACTIVE");
  });

  it("shows HALTED when the kill switch was engaged elsewhere (tray, CLI)", async () => {
    const { be, root } = await setup();
    await be.emit("kill-switch-event", { reason: "tray menu", cancels: 5 });
    await vi.waitFor(() => expect(q(root, "#kill-state").textContent).toBe("HALTED"));
    expect(root.textContent).toContain("tray menu");
  });
});

describe("Controls", () => {
  it("shows a notRunning error from start_quoting next to the buttons", async () => {
    const be = backend(() => {
      throw { kind: "notRunning" };
    });
    const root = render(Controls, { quoting: null, halted: false });
    q(root, "#start-quoting").click();
    await vi.waitFor(() => expect(q(root, "#controls-error").textContent).toMatch(/engine is not running/i));
    expect(be.names()).toEqual(["start_quoting"]);
  });

  it("shows an engine error from stop_quoting and calls onchange only on success", async () => {
    let fail = true;
    backend(() => {
      if (fail) throw { kind: "engine", message: "venue unreachable" };
      return null;
    });
    const onchange = vi.fn();
    const root = render(Controls, { quoting: true, halted: false, onchange });
    expect((q(root, "#start-quoting") as HTMLButtonElement).disabled).toBe(true);
    q(root, "#stop-quoting").click();
    await vi.waitFor(() => expect(q(root, "#controls-error").textContent).toBe("Stop failed: venue unreachable"));
    expect(onchange).not.toHaveBeenCalled();
    fail = false;
    q(root, "#stop-quoting").click();
    await vi.waitFor(() => expect(onchange).toHaveBeenCalledOnce());
    expect(root.querySelector("#controls-error")).toBeNull();
  });

  it("cannot start while the kill switch is latched", () => {
    backend(() => null);
    const root = render(Controls, { quoting: false, halted: true });
    expect((q(root, "#start-quoting") as HTMLButtonElement).disabled).toBe(true);
    expect((q(root, "#stop-quoting") as HTMLButtonElement).disabled).toBe(true);
  });
});
