import { afterEach, describe, expect, it, vi } from "vitest";
import { backend, cleanup } from "../test/harness";
import { FILLS, LOGS, PNL, book, dashboard } from "../test/fixtures";
import { LiveStore } from "./live.svelte";

afterEach(cleanup);

function snapshots(cmd: string): unknown {
  switch (cmd) {
    case "dashboard":
      return dashboard();
    case "fills":
      return FILLS;
    case "pnl_history":
      return PNL;
    case "logs":
      return LOGS;
    case "book":
      return book();
    default:
      throw { kind: "engine", message: `unexpected ${cmd}` };
  }
}

describe("LiveStore", () => {
  it("loads every snapshot and then follows the events", async () => {
    const be = backend(snapshots);
    let now = 1_764_000_100_000;
    const store = new LiveStore(() => now);
    await store.start();

    expect(be.names().sort()).toEqual(["dashboard", "fills", "logs", "pnl_history"]);
    expect(store.loaded).toBe(true);
    expect(store.loadError).toBeNull();
    expect(store.state.dashboard?.netPnl).toBe("0.850000");
    expect(store.state.fills).toHaveLength(2);
    expect(store.state.logs).toHaveLength(3);

    now += 1000;
    await be.emit("dashboard-event", dashboard({ netPnl: "2.500000" }));
    await be.emit("book-event", book({ asks: [] }));
    await be.emit("fill-event", { ...FILLS[0], tradeId: "t-9" });
    await be.emit("log-event", { tsMs: now, level: "info", message: "quoted" });

    expect(store.state.dashboard?.netPnl).toBe("2.500000");
    expect(store.state.pnl.at(-1)).toEqual({ t: now, v: "2.500000" });
    expect(store.state.books["KXHIGHNY-25NOV24-T52"]?.asks).toEqual([]);
    expect(store.state.fills[0]?.tradeId).toBe("t-9");
    expect(store.state.logs.at(-1)?.message).toBe("quoted");

    await be.emit("kill-switch-event", { reason: "tray", cancels: 4 });
    expect(store.label).toBe("HALTED");
    expect(store.state.lastKill).toEqual({ reason: "tray", cancels: 4 });

    store.stop();
    await be.emit("dashboard-event", dashboard({ netPnl: "9.000000" }));
    expect(store.state.dashboard?.netPnl).toBe("2.500000");
  });

  it("reports a notRunning engine instead of throwing", async () => {
    backend(() => {
      throw { kind: "notRunning" };
    });
    const store = new LiveStore();
    await store.start();
    expect(store.state.dashboard).toBeNull();
    expect(store.loadError).toMatch(/engine is not running/i);
  });

  it("calls kill_switch with the reason and shows HALTED with the number of cancels", async () => {
    const be = backend((cmd) => (cmd === "kill_switch" ? 3 : snapshots(cmd)));
    const store = new LiveStore();
    await store.start();
    const outcome = await store.kill("manual");
    expect(outcome).toEqual({ ok: true, data: 3 });
    expect(be.calls.at(-1)).toEqual({ cmd: "kill_switch", args: { reason: "manual" } });
    expect(store.latched).toBe(true);
    expect(store.state.lastKill?.cancels).toBe(3);
    await vi.waitFor(() => expect(store.label).toBe("HALTED"));
  });
});
